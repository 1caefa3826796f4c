"""The trends feed: sources, what each fetch brought, trend items and the keyword rules that
suggest topic tags.

Text only (DOMAIN "Trend sources and formats"): an item holds a title, a plain-text summary,
labels and a link to the original. Never media, hashes, indicators or case data.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import TopicTag

TITLE_MAX = 300
SUMMARY_MAX = 5000
LINK_MAX = 1000
EXTERNAL_ID_MAX = 500
LABEL_MAX = 100
LABELS_MAX = 20
ERROR_MAX = 1000
KEYWORD_MAX = 100
KEYWORDS_MAX = 200


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")

    @classmethod
    def from_name(cls, name: str) -> Severity:
        """ "high" -> Severity.HIGH (settings name severities in words)."""
        return cls[str(name).upper()]


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", _("RSS or Atom feed")
        STIX_URL = "stix_url", _("STIX 2.1 bundle at an address")
        STIX_UPLOAD = "stix_upload", _("STIX 2.1 bundles uploaded by analysts")
        MANUAL = "manual", _("Items written by analysts")

    POLLED = (Kind.FEED, Kind.STIX_URL)

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(
        _("address"),
        max_length=LINK_MAX,
        blank=True,
        help_text=_("For feeds and STIX bundles fetched over the web (https:// or http://)."),
    )
    description = models.TextField(_("description"), blank=True)
    poll_interval_minutes = models.PositiveIntegerField(
        _("fetch every (minutes)"),
        default=360,
        validators=[MinValueValidator(15), MaxValueValidator(7 * 24 * 60)],
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="trend_sources",
        verbose_name=_("analysts responsible"),
        help_text=_("They are told when the source keeps failing and is paused."),
    )
    is_paused = models.BooleanField(_("paused"), default=False)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    pause_reason = models.CharField(_("why paused"), max_length=300, blank=True)
    # Health.
    last_attempt_at = models.DateTimeField(_("last fetch"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    # Conditional requests: what the server said last time.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    # Scheduling: due when next_fetch_at has passed; a planned fetch holds a lease in
    # claimed_until so a second beat does not fetch it again while the first is running.
    next_fetch_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("trend source")
        verbose_name_plural = _("trend sources")
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="threat_feed_source_url_unique"
            ),
        ]
        indexes = [models.Index(fields=["is_paused", "next_fetch_at"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        if self.kind in self.POLLED:
            if not self.url:
                raise ValidationError({"url": _("A feed or STIX bundle needs its address.")})
            if not self.url.lower().startswith(("https://", "http://")):
                raise ValidationError({"url": _("Use an https:// or http:// address.")})
        elif self.url:
            raise ValidationError(
                {"url": _("Only feeds and STIX bundles fetched over the web have an address.")}
            )

    @property
    def is_polled(self) -> bool:
        return self.kind in self.POLLED

    @property
    def health(self) -> str:
        """ "paused", "failing", "ok" or "new" (never fetched)."""
        if self.is_paused:
            return "paused"
        if self.consecutive_failures:
            return "failing"
        if self.last_success_at:
            return "ok"
        return "new"


class SourceFetch(models.Model):
    """One fetch (or upload) of a source: what came back and what was kept."""

    class Outcome(models.TextChoices):
        OK = "ok", pgettext_lazy("fetch outcome", "Read")
        NOT_MODIFIED = "not_modified", _("Unchanged since last fetch")
        ERROR = "error", _("Failed")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="fetches")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=14, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    bytes_read = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(_("items added"), default=0)
    duplicates = models.PositiveIntegerField(_("already known"), default=0)
    ignored = models.PositiveIntegerField(
        _("ignored"), default=0, help_text=_("Entries without text, or STIX objects not kept.")
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("fetch")
        verbose_name_plural = _("fetches")
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.source} · {self.started_at:%Y-%m-%d %H:%M} · {self.outcome}"


class TrendItem(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        REPORT = "report", _("Report")
        ATTACK_PATTERN = "attack-pattern", _("Technique")
        TOOL = "tool", _("Tool")
        MALWARE = "malware", _("Malicious software")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure")
        CAMPAIGN = "campaign", _("Campaign")
        NOTE = "note", _("Analyst note")

    class Status(models.TextChoices):
        NEW = "new", _("To triage")
        RELEVANT = "relevant", _("Relevant")
        NOT_RELEVANT = "not_relevant", _("Not relevant")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="items")
    fetch = models.ForeignKey(
        SourceFetch, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ARTICLE)
    # The source's own id (RSS guid, Atom id, STIX id); null when it gave none, so that the
    # unique (source, external_id) pair skips it.
    external_id = models.CharField(max_length=EXTERNAL_ID_MAX, null=True, blank=True)  # noqa: DJ001
    link = models.URLField(_("link to the original"), max_length=LINK_MAX, blank=True)
    # The link normalised for de-duplication (feed and manual items; a STIX bundle's objects
    # often share one report's address, so theirs is null).
    link_key = models.CharField(max_length=LINK_MAX, null=True, blank=True, unique=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    summary = models.TextField(_("summary"), blank=True)
    labels = models.JSONField(_("labels from the source"), default=list, blank=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    # published_at, or when we first saw it, never in the future: the feed's order.
    dated_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # sha256 of the normalised title and summary: the same text from anywhere is one item.
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    suggested_tags = models.ManyToManyField(
        TopicTag,
        blank=True,
        related_name="suggested_trend_items",
        verbose_name=_("suggested tags"),
    )
    tags = models.ManyToManyField(
        TopicTag, blank=True, related_name="trend_items", verbose_name=_("tags")
    )
    status = models.CharField(
        _("triage"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, null=True, blank=True
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-dated_at", "-pk"]
        verbose_name = _("trend item")
        verbose_name_plural = _("trend items")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="threat_feed_item_source_external_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="new") | Q(triaged_at__isnull=False),
                name="threat_feed_item_triaged_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="relevant") | Q(severity__isnull=False),
                name="threat_feed_item_relevant_has_severity",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-dated_at"]),
            models.Index(fields=["source", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_relevant(self) -> bool:
        return self.status == self.Status.RELEVANT


class TagRule(models.Model):
    """Keywords that suggest a topic tag when they appear in an item's title, summary or
    labels. Matching ignores case; "whole words" stops "app" matching "happy"."""

    tag = models.ForeignKey(
        TopicTag, on_delete=models.CASCADE, related_name="trend_rules", verbose_name=_("tag")
    )
    keywords = models.TextField(
        _("keywords and phrases"), help_text=_("One per line. Case does not matter.")
    )
    whole_word = models.BooleanField(_("whole words only"), default=True)
    is_active = models.BooleanField(pgettext_lazy("tag rule", "in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["tag__dimension", "tag__name", "pk"]
        verbose_name = _("tag rule")
        verbose_name_plural = _("tag rules")

    def __str__(self) -> str:
        return f"{self.tag} ← {', '.join(self.keyword_list()[:3])}"

    def keyword_list(self) -> list[str]:
        return [" ".join(line.split()) for line in self.keywords.splitlines() if line.strip()]

    def clean(self) -> None:
        words = list(dict.fromkeys(self.keyword_list()))
        if not words:
            raise ValidationError({"keywords": _("Give at least one keyword or phrase.")})
        if len(words) > KEYWORDS_MAX:
            raise ValidationError(
                {"keywords": _("At most %(n)s keywords in one rule.") % {"n": KEYWORDS_MAX}}
            )
        if any(len(w) > KEYWORD_MAX for w in words):
            raise ValidationError(
                {"keywords": _("A keyword has at most %(n)s characters.") % {"n": KEYWORD_MAX}}
            )
        self.keywords = "\n".join(words)

    def pattern(self) -> re.Pattern[str]:
        """One compiled alternation of the keywords (escaped: they are text, not regex)."""
        words = sorted(self.keyword_list(), key=len, reverse=True)
        body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
        if self.whole_word:
            body = rf"(?<!\w)(?:{body})(?!\w)"
        return re.compile(body, re.IGNORECASE)


class CurriculumReview(models.Model):
    """A review of one module, opened because relevant trends share its tags. One open
    review per module gathers every triggering item; a trainer closes it with "no change
    needed" (and why) or "updated" (and the new published version)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("review state", "Open")
        CLOSED = "closed", pgettext_lazy("review state", "Closed")

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", _("No change needed")
        UPDATED = "updated", _("Module updated")

    module = models.ForeignKey(
        "courses.Module",
        on_delete=models.PROTECT,
        related_name="curriculum_reviews",
        verbose_name=_("module"),
    )
    status = models.CharField(
        pgettext_lazy("curriculum review", "status"),
        max_length=8,
        choices=Status.choices,
        default=Status.OPEN,
    )
    # The most severe triggering item's severity; it sets the due date.
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    opened_at = models.DateTimeField(
        pgettext_lazy("curriculum review", "opened"), default=timezone.now
    )
    due_on = models.DateField(_("due on"))
    items: models.ManyToManyField[TrendItem, ReviewTrigger] = models.ManyToManyField(
        TrendItem,
        through="ReviewTrigger",
        related_name="curriculum_reviews",
        verbose_name=_("trends that triggered it"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    module_version = models.ForeignKey(
        "courses.ModuleVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new version"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(
        pgettext_lazy("curriculum review", "closed"), null=True, blank=True
    )

    class Meta:
        ordering = ["status", "due_on", "pk"]
        verbose_name = _("curriculum review")
        verbose_name_plural = _("curriculum reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["module"],
                condition=Q(status="open"),
                name="threat_feed_one_open_review_per_module",
            ),
            models.CheckConstraint(
                condition=Q(status="open", outcome="", closed_at__isnull=True)
                | (Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")),
                name="threat_feed_review_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="updated") | Q(module_version__isnull=False),
                name="threat_feed_review_updated_has_version",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.module} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())


class ReviewTrigger(models.Model):
    """A trend item that opened or joined a review."""

    review = models.ForeignKey(CurriculumReview, on_delete=models.CASCADE, related_name="triggers")
    item = models.ForeignKey(TrendItem, on_delete=models.CASCADE, related_name="review_triggers")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("review trigger")
        verbose_name_plural = _("review triggers")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "item"], name="threat_feed_review_trigger_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} ← {self.item_id}"
