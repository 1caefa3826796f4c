"""Notification kinds. Each app registers its kinds (in its AppConfig.ready()), so people can
choose per kind how they are told: at once, in a daily digest, or not by email."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str | Promise
    default_delivery: str = "immediate"


_kinds: dict[str, NotificationKind] = {}


def notification_kind_register(
    code: str, label: str | Promise, default_delivery: str = "immediate"
) -> None:
    _kinds[code] = NotificationKind(code=code, label=label, default_delivery=default_delivery)


def notification_kind_get(code: str) -> NotificationKind:
    return _kinds.get(code) or NotificationKind(code=code, label=code)


def notification_kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda k: str(k.label))


notification_kind_register("account", _("Account and security"), "immediate")
notification_kind_register("general", _("General announcements"), "digest")
