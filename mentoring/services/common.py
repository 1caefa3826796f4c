"""Helpers shared by the mentoring services."""

from __future__ import annotations

import logging

import rules
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import lazy

from notifications.services import notification_send

logger = logging.getLogger("mentoring")

KIND_PAIRING = "mentoring.pairing"
KIND_SESSION = "mentoring.session"
KIND_NUDGE = "mentoring.nudge"
KIND_CONTACT = "mentoring.contact"
KIND_EVENT = "mentoring.event"


def require(actor, perm: str, obj=None) -> None:
    """PermissionDenied unless `actor` holds `perm` (on `obj`). rules.has_perm, not
    actor.has_perm: a superuser must not skip the pair-only rules."""
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(perm)


def notify(user, *, kind: str, title, body="", url: str = "", key: str | None = None) -> None:
    """Tell one person something (inbox and, per their choice, email)."""
    if user is None or not user.is_active:
        return
    notification_send(user=user, kind=kind, title=title, body=body, url=url, key=key)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def _format(template, params) -> str:
    return str(template) % {k: str(v) for k, v in params.items()}


# "%(name)s asked you" evaluated only when rendered, so notification_send can store it in
# the recipient's language (a plain `lazy_string % params` would translate it right away).
lazy_format = lazy(_format, str)
