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


def percent(part: float, whole: float) -> int:
    """A whole percentage, rounded half up (82.5 -> 83), as people expect on a score."""
    from decimal import ROUND_HALF_UP, Decimal

    if not whole:
        return 0
    return int((Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(0, ROUND_HALF_UP))
