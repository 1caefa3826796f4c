"""/healthz: JSON for the database, the broker and the age of the last beat heartbeat;
503 when one of them is down, for load balancers and monitoring.

Public (no sign-in), so it says only "ok" or the kind of failure, never hosts or messages.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import JobRun

logger = logging.getLogger(__name__)

HEARTBEAT_JOB = "beat-heartbeat"
# The heartbeat runs every minute; three missed beats mean beat (or every worker) is down.
HEARTBEAT_MAX_AGE_SECONDS = 180


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure means "down"
        logger.warning("healthz: database check failed: %s", exc)
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    from lms.celery import app

    try:
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
            folder = str(options["data_folder_in"])
            if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
                return False, "QueueFolderUnavailable"
            return True, "ok"
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            # One quick try: a health check must answer in well under a load balancer's timeout.
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=2
            )
        return True, "ok"
    except Exception as exc:
        logger.warning("healthz: broker check failed: %s", exc)
        return False, type(exc).__name__


def _heartbeat_age() -> float | None:
    last = (
        JobRun.objects.filter(job=HEARTBEAT_JOB)
        .order_by("-started_at")
        .values("started_at")
        .first()
    )
    if last is None:
        return None
    return max(0.0, (timezone.now() - last["started_at"]).total_seconds())


@never_cache
@require_GET
def healthz(request):
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    age = None
    if db_ok:
        try:
            age = _heartbeat_age()
        except Exception as exc:  # e.g. the database went away between the two checks
            logger.warning("healthz: heartbeat read failed: %s", exc)
    if age is None:
        beat = "missing"
    elif age <= HEARTBEAT_MAX_AGE_SECONDS:
        beat = "ok"
    else:
        beat = "stale"
    healthy = db_ok and broker_ok and beat == "ok"
    body = {
        "status": "ok" if healthy else "down",
        "database": db_detail,
        "broker": broker_detail,
        "beat": beat,
        "beat_heartbeat_age_seconds": None if age is None else round(age, 1),
        "beat_heartbeat_max_age_seconds": HEARTBEAT_MAX_AGE_SECONDS,
    }
    return JsonResponse(body, status=200 if healthy else 503)
