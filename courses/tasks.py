"""Celery wrappers for courses: ids in, a service call, idempotent."""

from __future__ import annotations

from celery import shared_task
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


@shared_task(name="courses.refreshers_daily")
def refreshers_daily_task() -> dict | None:
    """Daily: move enrolment states the calendar changed (overdue, renewal window open,
    expired). Claims the day first, so a second beat does nothing."""
    from accounts.services import job_run_claim, job_run_finish

    from .services import enrolment_states_advance

    run = job_run_claim(job=DAILY_JOB, period=timezone.localdate().isoformat())
    if run is None:
        return None
    result = {"states": enrolment_states_advance()}
    job_run_finish(run=run, result=result)
    return result
