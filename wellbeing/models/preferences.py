from __future__ import annotations

from decimal import Decimal

from django.conf import settings as django_settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_EXPOSURE_LIMIT_HOURS = Decimal("5.0")
DEFAULT_RETENTION_MONTHS = 24


class AgencyWellbeingSettings(models.Model):
    """An agency's wellbeing rules. No row means the defaults."""

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.CASCADE, related_name="wellbeing_settings"
    )
    exposure_limit_hours = models.DecimalField(
        _("daily exposure limit (hours)"),
        max_digits=4,
        decimal_places=2,
        default=DEFAULT_EXPOSURE_LIMIT_HOURS,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))],
        help_text=_("Hours of direct exposure to distressing material in one day."),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep check-ins for (months)"),
        default=DEFAULT_RETENTION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Check-ins and exposure records older than this are deleted every night."),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agency wellbeing settings")
        verbose_name_plural = _("agency wellbeing settings")

    def __str__(self) -> str:
        return str(self.agency)


class AgencyInstrument(models.Model):
    """Whether an instrument is offered in an agency, and how often people are invited."""

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="wellbeing_instruments"
    )
    instrument_code = models.SlugField(_("instrument"), max_length=40)
    enabled = models.BooleanField(_("offered"), default=True)
    cadence_days = models.PositiveSmallIntegerField(
        _("invite every (days)"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )

    class Meta:
        ordering = ["agency", "instrument_code"]
        verbose_name = _("agency instrument")
        verbose_name_plural = _("agency instruments")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "instrument_code"], name="agencyinstrument_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.instrument_code} /{self.cadence_days}d"


class PersonWellbeingSettings(models.Model):
    """A person's own choices. No row means: reminders on, the lead is not told."""

    person = models.OneToOneField(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wellbeing_preferences",
    )
    notify_lead_over_limit = models.BooleanField(
        _("tell my wellbeing lead when I go over the exposure limit"), default=False
    )
    reminders_enabled = models.BooleanField(_("remind me when a check-in is due"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("personal wellbeing settings")
        verbose_name_plural = _("personal wellbeing settings")

    def __str__(self) -> str:
        return f"{self.person_id}"
