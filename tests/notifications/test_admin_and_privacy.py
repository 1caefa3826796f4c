"""Admin screens and the privacy registry part."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import privacy_erase, privacy_export, privacy_parts
from notifications.models import EmailOutbox, Notification, NotificationPreference
from notifications.services import notification_send
from tests.notifications.conftest import DIGEST, IMMEDIATE

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.is_superuser = True
    platform_admin.save()
    client.force_login(platform_admin)
    return client


@pytest.mark.parametrize("model", ["notification", "notificationpreference", "emailoutbox"])
def test_admin_lists_open(admin_client_, learner, model):
    notification_send(user=learner, kind=IMMEDIATE, title="Hello")
    NotificationPreference.objects.create(user=learner, kind=DIGEST, delivery="off")
    response = admin_client_.get(reverse(f"admin:notifications_{model}_changelist"))
    assert response.status_code == 200


def test_outbox_rows_are_read_only_in_the_admin(admin_client_, learner):
    notification_send(user=learner, kind=IMMEDIATE, title="Hello")
    row = EmailOutbox.objects.get()
    url = reverse("admin:notifications_emailoutbox_change", args=[row.pk])

    response = admin_client_.get(url)
    assert response.status_code == 200
    assert b'name="subject"' not in response.content
    admin_client_.post(url, {"subject": "Changed"})
    row.refresh_from_db()
    assert row.subject != "Changed"
    assert admin_client_.get(reverse("admin:notifications_emailoutbox_add")).status_code == 404


@pytest.mark.parametrize("model", ["notification", "emailoutbox"])
def test_inbox_rows_and_emails_can_still_be_deleted_in_the_admin(admin_client_, learner, model):
    """They use accounts' shared ReadOnlyAdmin, with delete kept (deletable = True)."""
    notification_send(user=learner, kind=IMMEDIATE, title="Hello")
    pk = (Notification if model == "notification" else EmailOutbox).objects.get().pk

    url = reverse(f"admin:notifications_{model}_delete", args=[pk])
    assert admin_client_.get(url).status_code == 200


def test_the_admin_never_shows_what_a_notification_or_email_says_beyond_its_title(
    admin_client_, learner
):
    notification_send(
        user=learner,
        kind=IMMEDIATE,
        title="Hello",
        body="A body that may name someone",
        url="/wellbeing/people/4242/",
    )
    note, email = Notification.objects.get(), EmailOutbox.objects.get()

    note_page = admin_client_.get(
        reverse("admin:notifications_notification_change", args=[note.pk])
    ).content.decode()
    email_page = admin_client_.get(
        reverse("admin:notifications_emailoutbox_change", args=[email.pk])
    ).content.decode()

    for page in (note_page, email_page):
        assert "4242" not in page
        assert "A body that may name someone" not in page


def test_admin_action_retries_dead_emails(
    admin_client_, learner, django_capture_on_commit_callbacks
):
    notification_send(user=learner, kind=IMMEDIATE, title="Hello")
    row = EmailOutbox.objects.get()
    EmailOutbox.objects.filter(pk=row.pk).update(dead_at=timezone.now(), attempts=3)

    with django_capture_on_commit_callbacks():
        response = admin_client_.post(
            reverse("admin:notifications_emailoutbox_changelist"),
            {"action": "retry_dead", "_selected_action": [row.pk]},
            follow=True,
        )

    assert "1 email is back in the queue." in response.content.decode()
    row.refresh_from_db()
    assert row.dead_at is None and row.attempts == 0


def test_notifications_take_part_in_the_privacy_registry():
    assert "notifications" in [part.name for part in privacy_parts()]


def test_export_holds_my_inbox_my_choices_and_my_emails(learner, other_agency_learner):
    notification_send(user=learner, kind=IMMEDIATE, title="Mine", url="/x/")
    notification_send(user=other_agency_learner, kind=IMMEDIATE, title="Theirs")
    NotificationPreference.objects.create(user=learner, kind=DIGEST, delivery="off")

    part = privacy_export(user=learner)["notifications"]

    assert [n["title"] for n in part["inbox"]] == ["Mine"]
    assert part["inbox"][0]["link"] == "/x/"
    assert part["email_preferences"] == {DIGEST: "off"}
    assert [e["to"] for e in part["emails"]] == [learner.email]


def test_erase_removes_my_inbox_choices_and_emails_only(learner, other_agency_learner):
    notification_send(user=learner, kind=IMMEDIATE, title="Mine")
    notification_send(user=other_agency_learner, kind=IMMEDIATE, title="Theirs")
    NotificationPreference.objects.create(user=learner, kind=DIGEST, delivery="off")

    privacy_erase(user=learner)

    assert not Notification.objects.filter(user=learner).exists()
    assert not NotificationPreference.objects.filter(user=learner).exists()
    assert not EmailOutbox.objects.filter(user=learner).exists()
    assert Notification.objects.filter(user=other_agency_learner).exists()
    assert EmailOutbox.objects.filter(user=other_agency_learner).exists()
