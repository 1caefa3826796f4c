"""The daily digest: one email per person per day, set-based, idempotent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import JobRun
from notifications.models import Delivery, EmailOutbox, Notification, NotificationPreference
from notifications.services import (
    DIGEST_JOB,
    notification_digest_deliver,
    notification_digest_plan,
    notification_send,
)
from notifications.tasks import digest_send, digest_send_chunk
from tests.factories import UserFactory
from tests.notifications.conftest import DIGEST, IMMEDIATE

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)


def _deliver(user_ids, *, cutoff=None):
    return notification_digest_deliver(
        user_ids=user_ids, day=DAY, cutoff=cutoff or timezone.now() + timedelta(seconds=1)
    )


def test_plan_claims_the_day_and_enqueues_one_chunk_per_500_people(
    learner, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("notifications.services.DIGEST_CHUNK_SIZE", 2)
    people = [learner, UserFactory(), UserFactory()]
    for person in people:
        notification_send(user=person, kind=DIGEST, title="News")

    with django_capture_on_commit_callbacks() as callbacks:
        result = notification_digest_plan(day=DAY)

    assert result == {"people": 3, "chunks": 2}
    assert len(callbacks) == 2
    run = JobRun.objects.get(job=DIGEST_JOB)
    assert run.period == "2026-11-23"
    assert run.finished_at is not None


def test_a_second_plan_for_the_same_day_does_nothing(learner, django_capture_on_commit_callbacks):
    notification_send(user=learner, kind=DIGEST, title="News")
    notification_digest_plan(day=DAY)

    with django_capture_on_commit_callbacks() as callbacks:
        assert notification_digest_plan(day=DAY) is None
    assert callbacks == []


def test_the_beat_task_runs_for_today_in_utc(learner, django_capture_on_commit_callbacks):
    notification_send(user=learner, kind=DIGEST, title="News")
    with (
        time_machine.travel("2026-11-24 06:00:00+00:00", tick=False),
        django_capture_on_commit_callbacks(),
    ):
        digest_send()
    assert JobRun.objects.filter(job=DIGEST_JOB, period="2026-11-24").exists()


def test_plan_with_nothing_waiting_enqueues_nothing(learner, django_capture_on_commit_callbacks):
    notification_send(user=learner, kind=IMMEDIATE, title="Not for the digest")
    with django_capture_on_commit_callbacks() as callbacks:
        assert notification_digest_plan(day=DAY) == {"people": 0, "chunks": 0}
    assert callbacks == []


def test_deliver_writes_one_email_per_person_listing_their_unread_items(learner, mocker_delay):
    other = UserFactory()
    notification_send(user=learner, kind=DIGEST, title="First item", body="Body one")
    notification_send(user=learner, kind=DIGEST, title="Second item", url="/courses/")
    notification_send(user=other, kind=DIGEST, title="Other item")

    assert _deliver([learner.pk, other.pk]) == 2

    email = EmailOutbox.objects.get(user=learner)
    assert email.key == f"digest:{learner.pk}:2026-11-23"
    assert "2 new notifications" in email.subject
    assert "First item" in email.body_text and "Second item" in email.body_text
    assert "Other item" not in email.body_text
    assert "Second item" in email.body_html
    assert not Notification.objects.filter(digested_at__isnull=True).exists()


def test_deliver_run_twice_sends_one_email(learner, mocker_delay):
    notification_send(user=learner, kind=DIGEST, title="Item")
    _deliver([learner.pk])
    assert _deliver([learner.pk]) == 0
    assert EmailOutbox.objects.count() == 1


def test_items_after_the_cutoff_wait_for_the_next_day(learner, mocker_delay):
    notification_send(user=learner, kind=DIGEST, title="Before")
    cutoff = timezone.now()
    with time_machine.travel(cutoff + timedelta(minutes=1)):
        late = notification_send(user=learner, kind=DIGEST, title="After")

    _deliver([learner.pk], cutoff=cutoff)

    late.refresh_from_db()
    assert late.digested_at is None
    assert "After" not in EmailOutbox.objects.get().body_text


def test_items_already_read_are_not_emailed_but_are_marked_handled(learner, mocker_delay):
    seen = notification_send(user=learner, kind=DIGEST, title="Seen")
    Notification.objects.filter(pk=seen.pk).update(read_at=timezone.now())

    assert _deliver([learner.pk]) == 0
    seen.refresh_from_db()
    assert seen.digested_at is not None
    assert not EmailOutbox.objects.exists()


def test_a_kind_turned_off_since_is_not_emailed(learner, mocker_delay):
    notification_send(user=learner, kind=DIGEST, title="Quiet now")
    NotificationPreference.objects.create(user=learner, kind=DIGEST, delivery=Delivery.OFF)

    assert _deliver([learner.pk]) == 0
    assert not EmailOutbox.objects.exists()


def test_a_person_disabled_since_gets_no_digest(learner, mocker_delay):
    notification_send(user=learner, kind=DIGEST, title="Item")
    learner.is_active = False
    learner.save()

    assert _deliver([learner.pk]) == 0
    assert not Notification.objects.filter(digested_at__isnull=True).exists()


def test_immediate_and_inbox_only_items_never_go_in_a_digest(learner, mocker_delay):
    notification_send(user=learner, kind=IMMEDIATE, title="Immediate")
    EmailOutbox.objects.all().delete()
    assert _deliver([learner.pk]) == 0


def test_a_long_digest_lists_the_newest_items_and_counts_the_rest(
    learner, mocker_delay, monkeypatch
):
    monkeypatch.setattr("notifications.services.DIGEST_MAX_ITEMS", 2)
    for i in range(4):
        with time_machine.travel(timezone.now() + timedelta(seconds=i)):
            notification_send(user=learner, kind=DIGEST, title=f"Item {i}")

    _deliver([learner.pk], cutoff=timezone.now() + timedelta(minutes=1))

    email = EmailOutbox.objects.get()
    assert "Item 3" in email.body_text and "Item 2" in email.body_text
    assert "Item 0" not in email.body_text
    assert "And 2 more in your inbox" in email.body_text


def test_digest_is_written_in_each_persons_language(learner, mocker_delay):
    learner.preferred_language = "fr"
    learner.save()
    notification_send(user=learner, kind=DIGEST, title="Nouveau module")

    _deliver([learner.pk])

    email = EmailOutbox.objects.get()
    assert "Votre récapitulatif quotidien" in email.subject
    assert "Bonjour" in email.body_text


def test_deliver_uses_a_fixed_number_of_queries_for_a_chunk(
    learner, mocker_delay, django_assert_max_num_queries
):
    people = [learner, *UserFactory.create_batch(5)]
    for person in people:
        for i in range(3):
            notification_send(user=person, kind=DIGEST, title=f"Item {i}")

    with django_assert_max_num_queries(12):
        assert _deliver([p.pk for p in people]) == 6


def test_chunk_task_takes_iso_strings(learner, mocker_delay):
    notification_send(user=learner, kind=DIGEST, title="Item")
    cutoff = (timezone.now() + timedelta(seconds=1)).isoformat()
    assert digest_send_chunk(user_ids=[learner.pk], day="2026-11-23", cutoff=cutoff) == 1
