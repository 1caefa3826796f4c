"""Who takes which course, and how far they are: enrolments, assignment rules, progress,
and the learner's content-sensitivity preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Course, Lesson, Module, ModuleVersion


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned")
        RULE = "rule", _("Assigned by rule")

    class State(models.TextChoices):
        """Where a learner stands on a course, stored so that reports and reminders filter on
        an index (courses.services.enrolment_state_refresh keeps it current; the daily pass
        moves it as dates pass)."""

        ASSIGNED = "assigned", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        OVERDUE = "overdue", _("Overdue")
        CERTIFIED = "certified", _("Certified")
        WINDOW_OPEN = "window_open", _("Expiring soon")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    source = models.CharField(_("how"), max_length=10, choices=Source.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.ForeignKey(
        "AssignmentRule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.ASSIGNED
    )
    # Copied from the current certificate (and the course's refresher policy) so that
    # "expiring in 30 days" is an indexed range query, not a join.
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    expires_on = models.DateField(_("certificate valid until"), null=True, blank=True)
    window_opens_on = models.DateField(_("renewal window opens"), null=True, blank=True)
    # Resume where you left off.
    last_lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-enrolled_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrolment_unique"),
        ]
        indexes = [
            models.Index(fields=["course", "completed_at"]),
            models.Index(
                fields=["due_on"],
                condition=Q(completed_at__isnull=True),
                name="enrolment_open_due_idx",
            ),
            models.Index(fields=["course", "state"], name="enrolment_course_state_idx"),
            models.Index(fields=["state", "expires_on"], name="enrolment_state_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"

    @property
    def is_certified(self) -> bool:
        return self.state in (self.State.CERTIFIED, self.State.WINDOW_OPEN)


class AssignmentRule(models.Model):
    """Everyone of `profession` in `agency` is assigned `course` (now and when they join)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignment_rules")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="course_rules"
    )
    profession = models.ForeignKey(
        "accounts.Profession", on_delete=models.CASCADE, related_name="course_rules"
    )
    due_in_days = models.PositiveSmallIntegerField(
        _("due within (days)"), null=True, blank=True, help_text=_("Empty: no due date.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["agency", "profession", "course"]
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "agency", "profession"], name="assignmentrule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profession} @ {self.agency} → {self.course}"


class LessonProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    module_version = models.ForeignKey(
        ModuleVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    warning_acknowledged_at = models.DateTimeField(null=True, blank=True)
    postponed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lessonprogress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.lesson_id}"


class ModuleProgress(models.Model):
    """A module is complete when every lesson of its current version is done and its quiz,
    if it has one, is passed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    module_version = models.ForeignKey(
        ModuleVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quiz_passed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("module progress")
        verbose_name_plural = _("module progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="moduleprogress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.module_id}"


class LearnerPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_preferences"
    )
    always_warn = models.BooleanField(
        _("always warn"),
        default=False,
        help_text=_(
            "Show the content warning every time you open such a lesson, not only the first time."
        ),
    )
    blur_images = models.BooleanField(
        _("blur images by default"),
        default=True,
        help_text=_(
            "In lessons with a content warning, images stay blurred until you reveal them."
        ),
    )

    class Meta:
        verbose_name = _("learning preference")
        verbose_name_plural = _("learning preferences")

    def __str__(self) -> str:
        return str(self.user_id)
