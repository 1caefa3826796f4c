from typing import cast

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

CONFIDENTIAL_AUDIT_PREFIXES = (
    "wellbeing.checkin",
    "wellbeing.case",
    "wellbeing.queue",
    "wellbeing.person",
    "wellbeing.note",
    "wellbeing.follow_up",
    "wellbeing.adjustment",
    "wellbeing.exported",  # a person downloading or erasing their own wellbeing data
    "wellbeing.erased",
)


class WellbeingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wellbeing"
    verbose_name = _("Wellbeing")

    def ready(self) -> None:
        from accounts.privacy import privacy_register
        from accounts.registries import (
            audit_action_labels_register,
            audit_confidential_prefix_register,
            dashboard_panel_register,
            demo_seeder_register,
        )
        from notifications.kinds import notification_kind_register

        from . import permissions  # noqa: F401  (rules)
        from .models import AgencyInstrument, Instrument
        from .selectors import SCHEDULES

        # What an agency offers is cached (selectors.schedule_list_for_agency).
        for model in (Instrument, AgencyInstrument):
            post_save.connect(SCHEDULES.forget, sender=model, dispatch_uid=f"schedules-{model}")
            post_delete.connect(SCHEDULES.forget, sender=model, dispatch_uid=f"schedules-d-{model}")
        from .demo import wellbeing_demo_seed
        from .panels import lead_panel, person_panel, team_panel
        from .services import (
            KIND_ADJUSTMENT,
            KIND_REMINDER,
            KIND_REVIEW,
            wellbeing_data_erase,
            wellbeing_data_export,
        )

        # A lead's reads and actions on a person's check-ins say that the person was flagged:
        # only that person sees those audit rows (their "who viewed" page). Agency settings
        # changes (wellbeing.settings_changed) stay in the ordinary audit list.
        for prefix in CONFIDENTIAL_AUDIT_PREFIXES:
            audit_confidential_prefix_register(prefix)
        audit_action_labels_register(
            {
                "wellbeing.checkin_viewed": _("Your wellbeing lead opened a check-in"),
                "wellbeing.case_viewed": _("Your wellbeing lead opened a review"),
                "wellbeing.person_viewed": _("Your wellbeing lead opened your wellbeing history"),
                "wellbeing.queue_listed": _("Your wellbeing lead saw you in the review queue"),
                "wellbeing.case_status_changed": _("Your wellbeing lead updated a review"),
                "wellbeing.note_added": _("Your wellbeing lead added a note"),
                "wellbeing.follow_up_set": _("Your wellbeing lead set a follow-up date"),
                "wellbeing.adjustment_set": _("An adjustment was recommended"),
                "wellbeing.adjustment_cleared": _("The adjustment recommendation ended"),
                "wellbeing.exported": _("Downloaded the wellbeing data"),
                "wellbeing.erased": _("Erased the wellbeing data"),
                "wellbeing.aggregates_exported": _("Downloaded the wellbeing overview"),
                "wellbeing.settings_changed": _("Changed the agency's wellbeing settings"),
                "wellbeing.retention_purged": _("Deleted check-ins past the retention period"),
            }
        )
        notification_kind_register(KIND_REMINDER, _("Wellbeing check-in reminders"), "immediate")
        notification_kind_register(KIND_REVIEW, _("Wellbeing review queue"), "immediate")
        notification_kind_register(KIND_ADJUSTMENT, _("Adjustments recommended"), "immediate")
        privacy_register(
            name="wellbeing",
            describes=cast(
                str,
                _(
                    "Your wellbeing check-ins (answers, scores, anything you wrote, requests to "
                    "talk), what your wellbeing lead recorded when following them up, your "
                    "exposure log, adjustment recommendations and your wellbeing settings."
                ),
            ),
            export=wellbeing_data_export,
            erase=wellbeing_data_erase,
        )
        dashboard_panel_register(
            name="wellbeing",
            template="wellbeing/panels/person.html",
            context=person_panel,
            order=40,
        )
        dashboard_panel_register(
            name="wellbeing_queue",
            template="wellbeing/panels/lead.html",
            context=lead_panel,
            order=41,
        )
        dashboard_panel_register(
            name="wellbeing_team",
            template="wellbeing/panels/team.html",
            context=team_panel,
            order=42,
        )
        demo_seeder_register(name="wellbeing", seed=wellbeing_demo_seed, order=500)
