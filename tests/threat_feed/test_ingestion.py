"""Fetching sources end to end (local HTTP server): storing, de-duplication, health, pausing,
the beat planner, uploads and analysts' own items."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent, JobRun
from notifications.models import Notification
from threat_feed.models import Source, SourceFetch, TrendItem
from threat_feed.parsing import ParsedItem, ParseResult
from threat_feed.services import (
    FETCH_JOB,
    source_fetch,
    source_fetch_due_plan,
    source_fetch_now,
    source_resume,
    source_stix_upload,
    trend_item_write,
    trend_items_store,
)

from .conftest import fixture_bytes
from .factories import SourceFactory, TrendItemFactory

pytestmark = pytest.mark.django_db


def _point(source, feed_server, name="rss_trends.xml", path="/rss.xml", **route):
    source.url = feed_server.serve(path, fixture_bytes(name), **route)
    source.save(update_fields=["url"])
    return source


def test_fetch_stores_new_items_as_text_waiting_for_triage(feed_source, feed_server):
    _point(feed_source, feed_server)

    result = source_fetch(source_id=feed_source.pk)

    assert result["added"] == 3 and result["outcome"] == "ok"
    items = TrendItem.objects.filter(source=feed_source)
    assert {i.status for i in items} == {"new"}
    assert all(i.content_hash and i.link_key for i in items)
    fetch = SourceFetch.objects.get(source=feed_source)
    assert (fetch.added, fetch.outcome, fetch.http_status) == (3, "ok", 200)


def test_second_fetch_adds_nothing(feed_source, feed_server):
    _point(feed_source, feed_server)
    source_fetch(source_id=feed_source.pk)

    result = source_fetch(source_id=feed_source.pk)

    assert result["added"] == 0 and result["duplicates"] == 3
    assert TrendItem.objects.count() == 3


def test_same_link_from_another_source_is_a_duplicate(feed_source, feed_server):
    _point(feed_source, feed_server)
    source_fetch(source_id=feed_source.pk)
    mirror = _point(SourceFactory(), feed_server, path="/mirror.xml")

    result = source_fetch(source_id=mirror.pk)

    assert result["added"] == 0 and not mirror.items.exists()


def test_same_text_under_a_new_id_and_link_is_a_duplicate(feed_source):
    first = ParsedItem(kind="article", title="A", summary="Same text", external_id="1", link="")
    again = ParsedItem(
        kind="article",
        title="a ",
        summary="same  TEXT",
        external_id="2",
        link="https://x.example/2",
    )
    fetch = SourceFetch.objects.create(source=feed_source, outcome="ok")

    result = trend_items_store(
        source=feed_source, fetch=fetch, parsed=ParseResult(items=[first, again])
    )

    assert (result.added, result.duplicates) == (1, 1)


def test_same_external_id_in_one_source_is_a_duplicate(feed_source):
    TrendItemFactory(source=feed_source, external_id="urn:x:1")
    fetch = SourceFetch.objects.create(source=feed_source, outcome="ok")
    parsed = ParseResult(
        items=[ParsedItem(kind="article", title="New text", external_id="urn:x:1")]
    )

    assert trend_items_store(source=feed_source, fetch=fetch, parsed=parsed).added == 0


def test_stix_objects_sharing_one_report_link_are_all_kept(feed_server, trends_analyst):
    source = SourceFactory(kind=Source.Kind.STIX_URL)
    _point(source, feed_server, name="stix_bundle.json", path="/bundle.json")

    result = source_fetch(source_id=source.pk)

    assert result["added"] == 4 and result["ignored"] == 4
    assert set(source.items.values_list("kind", flat=True)) == {
        "report",
        "attack-pattern",
        "tool",
        "campaign",
    }
    assert not TrendItem.objects.filter(title__icontains="indicator").exists()


def test_keyword_rules_suggest_tags_on_ingest(feed_source, feed_server, tag_rules, topic_tags):
    _point(feed_source, feed_server)

    source_fetch(source_id=feed_source.pk)

    sextortion = TrendItem.objects.get(external_id="urn:research-example:2026-001")
    gaming = TrendItem.objects.get(external_id="urn:research-example:2026-002")
    e2ee = TrendItem.objects.get(external_id="urn:research-example:2026-003")
    assert set(sextortion.suggested_tags.values_list("slug", flat=True)) == {"financial-sextortion"}
    assert set(gaming.suggested_tags.values_list("slug", flat=True)) == {"gaming-platforms"}
    assert set(e2ee.suggested_tags.values_list("slug", flat=True)) == {"end-to-end-encryption"}
    assert not sextortion.tags.exists()  # confirmed tags wait for an analyst


def test_not_modified_answer_is_a_success_that_adds_nothing(feed_source, feed_server):
    _point(feed_source, feed_server, etag='"abc"')
    source_fetch(source_id=feed_source.pk)

    result = source_fetch(source_id=feed_source.pk)

    feed_source.refresh_from_db()
    assert result["outcome"] == "not_modified"
    assert feed_source.etag == '"abc"' and feed_source.consecutive_failures == 0


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("broken_bad_xml.xml", "not well-formed"),
        ("broken_wrong_encoding.xml", "not valid UTF-8"),
        ("hostile_billion_laughs.xml", "declares XML entities"),
    ],
)
def test_broken_feed_records_a_clear_error_and_adds_nothing(
    feed_source, feed_server, fixture, message
):
    _point(feed_source, feed_server, name=fixture, path="/broken.xml")

    result = source_fetch(source_id=feed_source.pk)

    feed_source.refresh_from_db()
    assert result["outcome"] == "error"
    assert message in feed_source.last_error
    assert feed_source.consecutive_failures == 1 and feed_source.last_error_at
    assert not TrendItem.objects.exists()
    assert SourceFetch.objects.get(source=feed_source).outcome == "error"


def test_a_bundle_with_one_invalid_object_adds_nothing(feed_server):
    source = SourceFactory(kind=Source.Kind.STIX_URL)
    _point(source, feed_server, name="broken_stix_invalid.json", path="/bad.json")

    source_fetch(source_id=source.pk)

    assert not TrendItem.objects.exists()


def test_failure_while_storing_rolls_back_the_whole_fetch(feed_source, feed_server, monkeypatch):
    _point(feed_source, feed_server)
    import threat_feed.services as services

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.TrendItem.suggested_tags.through.objects, "bulk_create", explode)

    with pytest.raises(RuntimeError):
        source_fetch(source_id=feed_source.pk)

    assert not TrendItem.objects.exists() and not SourceFetch.objects.exists()


def test_parser_crash_is_recorded_as_the_feeds_error(feed_source, feed_server, monkeypatch):
    _point(feed_source, feed_server)
    monkeypatch.setattr(
        "threat_feed.services.feed_parse", lambda data: (_ for _ in ()).throw(TypeError("x"))
    )

    result = source_fetch(source_id=feed_source.pk)

    assert result["outcome"] == "error" and "TypeError" in result["error"]


def test_success_resets_failures_and_sets_the_next_fetch(feed_source, feed_server):
    _point(feed_source, feed_server)
    Source.objects.filter(pk=feed_source.pk).update(consecutive_failures=3, last_error="old")

    source_fetch(source_id=feed_source.pk)

    feed_source.refresh_from_db()
    assert feed_source.consecutive_failures == 0 and feed_source.last_success_at
    assert feed_source.next_fetch_at > timezone.now() + timedelta(minutes=59)
    assert feed_source.claimed_until is None


def test_source_is_paused_after_n_failures_and_its_analysts_told(
    feed_source, feed_server, settings, trends_analyst
):
    settings.THREAT_FEED_PAUSE_AFTER_FAILURES = 3
    _point(feed_source, feed_server, name="broken_bad_xml.xml", path="/broken.xml")

    for _ in range(3):
        source_fetch(source_id=feed_source.pk)

    feed_source.refresh_from_db()
    assert feed_source.is_paused and "3 failed fetches" in feed_source.pause_reason
    note = Notification.objects.get(user=trends_analyst, kind="threat_feed.source_paused")
    assert "Research digest" in note.title and note.url.endswith(f"/sources/{feed_source.pk}/")


def test_a_paused_source_is_not_fetched(feed_source, feed_server):
    _point(feed_source, feed_server)
    Source.objects.filter(pk=feed_source.pk).update(is_paused=True)

    assert source_fetch(source_id=feed_source.pk) is None
    assert feed_server.requests == []


def test_pausing_notifies_every_analyst_when_the_source_has_no_owner(
    feed_server, settings, trends_analyst
):
    settings.THREAT_FEED_PAUSE_AFTER_FAILURES = 1
    source = _point(SourceFactory(), feed_server, name="broken_bad_xml.xml", path="/b.xml")

    source_fetch(source_id=source.pk)

    assert Notification.objects.filter(user=trends_analyst).count() == 1


def test_resume_forgets_failures_and_makes_the_source_due(feed_source, trends_analyst):
    Source.objects.filter(pk=feed_source.pk).update(
        is_paused=True, consecutive_failures=5, next_fetch_at=timezone.now() + timedelta(days=1)
    )

    source_resume(actor=trends_analyst, source=feed_source)

    feed_source.refresh_from_db()
    assert not feed_source.is_paused and feed_source.consecutive_failures == 0
    assert feed_source.next_fetch_at is None
    assert AuditEvent.objects.filter(action="threat_feed.source_resume").exists()


# --- The beat planner ---------------------------------------------------------------------


def test_planner_enqueues_one_task_per_due_source(django_capture_on_commit_callbacks):
    due = SourceFactory()
    later = SourceFactory(next_fetch_at=timezone.now() + timedelta(hours=1))
    SourceFactory(is_paused=True)
    SourceFactory(kind=Source.Kind.MANUAL, url="")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = source_fetch_due_plan()

    assert result == {"sources": 1} and len(callbacks) == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.claimed_until > timezone.now() and later.claimed_until is None


def test_a_second_beat_in_the_same_window_does_nothing():
    SourceFactory()
    with time_machine.travel("2026-02-02 10:06:10Z", tick=False):
        assert source_fetch_due_plan() == {"sources": 1}
    with time_machine.travel("2026-02-02 10:08:00Z", tick=False):
        assert source_fetch_due_plan() is None
    assert JobRun.objects.filter(job=FETCH_JOB).count() == 1


def test_a_claimed_source_is_not_planned_again_until_its_lease_ends():
    SourceFactory()
    with time_machine.travel("2026-02-02 10:00:00Z", tick=False):
        source_fetch_due_plan()
    with time_machine.travel("2026-02-02 10:05:00Z", tick=False):
        assert source_fetch_due_plan() == {"sources": 0}
    with time_machine.travel("2026-02-02 10:20:00Z", tick=False):
        assert source_fetch_due_plan() == {"sources": 1}  # the task was lost: fetched again


def test_one_failing_source_does_not_stop_the_others(feed_server):
    broken = _point(SourceFactory(), feed_server, name="broken_bad_xml.xml", path="/b.xml")
    working = _point(SourceFactory(), feed_server)

    source_fetch(source_id=broken.pk)
    source_fetch(source_id=working.pk)

    assert working.items.count() == 3 and not broken.items.exists()


def test_fetch_now_enqueues_after_commit(
    feed_source, trends_analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        source_fetch_now(actor=trends_analyst, source=feed_source)

    assert len(callbacks) == 1


def test_fetch_now_refuses_a_manual_source(trends_analyst):
    with pytest.raises(ValidationError):
        source_fetch_now(actor=trends_analyst, source=SourceFactory(kind="manual", url=""))


def test_learner_cannot_fetch(feed_source, learner):
    with pytest.raises(PermissionDenied):
        source_fetch_now(actor=learner, source=feed_source)


# --- Uploads and manual items -------------------------------------------------------------


@pytest.fixture
def upload_source(db):
    return SourceFactory(kind=Source.Kind.STIX_UPLOAD, url="", name="Partner bundles")


def test_stix_upload_stores_the_kept_objects_and_audits(upload_source, trends_analyst):
    result = source_stix_upload(
        actor=trends_analyst, source=upload_source, data=fixture_bytes("stix_bundle.json")
    )

    assert (result.added, result.ignored) == (4, 4)
    assert AuditEvent.objects.get(action="threat_feed.stix_upload").details["added"] == 4
    again = source_stix_upload(
        actor=trends_analyst, source=upload_source, data=fixture_bytes("stix_bundle.json")
    )
    assert again.added == 0


def test_stix_upload_over_the_size_limit_is_refused(upload_source, trends_analyst, settings):
    settings.THREAT_FEED_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger than"):
        source_stix_upload(
            actor=trends_analyst, source=upload_source, data=fixture_bytes("stix_bundle.json")
        )
    assert not TrendItem.objects.exists()


def test_invalid_upload_is_refused_and_changes_nothing(upload_source, trends_analyst):
    with pytest.raises(ValidationError, match="not valid STIX"):
        source_stix_upload(
            actor=trends_analyst,
            source=upload_source,
            data=fixture_bytes("broken_stix_invalid.json"),
        )
    assert not TrendItem.objects.exists() and not SourceFetch.objects.exists()


def test_upload_only_into_an_upload_source(feed_source, trends_analyst):
    with pytest.raises(ValidationError):
        source_stix_upload(actor=trends_analyst, source=feed_source, data=b"{}")


def test_learner_cannot_upload(upload_source, learner):
    with pytest.raises(PermissionDenied):
        source_stix_upload(actor=learner, source=upload_source, data=b"{}")


@pytest.fixture
def manual_source(db):
    return SourceFactory(kind=Source.Kind.MANUAL, url="", name="Analysts' notes")


def test_analyst_writes_an_item_with_suggested_tags(manual_source, trends_analyst, tag_rules):
    item = trend_item_write(
        actor=trends_analyst,
        source=manual_source,
        title="  Sextortion   scripts reused across platforms ",
        summary="First paragraph.\n\n\nSecond   paragraph.",
        link="https://conference.example.org/talk",
    )

    assert item.title == "Sextortion scripts reused across platforms"
    assert item.summary == "First paragraph.\n\nSecond paragraph."
    assert item.kind == "note" and item.created_by == trends_analyst and item.status == "new"
    assert list(item.suggested_tags.values_list("slug", flat=True)) == ["financial-sextortion"]


def test_written_item_with_known_text_is_refused(manual_source, trends_analyst):
    trend_item_write(actor=trends_analyst, source=manual_source, title="Same", summary="Text")

    with pytest.raises(ValidationError, match="already in the feed"):
        trend_item_write(actor=trends_analyst, source=manual_source, title="same", summary="text")
    assert TrendItem.objects.count() == 1


def test_written_item_with_a_javascript_link_is_refused(manual_source, trends_analyst):
    with pytest.raises(ValidationError):
        trend_item_write(
            actor=trends_analyst, source=manual_source, title="T", link="javascript:alert(1)"
        )
    assert not TrendItem.objects.exists()


def test_items_are_written_only_into_a_manual_source(feed_source, trends_analyst):
    with pytest.raises(ValidationError):
        trend_item_write(actor=trends_analyst, source=feed_source, title="T")
