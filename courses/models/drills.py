"""Triage drills: text scenario cards a learner assigns a priority level and follow-up to,
scored against an expert key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Course
from .reference import FollowUpAction, PriorityLevel


class Drill(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="drills")
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    is_published = models.BooleanField(_("open to learners"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["course", "title"]
        verbose_name = _("triage drill")
        verbose_name_plural = _("triage drills")

    def __str__(self) -> str:
        return self.title


class ScenarioCard(models.Model):
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="cards")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("scenario"), help_text=_("Sober, non-graphic, fictional."))
    expert_level = models.ForeignKey(
        PriorityLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert level")
    )
    expert_actions = models.ManyToManyField(
        FollowUpAction, blank=True, related_name="+", verbose_name=_("expert follow-up")
    )
    rationale = models.TextField(_("why"), help_text=_("Shown after the learner answers."))

    class Meta:
        ordering = ["drill", "position", "pk"]
        verbose_name = _("scenario card")
        verbose_name_plural = _("scenario cards")

    def __str__(self) -> str:
        return self.title


class DrillAttempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drill_attempts"
    )
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("drill attempt")
        verbose_name_plural = _("drill attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "drill"],
                condition=Q(submitted_at__isnull=True),
                name="drillattempt_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.drill_id}"


class DrillAnswer(models.Model):
    attempt = models.ForeignKey(DrillAttempt, on_delete=models.CASCADE, related_name="answers")
    card = models.ForeignKey(ScenarioCard, on_delete=models.CASCADE, related_name="answers")
    level = models.ForeignKey(PriorityLevel, on_delete=models.PROTECT, related_name="+")
    actions = models.JSONField(default=list)  # FollowUpAction codes
    level_credit = models.FloatField(default=0)
    action_credit = models.FloatField(default=0)
    score = models.FloatField(default=0)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("drill answer")
        verbose_name_plural = _("drill answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "card"], name="drillanswer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.card_id}"
