"""The inbox page: own notifications only, unread styling, open, mark read, mark all read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import UserFactory
from tests.notifications.conftest import INBOX_ONLY

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")


def _note(user, title="Something happened", **fields) -> Notification:
    return Notification.objects.create(user=user, kind=INBOX_ONLY, title=title, **fields)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_empty_inbox_says_so_and_links_to_settings(client_as, learner):
    response = client_as(learner).get(INBOX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Your inbox is empty." in content
    assert reverse("notifications:preferences") in content
    assert "Mark all as read" not in content


def test_inbox_lists_only_my_notifications_newest_first(client_as, learner):
    _note(learner, "Older", created_at=timezone.now() - timedelta(hours=2))
    _note(learner, "Newer")
    _note(UserFactory(), "Someone else's")

    content = client_as(learner).get(INBOX).content.decode()

    assert content.index("Newer") < content.index("Older")
    assert "Someone else&#x27;s" not in content and "Someone else's" not in content


def test_unread_notifications_are_marked_for_sight_and_screen_readers(client_as, learner):
    _note(learner, "Fresh")
    _note(learner, "Seen", read_at=timezone.now())

    content = client_as(learner).get(INBOX).content.decode()

    assert content.count("is-unread") == 1
    assert content.count("Unread:") == 1
    assert "You have 1 unread notification." in content


def test_hostile_text_is_escaped(client_as, learner):
    _note(learner, "<script>alert(1)</script>", body="<img src=x onerror=alert(1)>")
    content = client_as(learner).get(INBOX).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "<img src=x" not in content


def test_inbox_is_paginated_by_25(client_as, learner):
    for i in range(30):
        _note(learner, f"Item {i}")
    client = client_as(learner)

    first = client.get(INBOX)
    second = client.get(INBOX, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2" in first.content.decode()


def test_an_out_of_range_page_shows_the_last_page(client_as, learner):
    _note(learner)
    response = client_as(learner).get(INBOX, {"page": "999"})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_unread_filter_shows_only_unread(client_as, learner):
    _note(learner, "Fresh")
    _note(learner, "Seen", read_at=timezone.now())

    content = client_as(learner).get(INBOX, {"show": "unread"}).content.decode()

    assert "Fresh" in content and "Seen" not in content


def test_unread_filter_with_nothing_unread_has_its_own_empty_state(client_as, learner):
    _note(learner, read_at=timezone.now())
    content = client_as(learner).get(INBOX, {"show": "unread"}).content.decode()
    assert "Nothing unread." in content


def test_header_shows_the_unread_count(client_as, learner):
    _note(learner)
    _note(learner)
    content = client_as(learner).get(reverse("home")).content.decode()
    assert 'aria-label="2 unread"' in content


def _inbox_queries(client, learner, count: int) -> list[str]:
    Notification.objects.filter(user=learner).delete()
    Notification.objects.bulk_create(
        Notification(user=learner, kind=INBOX_ONLY, title=f"Item {i}") for i in range(count)
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INBOX).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_inbox_page_uses_the_same_queries_for_3_and_60_notifications(client_as, learner):
    client = client_as(learner)
    client.get(INBOX)  # warm the session

    small = _inbox_queries(client, learner, 3)
    large = _inbox_queries(client, learner, 60)

    assert len(small) == len(large)
    # This app's part: the unread count (header and summary share it), the page count, the rows.
    inbox_queries = [sql for sql in large if "notifications_notification" in sql]
    assert len(inbox_queries) == 3


# --- Opening ------------------------------------------------------------------------------


def test_opening_marks_read_and_follows_the_local_link(client_as, learner):
    note = _note(learner, url="/courses/3/?tab=quiz#q2")

    response = client_as(learner).get(reverse("notifications:open", args=[note.pk]))

    assert response.status_code == 302
    assert response.url == "/courses/3/?tab=quiz#q2"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_opening_never_redirects_off_site(client_as, learner, url):
    note = _note(learner, url=url)  # e.g. written by hand in the admin or an old row

    response = client_as(learner).get(reverse("notifications:open", args=[note.pk]))

    assert response.status_code == 302
    assert response.url == f"{INBOX}#notification-{note.pk}"


def test_opening_without_a_link_goes_to_the_item_in_the_inbox(client_as, learner):
    note = _note(learner)
    response = client_as(learner).get(reverse("notifications:open", args=[note.pk]))
    assert response.url == f"{INBOX}#notification-{note.pk}"


def test_opening_keeps_the_first_read_time(client_as, learner):
    first_read = timezone.now() - timedelta(days=1)
    note = _note(learner, read_at=first_read, url="/")
    client_as(learner).get(reverse("notifications:open", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at == first_read


@pytest.mark.parametrize("name", ["notifications:open", "notifications:read"])
def test_someone_elses_notification_is_not_found(client_as, learner, name):
    theirs = _note(UserFactory(), url="/")
    client = client_as(learner)

    response = (
        client.post(reverse(name, args=[theirs.pk]))
        if name.endswith("read")
        else (client.get(reverse(name, args=[theirs.pk])))
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_missing_notification_is_not_found(client_as, learner):
    response = client_as(learner).get(reverse("notifications:open", args=[999999]))
    assert response.status_code == 404


# --- Marking read -------------------------------------------------------------------------


def test_mark_read_needs_post(client_as, learner):
    note = _note(learner)
    response = client_as(learner).get(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_read_returns_to_the_same_inbox_page(client_as, learner):
    note = _note(learner)
    response = client_as(learner).post(
        reverse("notifications:read", args=[note.pk]), {"next": f"{INBOX}?page=2&show=unread"}
    )
    assert response.url == f"{INBOX}?page=2&show=unread"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("target", ["https://evil.example/inbox/", "//evil.example", "/admin/"])
def test_mark_read_never_returns_outside_the_inbox(client_as, learner, target):
    note = _note(learner)
    response = client_as(learner).post(
        reverse("notifications:read", args=[note.pk]), {"next": target}
    )
    assert response.url == INBOX


def test_mark_read_by_htmx_returns_the_item_and_the_new_counts(client_as, learner):
    note = _note(learner, "First")
    _note(learner, "Second")

    response = client_as(learner).post(
        reverse("notifications:read", args=[note.pk]), {"next": INBOX}, HTTP_HX_REQUEST="true"
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{note.pk}"' in content
    assert "is-unread" not in content
    assert 'hx-swap-oob="innerHTML"' in content and "You have 1 unread notification." in content
    assert 'hx-swap-oob="innerHTML:.inbox-link"' in content and 'aria-label="1 unread"' in content
    assert "<html" not in content


def test_marking_twice_is_harmless(client_as, learner):
    note = _note(learner)
    client = client_as(learner)
    url = reverse("notifications:read", args=[note.pk])
    client.post(url)
    first = Notification.objects.get(pk=note.pk).read_at
    assert client.post(url).status_code == 302
    assert Notification.objects.get(pk=note.pk).read_at == first


def test_mark_all_read_marks_only_mine(client_as, learner):
    _note(learner)
    _note(learner)
    theirs = _note(UserFactory())

    response = client_as(learner).post(reverse("notifications:read_all"), follow=True)

    assert not Notification.objects.filter(user=learner, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "2 notifications marked as read." in response.content.decode()


def test_mark_all_read_with_nothing_unread_says_so(client_as, learner):
    response = client_as(learner).post(reverse("notifications:read_all"), follow=True)
    assert "There was nothing unread." in response.content.decode()


def test_mark_all_read_needs_post(client_as, learner):
    _note(learner)
    assert client_as(learner).get(reverse("notifications:read_all")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_mark_all_read_with_a_forged_csrf_token_changes_nothing(learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    _note(learner)

    response = client.post(reverse("notifications:read_all"), {"csrfmiddlewaretoken": "forged"})

    assert response.status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_inbox_is_in_french_for_a_french_speaker(client_as, learner):
    learner.preferred_language = "fr"
    learner.save()
    content = client_as(learner).get(INBOX).content.decode()
    assert "Votre boîte de réception est vide." in content
