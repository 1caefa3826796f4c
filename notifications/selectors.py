"""Reads for notifications. A person only ever sees their own inbox and settings."""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import QuerySet

from .kinds import notification_kind_get, notification_kinds
from .models import Notification, NotificationPreference

# Cached on the user object for one request: the header badge and the inbox page ask twice.
_UNREAD_CACHE = "_lms_unread_notifications"


def notification_list_visible_to(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's own inbox, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def notification_get(*, user, pk: int) -> Notification:
    """One of the person's own notifications; Notification.DoesNotExist for anyone else's,
    so "not yours" and "does not exist" look the same."""
    return notification_list_visible_to(user=user).get(pk=pk)


def notification_unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(user, _UNREAD_CACHE, None)
    if cached is None:
        cached = Notification.objects.filter(user=user, read_at__isnull=True).count()
        setattr(user, _UNREAD_CACHE, cached)
    return cached


def notification_unread_count_forget(*, user) -> None:
    """Drop the per-request cache after a write changed the count."""
    with contextlib.suppress(AttributeError):
        delattr(user, _UNREAD_CACHE)


def notification_deliveries_for(
    *, pairs: Collection[tuple[int, str]]
) -> dict[tuple[int, str], str]:
    """How each (person id, kind) in `pairs` wants email: their choice, else the kind's
    default (one query)."""
    if not pairs:
        return {}
    chosen = {
        (user_id, kind): delivery
        for user_id, kind, delivery in NotificationPreference.objects.filter(
            user_id__in={user_id for user_id, _kind in pairs},
            kind__in={kind for _uid, kind in pairs},
        ).values_list("user_id", "kind", "delivery")
    }
    return {
        (user_id, kind): chosen.get((user_id, kind)) or notification_kind_get(kind).default_delivery
        for user_id, kind in pairs
    }


def notification_delivery_for(*, user, kind: str) -> str:
    """How `user` wants email for `kind`: their choice, else the kind's default."""
    return notification_deliveries_for(pairs={(user.pk, kind)})[(user.pk, kind)]


@dataclass(frozen=True)
class KindSetting:
    code: str
    label: str
    delivery: str
    default_delivery: str


def notification_settings_for(*, user) -> list[KindSetting]:
    """Every registered kind with the person's current choice (one query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return [
        KindSetting(
            code=kind.code,
            label=str(kind.label),
            delivery=chosen.get(kind.code, kind.default_delivery),
            default_delivery=kind.default_delivery,
        )
        for kind in notification_kinds()
    ]
