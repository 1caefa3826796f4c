from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Supervisor reporting")

    def ready(self) -> None:
        from accounts.registries import audit_action_labels_register, demo_seeder_register
        from notifications.kinds import notification_kind_register

        from . import (
            permissions,  # noqa: F401  (registers the rules)
            signals,
        )
        from .demo import seed_reporting

        # "Not by email" on the preferences page is the opt-out of the monthly report email;
        # the report still lands in the inbox.
        notification_kind_register(
            "reporting.monthly", _("Monthly training report (supervisors)"), "immediate"
        )
        signals.connect()
        demo_seeder_register(name="reporting", seed=seed_reporting, order=40)
        audit_action_labels_register(
            {
                "reporting.learner_record_view": _("Opened the training record"),
                "reporting.export_csv": _("Downloaded a training report (CSV)"),
                "reporting.export_xlsx": _("Downloaded a training report (XLSX)"),
            }
        )
