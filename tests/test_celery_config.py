"""The reliability settings of DESIGN section 6, as the Celery app actually sees them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from celery.contrib.django.task import DjangoTask
from django.conf import settings

from lms.celery import app


@pytest.fixture(scope="module", autouse=True)
def _tasks_loaded():
    app.loader.import_default_modules()


def _settings_under(env: dict[str, str], *names: str) -> dict:
    """Import lms.settings in a fresh interpreter with `env` and read some names."""
    code = (
        "import json, lms.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_tasks_are_django_tasks_with_delay_on_commit():
    assert issubclass(app.Task, DjangoTask)
    assert hasattr(app.tasks["notifications.outbox_send_chunk"], "delay_on_commit")


def test_tasks_are_acknowledged_late():
    assert app.conf.task_acks_late is True


def test_a_task_whose_worker_dies_goes_back_to_the_queue():
    assert app.conf.task_reject_on_worker_lost is True


def test_a_worker_takes_one_message_at_a_time():
    assert app.conf.worker_prefetch_multiplier == 1


def test_tasks_have_a_soft_limit_below_the_hard_limit():
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_redis_visibility_timeout_is_15_minutes_and_twice_the_longest_task():
    options = _settings_under(
        {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"},
        "CELERY_BROKER_TRANSPORT_OPTIONS",
        "CELERY_TASK_TIME_LIMIT",
    )
    timeout = options["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    assert timeout == 15 * 60
    assert timeout >= 2 * options["CELERY_TASK_TIME_LIMIT"]


def test_messages_are_json_only():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]


def test_periodic_jobs_come_from_the_database_scheduler():
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_results_are_not_stored():
    assert app.conf.task_ignore_result is True


@pytest.mark.parametrize(
    "name",
    [
        "accounts.beat_heartbeat",
        "notifications.outbox_send_chunk",
        "notifications.outbox_sweep",
        "notifications.digest_send",
        "notifications.digest_send_chunk",
        "notifications.retention_purge",
    ],
)
def test_task_is_registered(name):
    assert name in app.tasks


@pytest.mark.parametrize(
    "name",
    [
        "notifications.outbox_send_chunk",
        "notifications.outbox_sweep",
        "notifications.digest_send",
        "notifications.digest_send_chunk",
        "notifications.retention_purge",
    ],
)
def test_notification_tasks_retry_a_bounded_number_of_times_with_backoff(name):
    task = app.tasks[name]
    assert task.max_retries == 3
    assert task.retry_backoff


def test_outbox_lease_outlives_the_hard_time_limit():
    from notifications.services import _claim_lease

    assert _claim_lease().total_seconds() > app.conf.task_time_limit


def test_outbox_gives_up_after_three_attempts():
    assert settings.OUTBOX_MAX_ATTEMPTS == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "task"),
    [
        ("Beat heartbeat (health check)", "accounts.beat_heartbeat"),
        ("Email outbox sweeper", "notifications.outbox_sweep"),
        ("Daily notification digest", "notifications.digest_send"),
        ("Forget old notification emails and read notifications", "notifications.retention_purge"),
    ],
)
def test_periodic_job_rows_exist(name, task):
    from django_celery_beat.models import PeriodicTask

    row = PeriodicTask.objects.get(name=name)
    assert row.task == task
    assert row.enabled


@pytest.mark.django_db
def test_heartbeat_runs_every_minute():
    from django_celery_beat.models import PeriodicTask

    row = PeriodicTask.objects.get(task="accounts.beat_heartbeat")
    assert (row.interval.every, row.interval.period) == (1, "minutes")


@pytest.mark.django_db
def test_digest_runs_once_a_day():
    from django_celery_beat.models import PeriodicTask

    crontab = PeriodicTask.objects.get(task="notifications.digest_send").crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "6", "*")
