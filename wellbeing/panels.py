"""Home-page panels (accounts.registries.dashboard_panel_register). Each returns None when
it has nothing for the person, so the panel is left out."""

from __future__ import annotations

from accounts.roles import SUPERVISOR, WELLBEING_LEAD, user_roles

from . import interpret
from .selectors import (
    checkin_get_own,
    due_list_for,
    home_facts_for,
    review_queue_counts,
    team_status_for,
)

TEAM_PANEL_ROWS = 8


def person_panel(request) -> dict | None:
    user = request.user
    if not (user.is_authenticated and user.agency_id):
        return None
    # The panel shows the latest check-in's date and level, and only whether an adjustment
    # is recommended: no review case, no flag details (cheaper queries on every home page).
    last_id, adjustment = home_facts_for(person=user)
    last = checkin_get_own(person=user, pk=last_id) if last_id else None
    return {
        "due": due_list_for(person=user),
        "last": last,
        "last_summary": interpret.summary_for(last) if last else None,
        "adjustment": adjustment,
    }


def lead_panel(request) -> dict | None:
    if WELLBEING_LEAD not in user_roles(request.user):
        return None
    return {"counts": review_queue_counts(user=request.user)}


def team_panel(request) -> dict | None:
    if SUPERVISOR not in user_roles(request.user):
        return None
    people = list(team_status_for(supervisor=request.user)[: TEAM_PANEL_ROWS + 1])
    return {
        "people": people[:TEAM_PANEL_ROWS],
        "more": len(people) > TEAM_PANEL_ROWS,
        "window_days": 14,
    }
