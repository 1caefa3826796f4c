"""Celery wrappers for the mentoring beat jobs: no arguments but an optional ISO time, the
services do the work and are safe to run twice (job_run_claim and notification keys)."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.db import OperationalError

from .services import (
    event_reminders_send,
    mentoring_session_reminders_send,
    mentoring_stale_pairs_nudge,
)

_RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 3,
}


def _at(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@shared_task(name="mentoring.session_reminders", **_RETRY)
def session_reminders(now: str | None = None) -> dict | None:
    return mentoring_session_reminders_send(now=_at(now))


@shared_task(name="mentoring.stale_pair_nudges", **_RETRY)
def stale_pair_nudges(now: str | None = None) -> dict | None:
    return mentoring_stale_pairs_nudge(now=_at(now))


@shared_task(name="mentoring.event_reminders", **_RETRY)
def event_reminders(now: str | None = None) -> dict | None:
    return event_reminders_send(now=_at(now))
