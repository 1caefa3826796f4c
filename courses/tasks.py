"""Celery wrappers for courses: ids in, a service call, idempotent."""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, transaction
from django.utils import timezone

RULES_JOB = "courses.assignment_rules_apply"


@shared_task(name="courses.assignment_rules_apply")
def assignment_rules_apply_task() -> dict | None:
    """Hourly: give rule-assigned courses to people who joined since the last run. Claims the
    hour first, so a second beat or a re-delivered task does nothing; the service is
    idempotent anyway (unique enrolment per person and course)."""
    from accounts.services import job_run_claim, job_run_finish

    from .services import assignment_rules_apply

    run = job_run_claim(job=RULES_JOB, period=timezone.now().strftime("%Y-%m-%dT%H"))
    if run is None:
        return None
    result = {"created": assignment_rules_apply()}
    job_run_finish(run=run, result=result)
    return result


DAILY_JOB = "courses.refreshers_daily"

# A database briefly away is worth a few retries with backoff (DESIGN section 6); anything
# else is a bug for the logs, and the sweeper or the next run catches up.
_RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(name="courses.refreshers_daily", **_RETRY)
def refreshers_daily_task(day: str | None = None) -> dict | None:
    """Daily: move enrolment states the calendar changed (overdue, renewal window open,
    expired), then plan today's reminders and wake the senders. The day is claimed in the
    same transaction, so a second beat does nothing and a crash before commit leaves the day
    to the redelivered task."""
    from accounts.services import job_run_claim, job_run_finish

    from .services import enrolment_states_advance, reminders_plan

    today = date.fromisoformat(day) if day else timezone.localdate()
    with transaction.atomic():
        run = job_run_claim(job=DAILY_JOB, period=today.isoformat())
        if run is None:
            return None
        result = {"states": enrolment_states_advance(today=today)}
        result.update(reminders_plan(today=today))
        job_run_finish(run=run, result=result)
    return result


@shared_task(name="courses.reminders_send_chunk", **_RETRY)
def reminders_send_chunk() -> dict:
    """Claim and send one chunk (about 500) of waiting reminders."""
    from .services import reminder_claim, reminder_release, reminders_deliver

    ids = reminder_claim()
    try:
        return reminders_deliver(ids=ids)
    except SoftTimeLimitExceeded:
        reminder_release(ids=ids)
        reminders_send_chunk.delay()
        return {"sent": 0, "not_needed": 0}


@shared_task(name="courses.reminders_sweep", **_RETRY)
def reminders_sweep_task() -> int:
    """Every few minutes: re-enqueue senders for reminders left waiting."""
    from .services import reminders_sweep

    return reminders_sweep()
