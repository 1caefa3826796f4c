"""Pages: who may open what, forms that change things through services, bad input."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from threat_feed.models import Source, TagRule, TrendItem

from .conftest import fixture_bytes
from .factories import RelevantItemFactory, SourceFactory, TagRuleFactory, TrendItemFactory

pytestmark = pytest.mark.django_db

ANALYST_PAGES = [
    ("threat_feed:sources", None),
    ("threat_feed:source_create", None),
    ("threat_feed:item_write", None),
    ("threat_feed:triage", None),
    ("threat_feed:rules", None),
    ("threat_feed:rule_create", None),
]


@pytest.mark.parametrize(("name", "_args"), ANALYST_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("trends_analyst", 200),
        ("platform_admin", 200),
        ("learner", 404),
        ("trainer", 404),
        ("supervisor", 404),
    ],
)
def test_analyst_pages_permission_matrix(request, client_as, name, _args, who, status):
    client = client_as(request.getfixturevalue(who))

    assert client.get(reverse(name)).status_code == status


@pytest.mark.parametrize("who", ["learner", "trainer", "trends_analyst", "supervisor"])
def test_every_signed_in_person_reads_the_feed(request, client_as, who):
    assert (
        client_as(request.getfixturevalue(who)).get(reverse("threat_feed:feed")).status_code == 200
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("threat_feed:feed"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["threat_feed:source", "threat_feed:source_edit"])
def test_source_pages_are_404_for_a_missing_source(client_as, trends_analyst, name):
    assert client_as(trends_analyst).get(reverse(name, args=[999])).status_code == 404


def test_source_detail_shows_health_and_fetches(client_as, trends_analyst):
    source = SourceFactory(
        name="Watch list", consecutive_failures=2, last_error="The site answered 500."
    )

    response = client_as(trends_analyst).get(reverse("threat_feed:source", args=[source.pk]))

    assert b"Watch list" in response.content and b"The site answered 500." in response.content
    assert b"Failed 2 times" in response.content


def test_analyst_adds_a_source_and_owns_it(client_as, trends_analyst):
    response = client_as(trends_analyst).post(
        reverse("threat_feed:source_create"),
        {
            "name": "  New   research feed ",
            "kind": "feed",
            "url": "https://new.example.org/feed.xml",
            "poll_interval_minutes": 120,
        },
    )

    source = Source.objects.get()
    assert response.status_code == 302
    assert source.name == "New research feed" and list(source.owners.all()) == [trends_analyst]


def test_feed_source_without_an_address_is_refused(client_as, trends_analyst):
    response = client_as(trends_analyst).post(
        reverse("threat_feed:source_create"),
        {"name": "No address", "kind": "feed", "url": "", "poll_interval_minutes": 60},
    )

    assert response.status_code == 200 and b"needs its address" in response.content
    assert not Source.objects.exists()


def test_editing_a_source_cannot_change_its_kind(client_as, trends_analyst):
    source = SourceFactory()

    client_as(trends_analyst).post(
        reverse("threat_feed:source_edit", args=[source.pk]),
        {"name": "Renamed", "kind": "manual", "url": source.url, "poll_interval_minutes": 60},
    )

    source.refresh_from_db()
    assert source.name == "Renamed" and source.kind == "feed"


def test_pause_asks_first_then_pauses(client_as, trends_analyst):
    source = SourceFactory()
    client = client_as(trends_analyst)
    url = reverse("threat_feed:source_pause", args=[source.pk])

    assert client.get(url).status_code == 200
    client.post(url, {"reason": "Publisher moving servers"})

    source.refresh_from_db()
    assert source.is_paused and source.pause_reason == "Publisher moving servers"


def test_resume_needs_post(client_as, trends_analyst):
    source = SourceFactory(is_paused=True)

    assert (
        client_as(trends_analyst)
        .get(reverse("threat_feed:source_resume", args=[source.pk]))
        .status_code
        == 405
    )


def test_upload_form_reads_a_bundle(client_as, trends_analyst):
    source = SourceFactory(kind="stix_upload", url="")
    upload = SimpleUploadedFile(
        "bundle.json", fixture_bytes("stix_bundle.json"), content_type="application/json"
    )

    response = client_as(trends_analyst).post(
        reverse("threat_feed:source_upload", args=[source.pk]), {"bundle": upload}, follow=True
    )

    assert b"4 added, 0 already known, 4 ignored" in response.content
    assert source.items.count() == 4


def test_upload_of_a_broken_bundle_shows_why(client_as, trends_analyst):
    source = SourceFactory(kind="stix_upload", url="")
    upload = SimpleUploadedFile("bundle.json", b"{nope", content_type="application/json")

    response = client_as(trends_analyst).post(
        reverse("threat_feed:source_upload", args=[source.pk]), {"bundle": upload}
    )

    assert response.status_code == 400 and b"not valid JSON" in response.content
    assert not TrendItem.objects.exists()


def test_upload_over_the_limit_is_refused_before_reading(client_as, trends_analyst, settings):
    settings.THREAT_FEED_UPLOAD_MAX_BYTES = 10
    source = SourceFactory(kind="stix_upload", url="")
    upload = SimpleUploadedFile("bundle.json", fixture_bytes("stix_bundle.json"))

    response = client_as(trends_analyst).post(
        reverse("threat_feed:source_upload", args=[source.pk]), {"bundle": upload}
    )

    assert response.status_code == 400 and b"larger than" in response.content


def test_write_an_item_then_land_on_its_triage(client_as, trends_analyst):
    source = SourceFactory(kind="manual", url="")

    response = client_as(trends_analyst).post(
        reverse("threat_feed:item_write"),
        {"source": source.pk, "title": "Conference note", "summary": "Text", "link": ""},
    )

    item = TrendItem.objects.get()
    assert response["Location"] == reverse("threat_feed:triage_item", args=[item.pk])


def test_write_into_a_feed_source_is_refused_as_a_forged_choice(client_as, trends_analyst):
    feed_source = SourceFactory()
    SourceFactory(kind="manual", url="")

    response = client_as(trends_analyst).post(
        reverse("threat_feed:item_write"), {"source": feed_source.pk, "title": "Forged"}
    )

    assert response.status_code == 200 and not TrendItem.objects.exists()


# --- Triage pages -------------------------------------------------------------------------


def test_triage_queue_shows_items_waiting_by_default(client_as, trends_analyst):
    TrendItemFactory(title="Waiting item")
    RelevantItemFactory(title="Decided item")

    response = client_as(trends_analyst).get(reverse("threat_feed:triage"))

    assert b"Waiting item" in response.content and b"Decided item" not in response.content


def test_triage_queue_filters_by_source_and_words(client_as, trends_analyst):
    wanted = TrendItemFactory(title="Voice chat on consoles")
    TrendItemFactory(title="Voice chat elsewhere")
    TrendItemFactory(source=wanted.source, title="Other topic")

    response = client_as(trends_analyst).get(
        reverse("threat_feed:triage"), {"source": wanted.source.pk, "q": "voice", "status": "new"}
    )

    assert [i.pk for i in response.context["page"]] == [wanted.pk]


def test_triage_queue_ignores_a_forged_filter(client_as, trends_analyst):
    TrendItemFactory(title="Still listed")

    response = client_as(trends_analyst).get(
        reverse("threat_feed:triage"), {"severity": "99", "source": "x"}
    )

    assert response.status_code == 200 and b"Still listed" in response.content


def test_triage_form_saves_and_goes_to_the_next_item(client_as, trends_analyst, topic_tags):
    older = TrendItemFactory(title="Older")
    newer = TrendItemFactory(title="Newer")

    response = client_as(trends_analyst).post(
        reverse("threat_feed:triage_item", args=[newer.pk]),
        {
            "status": "relevant",
            "severity": "3",
            "tags": [topic_tags["livestreaming"].pk],
            "next": "1",
        },
    )

    newer.refresh_from_db()
    assert newer.status == "relevant" and newer.severity == 3
    assert response["Location"] == reverse("threat_feed:triage_item", args=[older.pk])


def test_triage_form_with_a_forged_tag_changes_nothing(client_as, trends_analyst):
    item = TrendItemFactory()

    response = client_as(trends_analyst).post(
        reverse("threat_feed:triage_item", args=[item.pk]),
        {"status": "relevant", "severity": "2", "tags": ["987654"]},
    )

    item.refresh_from_db()
    assert response.status_code == 400 and item.status == "new"


def test_triage_form_prechecks_suggested_tags(client_as, trends_analyst, topic_tags):
    item = TrendItemFactory()
    item.suggested_tags.set([topic_tags["gaming-platforms"]])

    response = client_as(trends_analyst).get(reverse("threat_feed:triage_item", args=[item.pk]))

    pk = topic_tags["gaming-platforms"].pk
    assert f'value="{pk}" id="tag-{pk}" checked'.encode() in response.content


def test_hostile_text_is_shown_escaped(client_as, trends_analyst):
    item = TrendItemFactory(title='<script>alert("x")</script>', summary="<img src=x onerror=y>")

    response = client_as(trends_analyst).get(reverse("threat_feed:triage_item", args=[item.pk]))

    assert b'<script>alert("x")' not in response.content
    assert b"&lt;script&gt;" in response.content and b"<img src=x" not in response.content


def test_triage_page_is_404_for_a_missing_item(client_as, trends_analyst):
    assert (
        client_as(trends_analyst).get(reverse("threat_feed:triage_item", args=[999])).status_code
        == 404
    )


# --- Rules pages --------------------------------------------------------------------------


def test_rule_form_creates_a_rule(client_as, trends_analyst, topic_tags):
    client_as(trends_analyst).post(
        reverse("threat_feed:rule_create"),
        {
            "tag": topic_tags["livestreaming"].pk,
            "keywords": "livestream\nlive video",
            "whole_word": "on",
            "is_active": "on",
        },
    )

    assert TagRule.objects.get().keyword_list() == ["livestream", "live video"]


def test_rule_delete_asks_first(client_as, trends_analyst):
    rule = TagRuleFactory()
    client = client_as(trends_analyst)
    url = reverse("threat_feed:rule_delete", args=[rule.pk])

    assert client.get(url).status_code == 200 and TagRule.objects.exists()
    client.post(url)
    assert not TagRule.objects.exists()
    assert AuditEvent.objects.filter(action="threat_feed.rule_delete").exists()


def test_rule_pages_404_for_a_missing_rule(client_as, trends_analyst):
    assert (
        client_as(trends_analyst).get(reverse("threat_feed:rule_edit", args=[5])).status_code == 404
    )
