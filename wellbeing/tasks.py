"""Celery wrappers (DESIGN section 6): ids in, call a service, idempotent."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services

RETRY = {"autoretry_for": (ConnectionError, TimeoutError), "retry_backoff": True, "max_retries": 3}


@shared_task(name="wellbeing.reminders_plan", acks_late=True, **RETRY)
def reminders_plan(day: str | None = None) -> dict | None:
    return services.checkin_reminders_plan(
        day=date.fromisoformat(day) if day else timezone.localdate()
    )


@shared_task(name="wellbeing.reminders_send_chunk", acks_late=True, **RETRY)
def reminders_send_chunk(person_ids: list[int], day: str) -> int:
    return services.checkin_reminders_send(person_ids=person_ids, day=date.fromisoformat(day))


@shared_task(name="wellbeing.follow_ups_remind", acks_late=True, **RETRY)
def follow_ups_remind(day: str | None = None) -> dict | None:
    return services.review_follow_ups_remind(
        day=date.fromisoformat(day) if day else timezone.localdate()
    )


@shared_task(name="wellbeing.retention_purge", acks_late=True, **RETRY)
def retention_purge() -> dict | None:
    return services.checkins_purge_expired()
