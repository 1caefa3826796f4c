"""Mentoring pairs: a learner's request, the assignment and its lifecycle, goals, sessions
and the practical competencies a mentor observed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import EncryptedTextField
from ..languages import LANGUAGE_CHOICES


class MentorRequest(models.Model):
    """A learner asking for a mentor: what they want to grow in (topic tags and a sentence),
    the language they prefer and whether a mentor in another country is fine."""

    class Status(models.TextChoices):
        OPEN = "open", _("Looking for a mentor")
        MATCHED = "matched", _("Matched")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_requests"
    )
    goal_tags = models.ManyToManyField(
        "courses.TopicTag", related_name="mentor_requests", verbose_name=_("topics")
    )
    goal_text = models.CharField(_("what you want to work on"), max_length=500, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=LANGUAGE_CHOICES
    )
    cross_border_ok = models.BooleanField(_("a mentor in another country is fine"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for a mentor")
        verbose_name_plural = _("requests for a mentor")
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"], condition=Q(status="open"), name="mentorrequest_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ({self.get_status_display()})"


class MentorAssignment(models.Model):
    """A mentoring pair. Contextual role row (DESIGN 5): whoever is `mentor` of an active
    assignment may see the pair's goals and sessions, nobody else may.

    Lifecycle: proposed -> active -> completed | ended; a proposal may also be declined by
    the mentor or withdrawn by whoever proposed it (or the mentee). TRANSITIONS is the whole
    list; services refuse anything else.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")

    class Origin(models.TextChoices):
        REQUEST = "request", _("Asked for by the mentee")
        PROPOSAL = "proposal", _("Proposed by a supervisor or administrator")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PROPOSED: frozenset({Status.ACTIVE, Status.DECLINED, Status.WITHDRAWN}),
        Status.ACTIVE: frozenset({Status.COMPLETED, Status.ENDED}),
    }
    OPEN_STATUSES = (Status.PROPOSED, Status.ACTIVE)

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_as_mentee"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    request = models.ForeignKey(
        MentorRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    proposal_note = models.CharField(
        _("why this pair"),
        max_length=500,
        blank=True,
        help_text=_("A sentence for the mentor: what the mentee would like to work on."),
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(_("why it ended"), max_length=500, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("mentoring assignment")
        verbose_name_plural = _("mentoring assignments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="mentorassignment_not_self"
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status__in=["proposed", "active"]),
                name="mentorassignment_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="mentorassignment_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee} ({self.get_status_display()})"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def involves(self, user) -> bool:
        return user.pk in (self.mentor_id, self.mentee_id)

    def other_party(self, user):
        return self.mentee if user.pk == self.mentor_id else self.mentor


class MentoringGoal(models.Model):
    """A goal the pair agreed on. Seen by the pair only."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Set aside")

    assignment = models.ForeignKey(MentorAssignment, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=300)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "target_date", "pk"]
        verbose_name = _("mentoring goal")
        verbose_name_plural = _("mentoring goals")

    def __str__(self) -> str:
        # Never the goal text: __str__ ends up in audit rows and admin titles.
        return _("Goal %(pk)s of assignment %(assignment)s") % {
            "pk": self.pk,
            "assignment": self.assignment_id,
        }


class MentoringSession(models.Model):
    """A meeting of the pair, planned or held. Agreed actions and notes are the pair's own:
    notes are encrypted at rest and never shown to anyone else, the Django admin included."""

    class Format(models.TextChoices):
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone call")
        IN_PERSON = "in_person", _("In person")

    assignment = models.ForeignKey(
        MentorAssignment, on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.VIDEO
    )
    agreed_actions = models.TextField(_("agreed actions"), max_length=2000, blank=True)
    notes = EncryptedTextField(
        _("private notes"),
        blank=True,
        help_text=_("Seen only by you and your mentoring partner."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="mentoringsession_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return _("Session of %(when)s") % {"when": f"{self.starts_at:%Y-%m-%d}"}

    @property
    def is_upcoming(self) -> bool:
        return self.starts_at > timezone.now()

    def clean(self) -> None:
        if self.notes and len(self.notes) > 5000:
            raise ValidationError({"notes": _("Keep notes under 5,000 characters.")})


class CompetencyObservation(models.Model):
    """A mentor's sign-off that they observed the mentee show a practical competency: evidence
    on the mentee's training record (read with competency_observation_list_for)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="competency_observations",
    )
    competency = models.ForeignKey(
        "courses.Competency",
        on_delete=models.PROTECT,
        related_name="observations",
        verbose_name=_("competency"),
    )
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="competency_observations_made",
    )
    assignment = models.ForeignKey(
        MentorAssignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
    )
    observed_on = models.DateField(_("observed on"), default=timezone.localdate)
    context = models.CharField(
        _("what you observed"),
        max_length=300,
        blank=True,
        help_text=_("The setting, for example: a mock interview exercise."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-observed_on", "-pk"]
        verbose_name = _("competency observation")
        verbose_name_plural = _("competency observations")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "competency"], name="observation_once_per_assignment"
            ),
        ]
        indexes = [models.Index(fields=["learner", "-observed_on"])]

    def __str__(self) -> str:
        return f"{self.competency} ({self.observed_on:%Y-%m-%d})"

    def clean(self) -> None:
        if self.observed_on and self.observed_on > timezone.localdate():
            raise ValidationError({"observed_on": _("The date cannot be in the future.")})
