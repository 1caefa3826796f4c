"""Celery wrappers for accounts: ids in, a service call, idempotent."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .health import HEARTBEAT_JOB
from .services import job_run_claim


@shared_task(name="accounts.beat_heartbeat")
def beat_heartbeat() -> None:
    """Recorded every minute by beat; /healthz reports its age."""
    job_run_claim(job=HEARTBEAT_JOB, period=timezone.now().strftime("%Y-%m-%dT%H:%M"))
