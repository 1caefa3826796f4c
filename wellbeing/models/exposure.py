from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExposureKind(models.TextChoices):
    IMAGES = "images", _("Still images")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    TEXT = "text", _("Written material (chats, messages, reports)")
    LIVE = "live", _("Live or real-time material")
    MIXED = "mixed", _("Mixed or other")


class ExposureEntry(models.Model):
    """Hours of direct exposure to distressing material on one day, of one kind."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_exposures"
    )
    day = models.DateField(_("day"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    kind = models.CharField(_("kind of material"), max_length=10, choices=ExposureKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-created_at"]
        verbose_name = _("exposure record")
        verbose_name_plural = _("exposure records")
        indexes = [models.Index(fields=["person", "day"])]

    def __str__(self) -> str:
        return f"exposure #{self.pk}"
