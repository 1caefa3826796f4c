"""The daily retention job: old sent and given-up emails and old read notifications go."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Delivery, EmailOutbox, Notification
from notifications.services import notification_retention_purge
from notifications.tasks import retention_purge
from tests.notifications.conftest import INBOX_ONLY

pytestmark = pytest.mark.django_db


def _email(user, key, **fields):
    return EmailOutbox.objects.create(
        key=key, user=user, to_email=user.email, subject="S", body_text="T", **fields
    )


def _days_ago(n: int):
    return timezone.now() - timedelta(days=n)


def test_old_sent_and_old_dead_emails_are_deleted(learner):
    _email(learner, "old-sent", sent_at=_days_ago(31))
    _email(learner, "old-dead", dead_at=_days_ago(91))

    assert notification_retention_purge()["emails"] == 2
    assert not EmailOutbox.objects.exists()


def test_recent_and_waiting_emails_are_kept(learner):
    _email(learner, "recent-sent", sent_at=_days_ago(5))
    _email(learner, "recent-dead", dead_at=_days_ago(30))
    _email(learner, "waiting", created_at=_days_ago(400))

    notification_retention_purge()

    assert EmailOutbox.objects.count() == 3


def test_old_read_notifications_are_deleted_unread_ones_kept(learner):
    Notification.objects.create(
        user=learner, kind=INBOX_ONLY, title="Old read", read_at=_days_ago(366)
    )
    Notification.objects.create(
        user=learner, kind=INBOX_ONLY, title="Old unread", created_at=_days_ago(900)
    )
    Notification.objects.create(
        user=learner, kind=INBOX_ONLY, title="Recent read", read_at=_days_ago(3)
    )

    notification_retention_purge()

    assert sorted(Notification.objects.values_list("title", flat=True)) == [
        "Old unread",
        "Recent read",
    ]


def test_a_digest_item_not_yet_handled_is_kept(learner):
    Notification.objects.create(
        user=learner,
        kind="general",
        title="Waiting for digest",
        read_at=_days_ago(400),
        delivery=Delivery.DIGEST,
    )
    notification_retention_purge()
    assert Notification.objects.exists()


def test_runs_once_a_day(learner):
    assert notification_retention_purge() is not None
    assert retention_purge() is None
