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


@shared_task(
    name="accounts.invitation_send", autoretry_for=(OSError,), retry_backoff=30, max_retries=3
)
def invitation_send(*, user_id: int, inviter_id: int | None = None) -> bool:
    """Email an invited person their set-your-password link (a mail server error retries)."""
    from .services import invitation_email_send

    return invitation_email_send(user_id=user_id, inviter_id=inviter_id)


@shared_task(name="accounts.disable_inactive_accounts")
def disable_inactive_accounts() -> dict | None:
    """Daily: disable accounts unused for ACCOUNT_INACTIVITY_DISABLE_DAYS (once per day)."""
    from .services import users_disable_inactive

    return users_disable_inactive()


@shared_task(name="accounts.session_purge_expired")
def session_purge_expired() -> dict | None:
    """Daily: forget sessions that have ended."""
    from .services import user_sessions_purge_expired

    return user_sessions_purge_expired()
