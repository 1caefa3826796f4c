"""A real Celery worker fetches a feed served from a local HTTP server (DESIGN section 8)."""

from __future__ import annotations

import pytest

from tests.worker import run_celery_worker
from threat_feed.models import SourceFetch, TrendItem
from threat_feed.services import source_fetch_due_plan
from threat_feed.tasks import source_fetch_task

from .conftest import FeedServer, fixture_bytes
from .factories import SourceFactory

pytestmark = [pytest.mark.worker, pytest.mark.slow]


@pytest.fixture
def served_feed():
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_worker_fetches_due_sources_and_a_second_fetch_adds_nothing(
    transactional_db, served_feed, tag_rules
):
    working = SourceFactory(url=served_feed.serve("/rss.xml", fixture_bytes("rss_trends.xml")))
    broken = SourceFactory(url=served_feed.serve("/bad.xml", fixture_bytes("broken_bad_xml.xml")))

    with run_celery_worker(env={"LMS_TRENDS_ALLOW_PRIVATE_HOSTS": "1"}) as worker:
        assert source_fetch_due_plan() == {"sources": 2}
        worker.wait_for(
            lambda: SourceFetch.objects.filter(source__in=[working, broken]).count() == 2,
            what="both sources fetched",
        )
        source_fetch_task.delay(source_id=working.pk)
        worker.wait_for(
            lambda: SourceFetch.objects.filter(source=working).count() == 2,
            what="the second fetch",
        )

    assert TrendItem.objects.filter(source=working).count() == 3
    assert list(SourceFetch.objects.filter(source=working).values_list("added", flat=True)) == [
        0,
        3,
    ]
    broken.refresh_from_db()
    assert broken.consecutive_failures == 1 and "not well-formed" in broken.last_error
    assert not broken.items.exists()
    assert served_feed.requests[0]["headers"]["User-Agent"].startswith("CSEA-training-trends/")
    sextortion = TrendItem.objects.get(external_id="urn:research-example:2026-001")
    assert sextortion.suggested_tags.filter(slug="financial-sextortion").exists()
