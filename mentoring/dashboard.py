"""The mentoring panel on the home page."""

from __future__ import annotations

from accounts.models import Agency, User

from .selectors import mentoring_dashboard_for
from .timezones import time_zone_for


def _agency_with_country_cached(user) -> None:
    """The time zone comes from the agency's country: load both in one query, kept on the
    request's user (the agency row, not per-person data), instead of two lazy lookups."""
    if user.agency_id and not User.agency.is_cached(user):
        user.agency = Agency.objects.select_related("country").get(pk=user.agency_id)


def mentoring_dashboard_panel(request) -> dict | None:
    user = request.user
    if not (user.is_authenticated and user.is_approved):
        return None
    _agency_with_country_cached(user)
    return {**mentoring_dashboard_for(user=user), "zone": time_zone_for(user)}
