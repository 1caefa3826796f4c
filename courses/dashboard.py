"""The learner's panel on the home page (accounts.registries.dashboard_panel_register)."""

from __future__ import annotations

from accounts.roles import SUPERVISOR, user_roles

from .selectors import learning_summary_for, supervisor_expiry_panel_for


def learning_panel_context(request) -> dict | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return {"summary": learning_summary_for(user=user)}


def supervision_panel_context(request) -> dict | None:
    """Supervisors: upcoming expiries and overdue training in their units (the full report
    is the reporting app's)."""
    user = getattr(request, "user", None)
    # The roles are already known for this request: someone who supervises nobody costs no
    # query here (the supervisor role is exactly "a current supervision").
    if user is None or SUPERVISOR not in user_roles(user):
        return None
    panel = supervisor_expiry_panel_for(user=user)
    if panel is None:
        return None
    return {"panel": panel}
