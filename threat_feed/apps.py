from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreatFeedConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "threat_feed"
    verbose_name = _("Trends feed")

    def ready(self) -> None:
        from accounts.privacy import privacy_register
        from accounts.registries import (
            audit_action_labels_register,
            dashboard_panel_register,
            demo_seeder_register,
        )
        from notifications.kinds import notification_kind_register

        from . import permissions  # noqa: F401  (registers the rules)
        from .dashboard import trend_dashboard_panel
        from .demo import seed_threat_feed
        from .privacy_parts import trend_data_erase, trend_data_export
        from .services import KIND_DIGEST, KIND_REVIEW, KIND_SOURCE_PAUSED

        notification_kind_register(
            KIND_SOURCE_PAUSED, _("Trends: a source you look after was paused"), "immediate"
        )
        audit_action_labels_register(
            {
                "threat_feed.item_triage": _("Triaged a trend item"),
                "threat_feed.item_write": _("Wrote a trend item"),
                "threat_feed.review_open": _("Opened a curriculum review"),
                "threat_feed.review_close": _("Closed a curriculum review"),
                "threat_feed.rule_create": _("Added a tag rule"),
                "threat_feed.rule_delete": _("Deleted a tag rule"),
                "threat_feed.rules_apply": _("Suggested tags again for waiting items"),
                "threat_feed.source_create": _("Added a trend source"),
                "threat_feed.source_update": _("Changed a trend source"),
                "threat_feed.source_pause": _("Paused a trend source"),
                "threat_feed.source_resume": _("Resumed a trend source"),
                "threat_feed.stix_upload": _("Uploaded a STIX bundle"),
            }
        )
        notification_kind_register(KIND_REVIEW, _("Trends: curriculum reviews"), "immediate")
        notification_kind_register(KIND_DIGEST, _("Trends: weekly digest"), "immediate")
        dashboard_panel_register(
            name="threat_feed",
            template="threat_feed/_dashboard_panel.html",
            context=trend_dashboard_panel,
            order=50,
        )
        privacy_register(
            name="threat_feed",
            describes=cast(
                str,
                _(
                    "The trend sources you look after, the trend items you wrote, your triage "
                    "decisions and the curriculum reviews you closed."
                ),
            ),
            export=trend_data_export,
            erase=trend_data_erase,
        )
        demo_seeder_register(name="threat_feed", seed=seed_threat_feed, order=60)
