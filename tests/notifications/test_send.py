"""notification_send: the inbox row, the email according to the preference, idempotency."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy

from notifications.models import Delivery, EmailOutbox, Notification, NotificationPreference
from notifications.services import notification_send
from tests.factories import UserFactory
from tests.notifications.conftest import DIGEST, IMMEDIATE, INBOX_ONLY

pytestmark = pytest.mark.django_db


def test_immediate_kind_creates_an_inbox_row_and_one_outbox_email(learner):
    notification = notification_send(user=learner, kind=IMMEDIATE, title="Account approved")

    assert notification.user == learner
    assert notification.delivery == Delivery.IMMEDIATE
    email = EmailOutbox.objects.get()
    assert email.key == f"notification:{notification.pk}"
    assert email.to_email == learner.email
    assert "Account approved" in email.subject
    assert email.sent_at is None


def test_email_is_enqueued_only_after_commit(learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notification_send(user=learner, kind=IMMEDIATE, title="Account approved")
    assert len(callbacks) == 1


def test_many_emails_in_one_transaction_wake_one_sender_per_chunk(
    learner, django_capture_on_commit_callbacks, mocker_delay
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for i in range(5):
            notification_send(user=learner, kind=IMMEDIATE, title=f"Item {i}")
    assert len(callbacks) == 1
    assert mocker_delay.call_count == 1


def test_digest_kind_creates_an_inbox_row_and_no_email_yet(learner):
    notification = notification_send(user=learner, kind=DIGEST, title="New module")

    assert notification.delivery == Delivery.DIGEST
    assert notification.digested_at is None
    assert not EmailOutbox.objects.exists()


def test_inbox_only_kind_sends_no_email(learner):
    notification = notification_send(user=learner, kind=INBOX_ONLY, title="Quiet")

    assert notification.delivery == Delivery.OFF
    assert not EmailOutbox.objects.exists()


def test_the_persons_preference_overrides_the_kind_default(learner):
    NotificationPreference.objects.create(user=learner, kind=IMMEDIATE, delivery=Delivery.OFF)

    notification = notification_send(user=learner, kind=IMMEDIATE, title="Password changed")

    assert notification.delivery == Delivery.OFF
    assert not EmailOutbox.objects.exists()


def test_same_key_twice_sends_nothing_the_second_time(learner):
    first = notification_send(user=learner, kind=IMMEDIATE, title="Due", key="due:1")
    second = notification_send(user=learner, kind=IMMEDIATE, title="Due", key="due:1")

    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    assert EmailOutbox.objects.count() == 1


def test_same_key_for_two_people_reaches_both(learner):
    other = UserFactory()
    notification_send(user=learner, kind=DIGEST, title="Course published", key="course:7")
    notification_send(user=other, kind=DIGEST, title="Course published", key="course:7")

    assert Notification.objects.count() == 2


def test_key_is_kept_even_when_no_email_goes_out(learner):
    notification_send(user=learner, kind=INBOX_ONLY, title="Quiet", key="quiet:1")
    assert notification_send(user=learner, kind=INBOX_ONLY, title="Quiet", key="quiet:1") is None
    assert not EmailOutbox.objects.exists()


def test_inactive_person_gets_nothing(learner):
    learner.is_active = False
    learner.save()

    assert notification_send(user=learner, kind=IMMEDIATE, title="Hello") is None
    assert not Notification.objects.exists()
    assert not EmailOutbox.objects.exists()


def test_unregistered_kind_is_refused(learner):
    with pytest.raises(LookupError):
        notification_send(user=learner, kind="no.such.kind", title="Hello")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "courses/1/",
        "/courses/\n1/",
    ],
)
def test_a_link_that_is_not_a_local_path_is_refused(learner, url):
    with pytest.raises(ValueError, match="local path"):
        notification_send(user=learner, kind=IMMEDIATE, title="Hello", url=url)
    assert not Notification.objects.exists()


def test_a_local_link_with_query_and_fragment_is_kept(learner):
    notification = notification_send(
        user=learner, kind=DIGEST, title="Hello", url="/courses/3/?tab=quiz#q2"
    )
    assert notification.url == "/courses/3/?tab=quiz#q2"


def test_blank_title_is_refused(learner):
    with pytest.raises(ValueError, match="title"):
        notification_send(user=learner, kind=IMMEDIATE, title="   ")


def test_overlong_key_is_refused(learner):
    with pytest.raises(ValueError, match="key"):
        notification_send(user=learner, kind=IMMEDIATE, title="Hello", key="k" * 201)


def test_long_title_is_cut_to_fit_and_whitespace_folded(learner):
    notification = notification_send(user=learner, kind=DIGEST, title="A\n  b " + "x" * 300)
    assert notification.title.startswith("A b x")
    assert len(notification.title) == 200


def test_lazy_title_is_stored_in_the_recipients_language(learner):
    learner.preferred_language = "fr"
    learner.save()
    notification = notification_send(
        user=learner, kind=INBOX_ONLY, title=gettext_lazy("Mark all as read")
    )

    assert notification.title == "Tout marquer comme lu"


def test_email_is_written_in_the_recipients_language(learner):
    learner.preferred_language = "fr"
    learner.save()

    notification_send(user=learner, kind=IMMEDIATE, title="Compte approuvé", url="/")

    email = EmailOutbox.objects.get()
    assert "Bonjour" in email.body_text
    assert "Bonjour" in email.body_html
    assert 'lang="fr"' in email.body_html


def test_email_links_through_the_open_view_with_an_absolute_url(learner, settings):
    settings.SITE_URL = "https://training.example"
    notification = notification_send(user=learner, kind=IMMEDIATE, title="Hello", url="/x/")

    email = EmailOutbox.objects.get()
    assert f"https://training.example/inbox/{notification.pk}/open/" in email.body_text
    assert "https://training.example/inbox/settings/" in email.body_text


def test_hostile_text_is_escaped_in_the_html_email_only(learner):
    notification_send(
        user=learner, kind=IMMEDIATE, title="<script>x</script> & co", body="<b>bold</b>"
    )

    email = EmailOutbox.objects.get()
    assert "<script>" not in email.body_html
    assert "&lt;script&gt;" in email.body_html
    assert "<b>bold</b>" in email.body_text
    assert "<script>x</script> & co" in email.subject
