"""Helpers shared by the course services."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.utils import timezone


def require(actor, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `actor` holds `perm` (on `obj`)."""
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(perm)


def now():
    return timezone.now()
