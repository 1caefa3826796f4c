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


# The wrappers below belong to the accounts work (their services are in accounts/services.py
# and their beat rows in accounts/migrations/0004_*); re-added here after this file was
# rewritten for the heartbeat. Owner: the accounts helper.
@shared_task(name="accounts.invitation_send")
def invitation_send(*, user_id: int, inviter_id: int | None = None) -> bool:
    from .services import invitation_email_send

    return invitation_email_send(user_id=user_id, inviter_id=inviter_id)


@shared_task(name="accounts.disable_inactive_accounts")
def disable_inactive_accounts() -> dict | None:
    from .services import users_disable_inactive

    return users_disable_inactive()


@shared_task(name="accounts.session_purge_expired")
def session_purge_expired() -> dict | None:
    from .services import user_sessions_purge_expired

    return user_sessions_purge_expired()
