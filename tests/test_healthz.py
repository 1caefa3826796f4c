"""/healthz: JSON for the database, the broker and the beat heartbeat; 503 when one is down."""

from __future__ import annotations

import socket
from datetime import timedelta
from unittest.mock import patch

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone

from accounts.health import HEARTBEAT_JOB, HEARTBEAT_MAX_AGE_SECONDS
from accounts.models import JobRun
from accounts.tasks import beat_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_heartbeat():
    beat_heartbeat()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_all_up_is_200_with_json(client, fresh_heartbeat):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["beat"] == "ok"
    assert 0 <= body["beat_heartbeat_age_seconds"] < 60


def test_healthz_needs_no_sign_in_and_is_never_cached(client, fresh_heartbeat):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_reveals_no_settings(client, fresh_heartbeat):
    body = client.get("/healthz").json()
    assert "debug" not in body
    assert set(body) == {
        "status",
        "database",
        "broker",
        "beat",
        "beat_heartbeat_age_seconds",
        "beat_heartbeat_max_age_seconds",
    }


def test_database_down_is_503(client, fresh_heartbeat):
    with patch("accounts.health.connection.cursor", side_effect=OperationalError("server closed")):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == "OperationalError"
    assert body["beat_heartbeat_age_seconds"] is None


def test_redis_broker_down_is_503(client, fresh_heartbeat, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["broker"] != "ok"
    assert body["database"] == "ok"


def test_filesystem_broker_with_its_folder_gone_is_503(client, fresh_heartbeat, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "missing")}

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "QueueFolderUnavailable"


def test_no_heartbeat_yet_is_503(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["beat"] == "missing"


def test_stale_heartbeat_is_503(client, fresh_heartbeat):
    later = timezone.now() + timedelta(seconds=HEARTBEAT_MAX_AGE_SECONDS + 5)
    with time_machine.travel(later):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["beat"] == "stale"
    assert body["beat_heartbeat_age_seconds"] > HEARTBEAT_MAX_AGE_SECONDS


def test_healthz_refuses_post(client, fresh_heartbeat):
    assert client.post("/healthz").status_code == 405


def test_heartbeat_twice_in_a_minute_records_one_row():
    with time_machine.travel("2026-11-23 10:00:05+00:00", tick=False):
        beat_heartbeat()
    with time_machine.travel("2026-11-23 10:00:40+00:00", tick=False):
        beat_heartbeat()
    assert JobRun.objects.filter(job=HEARTBEAT_JOB).count() == 1


def test_heartbeat_prunes_rows_older_than_a_day():
    with time_machine.travel("2026-11-20 10:00:00+00:00", tick=False):
        beat_heartbeat()
    with time_machine.travel("2026-11-23 10:00:00+00:00", tick=False):
        beat_heartbeat()
    assert list(JobRun.objects.filter(job=HEARTBEAT_JOB).values_list("period", flat=True)) == [
        "2026-11-23T10:00"
    ]


def test_health_checks_over_plain_http_are_not_redirected_to_https(client, settings):
    # Container and load-balancer probes speak plain HTTP inside the network.
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code != 301
    assert client.get("/accounts/login/").status_code == 301
