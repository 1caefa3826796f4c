"""Periodic reminders (beat jobs). Each run claims its (job, period) row first, and every
notification has a key, so a second beat, a retried task or a re-run sends nothing twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import job_run_claim, job_run_finish

from ..models import Event, EventRegistration, MentorAssignment, MentoringSession
from .common import KIND_EVENT, KIND_NUDGE, KIND_SESSION, lazy_format, logger, notify, url

SESSION_REMINDER_JOB = "mentoring.session_reminders"
STALE_PAIR_JOB = "mentoring.stale_pair_nudges"
EVENT_REMINDER_JOB = "mentoring.event_reminders"
REMIND_AHEAD = timedelta(hours=24)


def stale_weeks() -> int:
    """Weeks without a session after which an active pair is nudged (setting
    MENTORING_STALE_WEEKS, default 6)."""
    return max(1, int(getattr(settings, "MENTORING_STALE_WEEKS", 6)))


def _hour(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H")


def mentoring_session_reminders_send(*, now: datetime | None = None) -> dict | None:
    """Hourly: remind both people of a session starting within the next 24 hours. A moved
    session is reminded again (its time is part of the key). None if this hour already ran."""
    now = now or timezone.now()
    run = job_run_claim(job=SESSION_REMINDER_JOB, period=_hour(now))
    if run is None:
        return None
    sessions = (
        MentoringSession.objects.filter(
            starts_at__gt=now,
            starts_at__lte=now + REMIND_AHEAD,
            assignment__status=MentorAssignment.Status.ACTIVE,
        )
        .select_related("assignment__mentor", "assignment__mentee")
        .order_by("starts_at")
    )
    sent = 0
    for session in sessions.iterator(chunk_size=500):
        assignment = session.assignment
        for person, other in (
            (assignment.mentor, assignment.mentee),
            (assignment.mentee, assignment.mentor),
        ):
            notify(
                person,
                kind=KIND_SESSION,
                title=lazy_format(
                    _("Mentoring session with %(name)s on %(when)s"),
                    {"name": other, "when": f"{session.starts_at:%Y-%m-%d %H:%M} UTC"},
                ),
                url=url("mentoring:assignment", assignment.pk),
                key=f"mentoring:session-reminder:{session.pk}:{session.starts_at:%Y%m%d%H%M}:{person.pk}",
            )
            sent += 1
    result = {"reminders": sent}
    job_run_finish(run=run, result=result)
    return result


def mentoring_stale_pairs_nudge(*, now: datetime | None = None) -> dict | None:
    """Daily: nudge active pairs with no session (held or planned) for N weeks. Sent once
    per N-week stretch of silence: after N weeks, again after 2N, and so on."""
    now = now or timezone.now()
    run = job_run_claim(job=STALE_PAIR_JOB, period=now.date().isoformat())
    if run is None:
        return None
    weeks = stale_weeks()
    cutoff = now - timedelta(weeks=weeks)
    pairs = (
        MentorAssignment.objects.filter(status=MentorAssignment.Status.ACTIVE)
        .annotate(last_session=Max("sessions__starts_at"))
        .filter(Q(last_session__isnull=True) | Q(last_session__lt=cutoff))
        .select_related("mentor", "mentee")
    )
    sent = 0
    for assignment in pairs.iterator(chunk_size=500):
        since = assignment.last_session
        if since is None:
            started = assignment.started_on or assignment.proposed_at.date()
            since = datetime.combine(started, datetime.min.time(), tzinfo=UTC)
        silent_for = now - since
        stretch = silent_for // timedelta(weeks=weeks)
        if stretch < 1:
            continue
        for person, other in (
            (assignment.mentor, assignment.mentee),
            (assignment.mentee, assignment.mentor),
        ):
            notify(
                person,
                kind=KIND_NUDGE,
                title=lazy_format(
                    _("No mentoring session with %(name)s for %(weeks)s weeks"),
                    {"name": other, "weeks": silent_for.days // 7},
                ),
                body=_("Plan your next session, or end the pairing if it has run its course."),
                url=url("mentoring:assignment", assignment.pk),
                key=f"mentoring:stale:{assignment.pk}:{since:%Y%m%d%H%M}:{stretch}:{person.pk}",
            )
            sent += 1
    result = {"nudges": sent}
    job_run_finish(run=run, result=result)
    return result


def event_reminders_send(*, now: datetime | None = None) -> dict | None:
    """Hourly: remind people with a confirmed place of an event starting within 24 hours."""
    now = now or timezone.now()
    run = job_run_claim(job=EVENT_REMINDER_JOB, period=_hour(now))
    if run is None:
        return None
    registrations = (
        EventRegistration.objects.filter(
            status=EventRegistration.Status.CONFIRMED,
            event__status=Event.Status.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMIND_AHEAD,
        )
        .select_related("event", "user")
        .order_by("event__starts_at", "pk")
    )
    sent = 0
    for registration in registrations.iterator(chunk_size=500):
        event = registration.event
        local = event.local_starts_at
        notify(
            registration.user,
            kind=KIND_EVENT,
            title=lazy_format(
                _("Reminder: %(title)s starts %(when)s"),
                {"title": event.title, "when": f"{local:%Y-%m-%d %H:%M} ({event.time_zone})"},
            ),
            url=url("mentoring:event", event.pk),
            key=f"mentoring:event-reminder:{event.pk}:{event.starts_at:%Y%m%d%H%M}:{registration.user_id}",
        )
        sent += 1
    result = {"reminders": sent}
    job_run_finish(run=run, result=result)
    logger.info("event reminders: %s sent", sent)
    return result
