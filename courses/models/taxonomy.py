"""Shared vocabularies: topic tags (shared with the trends feed and mentor expertise) and
competencies (what a course covers; what a mentor can observe)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TopicTag(models.Model):
    """A controlled tag in one dimension. Modules, trend items and mentor expertise carry
    the same tags, which is how a new trend finds the modules it affects."""

    class Dimension(models.TextChoices):
        PLATFORM = "platform", _("Platform")
        TECHNIQUE = "technique", _("Technique")
        ENCRYPTION = "encryption", _("Encryption or anonymisation")
        OFFENDER_METHOD = "offender_method", _("Offender methodology")
        VICTIM_IMPACT = "victim_impact", _("Victim impact")
        JURISDICTION = "jurisdiction", _("Jurisdiction")
        PRACTICE = "practice", _("Professional practice")

    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    slug = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["dimension", "name"]
        verbose_name = _("topic tag")
        verbose_name_plural = _("topic tags")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        if get_language() == "fr" and self.name_fr:
            return self.name_fr
        return self.name


class Competency(models.Model):
    """Something a practitioner can do, taught by courses and observed by mentors."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_practical = models.BooleanField(
        _("practical"),
        default=False,
        help_text=_("Practical competencies can be signed off by a mentor as observed."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        if get_language() == "fr" and self.name_fr:
            return self.name_fr
        return self.name
