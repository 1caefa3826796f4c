"""End to end on a real worker process and the real broker: an email queued by
notification_send is delivered exactly once; a row whose broker message was lost is delivered
after the sweeper runs. Runs on SQLite + filesystem broker and on PostgreSQL + Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import EmailOutbox
from notifications.services import notification_send
from notifications.tasks import digest_send, outbox_send_chunk, outbox_sweep
from tests.factories import UserFactory
from tests.notifications.conftest import DIGEST, IMMEDIATE

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def test_notification_email_is_delivered_once_by_a_real_worker(celery_worker_process):
    worker = celery_worker_process
    learner = UserFactory(email="learner.delivery@ag.example")

    notification_send(
        user=learner, kind=IMMEDIATE, title="Your refresher is due", url="/", key="delivery-1"
    )

    row = EmailOutbox.objects.get(user=learner)
    worker.wait_for(
        lambda: EmailOutbox.objects.filter(pk=row.pk, sent_at__isnull=False).exists(),
        what="the outbox row to be marked sent",
    )
    # A retry, a second beat, a re-run: nothing more goes out.
    notification_send(
        user=learner, kind=IMMEDIATE, title="Your refresher is due", url="/", key="delivery-1"
    )
    outbox_sweep()
    outbox_send_chunk.delay()
    outbox_sweep.delay()
    worker.drain()

    emails = worker.emails()
    assert [m["To"] for m in emails] == ["learner.delivery@ag.example"]
    assert "Your refresher is due" in emails[0]["Subject"]
    row.refresh_from_db()
    assert row.attempts == 1
    assert EmailOutbox.objects.count() == 1


def test_a_row_whose_broker_message_was_lost_is_delivered_after_the_sweep(
    celery_worker_process,
):
    worker = celery_worker_process
    learner = UserFactory(email="lost.message@ag.example")
    # The row was committed but its wake-up message never reached the broker.
    row = EmailOutbox.objects.create(
        key="lost-message-1",
        user=learner,
        to_email=learner.email,
        subject="Waiting since the broker restarted",
        body_text="Body",
        created_at=timezone.now() - timedelta(minutes=30),
    )
    worker.drain()
    assert EmailOutbox.objects.get(pk=row.pk).sent_at is None

    assert outbox_sweep() == 1

    worker.wait_for(
        lambda: EmailOutbox.objects.filter(pk=row.pk, sent_at__isnull=False).exists(),
        what="the swept row to be sent",
    )
    outbox_sweep()
    worker.drain()
    assert [m["Subject"] for m in worker.emails()] == ["Waiting since the broker restarted"]


def test_daily_digest_goes_out_once_through_the_real_worker(celery_worker_process):
    worker = celery_worker_process
    learner = UserFactory(email="digest.reader@ag.example")
    notification_send(user=learner, kind=DIGEST, title="New refresher module")
    notification_send(user=learner, kind=DIGEST, title="Trend item linked to your course")

    digest_send.delay(day="2026-11-23")
    digest_send.delay(day="2026-11-23")  # a second beat by mistake

    worker.wait_for(
        lambda: EmailOutbox.objects.filter(user=learner, sent_at__isnull=False).exists(),
        what="the digest email to be sent",
    )
    worker.drain()
    emails = worker.emails()
    assert len(emails) == 1
    assert "2 new notifications" in emails[0]["Subject"]
    assert EmailOutbox.objects.get().key == f"digest:{learner.pk}:2026-11-23"
