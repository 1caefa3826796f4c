"""The outbox: claims with leases, one send per row, backoff, dead letters, the sweeper."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from unittest.mock import patch

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import AuditEvent
from notifications.models import EmailOutbox
from notifications.services import (
    OutgoingEmail,
    outbox_claim,
    outbox_dead_retry,
    outbox_deliver,
    outbox_email_enqueue,
    outbox_email_enqueue_many,
    outbox_release,
    outbox_sweep_count,
)
from notifications.tasks import outbox_send_chunk, outbox_sweep

pytestmark = pytest.mark.django_db


def _row(user, key="k1", **fields) -> EmailOutbox:
    return EmailOutbox.objects.create(
        key=key,
        user=user,
        to_email=user.email,
        subject=fields.pop("subject", "Subject"),
        body_text="Text",
        body_html="<p>HTML</p>",
        **fields,
    )


def test_enqueue_with_an_existing_key_adds_nothing(learner, mocker_delay):
    assert outbox_email_enqueue(user=learner, key="a", subject="S", text="T") is True
    assert outbox_email_enqueue(user=learner, key="a", subject="S2", text="T2") is False
    assert EmailOutbox.objects.get().subject == "S"


def test_enqueue_many_skips_existing_keys(learner, mocker_delay):
    _row(learner, key="a")
    emails = [
        OutgoingEmail(key=k, user_id=learner.pk, to_email=learner.email, subject=k, text="T")
        for k in ["a", "b"]
    ]
    outbox_email_enqueue_many(emails=emails)
    assert sorted(EmailOutbox.objects.values_list("key", flat=True)) == ["a", "b"]
    assert EmailOutbox.objects.get(key="a").subject == "Subject"


def test_claim_takes_waiting_rows_oldest_first_and_counts_an_attempt(learner):
    newer = _row(learner, key="newer")
    older = _row(learner, key="older", created_at=timezone.now() - timedelta(hours=1))

    assert outbox_claim(limit=10) == [older.pk, newer.pk]
    older.refresh_from_db()
    assert older.attempts == 1
    assert older.claimed_until > timezone.now()


def test_a_claimed_row_is_not_claimed_again_while_its_lease_runs(learner):
    _row(learner)
    assert len(outbox_claim(limit=10)) == 1
    assert outbox_claim(limit=10) == []


def test_a_row_whose_lease_ran_out_can_be_claimed_again(learner):
    row = _row(learner)
    outbox_claim(limit=10)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert outbox_claim(limit=10) == [row.pk]


def test_claim_respects_the_limit(learner):
    for i in range(3):
        _row(learner, key=f"k{i}")
    assert len(outbox_claim(limit=2)) == 2


def test_sent_and_dead_rows_are_never_claimed(learner):
    _row(learner, key="sent", sent_at=timezone.now())
    _row(learner, key="dead", dead_at=timezone.now())
    assert outbox_claim(limit=10) == []


def test_deliver_sends_text_and_html_and_marks_the_row_sent(learner):
    row = _row(learner)
    outbox_deliver(ids=outbox_claim(limit=10))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.claimed_until is None


def test_delivering_the_same_ids_twice_sends_once(learner):
    _row(learner)
    ids = outbox_claim(limit=10)
    assert outbox_deliver(ids=ids) == 1
    assert outbox_deliver(ids=ids) == 0
    assert len(mail.outbox) == 1


def test_a_transport_failure_is_recorded_and_retried_later(learner):
    row = _row(learner)
    with patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("gone"),
    ):
        assert outbox_deliver(ids=outbox_claim(limit=10)) == 0

    row.refresh_from_db()
    assert row.sent_at is None and row.dead_at is None
    assert row.last_error.startswith("SMTPServerDisconnected")
    # Backing off: not claimable at once, claimable later.
    assert outbox_claim(limit=10) == []
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert outbox_claim(limit=10) == [row.pk]


def test_a_mail_server_that_refuses_connections_leaves_every_row_waiting(learner):
    _row(learner, key="a")
    _row(learner, key="b")
    with patch(
        "django.core.mail.backends.locmem.EmailBackend.open", side_effect=OSError("refused")
    ):
        assert outbox_deliver(ids=outbox_claim(limit=10)) == 0
    assert EmailOutbox.objects.filter(sent_at__isnull=True, dead_at__isnull=True).count() == 2


def test_a_refused_recipient_is_given_up_at_once(learner):
    row = _row(learner)
    with patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPRecipientsRefused({learner.email: (550, b"no such user")}),
    ):
        outbox_deliver(ids=outbox_claim(limit=10))
    row.refresh_from_db()
    assert row.dead_at is not None


def test_the_last_failed_attempt_makes_the_row_dead(learner, settings):
    row = _row(learner, attempts=settings.OUTBOX_MAX_ATTEMPTS - 1)
    with patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=TimeoutError("slow"),
    ):
        outbox_deliver(ids=outbox_claim(limit=10))
    row.refresh_from_db()
    assert row.attempts == settings.OUTBOX_MAX_ATTEMPTS
    assert row.dead_at is not None


def test_a_row_that_keeps_killing_its_worker_is_given_up_after_max_attempts(learner, settings):
    """Each claim counts; a worker killed mid-send never records a failure."""
    row = _row(learner)
    for _ in range(settings.OUTBOX_MAX_ATTEMPTS):
        assert outbox_claim(limit=10) == [row.pk]  # ...and the worker dies: no deliver
        row.refresh_from_db()
        EmailOutbox.objects.filter(pk=row.pk).update(claimed_until=None)  # lease ran out

    assert outbox_claim(limit=10) == []
    row.refresh_from_db()
    assert row.dead_at is not None
    assert "gave up" in row.last_error


def test_release_gives_back_unsent_claims_only(learner):
    sent = _row(learner, key="sent")
    waiting = _row(learner, key="waiting")
    ids = outbox_claim(limit=10)
    EmailOutbox.objects.filter(pk=sent.pk).update(sent_at=timezone.now())

    assert outbox_release(ids=ids) == 1
    waiting.refresh_from_db()
    assert waiting.claimed_until is None


def test_chunk_task_sends_and_wakes_another_when_the_chunk_was_full(
    learner, settings, mocker_delay
):
    settings.OUTBOX_CHUNK_SIZE = 2
    for i in range(3):
        _row(learner, key=f"k{i}")

    assert outbox_send_chunk() == 2
    assert mocker_delay.call_count == 1
    assert outbox_send_chunk() == 1
    assert mocker_delay.call_count == 1
    assert len(mail.outbox) == 3


def test_sweep_counts_only_rows_waiting_longer_than_the_threshold(learner, settings):
    settings.OUTBOX_SWEEP_AFTER = timedelta(minutes=5)
    _row(learner, key="old", created_at=timezone.now() - timedelta(minutes=10))
    _row(learner, key="new")
    _row(
        learner, key="sent", created_at=timezone.now() - timedelta(hours=1), sent_at=timezone.now()
    )
    assert outbox_sweep_count(older_than=settings.OUTBOX_SWEEP_AFTER) == 1


def test_sweep_wakes_one_sender_per_chunk_of_old_waiting_rows(learner, settings, mocker_delay):
    settings.OUTBOX_CHUNK_SIZE = 2
    for i in range(3):
        _row(learner, key=f"k{i}", created_at=timezone.now() - timedelta(hours=1))

    assert outbox_sweep() == 2
    assert mocker_delay.call_count == 2


def test_sweep_with_nothing_waiting_wakes_nobody(learner, mocker_delay):
    assert outbox_sweep() == 0
    assert mocker_delay.call_count == 0


def test_platform_admin_puts_dead_emails_back_in_the_queue(
    platform_admin, learner, django_capture_on_commit_callbacks
):
    dead = _row(learner, key="dead", dead_at=timezone.now(), attempts=3, last_error="boom")
    sent = _row(learner, key="sent", sent_at=timezone.now())

    with django_capture_on_commit_callbacks() as callbacks:
        count = outbox_dead_retry(actor=platform_admin, ids=[dead.pk, sent.pk])

    assert count == 1
    assert len(callbacks) == 1
    dead.refresh_from_db()
    assert (dead.dead_at, dead.attempts, dead.last_error) == (None, 0, "")
    assert AuditEvent.objects.filter(action="notifications.outbox_retry").exists()


@pytest.mark.parametrize("who", ["learner", "agency_admin", "trainer"])
def test_only_platform_admins_may_retry_dead_emails(request, who, learner):
    actor = request.getfixturevalue(who)
    dead = _row(learner, key="dead", dead_at=timezone.now())
    with pytest.raises(PermissionDenied):
        outbox_dead_retry(actor=actor, ids=[dead.pk])
    dead.refresh_from_db()
    assert dead.dead_at is not None
