"""The reference library every signed-in person can read: shared case priority levels,
follow-up actions, and the glossary of shared terminology."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class PriorityLevel(models.Model):
    """A shared case priority / urgency level. Each agency configures its own scheme; the
    illustrative defaults come from DOMAIN.md."""

    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("1 is the most urgent.")
    )
    name = models.CharField(_("name"), max_length=60)
    definition = models.TextField(_("definition"))
    criteria = models.TextField(_("criteria"), help_text=_("One per line."))
    examples = models.TextField(_("practical examples"), help_text=_("Non-graphic. One per line."))
    response_time = models.CharField(_("expected first response"), max_length=200)
    responsible = models.CharField(_("who responds"), max_length=300)
    follow_up = models.TextField(_("follow-up actions"), help_text=_("One per line."))
    crosswalk = models.TextField(
        _("crosswalk to other schemes"), blank=True, help_text=_("Free text.")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("priority level")
        verbose_name_plural = _("priority levels")

    def __str__(self) -> str:
        return f"{self.rank} · {self.name}"


class FollowUpAction(models.Model):
    """An action a triage decision can call for (used by the triage drills)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_fr = models.CharField(_("name in French"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if get_language() == "fr" and self.name_fr:
            return self.name_fr
        return self.name


class GlossaryTerm(models.Model):
    """A term of shared terminology. The explanation is our own words: the Luxembourg
    Guidelines' text is not reproduced (its licence forbids derivatives)."""

    class Status(models.TextChoices):
        USE = "use", _("Use")
        CARE = "care", _("Use with care")
        AVOID = "avoid", _("Avoid")

    term = models.CharField(_("term"), max_length=120)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=5, choices=Status.choices)
    preferred_term = models.CharField(_("preferred term"), max_length=200, blank=True)
    explanation = models.TextField(_("explanation"))
    variants = models.TextField(
        _("other forms to flag"),
        blank=True,
        help_text=_("One per line, e.g. plurals. The lint flags these as well."),
    )
    source_reference = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        constraints = [
            models.UniqueConstraint(Lower("term"), "language", name="glossaryterm_unique"),
        ]

    def __str__(self) -> str:
        return self.term

    def forms(self) -> list[str]:
        return [self.term, *(v.strip() for v in self.variants.splitlines() if v.strip())]
