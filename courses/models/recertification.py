"""Recertification: a course's refresher policy, refresher assignments (renewal and
change-driven) with their lessons, and the reminder outbox (DESIGN section 6)."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Course, Lesson, Module, ModuleVersion
from .learning import Enrolment


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, clamped to the month's end (29 Feb 2028 + 12
    months is 28 Feb 2029, 31 Jan + 1 month is 28 or 29 Feb)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class RefresherPolicy(models.Model):
    """How long a course's certificate stays valid and how it is renewed."""

    class Basis(models.TextChoices):
        COMPLETION = "completion", _("the date the renewal is completed")
        PREVIOUS_EXPIRY = "previous_expiry", _("the previous expiry date")

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="refresher_policy")
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    window_days = models.PositiveSmallIntegerField(
        _("renewal window (days before expiry)"),
        default=60,
        validators=[MaxValueValidator(365)],
        help_text=_("The refresher can be taken, and reminders start, this many days before."),
    )
    expiry_basis = models.CharField(
        _("a renewal counts from"), max_length=16, choices=Basis.choices, default=Basis.COMPLETION
    )
    minimum_active_months = models.PositiveSmallIntegerField(
        _("minimum active period (months)"),
        default=0,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "A renewed certificate stays valid at least this long after the renewal, even "
            "when it counts from a previous expiry that is long past."
        ),
    )
    refresher_modules = models.ManyToManyField(
        Module,
        blank=True,
        related_name="+",
        verbose_name=_("refresher path"),
        help_text=_(
            "The shorter set of modules that renews the certificate during the window. "
            "Empty: renewing means taking the whole course again."
        ),
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("refresher policy")
        verbose_name_plural = _("refresher policies")

    def __str__(self) -> str:
        return f"{self.course} · {self.validity_months}"

    def clean(self) -> None:
        if self.window_days and self.window_days >= self.validity_months * 28:
            raise ValidationError(
                {"window_days": _("The window must be shorter than the validity period.")}
            )

    def expiry_for(self, *, completed_at, previous_expires_on: date | None = None) -> date:
        """The last valid day of a certificate completed at `completed_at`; a renewal passes
        the expiry of the certificate it renews."""
        completed_on = timezone.localdate(completed_at)
        start = completed_on
        if self.expiry_basis == self.Basis.PREVIOUS_EXPIRY and previous_expires_on is not None:
            start = previous_expires_on
        expires = add_months(start, self.validity_months)
        floor = add_months(completed_on, self.minimum_active_months)
        return max(expires, floor)


class RefresherQuerySet(models.QuerySet):
    def open(self) -> RefresherQuerySet:
        """Refreshers still to do: neither completed nor cancelled (see `Refresher.is_open`)."""
        return self.filter(completed_at__isnull=True, cancelled_at__isnull=True)


class Refresher(models.Model):
    """Work a certified learner has to do: renew the certificate (the refresher path or the
    whole course), or learn the lessons a material change touched."""

    class Kind(models.TextChoices):
        RENEWAL = "renewal", _("Renewal")
        CHANGE = "change", _("Course update")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refreshers"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="refreshers")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="refreshers")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    module_version = models.ForeignKey(
        ModuleVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="refreshers"
    )
    summary = models.TextField(_("what changed"), blank=True)
    # Renewals: "refresher" (the policy's shorter path) or "full" (the whole course).
    path = models.CharField(_("path"), max_length=10, blank=True)
    is_critical = models.BooleanField(_("critical"), default=False)
    due_on = models.DateField(_("due"), null=True, blank=True)
    # A critical change moved the certificate's expiry to the due date; completing the
    # refresher gives this one back.
    restore_expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    lessons: models.ManyToManyField = models.ManyToManyField(
        Lesson, through="RefresherLesson", related_name="+"
    )

    objects = RefresherQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("refresher")
        verbose_name_plural = _("refreshers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module_version"],
                condition=Q(kind="change"),
                name="refresher_change_once_per_version",
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(kind="renewal", completed_at__isnull=True, cancelled_at__isnull=True),
                name="refresher_one_open_renewal",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "course"],
                condition=Q(completed_at__isnull=True, cancelled_at__isnull=True),
                name="refresher_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user_id} · {self.course_id}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None


class RefresherLesson(models.Model):
    refresher = models.ForeignKey(Refresher, on_delete=models.CASCADE, related_name="items")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["refresher", "position"]
        constraints = [
            models.UniqueConstraint(fields=["refresher", "lesson"], name="refresherlesson_unique")
        ]

    def __str__(self) -> str:
        return f"{self.refresher_id}:{self.lesson_id}"


class Reminder(models.Model):
    """The reminder outbox: one row per reminder that must go out, unique by (recipient,
    learner, course, kind, due date, step). Planned set-based, claimed by chunk tasks,
    marked handled when sent or found no longer needed; a sweeper re-enqueues stale rows."""

    class Kind(models.TextChoices):
        EXPIRY = "expiry", _("Certificate expiry")
        DUE = "due", _("Assignment due date")
        REFRESHER = "refresher", _("Refresher due date")

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        NOT_NEEDED = "not_needed", _("No longer needed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    is_escalation = models.BooleanField(default=False)
    due_on = models.DateField()
    # Days before the due date (30, 7, 1, 0); negative while overdue (-7, -14...).
    step = models.SmallIntegerField()
    refresher = models.ForeignKey(
        Refresher, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    planned_for = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "learner", "course", "kind", "due_on", "step"],
                name="reminder_unique_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, dead_at__isnull=True),
                name="reminder_waiting_idx",
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return (
            f"courses.reminder:{self.learner_id}:{self.course_id}:{self.kind}:"
            f"{self.due_on.isoformat()}:{self.step}"
        )
