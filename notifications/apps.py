from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from accounts.privacy import privacy_register
        from accounts.registries import demo_seeder_register, person_notifier_register

        from . import kinds, permissions  # noqa: F401  (built-in kinds, rules)
        from .demo import notification_demo_seed
        from .services import notification_data_erase, notification_data_export, notification_send

        # accounts sits below notifications: it tells people things (account approved) through
        # this registered notifier instead of importing notifications.
        person_notifier_register(notification_send)

        privacy_register(
            name="notifications",
            describes=cast(
                str,
                _(
                    "Your inbox (notifications and when you read them), your email choices per "
                    "kind of notification, and the emails the platform sent you."
                ),
            ),
            export=notification_data_export,
            erase=notification_data_erase,
        )
        demo_seeder_register(name="notifications", seed=notification_demo_seed, order=900)
