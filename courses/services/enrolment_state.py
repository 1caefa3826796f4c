"""The stored state of an enrolment (assigned, in progress, overdue, certified, window open,
expired) and the certificate dates copied onto it.

Two ways it moves: `enrolment_state_refresh` recomputes given enrolments after a service
changed their progress, completion or certificates; `enrolment_states_advance` is the
daily set-based pass for changes that only the calendar makes (a due date or an expiry
passing, a renewal window opening).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..models import Certificate, Course, Enrolment

State = Enrolment.State

# The dates and state a refresh writes; nothing else on the row is touched.
STATE_FIELDS = ["state", "certified_on", "expires_on", "window_opens_on"]


def window_days_for(course: Course) -> int:
    """Days before expiry that the renewal window opens: the course's refresher policy, or
    the site default for certificates that expire without a policy (set by hand)."""
    policy = getattr(course, "refresher_policy", None)
    if policy is not None:
        return policy.window_days
    return settings.REFRESHER_DEFAULT_WINDOW_DAYS


def revoked_last_valid_day(revoked: Certificate | None) -> date | None:
    """The last day a revoked certificate was valid: the day before it was revoked, or its
    own expiry if that came first."""
    if revoked is None or revoked.revoked_at is None:
        return None
    day = timezone.localdate(revoked.revoked_at) - timedelta(days=1)
    return min(day, revoked.expires_on) if revoked.expires_on else day


def enrolment_state_compute(
    *,
    enrolment: Enrolment,
    certificate: Certificate | None,
    window_days: int,
    today: date,
    revoked: Certificate | None = None,
) -> dict:
    """The state and certificate dates of `enrolment`, given its current certificate (the
    latest one not revoked, or None) and, for a completed enrolment without one, the latest
    revoked certificate. Pure: no queries.

    A completed enrolment whose certificate was revoked is expired, valid until the day
    before the revocation: the learner earns a certificate again as after any expiry, by
    the renewal over the whole course. It is never assigned, in progress or overdue: its
    due date was met, and the course cannot be completed a second time."""
    if certificate is not None:
        expires_on = certificate.expires_on
        window_opens_on = expires_on - timedelta(days=window_days) if expires_on else None
        if expires_on is not None and expires_on < today:
            state = State.EXPIRED
        elif window_opens_on is not None and window_opens_on <= today:
            state = State.WINDOW_OPEN
        else:
            state = State.CERTIFIED
        return {
            "state": state,
            "certified_on": timezone.localdate(certificate.issued_at),
            "expires_on": expires_on,
            "window_opens_on": window_opens_on,
        }
    if enrolment.completed_at is not None:
        return {
            "state": State.EXPIRED,
            "certified_on": None,
            "expires_on": revoked_last_valid_day(revoked),
            "window_opens_on": None,
        }
    if enrolment.due_on is not None and enrolment.due_on < today:
        state = State.OVERDUE
    elif enrolment.started_at is not None:
        state = State.IN_PROGRESS
    else:
        state = State.ASSIGNED
    return {"state": state, "certified_on": None, "expires_on": None, "window_opens_on": None}


def _latest_certificates_for(
    enrolments: list[Enrolment], *, revoked: bool
) -> dict[tuple[int, int], Certificate]:
    if not enrolments:
        return {}
    users = {e.user_id for e in enrolments}
    courses = {e.course_id for e in enrolments}
    latest: dict[tuple[int, int], Certificate] = {}
    for certificate in (
        Certificate.objects.filter(
            user_id__in=users, course_id__in=courses, revoked_at__isnull=not revoked
        )
        .only("id", "user_id", "course_id", "issued_at", "expires_on", "revoked_at")
        .order_by("user_id", "course_id", "-issued_at", "-id")
    ):
        latest.setdefault((certificate.user_id, certificate.course_id), certificate)
    return latest


def current_certificates_for(enrolments: list[Enrolment]) -> dict[tuple[int, int], Certificate]:
    """The latest certificate not revoked per (user, course) of `enrolments`, in one query."""
    return _latest_certificates_for(enrolments, revoked=False)


def enrolment_state_refresh(
    *,
    enrolments: Iterable[Enrolment] | None = None,
    ids: Iterable[int] | None = None,
    today: date | None = None,
) -> int:
    """Recompute state and certificate dates of the given enrolments (instances, which are
    updated in place, or ids) and save the rows that changed. A system step called by the
    services that change progress, completion or certificates. Returns how many changed."""
    today = today or timezone.localdate()
    rows = list(enrolments or [])
    if ids is not None:
        rows += list(Enrolment.objects.filter(pk__in=list(ids)).select_related("course"))
    if not rows:
        return 0
    certificates = current_certificates_for(rows)
    # Completed without a current certificate: it was revoked (one more query, only then).
    revoked = _latest_certificates_for(
        [e for e in rows if e.completed_at and (e.user_id, e.course_id) not in certificates],
        revoked=True,
    )
    window_days: dict[int, int] = {}
    changed = []
    for enrolment in rows:
        if enrolment.course_id not in window_days:
            window_days[enrolment.course_id] = window_days_for(enrolment.course)
        values = enrolment_state_compute(
            enrolment=enrolment,
            certificate=certificates.get((enrolment.user_id, enrolment.course_id)),
            window_days=window_days[enrolment.course_id],
            today=today,
            revoked=revoked.get((enrolment.user_id, enrolment.course_id)),
        )
        if any(getattr(enrolment, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(enrolment, name, value)
            changed.append(enrolment)
    if len(changed) == 1:
        changed[0].save(update_fields=STATE_FIELDS)
    elif changed:
        Enrolment.objects.bulk_update(changed, STATE_FIELDS, batch_size=500)
    return len(changed)


def enrolment_states_advance(*, today: date | None = None) -> dict[str, int]:
    """The daily pass: moves states that only the calendar changes, in three UPDATE
    statements over indexed columns (no row is loaded). Idempotent: a second run the same
    day changes nothing. Returns how many rows moved to each state."""
    today = today or timezone.localdate()
    expired = Enrolment.objects.filter(
        state__in=[State.CERTIFIED, State.WINDOW_OPEN], expires_on__lt=today
    ).update(state=State.EXPIRED)
    window_open = Enrolment.objects.filter(
        state=State.CERTIFIED, window_opens_on__lte=today, expires_on__gte=today
    ).update(state=State.WINDOW_OPEN)
    # A completed enrolment met its due date: never overdue (see enrolment_state_compute).
    overdue = Enrolment.objects.filter(
        Q(state=State.ASSIGNED) | Q(state=State.IN_PROGRESS),
        due_on__lt=today,
        completed_at__isnull=True,
    ).update(state=State.OVERDUE)
    return {"expired": expired, "window_open": window_open, "overdue": overdue}
