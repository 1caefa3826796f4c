"""/healthz: JSON for the database, the broker and the age of the last beat heartbeat."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import JobRun

HEARTBEAT_JOB = "beat-heartbeat"
# The heartbeat runs every minute; three missed beats mean beat is down.
HEARTBEAT_MAX_AGE_SECONDS = 180


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    from lms.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


def _heartbeat_age() -> float | None:
    last = (
        JobRun.objects.filter(job=HEARTBEAT_JOB).order_by("-started_at").values("started_at").first()
    )
    if last is None:
        return None
    return (timezone.now() - last["started_at"]).total_seconds()


@never_cache
@require_GET
def healthz(request):
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    age = _heartbeat_age() if db_ok else None
    beat_ok = age is not None and age <= HEARTBEAT_MAX_AGE_SECONDS
    body = {
        "database": db_detail,
        "broker": broker_detail,
        "beat_heartbeat_age_seconds": None if age is None else round(age, 1),
        "beat": "ok" if beat_ok else "stale",
        "debug": settings.DEBUG,
    }
    healthy = db_ok and broker_ok and beat_ok
    body["status"] = "ok" if healthy else "down"
    return JsonResponse(body, status=200 if healthy else 503)
