"""Celery wrappers for the email outbox and the daily digest. Ids in, services do the work;
every task is safe to run twice (DESIGN section 6)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from .services import (
    notification_digest_deliver,
    notification_digest_plan,
    notification_retention_purge,
    outbox_claim,
    outbox_deliver,
    outbox_release,
    outbox_sweep_count,
)

logger = logging.getLogger(__name__)

# A database that is briefly away (restart, failover) is worth a few retries with backoff;
# anything else is a bug to see in the logs, and the sweeper or the next run catches up.
_TRANSIENT = (OperationalError,)
_RETRY: dict[str, Any] = {
    "autoretry_for": _TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(name="notifications.outbox_send_chunk", **_RETRY)
def outbox_send_chunk() -> int:
    """Claim and send one chunk of waiting emails; wake another sender if more are waiting."""
    ids = outbox_claim(limit=settings.OUTBOX_CHUNK_SIZE)
    try:
        sent = outbox_deliver(ids=ids)
    except SoftTimeLimitExceeded:
        # Out of time (a slow mail server): hand the rest back and let a fresh task go on.
        released = outbox_release(ids=ids)
        logger.warning("outbox: soft time limit, released %s unsent email(s)", released)
        outbox_send_chunk.delay()
        return 0
    if len(ids) == settings.OUTBOX_CHUNK_SIZE:
        outbox_send_chunk.delay()
    return sent


@shared_task(name="notifications.outbox_sweep", **_RETRY)
def outbox_sweep() -> int:
    """Re-enqueue senders for rows left waiting (a lost broker message, a killed worker).

    Running it twice only wakes senders that find nothing to claim."""
    waiting = outbox_sweep_count(older_than=settings.OUTBOX_SWEEP_AFTER)
    chunks = -(-waiting // settings.OUTBOX_CHUNK_SIZE)
    for _ in range(chunks):
        outbox_send_chunk.delay()
    if chunks:
        logger.info("outbox sweep: %s waiting email(s), %s sender(s) woken", waiting, chunks)
    return chunks


@shared_task(name="notifications.digest_send", **_RETRY)
def digest_send(day: str | None = None) -> dict | None:
    """The daily digest (beat, once a day). `day` (ISO date) defaults to today in UTC."""
    run_day = date.fromisoformat(day) if day else timezone.now().date()
    return notification_digest_plan(day=run_day)


@shared_task(name="notifications.digest_send_chunk", **_RETRY)
def digest_send_chunk(*, user_ids: list[int], day: str, cutoff: str) -> int:
    """One digest email for each of up to 500 people."""
    return notification_digest_deliver(
        user_ids=user_ids, day=date.fromisoformat(day), cutoff=datetime.fromisoformat(cutoff)
    )


@shared_task(name="notifications.retention_purge", **_RETRY)
def retention_purge() -> dict | None:
    """Daily: forget old sent emails and old read notifications (see the service)."""
    return notification_retention_purge()
