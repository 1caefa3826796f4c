"""Reads for the trends feed, each scoped to the person asking (the queryset twins of the
rules in permissions.py), with related rows fetched in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import rules
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.caching import CacheGeneration
from accounts.models import User
from accounts.roles import TRENDS_ANALYST
from courses.models import Course, Module, ModuleVersion, TopicTag, published_modules_q
from courses.selectors import course_list_editable_by, course_list_visible_to

from .conf import feed_setting
from .models import CurriculumReview, ReviewTrigger, Source, SourceFetch, TagRule, TrendItem


def _can(user, perm: str, obj=None) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and rules.has_perm(perm, user, obj)


# --- Sources --------------------------------------------------------------------------------


def source_list_visible_to(*, user) -> QuerySet[Source]:
    """Every source for analysts (twin of threat_feed.manage_sources), nothing for others;
    with item counts."""
    if not _can(user, "threat_feed.manage_sources"):
        return Source.objects.none()
    return Source.objects.annotate(
        item_count=Count("items"),
        new_count=Count("items", filter=Q(items__status=TrendItem.Status.NEW)),
    ).order_by("is_paused", "name", "pk")


def source_get(*, user, pk: int) -> Source:
    """One source for an analyst; Source.DoesNotExist for anyone else."""
    if not _can(user, "threat_feed.manage_sources"):
        raise Source.DoesNotExist
    return Source.objects.prefetch_related("owners").get(pk=pk)


def source_fetch_list(*, source: Source, limit: int = 20) -> list[SourceFetch]:
    return list(source.fetches.order_by("-started_at", "-pk")[:limit])


def source_item_counts(*, source: Source) -> dict[str, int]:
    """Items of the source by triage status (one query)."""
    counts = {status: 0 for status in TrendItem.Status.values}
    rows = source.items.values("status").annotate(n=Count("pk")).order_by()
    counts.update({row["status"]: row["n"] for row in rows})
    counts["total"] = sum(counts.values())
    return counts


def source_owner_choices() -> QuerySet[User]:
    """People who may look after a source: active trends analysts."""
    return (
        User.objects.filter(is_active=True, groups__name=TRENDS_ANALYST)
        .distinct()
        .order_by("full_name", "email")
    )


def source_list_for_writing() -> QuerySet[Source]:
    return Source.objects.filter(kind=Source.Kind.MANUAL).order_by("name")


# --- Tags -----------------------------------------------------------------------------------


def topic_tag_list() -> list[TopicTag]:
    return list(TopicTag.objects.order_by("name"))


def topic_tags_by_dimension(tags: list[TopicTag] | None = None) -> list[tuple[str, list[TopicTag]]]:
    """[(dimension label, [tags])] in the vocabulary's order, for grouped checkboxes."""
    tags = topic_tag_list() if tags is None else tags
    labels = dict(TopicTag.Dimension.choices)
    groups: dict[str, list[TopicTag]] = {}
    for tag in tags:
        groups.setdefault(tag.dimension, []).append(tag)
    order = list(labels)
    return [
        (str(labels.get(dim, dim)), groups[dim])
        for dim in sorted(groups, key=lambda d: order.index(d) if d in order else len(order))
    ]


def tag_rule_list_visible_to(*, user) -> QuerySet[TagRule]:
    if not _can(user, "threat_feed.manage_rules"):
        return TagRule.objects.none()
    return TagRule.objects.select_related("tag").order_by("tag__dimension", "tag__name", "pk")


def tag_rule_get(*, user, pk: int) -> TagRule:
    return tag_rule_list_visible_to(user=user).get(pk=pk)


# --- Items ----------------------------------------------------------------------------------


def _item_relations(qs: QuerySet[TrendItem]) -> QuerySet[TrendItem]:
    return qs.select_related("source", "triaged_by").prefetch_related(
        Prefetch("tags", queryset=TopicTag.objects.order_by("dimension", "name")),
        Prefetch("suggested_tags", queryset=TopicTag.objects.order_by("dimension", "name")),
    )


def trend_item_list_visible_to(*, user) -> QuerySet[TrendItem]:
    """Items the person may read: relevant ones for everybody signed in, every item for
    analysts (twin of threat_feed.view_item)."""
    if not _can(user, "threat_feed.view_feed"):
        return TrendItem.objects.none()
    if _can(user, "threat_feed.triage_item"):
        return TrendItem.objects.all()
    return TrendItem.objects.filter(status=TrendItem.Status.RELEVANT)


def trend_item_get(*, user, pk: int) -> TrendItem:
    return _item_relations(trend_item_list_visible_to(user=user)).get(pk=pk)


def trend_item_triage_list(
    *,
    user,
    status: str = TrendItem.Status.NEW,
    source_id: int | None = None,
    tag_slug: str = "",
    severity: int | None = None,
    search: str = "",
) -> QuerySet[TrendItem]:
    """The analysts' queue (twin of threat_feed.triage_item), filtered; newest first."""
    if not _can(user, "threat_feed.triage_item"):
        return TrendItem.objects.none()
    qs = TrendItem.objects.all()
    if status in TrendItem.Status.values:
        qs = qs.filter(status=status)
    if source_id:
        qs = qs.filter(source_id=source_id)
    if tag_slug:
        qs = qs.filter(Q(tags__slug=tag_slug) | Q(suggested_tags__slug=tag_slug)).distinct()
    if severity:
        qs = qs.filter(severity=severity)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    return _item_relations(qs).order_by("-dated_at", "-pk")


def trend_item_queue_counts(*, user) -> dict[str, int]:
    if not _can(user, "threat_feed.triage_item"):
        return {}
    rows = TrendItem.objects.values("status").annotate(n=Count("pk")).order_by()
    counts = {status: 0 for status in TrendItem.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def trend_item_next_to_triage(*, user, after: TrendItem) -> TrendItem | None:
    """The next item waiting for triage after `after` in the queue's order (newest first)."""
    if not _can(user, "threat_feed.triage_item"):
        return None
    return (
        TrendItem.objects.filter(status=TrendItem.Status.NEW)
        .filter(Q(dated_at__lt=after.dated_at) | Q(dated_at=after.dated_at, pk__lt=after.pk))
        .order_by("-dated_at", "-pk")
        .first()
        or TrendItem.objects.filter(status=TrendItem.Status.NEW)
        .exclude(pk=after.pk)
        .order_by("-dated_at", "-pk")
        .first()
    )


# --- The feed -------------------------------------------------------------------------------


def trend_feed_list(
    *, user, tag_slug: str = "", dimension: str = "", min_severity: int | None = None
) -> QuerySet[TrendItem]:
    """Relevant items for the feed page (everybody signed in), newest first, filtered by a
    tag, a tag dimension and a lowest severity."""
    if not _can(user, "threat_feed.view_feed"):
        return TrendItem.objects.none()
    qs = TrendItem.objects.filter(status=TrendItem.Status.RELEVANT)
    if tag_slug:
        qs = qs.filter(tags__slug=tag_slug)
    if dimension:
        qs = qs.filter(
            pk__in=TrendItem.tags.through.objects.filter(topictag__dimension=dimension).values(
                "trenditem_id"
            )
        )
    if min_severity:
        qs = qs.filter(severity__gte=min_severity)
    return (
        qs.select_related("source")
        .prefetch_related(Prefetch("tags", queryset=TopicTag.objects.order_by("dimension", "name")))
        .order_by("-dated_at", "-pk")
    )


@dataclass(frozen=True)
class ModuleLink:
    pk: int
    title: str
    course_slug: str
    course_title: str


def trend_item_modules_for(*, user, items) -> dict[int, list[ModuleLink]]:
    """{item id: [published modules the person can open that share a tag with the item]}, in
    one query for the whole page. Items' tags must be prefetched."""
    item_tags = {item.pk: {tag.pk for tag in item.tags.all()} for item in items}
    all_tags = set().union(*item_tags.values()) if item_tags else set()
    if not all_tags:
        return {pk: [] for pk in item_tags}
    rows = (
        Module.objects.filter(published_modules_q(), topic_tags__in=all_tags)
        .filter(course__in=course_list_visible_to(user=user))
        .values_list("pk", "title", "course__slug", "course__title", "topic_tags")
        .order_by("course__title", "position", "pk")
    )
    by_tag: dict[int, list[ModuleLink]] = {}
    for pk, title, slug, course_title, tag_id in rows:
        by_tag.setdefault(tag_id, []).append(ModuleLink(pk, title, slug, course_title))
    result: dict[int, list[ModuleLink]] = {}
    for item_pk, tags in item_tags.items():
        seen: dict[int, ModuleLink] = {}
        for tag_id in sorted(tags):
            for link in by_tag.get(tag_id, []):
                seen.setdefault(link.pk, link)
        result[item_pk] = sorted(seen.values(), key=lambda m: (m.course_title, m.title))
    return result


# The newest relevant items are the same for everyone who may read the feed and every home
# page asks for them: they are kept in the cache, forgotten when an item is triaged (the only
# way an item becomes relevant or stops being so) and at the latest after five minutes.
LATEST_ITEMS = CacheGeneration("threat_feed:latest", seconds=300)


def trend_item_latest(*, user, limit: int = 5) -> list[TrendItem]:
    """The newest relevant items, for the dashboard panel (no query while cached)."""
    if not _can(user, "threat_feed.view_feed"):
        return []
    return LATEST_ITEMS.get_or_set(
        (limit,),
        lambda: list(
            TrendItem.objects.filter(status=TrendItem.Status.RELEVANT)
            .only("id", "title", "severity", "dated_at")
            .order_by("-dated_at", "-pk")[:limit]
        ),
    )


def trend_digest_items(*, since, until, limit: int) -> list[TrendItem]:
    """Items that became relevant in [since, until), most severe first."""
    return list(
        TrendItem.objects.filter(
            status=TrendItem.Status.RELEVANT, triaged_at__gte=since, triaged_at__lt=until
        )
        .select_related("source")
        .order_by("-severity", "-dated_at", "-pk")[:limit]
    )


# --- Curriculum reviews -------------------------------------------------------------------


def _reviewable_courses(user):
    """None for "every course" (analysts, platform admins), else the courses the person
    staffs."""
    if _can(user, "threat_feed.manage_sources"):
        return None
    return course_list_editable_by(user=user)


def curriculum_review_list_visible_to(*, user, status: str = "") -> QuerySet[CurriculumReview]:
    """Reviews the person may read (twin of threat_feed.view_review): every review for
    analysts and platform admins, those of the courses they staff for trainers."""
    if not _can(user, "threat_feed.view_reviews"):
        return CurriculumReview.objects.none()
    qs = CurriculumReview.objects.all()
    courses = _reviewable_courses(user)
    if courses is not None:
        qs = qs.filter(module__course__in=courses)
    today = timezone.localdate()
    if status == "overdue":
        qs = qs.filter(status=CurriculumReview.Status.OPEN, due_on__lt=today)
    elif status in CurriculumReview.Status.values:
        qs = qs.filter(status=status)
    return (
        qs.select_related("module__course", "closed_by", "module_version")
        .annotate(item_count=Count("triggers"))
        .order_by("status", "due_on", "pk")
    )


def curriculum_review_get(*, user, pk: int) -> CurriculumReview:
    return (
        curriculum_review_list_visible_to(user=user)
        .prefetch_related(
            Prefetch(
                "triggers",
                queryset=ReviewTrigger.objects.select_related("item__source").order_by(
                    "-item__severity", "added_at"
                ),
            ),
            Prefetch("module__topic_tags", queryset=TopicTag.objects.order_by("name")),
        )
        .get(pk=pk)
    )


def curriculum_review_versions(*, review: CurriculumReview) -> QuerySet[ModuleVersion]:
    """Versions that can close the review as "updated": published since it opened."""
    return ModuleVersion.objects.filter(
        module_id=review.module_id, published_at__gte=review.opened_at
    ).order_by("-number")


def curriculum_review_open_count_for(*, user) -> int:
    """Open reviews of the courses the person staffs (the trainer's home panel)."""
    if not _can(user, "threat_feed.view_reviews"):
        return 0
    return CurriculumReview.objects.filter(
        status=CurriculumReview.Status.OPEN,
        module__course__in=course_list_editable_by(user=user),
    ).count()


def _visible_modules(user) -> QuerySet[Module]:
    modules = Module.objects.filter(published_modules_q(), course__status=Course.Status.PUBLISHED)
    courses = _reviewable_courses(user)
    if courses is not None:
        modules = modules.filter(course__in=courses)
    return modules


def module_freshness_list(*, user, today=None) -> QuerySet[Module]:
    """Published modules the person looks after that are stale: no review in
    THREAT_FEED_STALE_AFTER_DAYS, or an open review past its due date. Overdue first, then
    the longest unreviewed."""
    if not _can(user, "threat_feed.view_reviews"):
        return Module.objects.none()
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=int(feed_setting("THREAT_FEED_STALE_AFTER_DAYS")))
    open_review = CurriculumReview.objects.filter(
        module=OuterRef("pk"), status=CurriculumReview.Status.OPEN
    )
    return (
        _visible_modules(user)
        .select_related("course")
        .annotate(
            open_review_id=Subquery(open_review.values("pk")[:1]),
            open_due_on=Subquery(open_review.values("due_on")[:1]),
        )
        .filter(
            Q(last_reviewed_on__isnull=True)
            | Q(last_reviewed_on__lt=cutoff)
            | Q(open_due_on__lt=today)
        )
        .order_by(
            F("open_due_on").asc(nulls_last=True), F("last_reviewed_on").asc(nulls_first=True), "pk"
        )
    )


@dataclass
class ModuleReviews:
    module: Module
    open_review: CurriculumReview | None
    closed_reviews: list[CurriculumReview]
    related_items: list[TrendItem]


def module_reviews_get(*, user, pk: int, related: int = 10) -> ModuleReviews:
    """A published module's review record: its last review date, open review, past reviews
    and the latest relevant trends sharing its tags."""
    if not _can(user, "threat_feed.view_reviews"):
        raise Module.DoesNotExist
    module = (
        _visible_modules(user)
        .select_related("course", "current_version")
        .prefetch_related(Prefetch("topic_tags", queryset=TopicTag.objects.order_by("name")))
        .get(pk=pk)
    )
    reviews = list(
        CurriculumReview.objects.filter(module=module)
        .select_related("closed_by", "module_version")
        .annotate(item_count=Count("triggers"))
        .order_by("-opened_at", "-pk")
    )
    tag_ids = [tag.pk for tag in module.topic_tags.all()]
    items = (
        list(
            TrendItem.objects.filter(status=TrendItem.Status.RELEVANT, tags__in=tag_ids)
            .select_related("source")
            .distinct()
            .order_by("-dated_at", "-pk")[:related]
        )
        if tag_ids
        else []
    )
    return ModuleReviews(
        module=module,
        open_review=next((r for r in reviews if r.is_open), None),
        closed_reviews=[r for r in reviews if not r.is_open],
        related_items=items,
    )
