"""Writes for the trends feed (DESIGN section 4): `<entity>_<verb>(*, actor, ...)`, atomic,
checking the permission themselves. Jobs (no actor) are the fetch planner and the fetch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import TRENDS_ANALYST
from accounts.services import audit_record, job_run_claim, job_run_finish
from courses.models import Course, Module, ModuleVersion, TopicTag, published_modules_q
from courses.services import module_review_mark
from notifications.services import notification_send

from .conf import feed_setting
from .fetching import feed_download
from .models import (
    ERROR_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    CurriculumReview,
    ReviewTrigger,
    Severity,
    Source,
    SourceFetch,
    TagRule,
    TrendItem,
)
from .parsing import (
    FeedError,
    ParsedItem,
    ParseResult,
    feed_parse,
    item_content_hash,
    link_key,
    one_line,
    plain_text,
    safe_link,
    stix_parse,
)
from .selectors import LATEST_ITEMS

logger = logging.getLogger(__name__)

FETCH_JOB = "threat_feed.fetch_due_sources"
# How long a planned fetch keeps its source to itself (well over the task's hard limit).
FETCH_LEASE = timedelta(minutes=15)
# Fetch history kept per source.
FETCHES_KEPT = 100
STORE_BATCH = 500

KIND_SOURCE_PAUSED = "threat_feed.source_paused"
KIND_REVIEW = "threat_feed.review"
KIND_DIGEST = "threat_feed.weekly_digest"


def _require(actor, perm: str, obj=None) -> None:
    if actor is None or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(perm)


def _full_clean(instance, **kwargs) -> None:
    instance.full_clean(**kwargs)


# --- Keyword rules --------------------------------------------------------------------------


class TagSuggester:
    """The active keyword rules, compiled once per ingestion run."""

    def __init__(self, rules_: Iterable[TagRule]) -> None:
        self.patterns = [(rule.tag_id, rule.pattern()) for rule in rules_]

    @classmethod
    def load(cls) -> TagSuggester:
        return cls(TagRule.objects.filter(is_active=True).only("tag_id", "keywords", "whole_word"))

    def tag_ids_for(self, *, title: str, summary: str, labels: Sequence[str]) -> set[int]:
        if not self.patterns:
            return set()
        text = f"{title}\n{summary}\n" + "\n".join(labels)
        return {tag_id for tag_id, pattern in self.patterns if pattern.search(text)}


# --- Storing items --------------------------------------------------------------------------


@dataclass
class IngestResult:
    added: int = 0
    duplicates: int = 0
    ignored: int = 0


def _dated(published_at: datetime | None, now: datetime) -> datetime:
    return min(published_at, now) if published_at else now


def trend_items_store(
    *,
    source: Source,
    fetch: SourceFetch,
    parsed: ParseResult,
    now: datetime | None = None,
    suggester: TagSuggester | None = None,
) -> IngestResult:
    """Insert the new items of one fetch in batches and suggest their tags; skip those
    already known by (source, external id), link or content hash. A re-run adds nothing.

    Precondition: the caller holds a transaction, so a failure stores nothing of the fetch.
    Concurrent fetches of the same items are safe: the unique constraints drop the loser's
    rows (bulk_create ignore_conflicts) and the counts come from what this fetch inserted.
    """
    now = now or timezone.now()
    suggester = suggester or TagSuggester.load()
    limit = int(feed_setting("THREAT_FEED_MAX_ITEMS_PER_FETCH"))
    result = IngestResult(ignored=parsed.ignored + max(0, len(parsed.items) - limit))
    # De-duplicate within the fetch first.
    fresh: list[tuple[ParsedItem, str, str | None]] = []
    seen_hashes: set[str] = set()
    seen_ids: set[str] = set()
    seen_links: set[str] = set()
    for item in parsed.items[:limit]:
        content_hash = item.content_hash
        key = link_key(item.link) if item.kind == TrendItem.Kind.ARTICLE else None
        if (
            content_hash in seen_hashes
            or (item.external_id and item.external_id in seen_ids)
            or (key and key in seen_links)
        ):
            result.duplicates += 1
            continue
        seen_hashes.add(content_hash)
        if item.external_id:
            seen_ids.add(item.external_id)
        if key:
            seen_links.add(key)
        fresh.append((item, content_hash, key))

    suggestions: dict[str, set[int]] = {}
    attempted = 0
    for start in range(0, len(fresh), STORE_BATCH):
        batch = fresh[start : start + STORE_BATCH]
        known = _known(source=source, batch=batch)
        rows = []
        for item, content_hash, key in batch:
            if (
                content_hash in known["hashes"]
                or (item.external_id and item.external_id in known["ids"])
                or (key and key in known["links"])
            ):
                result.duplicates += 1
                continue
            rows.append(
                TrendItem(
                    source=source,
                    fetch=fetch,
                    kind=item.kind,
                    external_id=item.external_id,
                    link=item.link,
                    link_key=key,
                    title=item.title,
                    summary=item.summary,
                    labels=item.labels,
                    published_at=item.published_at,
                    dated_at=_dated(item.published_at, now),
                    created_at=now,
                    content_hash=content_hash,
                )
            )
            tag_ids = suggester.tag_ids_for(
                title=item.title, summary=item.summary, labels=item.labels
            )
            if tag_ids:
                suggestions[content_hash] = tag_ids
        TrendItem.objects.bulk_create(rows, ignore_conflicts=True, batch_size=STORE_BATCH)
        attempted += len(rows)

    added = list(TrendItem.objects.filter(fetch=fetch).values_list("pk", "content_hash"))
    result.added = len(added)
    # Rows a concurrent fetch inserted first were dropped by the constraints: known too.
    result.duplicates += attempted - result.added
    through = TrendItem.suggested_tags.through
    through.objects.bulk_create(
        [
            through(trenditem_id=pk, topictag_id=tag_id)
            for pk, content_hash in added
            for tag_id in sorted(suggestions.get(content_hash, ()))
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return result


def _known(*, source: Source, batch) -> dict[str, set]:
    hashes = [content_hash for _item, content_hash, _key in batch]
    ids = [item.external_id for item, _h, _k in batch if item.external_id]
    links = [key for _i, _h, key in batch if key]
    return {
        "hashes": set(
            TrendItem.objects.filter(content_hash__in=hashes).values_list("content_hash", flat=True)
        ),
        "ids": set(
            TrendItem.objects.filter(source=source, external_id__in=ids).values_list(
                "external_id", flat=True
            )
        )
        if ids
        else set(),
        "links": set(
            TrendItem.objects.filter(link_key__in=links).values_list("link_key", flat=True)
        )
        if links
        else set(),
    }


# --- Sources --------------------------------------------------------------------------------

SOURCE_FIELDS = ("name", "kind", "url", "description", "poll_interval_minutes")


@transaction.atomic
def source_create(*, actor: User, owners: Iterable[User] = (), **fields) -> Source:
    _require(actor, "threat_feed.manage_sources")
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise TypeError(f"unknown source fields: {sorted(unknown)}")
    source = Source(created_by=actor, **fields)
    _full_clean(source)
    source.save()
    source.owners.set(list(owners) or [actor])
    audit_record(actor=actor, action="threat_feed.source_create", target=source)
    return source


@transaction.atomic
def source_update(
    *, actor: User, source: Source, owners: Iterable[User] | None = None, **fields
) -> Source:
    _require(actor, "threat_feed.manage_sources")
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise TypeError(f"unknown source fields: {sorted(unknown)}")
    source = Source.objects.select_for_update().get(pk=source.pk)
    old_url = source.url
    for name, value in fields.items():
        setattr(source, name, value)
    _full_clean(source)
    if source.url != old_url:
        # A new address: forget what the old one said, fetch it soon.
        source.etag = source.last_modified = ""
        source.next_fetch_at = None
    source.save()
    if owners is not None:
        source.owners.set(list(owners))
    audit_record(
        actor=actor,
        action="threat_feed.source_update",
        target=source,
        details={"fields": sorted(fields)},
    )
    return source


@transaction.atomic
def source_pause(*, actor: User, source: Source, reason: str = "") -> Source:
    _require(actor, "threat_feed.manage_sources")
    source = Source.objects.select_for_update().get(pk=source.pk)
    if not source.is_paused:
        source.is_paused = True
        source.paused_at = timezone.now()
        source.pause_reason = one_line(reason, limit=300) or str(_("Paused by an analyst."))
        source.save(update_fields=["is_paused", "paused_at", "pause_reason"])
        audit_record(actor=actor, action="threat_feed.source_pause", target=source)
    return source


@transaction.atomic
def source_resume(*, actor: User, source: Source) -> Source:
    """Resume a paused source: failures forgotten, fetched at the next beat."""
    _require(actor, "threat_feed.manage_sources")
    source = Source.objects.select_for_update().get(pk=source.pk)
    if source.is_paused:
        source.is_paused = False
        source.paused_at = None
        source.pause_reason = ""
        source.consecutive_failures = 0
        source.next_fetch_at = None
        source.claimed_until = None
        source.save(
            update_fields=[
                "is_paused",
                "paused_at",
                "pause_reason",
                "consecutive_failures",
                "next_fetch_at",
                "claimed_until",
            ]
        )
        audit_record(actor=actor, action="threat_feed.source_resume", target=source)
    return source


@transaction.atomic
def source_fetch_now(*, actor: User, source: Source) -> None:
    """Fetch a polled source as soon as a worker is free (after commit)."""
    from .tasks import source_fetch_task

    _require(actor, "threat_feed.manage_sources")
    if not source.is_polled:
        raise ValidationError(_("Only feeds and STIX bundles at an address are fetched."))
    if source.is_paused:
        raise ValidationError(_("Resume the source before fetching it."))
    Source.objects.filter(pk=source.pk).update(claimed_until=timezone.now() + FETCH_LEASE)
    source_fetch_task.delay_on_commit(source_id=source.pk)


def _period(now: datetime) -> str:
    """The 5-minute window the beat runs in: two beats in one window do the work once."""
    return now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0).isoformat()


def source_fetch_due_plan(*, now: datetime | None = None) -> dict | None:
    """The beat job: claim every due source for FETCH_LEASE and enqueue one fetch task per
    source (ids in). None when this 5-minute window already ran."""
    from .tasks import source_fetch_task

    now = now or timezone.now()
    with transaction.atomic():
        run = job_run_claim(job=FETCH_JOB, period=_period(now))
        if run is None:
            return None
        due = list(
            Source.objects.filter(kind__in=Source.POLLED, is_paused=False)
            .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("next_fetch_at", "pk")
            .values_list("pk", flat=True)
        )
        Source.objects.filter(pk__in=due).update(claimed_until=now + FETCH_LEASE)
        for pk in due:
            source_fetch_task.delay_on_commit(source_id=pk)
        result = {"sources": len(due)}
        job_run_finish(run=run, result=result)
    return result


def source_fetch(*, source_id: int) -> dict | None:
    """Fetch one source, store what is new, record its health. A network or format error
    is recorded on the source (nothing from that fetch is kept) and counts towards pausing;
    it is not raised, so the other sources' tasks are untouched. None for a source that is
    gone, paused or not fetched over the web.
    """
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.is_polled or source.is_paused:
        Source.objects.filter(pk=source_id).update(claimed_until=None)
        return None
    started = timezone.now()
    try:
        download = feed_download(
            url=source.url, etag=source.etag, last_modified=source.last_modified
        )
        if download.not_modified:
            return _fetch_succeeded(
                source=source, started=started, parsed=None, http_status=304, size=0
            )
        parser = stix_parse if source.kind == Source.Kind.STIX_URL else feed_parse
        try:
            parsed = parser(download.body)
        except FeedError:
            raise
        except Exception as exc:  # a parser crashing on hostile input is the feed's fault
            logger.exception("threat_feed: parser crashed on source %s", source.pk)
            raise FeedError(
                str(_("The feed could not be read (%(detail)s).") % {"detail": type(exc).__name__})
            ) from exc
    except FeedError as exc:
        return _fetch_failed(source=source, started=started, error=exc.message)
    return _fetch_succeeded(
        source=source,
        started=started,
        parsed=parsed,
        http_status=200,
        size=len(download.body),
        etag=download.etag,
        last_modified=download.last_modified,
    )


def _fetch_succeeded(
    *,
    source: Source,
    started: datetime,
    parsed: ParseResult | None,
    http_status: int,
    size: int,
    etag: str | None = None,
    last_modified: str | None = None,
) -> dict:
    now = timezone.now()
    with transaction.atomic():
        fetch = SourceFetch.objects.create(
            source=source,
            started_at=started,
            outcome=SourceFetch.Outcome.OK if parsed else SourceFetch.Outcome.NOT_MODIFIED,
            http_status=http_status,
            bytes_read=size,
        )
        result = (
            trend_items_store(source=source, fetch=fetch, parsed=parsed, now=now)
            if parsed
            else IngestResult()
        )
        _fetch_counts_save(fetch=fetch, result=result)
        health = {
            "last_attempt_at": now,
            "last_success_at": now,
            "consecutive_failures": 0,
            "next_fetch_at": now + timedelta(minutes=source.poll_interval_minutes),
            "claimed_until": None,
        }
        if etag is not None:
            health.update(etag=etag, last_modified=last_modified or "")
        Source.objects.filter(pk=source.pk).update(**health)
        _fetches_prune(source=source)
    return {
        "source": source.pk,
        "outcome": fetch.outcome,
        "added": result.added,
        "duplicates": result.duplicates,
        "ignored": result.ignored,
    }


def _fetch_failed(*, source: Source, started: datetime, error: str) -> dict:
    now = timezone.now()
    error = error[:ERROR_MAX]
    threshold = int(feed_setting("THREAT_FEED_PAUSE_AFTER_FAILURES"))
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        SourceFetch.objects.create(
            source=source,
            started_at=started,
            finished_at=now,
            outcome=SourceFetch.Outcome.ERROR,
            error=error,
        )
        source.consecutive_failures += 1
        source.last_attempt_at = now
        source.last_error = error
        source.last_error_at = now
        source.next_fetch_at = now + timedelta(minutes=source.poll_interval_minutes)
        source.claimed_until = None
        paused = not source.is_paused and source.consecutive_failures >= threshold
        if paused:
            source.is_paused = True
            source.paused_at = now
            source.pause_reason = str(
                _("Paused automatically after %(n)s failed fetches in a row.")
                % {"n": source.consecutive_failures}
            )
        source.save()
        _fetches_prune(source=source)
        if paused:
            _source_paused_notify(source=source)
    logger.info(
        "threat_feed: source %s failed (%s): %s", source.pk, source.consecutive_failures, error
    )
    return {"source": source.pk, "outcome": "error", "error": error, "paused": paused}


def _fetch_counts_save(*, fetch: SourceFetch, result: IngestResult) -> None:
    fetch.added, fetch.duplicates, fetch.ignored = result.added, result.duplicates, result.ignored
    fetch.finished_at = timezone.now()
    fetch.save(update_fields=["added", "duplicates", "ignored", "finished_at"])


def _fetches_prune(*, source: Source) -> None:
    oldest_kept = (
        SourceFetch.objects.filter(source=source)
        .order_by("-pk")
        .values_list("pk", flat=True)[FETCHES_KEPT - 1 : FETCHES_KEPT]
        .first()
    )
    if oldest_kept:
        SourceFetch.objects.filter(source=source, pk__lt=oldest_kept).delete()


def _tell(*, user: User, kind: str, key: str, url: str, message: Callable[[], tuple]) -> bool:
    """notification_send with title and body written in the person's language; False when
    the key was already used (nothing sent)."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        title, body = message()
        title, body = str(title), str(body)
    sent = notification_send(user=user, kind=kind, title=title, body=body, url=url, key=key)
    return sent is not None


def _source_paused_notify(*, source: Source) -> None:
    """Tell the source's analysts (every analyst when it has none) that it was paused."""
    people = list(source.owners.filter(is_active=True))
    if not people:
        people = list(User.objects.filter(is_active=True, groups__name=TRENDS_ANALYST).distinct())
    url = reverse("threat_feed:source", args=[source.pk])
    stamp = source.paused_at.strftime("%Y%m%dT%H%M%S") if source.paused_at else "paused"

    def message():
        return (
            gettext("Trend source paused: %(name)s") % {"name": source.name},
            gettext(
                "%(name)s failed %(n)s times in a row and is no longer fetched. Last error: "
                "%(error)s Check the address, then resume it."
            )
            % {"name": source.name, "n": source.consecutive_failures, "error": source.last_error},
        )

    for person in people:
        _tell(
            user=person,
            kind=KIND_SOURCE_PAUSED,
            key=f"{KIND_SOURCE_PAUSED}:{source.pk}:{stamp}",
            url=url,
            message=message,
        )


# --- Uploads and manual items ---------------------------------------------------------------


def source_stix_upload(*, actor: User, source: Source, data: bytes) -> IngestResult:
    """Read an uploaded STIX 2.1 bundle into a "STIX upload" source. A bundle that cannot be
    read raises ValidationError with the reason and stores nothing."""
    _require(actor, "threat_feed.manage_sources")
    if source.kind != Source.Kind.STIX_UPLOAD:
        raise ValidationError(_("Bundles can only be uploaded to a STIX upload source."))
    limit = int(feed_setting("THREAT_FEED_UPLOAD_MAX_BYTES"))
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(size)s MB.") % {"size": round(limit / 1048576, 1)}
        )
    try:
        parsed = stix_parse(data)
    except FeedError as exc:
        raise ValidationError(exc.message) from None
    started = now = timezone.now()
    with transaction.atomic():
        fetch = SourceFetch.objects.create(
            source=source, started_at=started, outcome=SourceFetch.Outcome.OK, bytes_read=len(data)
        )
        result = trend_items_store(source=source, fetch=fetch, parsed=parsed, now=now)
        _fetch_counts_save(fetch=fetch, result=result)
        Source.objects.filter(pk=source.pk).update(last_attempt_at=now, last_success_at=now)
        _fetches_prune(source=source)
        audit_record(
            actor=actor,
            action="threat_feed.stix_upload",
            target=source,
            details={"bytes": len(data), "added": result.added, "ignored": result.ignored},
        )
    return result


@transaction.atomic
def trend_item_write(
    *,
    actor: User,
    source: Source,
    title: str,
    summary: str = "",
    link: str = "",
    published_at: datetime | None = None,
) -> TrendItem:
    """An item written by an analyst into a "manual" source; it waits for triage like any
    other. Refuses (ValidationError) the same text or link as an item already in the feed."""
    _require(actor, "threat_feed.manage_sources")
    if source.kind != Source.Kind.MANUAL:
        raise ValidationError(_("Items can only be written into a source for analysts' items."))
    title = one_line(title, limit=TITLE_MAX)
    summary = plain_text(summary, limit=SUMMARY_MAX)
    if not title:
        raise ValidationError({"title": _("Give the item a title.")})
    clean_link = safe_link(link)
    if link and not clean_link:
        raise ValidationError({"link": _("Use an https:// or http:// address.")})
    content_hash = item_content_hash(title=title, summary=summary)
    if TrendItem.objects.filter(content_hash=content_hash).exists():
        raise ValidationError(_("An item with the same title and text is already in the feed."))
    key = link_key(clean_link)
    if key and TrendItem.objects.filter(link_key=key).exists():
        raise ValidationError({"link": _("An item with this link is already in the feed.")})
    now = timezone.now()
    item = TrendItem(
        source=source,
        kind=TrendItem.Kind.NOTE,
        title=title,
        summary=summary,
        link=clean_link,
        link_key=key,
        published_at=published_at,
        dated_at=_dated(published_at, now),
        created_at=now,
        content_hash=content_hash,
        created_by=actor,
    )
    _full_clean(item, exclude=["content_hash"])
    item.save()
    tag_ids = TagSuggester.load().tag_ids_for(title=title, summary=summary, labels=[])
    if tag_ids:
        item.suggested_tags.set(sorted(tag_ids))
    audit_record(actor=actor, action="threat_feed.item_write", target=item)
    return item


# --- Triage ---------------------------------------------------------------------------------


@transaction.atomic
def trend_item_triage(
    *,
    actor: User,
    item: TrendItem,
    status: str,
    severity: int | None = None,
    tags: Iterable[TopicTag] = (),
) -> TrendItem:
    """An analyst's decision on an item: relevant (with a severity) or not, and its tags.

    Who decided and what is written to the audit log. A relevant item at or above the
    review threshold opens curriculum reviews of the published modules sharing its tags.
    Deciding again (a correction, a double submit) is allowed and audited again.
    """
    _require(actor, "threat_feed.triage_item", item)
    if status not in (TrendItem.Status.RELEVANT, TrendItem.Status.NOT_RELEVANT):
        raise ValidationError({"status": _("Choose relevant or not relevant.")})
    if severity is not None and severity not in Severity.values:
        raise ValidationError({"severity": _("Choose a severity from the list.")})
    if status == TrendItem.Status.RELEVANT and severity is None:
        raise ValidationError({"severity": _("Give a relevant item a severity.")})
    tag_ids = sorted({tag.pk for tag in tags})
    if len(tag_ids) != TopicTag.objects.filter(pk__in=tag_ids).count():
        raise ValidationError({"tags": _("Choose tags from the list.")})
    item = TrendItem.objects.select_for_update().get(pk=item.pk)
    item.status = status
    item.severity = severity if status == TrendItem.Status.RELEVANT else None
    item.triaged_by = actor
    item.triaged_at = timezone.now()
    item.save(update_fields=["status", "severity", "triaged_by", "triaged_at"])
    item.tags.set(tag_ids)
    LATEST_ITEMS.forget()
    audit_record(
        actor=actor,
        action="threat_feed.item_triage",
        target=item,
        details={
            "status": status,
            "severity": item.severity,
            "tags": list(TopicTag.objects.filter(pk__in=tag_ids).values_list("slug", flat=True)),
        },
    )
    if item.is_relevant:
        curriculum_reviews_open_for_item(item=item)
    return item


# --- Tag rules ------------------------------------------------------------------------------

RULE_FIELDS = ("tag", "keywords", "whole_word", "is_active")


@transaction.atomic
def tag_rule_save(*, actor: User, rule: TagRule | None = None, **fields) -> TagRule:
    """Create a keyword rule, or change `rule`. It suggests tags for items fetched from now
    on (tag_rules_apply_waiting re-suggests for the items waiting for triage)."""
    _require(actor, "threat_feed.manage_rules")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields: {sorted(unknown)}")
    rule = TagRule.objects.select_for_update().get(pk=rule.pk) if rule else TagRule()
    for name, value in fields.items():
        setattr(rule, name, value)
    _full_clean(rule)
    created = rule.pk is None
    rule.save()
    audit_record(
        actor=actor,
        action="threat_feed.rule_create" if created else "threat_feed.rule_update",
        target=rule,
    )
    return rule


@transaction.atomic
def tag_rule_delete(*, actor: User, rule: TagRule) -> None:
    _require(actor, "threat_feed.manage_rules")
    audit_record(actor=actor, action="threat_feed.rule_delete", target=rule)
    TagRule.objects.filter(pk=rule.pk).delete()


def tag_rules_apply_waiting(*, actor: User, chunk: int = 1000) -> int:
    """Suggest tags again, with today's rules, for every item waiting for triage; returns how
    many items got a different suggestion. Chunked, one transaction per chunk."""
    _require(actor, "threat_feed.manage_rules")
    suggester = TagSuggester.load()
    through = TrendItem.suggested_tags.through
    changed = 0
    last_pk = 0
    while True:
        rows = list(
            TrendItem.objects.filter(status=TrendItem.Status.NEW, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "title", "summary", "labels")[:chunk]
        )
        if not rows:
            break
        last_pk = rows[-1][0]
        ids = [row[0] for row in rows]
        current: dict[int, set[int]] = {pk: set() for pk in ids}
        for item_id, tag_id in through.objects.filter(trenditem_id__in=ids).values_list(
            "trenditem_id", "topictag_id"
        ):
            current[item_id].add(tag_id)
        wanted = {
            pk: suggester.tag_ids_for(title=title, summary=summary, labels=labels or [])
            for pk, title, summary, labels in rows
        }
        differ = [pk for pk in ids if wanted[pk] != current[pk]]
        if differ:
            with transaction.atomic():
                through.objects.filter(trenditem_id__in=differ).delete()
                through.objects.bulk_create(
                    [
                        through(trenditem_id=pk, topictag_id=tag_id)
                        for pk in differ
                        for tag_id in sorted(wanted[pk])
                    ],
                    ignore_conflicts=True,
                    batch_size=1000,
                )
            changed += len(differ)
    audit_record(actor=actor, action="threat_feed.rules_apply", details={"items": changed})
    return changed


# --- Curriculum reviews -------------------------------------------------------------------


def review_due_on(*, severity: int, opened_on: date) -> date:
    days = dict(feed_setting("THREAT_FEED_REVIEW_DUE_DAYS"))
    name = Severity(severity).name.lower()
    return opened_on + timedelta(days=int(days.get(name, 90)))


def _modules_sharing_tags(item: TrendItem):
    """Published modules of published courses that share a tag with the item."""
    tag_ids = list(item.tags.values_list("pk", flat=True))
    if not tag_ids:
        return Module.objects.none()
    return (
        Module.objects.filter(published_modules_q(), topic_tags__in=tag_ids)
        .filter(course__status=Course.Status.PUBLISHED)
        .select_related("course")
        .distinct()
        .order_by("pk")
    )


def curriculum_reviews_open_for_item(*, item: TrendItem) -> list[CurriculumReview]:
    """For a relevant item at or above the review threshold: put it in the open review of
    every published module sharing one of its tags, opening a review where none is open.

    One open review per module (a partial unique constraint); the review's severity is its
    most severe item's and its due date the earliest any item gives. The module's trainers
    are told once when a review opens and once per item added to it. Safe to repeat: an
    item already in a review is not added twice. Precondition: the caller holds a
    transaction (trend_item_triage does).
    """
    threshold = Severity.from_name(feed_setting("THREAT_FEED_REVIEW_THRESHOLD"))
    severity = item.severity
    if not item.is_relevant or severity is None or severity < threshold:
        return []
    today = timezone.localdate()
    touched: list[CurriculumReview] = []
    for module in _modules_sharing_tags(item):
        review, opened = _review_open_for(module=module, item=item, severity=severity, today=today)
        _trigger, added = ReviewTrigger.objects.get_or_create(review=review, item=item)
        if not added:
            continue
        due = review_due_on(severity=severity, opened_on=today)
        changed = []
        if severity > review.severity:
            review.severity = severity
            changed.append("severity")
        if due < review.due_on:
            review.due_on = due
            changed.append("due_on")
        if changed:
            review.save(update_fields=changed)
        _review_notify(review=review, item=item, opened=opened)
        touched.append(review)
    return touched


def _review_open_for(*, module: Module, item: TrendItem, severity: int, today: date):
    """The module's open review (locked), or a new one; (review, opened)."""
    existing = (
        CurriculumReview.objects.select_for_update()
        .filter(module=module, status=CurriculumReview.Status.OPEN)
        .first()
    )
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            review = CurriculumReview.objects.create(
                module=module,
                severity=severity,
                due_on=review_due_on(severity=severity, opened_on=today),
            )
    except IntegrityError:
        # Another triage opened it at the same moment: join that one.
        review = CurriculumReview.objects.select_for_update().get(
            module=module, status=CurriculumReview.Status.OPEN
        )
        return review, False
    audit_record(
        actor=None,
        action="threat_feed.review_open",
        target=review,
        details={"item": item.pk, "severity": item.severity},
    )
    return review, True


def _review_notify(*, review: CurriculumReview, item: TrendItem, opened: bool) -> None:
    """Tell the module's course staff (active people) about the review."""
    module = review.module
    people = User.objects.filter(
        is_active=True, course_staffings__course_id=module.course_id
    ).distinct()
    url = reverse("threat_feed:review", args=[review.pk])
    key = (
        f"{KIND_REVIEW}:{review.pk}:opened"
        if opened
        else f"{KIND_REVIEW}:{review.pk}:item:{item.pk}"
    )

    def message():
        values = {
            "module": module.title,
            "course": module.course.title,
            "item": item.title,
            "severity": item.get_severity_display(),
            "due": formats.date_format(review.due_on, "DATE_FORMAT"),
        }
        if opened:
            title = gettext("Curriculum review: %(module)s") % values
            body = (
                gettext(
                    "A %(severity)s trend shares the topics of “%(module)s” (%(course)s): "
                    "%(item)s. Check whether the module is still current by %(due)s, then close "
                    "the review as updated or as needing no change."
                )
                % values
            )
        else:
            title = gettext("New trend for the review of %(module)s") % values
            body = (
                gettext(
                    "Another trend was added to the open review of “%(module)s”: %(item)s "
                    "(%(severity)s). The review is due by %(due)s."
                )
                % values
            )
        return title, body

    for person in people:
        _tell(user=person, kind=KIND_REVIEW, key=key, url=url, message=message)


@transaction.atomic
def curriculum_review_close(
    *,
    actor: User,
    review: CurriculumReview,
    outcome: str,
    reason: str = "",
    version: ModuleVersion | None = None,
) -> CurriculumReview:
    """A trainer of the module's course closes its open review: "no change needed" with a
    reason, or "updated" with a version of this module published since the review opened.

    Records the module as reviewed today (courses' module_review_mark). When the version is
    a material change, change-driven refreshers are asked for (curriculum_review_refreshers).
    A review already closed (a double submit) raises ValidationError and changes nothing.
    """
    review = (
        CurriculumReview.objects.select_for_update()
        .select_related("module__course")
        .get(pk=review.pk)
    )
    _require(actor, "threat_feed.close_review", review)
    if not review.is_open:
        raise ValidationError(_("This review is already closed."))
    reason = plain_text(reason, limit=2000)
    if outcome == CurriculumReview.Outcome.NO_CHANGE:
        if not reason:
            raise ValidationError({"reason": _("Say why the module needs no change.")})
        if version is not None:
            raise ValidationError(
                {"version": _("A review closed without change has no new version.")}
            )
    elif outcome == CurriculumReview.Outcome.UPDATED:
        if version is None:
            raise ValidationError({"version": _("Choose the new published version.")})
        if version.module_id != review.module_id or version.published_at < review.opened_at:
            raise ValidationError(
                {"version": _("Choose a version of this module published since the review opened.")}
            )
    else:
        raise ValidationError({"outcome": _("Choose how the review ends.")})
    now = timezone.now()
    review.status = CurriculumReview.Status.CLOSED
    review.outcome = outcome
    review.reason = reason
    review.module_version = version
    review.closed_by = actor
    review.closed_at = now
    review.save(
        update_fields=["status", "outcome", "reason", "module_version", "closed_by", "closed_at"]
    )
    module_review_mark(actor=actor, module=review.module, reviewed_on=timezone.localdate())
    refreshers = None
    if version is not None and version.is_material_change:
        refreshers = curriculum_review_refreshers(actor=actor, review=review, version=version)
    audit_record(
        actor=actor,
        action="threat_feed.review_close",
        target=review,
        details={
            "outcome": outcome,
            "version": version.number if version else None,
            "refreshers": refreshers,
        },
    )
    return review


# The courses service of the refresher issue (issue 4) that assigns change-driven refreshers
# for a material version. Looked up by name because it does not exist yet; it must be
# idempotent (publishing may already have called it).
REFRESHER_SERVICE = "module_version_refreshers_assign"


def curriculum_review_refreshers(*, actor: User, review: CurriculumReview, version) -> str:
    """The hook from a review closed by a material change to change-driven refreshers.
    Returns what happened, for the audit row: "requested" or "unavailable"."""
    from courses import services as course_services

    assign = getattr(course_services, REFRESHER_SERVICE, None)
    if assign is None:
        logger.warning(
            "threat_feed: review %s closed with material version %s, but courses has no %s "
            "yet; no refreshers assigned",
            review.pk,
            version.pk,
            REFRESHER_SERVICE,
        )
        return "unavailable"
    assign(actor=actor, version=version)
    return "requested"


# --- Weekly digest ------------------------------------------------------------------------

DIGEST_JOB = "threat_feed.weekly_digest"
DIGEST_CHUNK_SIZE = 500


def trend_digest_plan(*, now: datetime | None = None) -> dict | None:
    """The weekly beat job: when items became relevant in the last 7 days, enqueue one chunk
    task per DIGEST_CHUNK_SIZE active, approved people (ids in). None when this ISO week
    already ran (a second beat, a retried task)."""
    from .tasks import trend_digest_send_chunk

    now = now or timezone.now()
    year, week, _day = now.isocalendar()
    period = f"{year}-W{week:02d}"
    since = now - timedelta(days=7)
    with transaction.atomic():
        run = job_run_claim(job=DIGEST_JOB, period=period)
        if run is None:
            return None
        items = TrendItem.objects.filter(
            status=TrendItem.Status.RELEVANT, triaged_at__gte=since, triaged_at__lt=now
        ).count()
        user_ids = (
            list(
                User.objects.filter(is_active=True, vetting_status=User.Vetting.APPROVED)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if items
            else []
        )
        chunks = [
            user_ids[i : i + DIGEST_CHUNK_SIZE] for i in range(0, len(user_ids), DIGEST_CHUNK_SIZE)
        ]
        for chunk in chunks:
            trend_digest_send_chunk.delay_on_commit(
                user_ids=chunk, period=period, since=since.isoformat(), until=now.isoformat()
            )
        result = {"items": items, "people": len(user_ids), "chunks": len(chunks)}
        job_run_finish(run=run, result=result)
    return result


def trend_digest_deliver(
    *, user_ids: Sequence[int], period: str, since: datetime, until: datetime
) -> int:
    """One digest notification per person for `period` (idempotent by key); returns how
    many were new. The email follows each person's choice for this kind of notification."""
    from .selectors import trend_digest_items

    limit = int(feed_setting("THREAT_FEED_DIGEST_MAX_ITEMS"))
    items = trend_digest_items(since=since, until=until, limit=limit)
    if not items:
        return 0
    total = TrendItem.objects.filter(
        status=TrendItem.Status.RELEVANT, triaged_at__gte=since, triaged_at__lt=until
    ).count()
    url = reverse("threat_feed:feed")
    key = f"{KIND_DIGEST}:{period}"

    def message():
        lines = [
            f"- [{item.get_severity_display()}] {item.title} ({item.source.name})" for item in items
        ]
        more = total - len(items)
        if more > 0:
            lines.append(gettext("…and %(n)s more in the feed.") % {"n": more})
        title = translation.ngettext(
            "Trends this week: %(n)s new relevant item",
            "Trends this week: %(n)s new relevant items",
            total,
        ) % {"n": total}
        return title, "\n".join(lines)

    sent = 0
    people = User.objects.filter(pk__in=list(user_ids), is_active=True).order_by("pk")
    for person in people:
        sent += _tell(user=person, kind=KIND_DIGEST, key=key, url=url, message=message)
    return sent
