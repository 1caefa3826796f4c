"""How an enrolment's state shows in a report cell.

courses keeps `Enrolment.state` current (a daily pass plus the learning services); reports
only read it. Six states fold into the five statuses a supervisor filters on.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Enrolments that count as "required": given by a supervisor or an assignment rule, not
# courses a learner chose for themself.
REQUIRED_SOURCES = ("assigned", "rule")

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
EXPIRING = "expiring"
OVERDUE = "overdue"

# Display order, left to right, from the good news to the bad.
STATUSES = (COMPLETED, EXPIRING, IN_PROGRESS, NOT_STARTED, OVERDUE)

STATUS_LABELS = {
    NOT_STARTED: _("Not started"),
    IN_PROGRESS: _("In progress"),
    COMPLETED: _("Completed"),
    EXPIRING: _("Expiring soon"),
    OVERDUE: _("Expired or overdue"),
}

STATE_STATUS = {
    "assigned": NOT_STARTED,
    "in_progress": IN_PROGRESS,
    "certified": COMPLETED,
    "window_open": EXPIRING,
    "expired": OVERDUE,
    "overdue": OVERDUE,
}

# The exact words for one cell: "Expired" and "Overdue" share a status but not a meaning.
STATE_LABELS = {
    "assigned": _("Not started"),
    "in_progress": _("In progress"),
    "certified": _("Completed"),
    "window_open": _("Expiring soon"),
    "expired": _("Expired"),
    "overdue": _("Overdue"),
}

# Completed and still valid (expiring soon is still valid).
UP_TO_DATE = (COMPLETED, EXPIRING)


def status_of(state: str) -> str:
    return STATE_STATUS.get(state, NOT_STARTED)


def states_for(status: str) -> list[str]:
    return [state for state, folded in STATE_STATUS.items() if folded == status]
