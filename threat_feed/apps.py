from django.apps import AppConfig


class ThreatFeedConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "threat_feed"
