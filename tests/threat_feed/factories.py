"""Factories for the trends feed tests."""

from __future__ import annotations

import factory
from django.utils import timezone

from courses.models import TopicTag
from threat_feed.models import Source, TagRule, TrendItem
from threat_feed.parsing import item_content_hash


class TopicTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicTag
        django_get_or_create = ("slug",)

    dimension = TopicTag.Dimension.TECHNIQUE
    slug = factory.Sequence(lambda n: f"feed-topic-{n}")
    name = factory.Sequence(lambda n: f"Feed topic {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Source {n}")
    kind = Source.Kind.FEED
    url = factory.Sequence(lambda n: f"https://feeds{n}.example.org/rss.xml")
    poll_interval_minutes = 60


class TrendItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrendItem
        skip_postgeneration_save = True

    source = factory.SubFactory(SourceFactory)
    kind = TrendItem.Kind.ARTICLE
    title = factory.Sequence(lambda n: f"Trend item {n}")
    summary = "An illustrative summary written for the tests."
    external_id = factory.Sequence(lambda n: f"urn:test:{n}")
    link = factory.Sequence(lambda n: f"https://news.example.org/items/{n}")
    link_key = factory.LazyAttribute(lambda o: o.link or None)
    content_hash = factory.LazyAttribute(
        lambda o: item_content_hash(title=o.title, summary=o.summary)
    )
    dated_at = factory.LazyFunction(timezone.now)
    status = TrendItem.Status.NEW
    triaged_at = factory.LazyAttribute(lambda o: None if o.status == "new" else timezone.now())

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class RelevantItemFactory(TrendItemFactory):
    status = TrendItem.Status.RELEVANT
    severity = 2


class TagRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TagRule

    tag = factory.SubFactory(TopicTagFactory)
    keywords = "keyword"
    whole_word = True
