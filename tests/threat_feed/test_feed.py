"""The feed page: relevant items only, filters, module links, a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.courses.factories import CourseFactory, published_course

from .factories import RelevantItemFactory, TopicTagFactory, TrendItemFactory

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return [item.title for item, _modules in response.context["rows"]]


def test_feed_lists_relevant_items_only(client_as, learner):
    RelevantItemFactory(title="Relevant trend")
    TrendItemFactory(title="Waiting trend")
    TrendItemFactory(title="Dismissed trend", status="not_relevant")

    response = client_as(learner).get(reverse("threat_feed:feed"))

    assert _titles(response) == ["Relevant trend"]


def test_feed_filters_by_tag_dimension_and_lowest_severity(client_as, learner, topic_tags):
    RelevantItemFactory(title="Gaming low", severity=1, tags=[topic_tags["gaming-platforms"]])
    RelevantItemFactory(title="Gaming high", severity=3, tags=[topic_tags["gaming-platforms"]])
    RelevantItemFactory(title="E2EE high", severity=4, tags=[topic_tags["end-to-end-encryption"]])
    client = client_as(learner)
    url = reverse("threat_feed:feed")

    assert _titles(client.get(url, {"tag": "gaming-platforms"})) == ["Gaming high", "Gaming low"]
    assert _titles(client.get(url, {"dimension": "encryption"})) == ["E2EE high"]
    assert _titles(client.get(url, {"severity": "3"})) == ["E2EE high", "Gaming high"]


def test_feed_ignores_a_forged_filter(client_as, learner):
    RelevantItemFactory(title="Shown")

    response = client_as(learner).get(
        reverse("threat_feed:feed"), {"tag": "<script>", "severity": "x"}
    )

    assert response.status_code == 200 and _titles(response) == ["Shown"]


def test_feed_has_an_empty_state(client_as, learner):
    response = client_as(learner).get(reverse("threat_feed:feed"))

    assert b"No trends yet." in response.content


def test_feed_paginates_by_25(client_as, learner):
    RelevantItemFactory.create_batch(27)
    client = client_as(learner)

    assert len(client.get(reverse("threat_feed:feed")).context["rows"]) == 25
    assert len(client.get(reverse("threat_feed:feed"), {"page": 2}).context["rows"]) == 2


def test_feed_links_the_published_modules_sharing_a_tag(client_as, learner, trainer):
    tag = TopicTagFactory(slug="livestreaming")
    course = published_course(trainer=trainer, title="Investigating livestreaming")
    module = course.modules.get()
    module.topic_tags.set([tag])
    RelevantItemFactory(title="Trend", tags=[tag])

    response = client_as(learner).get(reverse("threat_feed:feed"))

    [(_item, modules)] = response.context["rows"]
    assert [m.pk for m in modules] == [module.pk]
    assert reverse("courses:course", args=[course.slug]).encode() in response.content


def test_feed_does_not_link_modules_of_courses_the_person_cannot_open(client_as, learner, trainer):
    tag = TopicTagFactory()
    draft = CourseFactory(status="draft")
    course = published_course(trainer=trainer)
    module = course.modules.get()
    module.course = draft
    module.save()
    module.topic_tags.set([tag])
    RelevantItemFactory(tags=[tag])

    response = client_as(learner).get(reverse("threat_feed:feed"))

    assert response.context["rows"][0][1] == []


def _feed_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("threat_feed:feed"), params)
    assert response.status_code == 200
    return len(queries)


def test_feed_page_queries_do_not_grow_with_items(client_as, learner, trainer, topic_tags):
    """3 items or 30 (a full page, each with four tags and two linked modules): the same
    number of queries, about half of them the site frame (session, roles, inbox badge)."""
    course = published_course(trainer=trainer, modules=2)
    for module in course.modules.all():
        module.topic_tags.set(topic_tags.values())
    client = client_as(learner)
    RelevantItemFactory.create_batch(3, tags=list(topic_tags.values()))
    client.get(reverse("threat_feed:feed"))  # warm the session
    small = _feed_queries(client, tag="livestreaming")
    RelevantItemFactory.create_batch(27, tags=list(topic_tags.values()))

    large = _feed_queries(client, tag="livestreaming")

    assert small == large <= 18


def test_item_page_is_404_for_a_learner_when_not_relevant(client_as, learner):
    waiting = TrendItemFactory()

    assert client_as(learner).get(reverse("threat_feed:item", args=[waiting.pk])).status_code == 404


def test_analyst_opens_an_item_that_waits_for_triage(client_as, trends_analyst):
    waiting = TrendItemFactory(title="Waiting")

    response = client_as(trends_analyst).get(reverse("threat_feed:item", args=[waiting.pk]))

    assert response.status_code == 200 and b"Change the triage" in response.content


def test_item_page_shows_the_text_and_a_safe_external_link(client_as, learner):
    item = RelevantItemFactory(summary="Para one.\n\nPara two.", link="https://news.example.org/a")

    response = client_as(learner).get(reverse("threat_feed:item", args=[item.pk]))

    assert b"<p>Para one.</p>" in response.content
    assert b'rel="noopener noreferrer nofollow"' in response.content
    assert b"Change the triage" not in response.content
