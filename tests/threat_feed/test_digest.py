"""Weekly digest, the home-page panel, privacy parts and the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import privacy_erase, privacy_export
from notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory
from threat_feed.models import TrendItem
from threat_feed.services import trend_digest_deliver, trend_digest_plan

from .factories import RelevantItemFactory, SourceFactory, TrendItemFactory

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02 07:00:00Z"


def _relevant_this_week(**kwargs):
    with time_machine.travel("2026-02-27 12:00:00Z", tick=False):
        return RelevantItemFactory(**kwargs)


def test_digest_plan_enqueues_chunks_for_approved_active_people(
    learner, trainer, django_capture_on_commit_callbacks
):
    _relevant_this_week()
    UserFactory(is_active=False)
    UserFactory(vetting_status="pending")

    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks() as calls:
        result = trend_digest_plan()

    assert result == {"items": 1, "people": 2, "chunks": 1}
    assert len(calls) == 1


def test_digest_plan_runs_once_a_week():
    _relevant_this_week()
    with time_machine.travel(MONDAY, tick=False):
        assert trend_digest_plan() is not None
    with time_machine.travel("2026-03-02 07:05:00Z", tick=False):
        assert trend_digest_plan() is None


def test_no_digest_in_a_week_without_new_relevant_items(learner):
    with time_machine.travel("2026-02-10 12:00:00Z", tick=False):
        RelevantItemFactory()  # three weeks before
    TrendItemFactory()  # not triaged

    with time_machine.travel(MONDAY, tick=False):
        assert trend_digest_plan() == {"items": 0, "people": 0, "chunks": 0}


def _deliver(user_ids):
    until = timezone.now()
    return trend_digest_deliver(
        user_ids=user_ids, period="2026-W10", since=until - timedelta(days=7), until=until
    )


def test_digest_lists_the_most_severe_items_first(learner):
    with time_machine.travel(MONDAY, tick=False):
        RelevantItemFactory(title="Medium one", severity=2)
        RelevantItemFactory(title="Critical one", severity=4)

    with time_machine.travel("2026-03-02 08:00:00Z", tick=False):
        assert _deliver([learner.pk]) == 1

    note = Notification.objects.get(user=learner, kind="threat_feed.weekly_digest")
    assert note.title == "Trends this week: 2 new relevant items"
    assert note.body.index("Critical one") < note.body.index("Medium one")
    assert note.url == reverse("threat_feed:feed")


def test_digest_is_sent_once_per_week_however_often_delivered(learner):
    with time_machine.travel(MONDAY, tick=False):
        RelevantItemFactory()
    with time_machine.travel("2026-03-02 08:00:00Z", tick=False):
        _deliver([learner.pk])
        assert _deliver([learner.pk]) == 0
    assert Notification.objects.filter(user=learner).count() == 1


def test_digest_is_written_in_the_persons_language(learner):
    learner.preferred_language = "fr"
    learner.save(update_fields=["preferred_language"])
    with time_machine.travel(MONDAY, tick=False):
        RelevantItemFactory(severity=4)
    with time_machine.travel("2026-03-02 08:00:00Z", tick=False):
        _deliver([learner.pk])

    note = Notification.objects.get(user=learner)
    assert note.title.startswith("Tendances")
    assert "[Critique]" in note.body


def test_digest_email_follows_the_persons_choice(learner):
    NotificationPreference.objects.create(
        user=learner, kind="threat_feed.weekly_digest", delivery="off"
    )
    with time_machine.travel(MONDAY, tick=False):
        RelevantItemFactory()
    with time_machine.travel("2026-03-02 08:00:00Z", tick=False):
        _deliver([learner.pk])

    note = Notification.objects.get(user=learner)
    assert note.delivery == "off" and not learner.outbox_emails.exists()


# --- Home panel ---------------------------------------------------------------------------


def test_home_panel_shows_latest_relevant_items(client_as, learner):
    RelevantItemFactory(title="Shown on the home page")
    TrendItemFactory(title="Not yet triaged")

    response = client_as(learner).get(reverse("home"))

    assert b"Latest trends" in response.content
    assert b"Shown on the home page" in response.content
    assert b"Not yet triaged" not in response.content


def test_home_panel_keeps_the_latest_items_until_a_triage_changes_them(
    client_as, learner, trends_analyst, django_assert_num_queries
):
    from threat_feed.dashboard import trend_dashboard_panel
    from threat_feed.services import trend_item_triage

    RelevantItemFactory(title="Already relevant")
    waiting = TrendItemFactory(title="Decided later")
    client = client_as(learner)
    assert b"Already relevant" in client.get(reverse("home")).content

    request = client.get(reverse("home")).wsgi_request
    with django_assert_num_queries(0):  # the same list for everybody, from the cache
        trend_dashboard_panel(request)

    trend_item_triage(actor=trends_analyst, item=waiting, status="relevant", severity=3)

    page = client.get(reverse("home")).content
    assert b"Already relevant" in page and b"Decided later" in page


def test_home_panel_tells_analysts_what_waits(client_as, trends_analyst):
    TrendItemFactory.create_batch(2)

    response = client_as(trends_analyst).get(reverse("home"))

    assert b"2 items wait for triage." in response.content


# --- Privacy ------------------------------------------------------------------------------


def test_privacy_export_and_erase_keep_items_but_forget_the_person(trends_analyst):
    source = SourceFactory(name="Owned source")
    source.owners.set([trends_analyst])
    item = TrendItemFactory(
        title="Written", created_by=trends_analyst, status="relevant", severity=1
    )
    TrendItem.objects.filter(pk=item.pk).update(triaged_by=trends_analyst)

    export = privacy_export(user=trends_analyst)["threat_feed"]
    privacy_erase(user=trends_analyst)

    assert export["sources_responsible_for"] == ["Owned source"]
    assert export["items_written"][0]["title"] == "Written"
    assert export["triage_decisions"][0]["decision"] == "relevant"
    item.refresh_from_db()
    assert item.created_by is None and item.triaged_by is None
    assert not source.owners.exists()


# --- Admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_client_staff(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.is_superuser = True
    platform_admin.save()
    client.force_login(platform_admin)
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:threat_feed_source_changelist",
        "admin:threat_feed_trenditem_changelist",
        "admin:threat_feed_tagrule_changelist",
    ],
)
def test_admin_lists_open(admin_client_staff, name):
    RelevantItemFactory()
    assert admin_client_staff.get(reverse(name)).status_code == 200


def test_admin_pause_action_calls_the_service(admin_client_staff):
    source = SourceFactory()

    admin_client_staff.post(
        reverse("admin:threat_feed_source_changelist"),
        {"action": "pause", "_selected_action": [source.pk]},
    )

    source.refresh_from_db()
    assert source.is_paused
