from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentoring"
    verbose_name = _("Mentoring, peers and events")

    def ready(self) -> None:
        from accounts.privacy import privacy_register
        from accounts.registries import (
            audit_action_labels_register,
            dashboard_panel_register,
            demo_seeder_register,
            training_record_part_register,
        )
        from notifications.kinds import notification_kind_register

        from . import permissions  # noqa: F401  (registers the rules)
        from .selectors import training_record_competency_rows, training_record_event_rows

        # Evidence for the training record: what a mentor observed, and CPD from events. Never
        # goals, sessions or notes, which stay with the pair.
        training_record_part_register(
            name="mentoring.competencies",
            title=_("Practical competencies observed by a mentor"),
            columns=(_("Competency"), _("Observed on"), _("Observed by")),
            rows=training_record_competency_rows,
            empty=_("No practical competency signed off yet."),
            order=10,
        )
        training_record_part_register(
            name="mentoring.events",
            title=_("Events attended"),
            columns=(_("Event"), _("Date"), _("CPD hours")),
            rows=training_record_event_rows,
            empty=_("No event attended yet."),
            order=20,
        )
        audit_action_labels_register(
            {
                "mentoring.pairing_status_viewed": _("Looked at the status of a mentoring pairing"),
                "mentoring.admin_viewed": _("Looked at mentoring records in the administration"),
            }
        )
        from .dashboard import mentoring_dashboard_panel
        from .demo import mentoring_demo_seed
        from .privacy_parts import mentoring_data_erase, mentoring_data_export
        from .services.common import (
            KIND_CONTACT,
            KIND_EVENT,
            KIND_NUDGE,
            KIND_PAIRING,
            KIND_SESSION,
        )

        notification_kind_register(KIND_PAIRING, _("Mentoring: proposals and answers"), "immediate")
        notification_kind_register(
            KIND_SESSION, _("Mentoring: sessions and reminders"), "immediate"
        )
        notification_kind_register(
            KIND_NUDGE, _("Mentoring: pairs without recent sessions"), "digest"
        )
        notification_kind_register(KIND_CONTACT, _("Peer directory: contact requests"), "immediate")
        notification_kind_register(
            KIND_EVENT, _("Events: places, changes and reminders"), "immediate"
        )
        privacy_register(
            name="mentoring",
            describes=cast(
                str,
                _(
                    "Your mentor profile, requests for a mentor, mentoring pairings with their "
                    "goals, sessions and private notes, competencies a mentor observed, your peer "
                    "directory listing and contact requests, event registrations, attendance and "
                    "CPD hours, and whether you have a calendar feed."
                ),
            ),
            export=mentoring_data_export,
            erase=mentoring_data_erase,
        )
        dashboard_panel_register(
            name="mentoring",
            template="mentoring/_dashboard_panel.html",
            context=mentoring_dashboard_panel,
            order=40,
        )
        demo_seeder_register(name="mentoring", seed=mentoring_demo_seed, order=500)
