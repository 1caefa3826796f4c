"""Celery wrappers (DESIGN section 6): ids in, a service does the work, safe to run twice
(the planner claims its 5-minute window; a fetch de-duplicates what it stores)."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.db import OperationalError

from .services import (
    source_fetch,
    source_fetch_due_plan,
    trend_digest_deliver,
    trend_digest_plan,
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


@shared_task(name="threat_feed.fetch_due_sources", **_RETRY)
def fetch_due_sources(now: str | None = None) -> dict | None:
    return source_fetch_due_plan(now=_at(now))


@shared_task(name="threat_feed.source_fetch", **_RETRY)
def source_fetch_task(source_id: int) -> dict | None:
    return source_fetch(source_id=source_id)


@shared_task(name="threat_feed.weekly_digest", **_RETRY)
def weekly_digest(now: str | None = None) -> dict | None:
    return trend_digest_plan(now=_at(now))


@shared_task(name="threat_feed.digest_send_chunk", **_RETRY)
def trend_digest_send_chunk(user_ids: list[int], period: str, since: str, until: str) -> int:
    return trend_digest_deliver(
        user_ids=user_ids,
        period=period,
        since=datetime.fromisoformat(since),
        until=datetime.fromisoformat(until),
    )
