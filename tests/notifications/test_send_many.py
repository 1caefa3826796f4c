"""notification_send_many: notification_send's rules for a batch, in a handful of queries."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy

from notifications import services
from notifications.models import Delivery, EmailOutbox, Notification, NotificationPreference
from notifications.services import Notice, notification_send, notification_send_many
from tests.factories import UserFactory
from tests.notifications.conftest import DIGEST, IMMEDIATE, INBOX_ONLY

pytestmark = pytest.mark.django_db


def test_each_notice_gets_an_inbox_row_and_an_email_by_preference(learner):
    quiet = UserFactory()
    NotificationPreference.objects.create(user=quiet, kind=IMMEDIATE, delivery=Delivery.DIGEST)

    written = notification_send_many(
        [
            Notice(learner, IMMEDIATE, "Approved", key="a:1", url="/x/"),
            Notice(quiet, IMMEDIATE, "Approved", key="a:1"),
            Notice(learner, INBOX_ONLY, "Quiet", key="q:1"),
        ]
    )

    assert written == 3
    deliveries = dict(
        Notification.objects.values_list("user_id", "delivery").filter(kind=IMMEDIATE)
    )
    assert deliveries == {learner.pk: Delivery.IMMEDIATE, quiet.pk: Delivery.DIGEST}
    email = EmailOutbox.objects.get()
    mine = Notification.objects.get(user=learner, kind=IMMEDIATE)
    assert email.key == f"notification:{mine.pk}"
    assert email.to_email == learner.email


def test_the_email_is_the_one_notification_send_writes(learner):
    notification_send(user=learner, kind=IMMEDIATE, title="Due", body="Soon", url="/x/", key="1")
    notification_send_many([Notice(learner, IMMEDIATE, "Due", "Soon", "/x/", key="2")])

    single, bulk = EmailOutbox.objects.order_by("pk")
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    assert bulk.subject == single.subject
    assert bulk.body_text == single.body_text.replace(f"/{ids[0]}/", f"/{ids[1]}/")
    assert bulk.body_html == single.body_html.replace(f"/{ids[0]}/", f"/{ids[1]}/")


def test_a_key_already_used_or_repeated_in_the_batch_sends_nothing_more(learner):
    notification_send(user=learner, kind=IMMEDIATE, title="Due", key="due:1")

    written = notification_send_many(
        [
            Notice(learner, IMMEDIATE, "Due", key="due:1"),
            Notice(learner, IMMEDIATE, "Due", key="due:2"),
            Notice(learner, IMMEDIATE, "Due", key="due:2"),
        ]
    )

    assert written == 1
    assert Notification.objects.count() == 2
    assert EmailOutbox.objects.count() == 2
    assert notification_send_many([Notice(learner, IMMEDIATE, "Due", key="due:2")]) == 0


def test_inactive_people_get_nothing(learner):
    learner.is_active = False
    learner.save()

    assert notification_send_many([Notice(learner, IMMEDIATE, "Hello", key="h")]) == 0
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("notice", "error"),
    [
        ({"kind": IMMEDIATE, "title": "No key"}, ValueError),
        ({"kind": IMMEDIATE, "title": "x", "key": "k" * 201}, ValueError),
        (
            {"kind": IMMEDIATE, "title": "x", "key": "k", "url": "https://elsewhere.example"},
            ValueError,
        ),
        ({"kind": IMMEDIATE, "title": "  ", "key": "k"}, ValueError),
        ({"kind": "nobody.registered.this", "title": "x", "key": "k"}, LookupError),
    ],
)
def test_one_refused_notice_fails_the_whole_batch(learner, notice, error):
    good = Notice(learner, DIGEST, "Fine", key="fine")

    with pytest.raises(error):
        notification_send_many([good, Notice(learner, **notice)])

    assert not Notification.objects.exists()


def test_lazy_texts_are_stored_in_each_persons_language(learner):
    learner.preferred_language = "fr"
    learner.save()

    notification_send_many([Notice(learner, INBOX_ONLY, gettext_lazy("Mark all as read"), key="m")])

    assert Notification.objects.get().title == "Tout marquer comme lu"


def test_a_batch_costs_the_same_queries_for_one_notice_or_twenty(
    learner, django_assert_max_num_queries
):
    people = [UserFactory() for _ in range(20)]

    with django_assert_max_num_queries(10):
        notification_send_many([Notice(p, IMMEDIATE, "Hi", url="/x/", key="k") for p in people])

    assert EmailOutbox.objects.count() == 20


@pytest.mark.parametrize("language", ["en", "fr", ""])
@pytest.mark.parametrize("body", ["", "Line <b>one</b> & 'two'\r\nthree\n\nfour %(name)s"])
@pytest.mark.parametrize("url", ["", "/courses/x/?a=1&b=2"])
@pytest.mark.parametrize("full_name", ["Ana <O'Neil> & co", ""])
def test_the_batch_email_is_exactly_what_the_templates_render(
    settings, language, body, url, full_name
):
    """The bulk path fills placeholders into templates rendered once per language and shape:
    every byte must match a plain render of the three templates."""
    settings.SITE_URL = "https://training.example/"
    person = UserFactory(preferred_language=language, full_name=full_name, email="a&b@x.example")
    notification = Notification.objects.create(
        user=person,
        kind=IMMEDIATE,
        title='<script>x</script> "quoted" %(name)s {{ title }} \\ name',
        body=body,
        url=url,
        key="k",
    )

    fast = services._NotificationEmails().render(notification)

    open_url = services._notification_link(notification)
    assert fast == services.outbox_email_render(
        user=person,
        template=services.NOTIFICATION_EMAIL,
        context={"notification": notification, "open_url": open_url},
    )
