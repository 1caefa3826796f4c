"""Celery wrappers for the email outbox. Ids in, services do the work; safe to re-run."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .services import outbox_claim, outbox_deliver, outbox_unsent_count


@shared_task(
    name="notifications.outbox_send_chunk",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=3,
)
def outbox_send_chunk() -> int:
    """Claim and send one chunk; enqueue another if more are waiting."""
    ids = outbox_claim(limit=settings.OUTBOX_CHUNK_SIZE)
    sent = outbox_deliver(ids=ids)
    if len(ids) == settings.OUTBOX_CHUNK_SIZE:
        outbox_send_chunk.delay()
    return sent


@shared_task(name="notifications.outbox_sweep")
def outbox_sweep() -> int:
    """Re-enqueue work for rows left unsent (a lost broker message, a killed worker)."""
    waiting = outbox_unsent_count(older_than=settings.OUTBOX_SWEEP_AFTER)
    chunks = -(-waiting // settings.OUTBOX_CHUNK_SIZE)
    for _ in range(chunks):
        outbox_send_chunk.delay()
    return chunks
