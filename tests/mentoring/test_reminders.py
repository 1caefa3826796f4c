"""The beat jobs: session reminders, nudges for quiet pairs, event reminders. Each job runs
once per period (job_run_claim) and every notification has a key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings

from mentoring import services, tasks
from mentoring.models import EventRegistration
from notifications.models import Notification

from .factories import AssignmentFactory, EventFactory, RegistrationFactory, SessionFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen(db):
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _keys(prefix):
    return sorted(Notification.objects.filter(key__startswith=prefix).values_list("key", flat=True))


def test_both_people_are_reminded_of_a_session_within_a_day(frozen, pair):
    SessionFactory(assignment=pair, starts_at=NOW + timedelta(hours=20))
    SessionFactory(assignment=pair, starts_at=NOW + timedelta(days=3))

    result = services.mentoring_session_reminders_send(now=NOW)

    assert result == {"reminders": 2}
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        pair.mentor_id,
        pair.mentee_id,
    }


def test_the_session_job_runs_once_per_hour(frozen, pair):
    SessionFactory(assignment=pair, starts_at=NOW + timedelta(hours=2))
    services.mentoring_session_reminders_send(now=NOW)

    assert services.mentoring_session_reminders_send(now=NOW + timedelta(minutes=30)) is None
    assert Notification.objects.count() == 2


def test_the_next_hour_does_not_remind_the_same_session_again(frozen, pair):
    SessionFactory(assignment=pair, starts_at=NOW + timedelta(hours=5))
    services.mentoring_session_reminders_send(now=NOW)

    result = services.mentoring_session_reminders_send(now=NOW + timedelta(hours=1))

    assert result == {"reminders": 2}  # attempted, but the keys already exist
    assert Notification.objects.count() == 2


def test_a_moved_session_is_reminded_again(frozen, pair):
    session = SessionFactory(assignment=pair, starts_at=NOW + timedelta(hours=5))
    services.mentoring_session_reminders_send(now=NOW)
    session.starts_at = NOW + timedelta(hours=8)
    session.save()

    services.mentoring_session_reminders_send(now=NOW + timedelta(hours=1))

    assert Notification.objects.count() == 4


def test_sessions_of_ended_pairings_are_not_reminded(frozen, pair):
    pair.status = "ended"
    pair.save()
    SessionFactory(assignment=pair, starts_at=NOW + timedelta(hours=2))

    assert services.mentoring_session_reminders_send(now=NOW) == {"reminders": 0}


def test_a_pair_without_a_session_for_six_weeks_is_nudged(frozen):
    quiet = AssignmentFactory(started_on=(NOW - timedelta(weeks=10)).date())
    SessionFactory(assignment=quiet, starts_at=NOW - timedelta(weeks=7))
    busy = AssignmentFactory(started_on=(NOW - timedelta(weeks=10)).date())
    SessionFactory(assignment=busy, starts_at=NOW - timedelta(weeks=2))

    result = services.mentoring_stale_pairs_nudge(now=NOW)

    assert result == {"nudges": 2}
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        quiet.mentor_id,
        quiet.mentee_id,
    }


def test_a_new_pair_without_sessions_is_nudged_six_weeks_after_starting(frozen):
    young = AssignmentFactory(started_on=(NOW - timedelta(weeks=3)).date())
    old = AssignmentFactory(started_on=(NOW - timedelta(weeks=6, days=1)).date())

    services.mentoring_stale_pairs_nudge(now=NOW)

    users = set(Notification.objects.values_list("user_id", flat=True))
    assert users == {old.mentor_id, old.mentee_id}
    assert young.mentor_id not in users


def test_a_planned_session_counts_as_activity(frozen):
    pair = AssignmentFactory(started_on=(NOW - timedelta(weeks=10)).date())
    SessionFactory(assignment=pair, starts_at=NOW + timedelta(days=2))

    assert services.mentoring_stale_pairs_nudge(now=NOW) == {"nudges": 0}


def test_a_quiet_pair_is_nudged_once_per_stretch_not_every_day(frozen):
    pair = AssignmentFactory(started_on=(NOW - timedelta(weeks=7)).date())
    services.mentoring_stale_pairs_nudge(now=NOW)
    for day in range(1, 10):
        services.mentoring_stale_pairs_nudge(now=NOW + timedelta(days=day))

    assert Notification.objects.filter(user=pair.mentor).count() == 1

    services.mentoring_stale_pairs_nudge(now=NOW + timedelta(weeks=6))
    assert Notification.objects.filter(user=pair.mentor).count() == 2


@override_settings(MENTORING_STALE_WEEKS=2)
def test_the_number_of_weeks_is_a_setting(frozen):
    pair = AssignmentFactory(started_on=(NOW - timedelta(weeks=3)).date())

    services.mentoring_stale_pairs_nudge(now=NOW)

    assert Notification.objects.filter(user=pair.mentee).exists()


def test_the_nudge_job_runs_once_per_day(frozen):
    AssignmentFactory(started_on=(NOW - timedelta(weeks=7)).date())
    services.mentoring_stale_pairs_nudge(now=NOW)

    assert services.mentoring_stale_pairs_nudge(now=NOW + timedelta(hours=3)) is None


def test_people_with_a_place_are_reminded_of_an_event_within_a_day(frozen):
    soon = EventFactory(starts_at=NOW + timedelta(hours=10), capacity=5)
    later = EventFactory(starts_at=NOW + timedelta(days=4), capacity=5)
    placed = RegistrationFactory(event=soon)
    waiting = RegistrationFactory(event=soon, status=EventRegistration.Status.WAITLISTED)
    RegistrationFactory(event=later)

    result = services.event_reminders_send(now=NOW)

    assert result == {"reminders": 1}
    assert list(Notification.objects.values_list("user_id", flat=True)) == [placed.user_id]
    assert waiting.user_id != placed.user_id


def test_a_cancelled_event_is_not_reminded(frozen):
    event = EventFactory(starts_at=NOW + timedelta(hours=3), status="cancelled")
    RegistrationFactory(event=event)

    assert services.event_reminders_send(now=NOW) == {"reminders": 0}


def test_event_reminders_are_sent_once(frozen):
    event = EventFactory(starts_at=NOW + timedelta(hours=10))
    RegistrationFactory(event=event)
    services.event_reminders_send(now=NOW)
    services.event_reminders_send(now=NOW + timedelta(hours=1))
    services.event_reminders_send(now=NOW + timedelta(hours=2))

    assert Notification.objects.count() == 1


def test_tasks_call_the_services_with_an_iso_time(frozen, pair):
    SessionFactory(assignment=pair, starts_at=NOW + timedelta(hours=2))

    assert tasks.session_reminders(now=NOW.isoformat()) == {"reminders": 2}
    assert tasks.stale_pair_nudges(now=NOW.isoformat()) == {"nudges": 0}
    assert tasks.event_reminders(now=NOW.isoformat()) == {"reminders": 0}


def test_beat_rows_exist_for_the_three_jobs(db):
    from django_celery_beat.models import PeriodicTask

    names = set(
        PeriodicTask.objects.filter(task__startswith="mentoring.").values_list("task", flat=True)
    )
    assert names == {
        "mentoring.session_reminders",
        "mentoring.stale_pair_nudges",
        "mentoring.event_reminders",
    }
