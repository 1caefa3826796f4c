from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("People and agencies")

    def ready(self) -> None:
        from . import (
            privacy_parts,  # noqa: F401  (registers the accounts part)
            signals,  # noqa: F401
        )
        from .audit_labels import ACCOUNT_AUDIT_LABELS
        from .registries import audit_action_labels_register

        audit_action_labels_register(ACCOUNT_AUDIT_LABELS)
