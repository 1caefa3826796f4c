"""Celery wrappers for accounts: ids in, a service call, idempotent."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .health import HEARTBEAT_JOB
from .models import JobRun
from .services import job_run_claim

# /healthz only needs the newest heartbeat; a day of them is plenty for looking back.
HEARTBEAT_KEEP = timedelta(days=1)


@shared_task(name="accounts.beat_heartbeat")
def beat_heartbeat() -> None:
    """Recorded every minute by beat (and run by a worker, so it proves both are alive);
    /healthz reports its age. Older heartbeat rows are pruned so the table stays small."""
    now = timezone.now()
    job_run_claim(job=HEARTBEAT_JOB, period=now.strftime("%Y-%m-%dT%H:%M"))
    JobRun.objects.filter(job=HEARTBEAT_JOB, started_at__lt=now - HEARTBEAT_KEEP).delete()
