"""Celery wrappers for reporting: ids in, a service call, idempotent."""

from __future__ import annotations

from celery import shared_task

from .selectors import chunked

CHUNK = 500


@shared_task(name="reporting.monthly_reports_plan")
def monthly_reports_plan_task() -> int:
    """Daily: the first run of a month claims last month's report and wakes one sender per
    500 supervisors; every later run (or a second beat) finds the month claimed and stops.
    Running daily rather than on the 1st means a beat that was down that day catches up."""
    from .services import monthly_report_plan

    planned = monthly_report_plan()
    if planned is None:
        return 0
    month, supervisors = planned
    for ids in chunked(supervisors, CHUNK):
        monthly_reports_send_task.delay(supervisor_ids=ids, month=month)
    return len(supervisors)


@shared_task(
    name="reporting.monthly_reports_send",
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=3,
)
def monthly_reports_send_task(*, supervisor_ids: list[int], month: str) -> int:
    from .services import monthly_report_send

    return monthly_report_send(supervisor_ids=supervisor_ids, month=month)


@shared_task(name="reporting.status_counts_refresh")
def status_counts_refresh_task() -> dict | None:
    """Beat runs this every 10 minutes. Where triggers keep the totals current (PostgreSQL)
    only the first run of each day rebuilds them, a safety net that briefly locks the count
    tables (about a second for 400,000 enrolments); elsewhere each 10-minute slot rebuilds.
    The slot is claimed first, so a second beat does not rebuild twice."""
    from django.utils import timezone

    from accounts.services import job_run_claim, job_run_finish

    from .selectors import counts_kept_current
    from .services import status_counts_refresh

    now = timezone.now()
    if counts_kept_current():
        period = f"{now:%Y-%m-%d}"
    else:
        slot = now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0)
        period = f"{slot:%Y-%m-%dT%H:%M}"
    run = job_run_claim(job="reporting.status_counts_refresh", period=period)
    if run is None:
        return None
    result = status_counts_refresh()
    job_run_finish(run=run, result=result)
    return result
