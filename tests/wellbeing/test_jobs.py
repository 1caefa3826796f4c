"""Periodic jobs: check-in reminders, follow-up reminders and retention. Each claims its day
first (a second beat does nothing) and sends with idempotency keys."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from tests.factories import UserFactory
from wellbeing import tasks
from wellbeing.models import (
    AdjustmentFlag,
    AgencyInstrument,
    AgencyWellbeingSettings,
    CheckIn,
    ExposureEntry,
    PersonWellbeingSettings,
    ReviewCase,
    ReviewEntry,
)
from wellbeing.services import (
    checkin_reminders_plan,
    checkin_reminders_send,
    checkins_purge_expired,
    review_follow_ups_remind,
    review_note_add,
)


@pytest.fixture
def chunk_calls(monkeypatch):
    """The kwargs of every reminders_send_chunk.delay call (instead of a broker)."""
    calls = []
    monkeypatch.setattr(tasks.reminders_send_chunk, "delay", lambda **kw: calls.append(kw))
    return calls


def reminders(person):
    return Notification.objects.filter(user=person, kind="wellbeing.reminder")


def test_the_plan_enqueues_one_chunk_per_500_people_after_commit(
    learner, django_capture_on_commit_callbacks, chunk_calls
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = checkin_reminders_plan(day=timezone.localdate())
    assert chunk_calls == []

    for callback in callbacks:
        callback()

    assert result["chunks"] == 1
    assert chunk_calls == [{"person_ids": [learner.pk], "day": timezone.localdate().isoformat()}]


def test_the_plan_runs_once_a_day(learner):
    day = timezone.localdate()

    assert checkin_reminders_plan(day=day) is not None
    assert checkin_reminders_plan(day=day) is None


def test_the_plan_skips_people_who_turned_reminders_off(
    learner, peer, django_capture_on_commit_callbacks, chunk_calls
):
    PersonWellbeingSettings.objects.create(person=learner, reminders_enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        checkin_reminders_plan(day=timezone.localdate())

    assert chunk_calls[0]["person_ids"] == [peer.pk]


def test_someone_who_never_checked_in_is_reminded_once(learner, who5):
    day = timezone.localdate()

    assert checkin_reminders_send(person_ids=[learner.pk], day=day) == 1
    assert checkin_reminders_send(person_ids=[learner.pk], day=day) == 0
    assert reminders(learner).count() == 1
    assert "Only you and your wellbeing lead can see your answers" in reminders(learner).get().body


def test_no_reminder_before_the_cadence_is_up(learner, make_checkin):
    make_checkin(learner, days_ago=13)

    assert checkin_reminders_send(person_ids=[learner.pk], day=timezone.localdate()) == 0


def test_a_reminder_on_the_due_day_and_again_a_cadence_later(learner, make_checkin):
    make_checkin(learner, days_ago=14)
    today = timezone.localdate()

    assert checkin_reminders_send(person_ids=[learner.pk], day=today) == 1
    assert checkin_reminders_send(person_ids=[learner.pk], day=today + timedelta(days=5)) == 0
    assert checkin_reminders_send(person_ids=[learner.pk], day=today + timedelta(days=14)) == 1


def test_the_agency_cadence_is_used(learner, make_checkin):
    AgencyInstrument.objects.create(agency=learner.agency, instrument_code="who5", cadence_days=28)
    make_checkin(learner, days_ago=20)

    assert checkin_reminders_send(person_ids=[learner.pk], day=timezone.localdate()) == 0


def test_the_reminder_task_calls_the_service(learner, who5):
    assert (
        tasks.reminders_send_chunk(person_ids=[learner.pk], day=timezone.localdate().isoformat())
        == 1
    )


def test_a_follow_up_due_today_reminds_the_lead_who_set_it(make_checkin, learner, wellbeing_lead):
    case = make_checkin(learner, wants_to_talk=True).review_case
    ReviewCase.objects.filter(pk=case.pk).update(
        follow_up_on=timezone.localdate(), follow_up_by=wellbeing_lead
    )
    Notification.objects.all().delete()

    assert review_follow_ups_remind(day=timezone.localdate()) == {"reminded": 1}
    assert Notification.objects.get(user=wellbeing_lead).url.endswith(f"/queue/{case.pk}/")
    assert review_follow_ups_remind(day=timezone.localdate()) is None


def test_closed_cases_get_no_follow_up_reminder(make_checkin, learner, wellbeing_lead):
    case = make_checkin(learner, wants_to_talk=True).review_case
    ReviewCase.objects.filter(pk=case.pk).update(status="closed", follow_up_on=timezone.localdate())

    assert review_follow_ups_remind(day=timezone.localdate()) == {"reminded": 0}


def test_retention_deletes_check_ins_older_than_24_months_by_default(
    make_checkin, learner, wellbeing_lead
):
    old = make_checkin(learner, days_ago=24 * 31 + 5, wants_to_talk=True)
    review_note_add(actor=wellbeing_lead, case=old.review_case, text="old note")
    recent = make_checkin(learner, days_ago=300)

    result = checkins_purge_expired()

    assert list(CheckIn.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ReviewCase.objects.exists() and not ReviewEntry.objects.exists()
    assert result["check_ins"] == 1


def test_retention_follows_each_agencys_setting(make_checkin, learner, other_agency_learner):
    AgencyWellbeingSettings.objects.create(agency=learner.agency, retention_months=6)
    make_checkin(learner, days_ago=200)
    kept = make_checkin(other_agency_learner, days_ago=200)

    checkins_purge_expired()

    assert list(CheckIn.objects.values_list("pk", flat=True)) == [kept.pk]


def test_retention_also_deletes_old_exposure_and_cleared_flags(learner):
    long_ago = timezone.now() - timedelta(days=800)
    ExposureEntry.objects.create(
        person=learner, day=long_ago.date(), hours=Decimal("1"), kind="text"
    )
    AdjustmentFlag.objects.create(person=learner, set_at=long_ago, cleared_at=long_ago)
    active = AdjustmentFlag.objects.create(person=learner, set_at=long_ago)

    checkins_purge_expired()

    assert not ExposureEntry.objects.exists()
    assert list(AdjustmentFlag.objects.all()) == [active]


def test_retention_covers_people_without_an_agency(make_checkin, db):
    person = UserFactory(unit=None, agency=None)
    make_checkin(person, days_ago=24 * 31 + 5)

    checkins_purge_expired()

    assert not CheckIn.objects.exists()


def test_retention_runs_once_a_day(db):
    with time_machine.travel("2026-05-01 03:20:00+00:00", tick=False):
        assert checkins_purge_expired() is not None
        assert checkins_purge_expired() is None
