from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localised(texts, language: str | None = None) -> str:
    """The text for the active language from {"en": ..., "fr": ...}, falling back to English."""
    if not isinstance(texts, dict):
        return str(texts or "")
    language = (language or get_language() or "en").split("-")[0]
    return texts.get(language) or texts.get("en") or ""


class Instrument(models.Model):
    """A validated questionnaire, loaded from its data file (wellbeing/data/). Versioned:
    a check-in keeps the version it answered; one version per code is current."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    recall_days = models.PositiveSmallIntegerField(_("recall period (days)"))
    default_cadence_days = models.PositiveSmallIntegerField(_("default interval (days)"))
    spec = models.JSONField(_("definition"))
    checksum = models.CharField(max_length=64, editable=False)
    is_current = models.BooleanField(_("current version"), default=True)
    is_active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("Withdrawn instruments are no longer offered; past answers are kept."),
    )
    source = models.CharField(_("loaded from"), max_length=300, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        ordering = ["code", "-loaded_at"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="instrument_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.version})"

    def text(self, key: str) -> str:
        return localised(self.spec.get(key))

    @property
    def short_name(self) -> str:
        return self.text("short_name") or self.name

    @property
    def display_name(self) -> str:
        return self.text("name") or self.name

    @property
    def primary_scale(self) -> str:
        return self.spec.get("primary_scale") or self.spec["scales"][0]["code"]

    @property
    def description(self) -> str:
        return self.text("description")

    @property
    def instructions(self) -> str:
        return self.text("instructions")

    @property
    def stem(self) -> str:
        return self.text("stem")

    @property
    def attribution(self) -> str:
        return self.text("attribution")

    @property
    def licence(self) -> str:
        return self.text("licence")

    @property
    def licence_url(self) -> str:
        url = str(self.spec.get("licence_url") or "")
        return url if url.startswith(("https://", "http://")) else ""

    @property
    def translation_note(self) -> str:
        """Said when the instrument's own words are not in the reader's language."""
        return self.text("translation_note")

    @property
    def adapted(self) -> bool:
        return bool(self.spec.get("adapted"))

    @property
    def is_placeholder(self) -> bool:
        return bool(self.spec.get("placeholder"))

    @property
    def item_language(self) -> str:
        """The language its statements are shown in: the reader's when the data has it."""
        language = (get_language() or "en").split("-")[0]
        items = self.spec.get("items") or [{}]
        return language if language in (items[0].get("text") or {}) else "en"
