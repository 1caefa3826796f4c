"""Notification kinds. Each app registers its kinds (in its AppConfig.ready()), so people can
choose per kind how they are told: at once, in a daily digest, or not by email.

A kind that is not registered is a programming error: `notification_send` refuses it, so a
typo cannot silently bypass somebody's choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Mirrors notifications.models.Delivery; kept literal so apps can register kinds before the
# model module is imported.
DELIVERY_CODES = ("immediate", "digest", "off")


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str | Promise
    default_delivery: str = "immediate"


_kinds: dict[str, NotificationKind] = {}


def notification_kind_register(
    code: str, label: str | Promise, default_delivery: str = "immediate"
) -> None:
    """Register (or re-register, e.g. on autoreload) a kind of notification.

    `code` is stored on every notification: keep it short, stable and lower-case
    ("courses.reminder"). `default_delivery` is one of "immediate", "digest" or "off".
    """
    if not code or len(code) > 50:
        raise ValueError(f"notification kind code must be 1-50 characters: {code!r}")
    if default_delivery not in DELIVERY_CODES:
        raise ValueError(
            f"default_delivery for {code!r} must be one of {DELIVERY_CODES}, "
            f"not {default_delivery!r}"
        )
    _kinds[code] = NotificationKind(code=code, label=label, default_delivery=default_delivery)


def notification_kind_get(code: str) -> NotificationKind:
    """The registered kind; LookupError for an unknown code."""
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(
            f"unknown notification kind {code!r}: register it with "
            "notifications.kinds.notification_kind_register() in your AppConfig.ready()"
        ) from None


def notification_kind_label(code: str) -> str | Promise:
    """A label for display, also for kinds that were unregistered since (old inbox rows)."""
    kind = _kinds.get(code)
    return kind.label if kind else code


def notification_kinds() -> list[NotificationKind]:
    """Every registered kind, sorted by its label in the active language."""
    return sorted(_kinds.values(), key=lambda kind: (str(kind.label).casefold(), kind.code))


notification_kind_register("account", _("Account and security"), "immediate")
notification_kind_register("general", _("General announcements"), "digest")
