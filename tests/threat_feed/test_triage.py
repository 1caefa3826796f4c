"""Triage by analysts, keyword rules and their audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from threat_feed.models import TagRule, TrendItem
from threat_feed.services import (
    tag_rule_delete,
    tag_rule_save,
    tag_rules_apply_waiting,
    trend_item_triage,
)

from .factories import TagRuleFactory, TopicTagFactory, TrendItemFactory

pytestmark = pytest.mark.django_db


def test_analyst_marks_an_item_relevant_with_severity_and_tags(trends_analyst, topic_tags):
    item = TrendItemFactory()

    trend_item_triage(
        actor=trends_analyst,
        item=item,
        status="relevant",
        severity=3,
        tags=[topic_tags["livestreaming"], topic_tags["financial-sextortion"]],
    )

    item.refresh_from_db()
    assert (item.status, item.severity, item.triaged_by) == ("relevant", 3, trends_analyst)
    assert item.triaged_at is not None
    assert set(item.tags.values_list("slug", flat=True)) == {
        "livestreaming",
        "financial-sextortion",
    }


def test_triage_is_audited_with_who_and_what_but_no_text(trends_analyst, topic_tags):
    item = TrendItemFactory(summary="Secret-ish summary text")

    trend_item_triage(
        actor=trends_analyst,
        item=item,
        status="relevant",
        severity=4,
        tags=[topic_tags["livestreaming"]],
    )

    event = AuditEvent.objects.get(action="threat_feed.item_triage")
    assert event.actor == trends_analyst and event.target_id == str(item.pk)
    assert event.details == {"status": "relevant", "severity": 4, "tags": ["livestreaming"]}
    assert "summary" not in str(event.details)


def test_not_relevant_clears_the_severity(trends_analyst):
    item = TrendItemFactory(status="relevant", severity=2)

    trend_item_triage(actor=trends_analyst, item=item, status="not_relevant", severity=3)

    item.refresh_from_db()
    assert item.status == "not_relevant" and item.severity is None


def test_relevant_without_severity_is_refused_and_changes_nothing(trends_analyst):
    item = TrendItemFactory()

    with pytest.raises(ValidationError):
        trend_item_triage(actor=trends_analyst, item=item, status="relevant")

    item.refresh_from_db()
    assert item.status == "new" and not AuditEvent.objects.exists()


@pytest.mark.parametrize(("status", "severity"), [("new", None), ("maybe", 2), ("relevant", 9)])
def test_forged_status_or_severity_is_refused(trends_analyst, status, severity):
    item = TrendItemFactory()

    with pytest.raises(ValidationError):
        trend_item_triage(actor=trends_analyst, item=item, status=status, severity=severity)
    assert TrendItem.objects.get(pk=item.pk).status == "new"


def test_unsaved_tag_is_refused(trends_analyst):
    item = TrendItemFactory()
    ghost = TopicTagFactory.build(pk=999_999)

    with pytest.raises(ValidationError):
        trend_item_triage(
            actor=trends_analyst, item=item, status="relevant", severity=1, tags=[ghost]
        )


@pytest.mark.parametrize("who", ["learner", "trainer", "supervisor", "agency_admin"])
def test_only_analysts_triage(request, who):
    item = TrendItemFactory()

    with pytest.raises(PermissionDenied):
        trend_item_triage(
            actor=request.getfixturevalue(who), item=item, status="relevant", severity=1
        )


def test_platform_admin_may_triage(platform_admin):
    item = TrendItemFactory()

    trend_item_triage(actor=platform_admin, item=item, status="not_relevant")

    assert TrendItem.objects.get(pk=item.pk).status == "not_relevant"


def test_triaging_twice_keeps_the_last_decision(trends_analyst, topic_tags):
    item = TrendItemFactory()
    for severity in (2, 2):
        trend_item_triage(
            actor=trends_analyst,
            item=item,
            status="relevant",
            severity=severity,
            tags=[topic_tags["livestreaming"]],
        )

    assert item.tags.count() == 1
    assert AuditEvent.objects.filter(action="threat_feed.item_triage").count() == 2


# --- Rules --------------------------------------------------------------------------------


def test_rule_matches_whole_words_case_insensitively():
    rule = TagRule(tag=TopicTagFactory(), keywords="app\nvoice chat", whole_word=True)

    assert rule.pattern().search("A new APP appears")
    assert rule.pattern().search("private Voice   Chat rooms")
    assert not rule.pattern().search("a happy application")


def test_rule_without_whole_words_matches_inside_words():
    rule = TagRule(tag=TopicTagFactory(), keywords="stream", whole_word=False)

    assert rule.pattern().search("Livestreaming")


def test_rule_keywords_are_text_not_regular_expressions():
    rule = TagRule(tag=TopicTagFactory(), keywords="a.b\n(x+", whole_word=False)

    assert not rule.pattern().search("axb")
    assert rule.pattern().search("see (x+ here")


def test_rule_is_saved_tidied_and_audited(trends_analyst):
    tag = TopicTagFactory()

    rule = tag_rule_save(
        actor=trends_analyst,
        tag=tag,
        keywords=" grooming \n\ngrooming\n  voice chat ",
        whole_word=True,
    )

    assert rule.keywords == "grooming\nvoice chat"
    assert AuditEvent.objects.filter(action="threat_feed.rule_create").exists()


def test_rule_without_keywords_is_refused(trends_analyst):
    with pytest.raises(ValidationError):
        tag_rule_save(actor=trends_analyst, tag=TopicTagFactory(), keywords="  \n ")
    assert not TagRule.objects.exists()


def test_learner_cannot_write_rules(learner):
    with pytest.raises(PermissionDenied):
        tag_rule_save(actor=learner, tag=TopicTagFactory(), keywords="x")


def test_rule_delete_is_audited(trends_analyst):
    rule = TagRuleFactory()

    tag_rule_delete(actor=trends_analyst, rule=rule)

    assert not TagRule.objects.exists()
    assert AuditEvent.objects.filter(action="threat_feed.rule_delete").exists()


def test_applying_rules_again_updates_only_items_waiting_for_triage(trends_analyst):
    tag = TopicTagFactory()
    waiting = TrendItemFactory(title="Livestream payments")
    decided = TrendItemFactory(title="Livestream again", status="not_relevant")
    TagRuleFactory(tag=tag, keywords="livestream")

    changed = tag_rules_apply_waiting(actor=trends_analyst)

    assert changed == 1
    assert list(waiting.suggested_tags.all()) == [tag]
    assert not decided.suggested_tags.exists()
    assert tag_rules_apply_waiting(actor=trends_analyst) == 0
