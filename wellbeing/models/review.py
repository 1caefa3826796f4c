from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import EncryptedTextField


class ReviewCase(models.Model):
    """A flagged check-in in the review queue of the leads covering the person's agency."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        IN_SUPPORT = "in_support", _("In support")
        CLOSED = "closed", _("Closed")

    checkin = models.OneToOneField(
        "wellbeing.CheckIn", on_delete=models.CASCADE, related_name="review_case"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_cases"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    severity = models.PositiveSmallIntegerField(_("severity"))
    flags = models.JSONField(_("flags"), default=list)
    due_on = models.DateField(_("respond by"))
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    # The lead who set the follow-up date: the reminder goes to them.
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "-severity", "opened_at"]
        verbose_name = _("review case")
        verbose_name_plural = _("review cases")
        indexes = [
            models.Index(
                fields=["due_on"], condition=~Q(status="closed"), name="reviewcase_open_due_idx"
            ),
            models.Index(fields=["person", "-opened_at"]),
        ]

    def __str__(self) -> str:
        return f"review #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class ReviewEntry(models.Model):
    """The case timeline: a confidential note, a status change or a follow-up date."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        STATUS = "status", _("Status changed")
        FOLLOW_UP = "follow_up", _("Follow-up date")
        ADJUSTMENT = "adjustment", _("Adjustment flag")

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=ReviewCase.Status.choices, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review entry")
        verbose_name_plural = _("review entries")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class AdjustmentFlag(models.Model):
    """A non-clinical "adjustment recommended" flag a wellbeing lead sets on a person. The
    person's supervisors see that it is set, and nothing else."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_adjustments"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at"]
        verbose_name = _("adjustment recommendation")
        verbose_name_plural = _("adjustment recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(cleared_at__isnull=True),
                name="adjustmentflag_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"adjustment #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None
