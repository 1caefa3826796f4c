"""Writes for accounts: audit records, job-run claims, vetting and account state."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AuditEvent, JobRun, User

logger = logging.getLogger(__name__)


def _client_ip(request) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites
    # it, and the deployment guide puts gunicorn behind one that sets REMOTE_ADDR correctly.
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: Any = None,
    subject_user: User | None = None,
    request=None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one audit row. `details` must never hold answers or other content."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else "system"),
        action=action,
        target_type=(target._meta.label_lower if target is not None else ""),
        target_id=(str(target.pk) if target is not None else ""),
        target_label=(str(target)[:254] if target is not None else ""),
        subject_user=subject_user,
        ip_address=_client_ip(request),
        details=details or {},
    )


def job_run_claim(*, job: str, period: str) -> JobRun | None:
    """Record that `job` runs for `period`; None when another beat or retry already did.

    The unique (job, period) row is written first, so two beats running by mistake, or a
    re-delivered task, do the work once (DESIGN section 6).
    """
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job, period=period)
    except IntegrityError:
        logger.info("job %s for %s already ran; skipping", job, period)
        return None


def job_run_finish(*, run: JobRun, result: dict | None = None) -> None:
    run.finished_at = timezone.now()
    run.result = result or {}
    run.save(update_fields=["finished_at", "result"])
