"""Question banks (draft, per module) and attempts (against a frozen module version)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Module, ModuleVersion


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        ORDERING = "ordering", _("Put in order")
        SHORT_TEXT = "short_text", _("Short text answer")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    prompt = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after the answer is submitted.")
    )
    # True/false: the right answer; short text: accepted answers, one per line.
    correct_is_true = models.BooleanField(_("the statement is true"), default=True)
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_("One per line. Case, accents, spacing and punctuation are ignored."),
    )

    class Meta:
        ordering = ["module", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.prompt[:80]

    def clean(self) -> None:
        if self.kind == self.Kind.SHORT_TEXT and not self.accepted_answers.strip():
            raise ValidationError({"accepted_answers": _("Give at least one accepted answer.")})

    @property
    def uses_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE, self.Kind.ORDERING)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(
        _("position"), default=1, help_text=_("For ordering questions: the correct place.")
    )
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(_("feedback"), max_length=500, blank=True)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

    def __str__(self) -> str:
        return self.text[:80]


class QuizAttempt(models.Model):
    """One sitting of a module's quiz. The drawn questions and the order of their options are
    fixed when the attempt starts; answers are checked against the version's snapshot."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempts")
    module_version = models.ForeignKey(
        ModuleVersion, on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # [{"key": "q12", "choices": ["c3", "c1", "c2"]}] in the order shown.
    layout = models.JSONField(default=list)
    # {"q12": {"answer": [...] | "text", "correct": bool}}; never in the audit log.
    answers = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["user", "module", "-number"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module", "number"], name="quizattempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "module"],
                condition=Q(submitted_at__isnull=True),
                name="quizattempt_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.module_id}#{self.number}"


class QuizAttemptGrant(models.Model):
    """Extra attempts a trainer of the course gave a learner at a module's quiz (after they
    used every attempt, for example). Counted with the attempts they add to: from a renewal's
    start when the learner is renewing."""

    MAX_EXTRA = 5

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempt_grants"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempt_grants")
    extra = models.PositiveSmallIntegerField(
        _("extra attempts"), validators=[MinValueValidator(1), MaxValueValidator(MAX_EXTRA)]
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("extra quiz attempts")
        verbose_name_plural = _("extra quiz attempts")
        indexes = [models.Index(fields=["user", "module"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.module_id}+{self.extra}"
