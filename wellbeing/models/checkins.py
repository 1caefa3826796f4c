from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import EncryptedTextField


class CheckIn(models.Model):
    """One check-in: answers to an instrument (or none: a note or a request to talk only),
    their scores, optional free text and whether the person wants to talk to someone.

    Content. Visible to the person and the wellbeing leads covering their agency only.
    """

    class Prompt(models.TextChoices):
        SELF = "self", _("On my own")
        REMINDER = "reminder", _("A reminder")
        LESSON = "lesson", _("After a lesson")
        EXPOSURE = "exposure", _("After logging exposure")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_checkins"
    )
    instrument = models.ForeignKey(
        "wellbeing.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkins",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    # {"1": 3, "2": 4, ...}: item number -> answer value.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # scoring.ScoreResult.as_dict(): scales, bands, flags, severity, change.
    result = models.JSONField(_("result"), default=dict, blank=True)
    # The band of the primary scale, for aggregates ("" without an instrument).
    primary_band = models.CharField(max_length=40, blank=True)
    free_text = EncryptedTextField(_("anything you want to add"), blank=True)
    wants_to_talk = models.BooleanField(_("I would like to talk to someone"), default=False)
    prompted_by = models.CharField(max_length=10, choices=Prompt.choices, default=Prompt.SELF)
    # A random key from the form: a second submit of the same form saves nothing.
    submission_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "submission_key"], name="checkin_submission_once"
            ),
            models.CheckConstraint(
                condition=~Q(submission_key=""), name="checkin_submission_key_set"
            ),
        ]
        indexes = [models.Index(fields=["person", "-submitted_at"])]

    def __str__(self) -> str:
        # No content: the admin, logs and audit labels see only this.
        return f"check-in #{self.pk}"

    @property
    def flags(self) -> list[str]:
        return list(self.result.get("flags", []))

    @property
    def scales(self) -> dict[str, int]:
        return dict(self.result.get("scales", {}))
