from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from accounts.registries import (
            audit_action_labels_register,
            dashboard_panel_register,
            demo_seeder_register,
        )
        from notifications.kinds import notification_kind_register

        from . import permissions  # noqa: F401  (registers the rules)
        from .dashboard import learning_panel_context, supervision_panel_context

        notification_kind_register("courses.assigned", _("Courses assigned to you"), "immediate")
        audit_action_labels_register(
            {
                "courses.assign": _("Assigned a course"),
                "courses.certificate_revoke": _("Revoked a certificate"),
                "courses.course_archive": _("Archived a course"),
                "courses.course_create": _("Created a course"),
                "courses.course_publish": _("Published a course"),
                "courses.module_publish": _("Published a module version"),
                "courses.module_retire": _("Removed a module from a course"),
                "courses.quiz_attempts_grant": _("Gave a learner more quiz attempts"),
                "courses.refresher_policy_save": _("Changed a refresher policy"),
                "courses.refreshers_assign": _("Assigned refreshers for a course update"),
                "courses.reminders_retry": _("Queued given-up reminders again"),
                "courses.rule_create": _("Added an assignment rule"),
                "courses.rule_deactivate": _("Stopped an assignment rule"),
                "courses.staff_add": _("Added course staff"),
                "courses.staff_remove": _("Removed course staff"),
            }
        )
        notification_kind_register("courses.certificate", _("Certificates"), "immediate")
        # A trainer gave more attempts at a quiz: the learner is waiting for it.
        notification_kind_register(
            "courses.attempts", _("More quiz attempts given to you"), "immediate"
        )
        notification_kind_register(
            "courses.reminder",
            _("Reminders about due dates and expiring certificates"),
            "immediate",
        )
        # Supervisors get one email a day grouping these (the notifications digest).
        notification_kind_register(
            "courses.escalation", _("Overdue training in the units you supervise"), "digest"
        )
        dashboard_panel_register(
            name="courses.learning",
            template="courses/panels/learning.html",
            context=learning_panel_context,
            order=10,
        )
        dashboard_panel_register(
            name="courses.supervision",
            template="courses/panels/supervision.html",
            context=supervision_panel_context,
            order=15,
        )
        from .demo import seed_courses

        demo_seeder_register(name="courses", seed=seed_courses, order=20)

        from accounts.privacy import privacy_register

        from .privacy_parts import DESCRIBES, courses_data_erase, courses_data_export

        privacy_register(
            name="courses",
            describes=str(DESCRIBES),
            export=courses_data_export,
            erase=courses_data_erase,
        )
