from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreatFeedConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "threat_feed"
    verbose_name = _("Trends feed")

    def ready(self) -> None:
        from notifications.kinds import notification_kind_register

        from . import permissions  # noqa: F401  (registers the rules)
        from .services import KIND_DIGEST, KIND_REVIEW, KIND_SOURCE_PAUSED

        notification_kind_register(
            KIND_SOURCE_PAUSED, _("Trends: a source you look after was paused"), "immediate"
        )
        notification_kind_register(KIND_REVIEW, _("Trends: curriculum reviews"), "immediate")
        notification_kind_register(KIND_DIGEST, _("Trends: weekly digest"), "immediate")
