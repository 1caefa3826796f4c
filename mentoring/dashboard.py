"""The mentoring panel on the home page."""

from __future__ import annotations

from .selectors import mentoring_dashboard_for
from .timezones import time_zone_for


def mentoring_dashboard_panel(request) -> dict | None:
    user = request.user
    if not (user.is_authenticated and user.is_approved):
        return None
    return {**mentoring_dashboard_for(user=user), "zone": time_zone_for(user)}
