"""The data migrations create the feed's beat rows, pointing at registered tasks."""

from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask

from lms.celery import app


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "task"),
    [
        ("Trends feed: fetch due sources", "threat_feed.fetch_due_sources"),
        ("Trends feed: weekly digest", "threat_feed.weekly_digest"),
    ],
)
def test_beat_rows_exist_for_registered_tasks(name, task):
    row = PeriodicTask.objects.get(name=name)

    assert row.task == task and row.enabled
    app.loader.import_default_modules()
    assert task in app.tasks


@pytest.mark.django_db
def test_fetch_planner_runs_every_five_minutes_and_digest_on_monday_mornings():
    fetch = PeriodicTask.objects.get(name="Trends feed: fetch due sources")
    digest = PeriodicTask.objects.get(name="Trends feed: weekly digest")

    assert (fetch.interval.every, fetch.interval.period) == (5, "minutes")
    assert (digest.crontab.day_of_week, digest.crontab.hour, digest.crontab.minute) == (
        "1",
        "7",
        "0",
    )
