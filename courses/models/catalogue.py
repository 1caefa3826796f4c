"""Courses, their staff, modules and lessons, and the immutable published versions.

Versioning is per module (ModuleVersion), not per course: a module is the unit that trainers
review when the trends feed flags it, that carries topic tags and a "last reviewed on" date,
and whose lessons a change-driven refresher compares. Publishing one module therefore never
re-freezes the rest of the course. The course's own metadata (title, audience) is live.

The draft is the ordinary editable rows (Module, Lesson, Question); publishing copies them
into ModuleVersion, LessonVersion rows and a quiz snapshot, which never change afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .taxonomy import Competency, TopicTag


class ExposureLevel(models.IntegerChoices):
    NONE = 0, _("0 · No description of harm")
    REFERENCES = 1, _("1 · References to harm")
    DETAILED = 2, _("2 · Detailed description of harm")
    DISTRESSING = 3, _("3 · Distressing case material described")


class ContentWarning(models.TextChoices):
    """A controlled list so that learners can recognise a warning at a glance."""

    SEXUAL_ABUSE = "sexual_abuse", _("Descriptions of sexual abuse of children")
    EXPLOITATION = "exploitation", _("Online exploitation and grooming")
    SEXTORTION = "sextortion", _("Sextortion and coercion")
    SELF_HARM = "self_harm", _("Self-harm or suicide")
    VIOLENCE = "violence", _("Physical violence")
    VICTIM_ACCOUNT = "victim_account", _("Victim or survivor accounts")
    OFFENDER_LANGUAGE = "offender_language", _("Offender language or rationalisations")
    SECONDARY_TRAUMA = "secondary_trauma", _("Secondary trauma and distress at work")


def normalise_jurisdiction(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def id_key(ids) -> str:
    """{3, 7} -> '|3|7|' (empty -> ''): the form the audience keys are stored in."""
    ids = sorted(set(ids))
    return f"|{'|'.join(map(str, ids))}|" if ids else ""


def jurisdiction_key(lines: str) -> str:
    """'England and Wales\\nScotland' -> '|england and wales|scotland|' ('' = everywhere):
    one indexed-free LIKE matches a learner's jurisdiction without a join table."""
    names = sorted({normalise_jurisdiction(line) for line in (lines or "").splitlines()} - {""})
    return f"|{'|'.join(names)}|" if names else ""


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One sentence for the catalogue.")
    )
    description = models.TextField(_("description (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    professions = models.ManyToManyField(
        "accounts.Profession",
        blank=True,
        related_name="courses",
        verbose_name=_("professions"),
        help_text=_("Leave empty for every profession."),
    )
    countries = models.ManyToManyField(
        "accounts.Country",
        blank=True,
        related_name="courses",
        verbose_name=_("countries"),
        help_text=_("Leave empty for every country."),
    )
    jurisdictions = models.TextField(
        _("jurisdictions"),
        blank=True,
        help_text=_("One per line, as learners write it in their profile. Empty: everywhere."),
    )
    jurisdiction_key = models.CharField(max_length=1000, blank=True, editable=False)
    # Denormalised copies of the audience m2m ("|3|7|", "" = everyone), kept current by
    # course_audience_keys_refresh: the catalogue and every course page check the audience
    # with plain column comparisons instead of subqueries.
    profession_key = models.CharField(max_length=1000, blank=True, editable=False, default="")
    country_key = models.CharField(max_length=1000, blank=True, editable=False, default="")
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="courses", verbose_name=_("competencies")
    )
    topic_tags = models.ManyToManyField(
        TopicTag, blank=True, related_name="courses", verbose_name=_("topic tags")
    )
    cpd_hours = models.DecimalField(
        _("estimated hours (CPD)"),
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    is_open = models.BooleanField(
        _("open for self-enrolment"),
        default=True,
        help_text=_("Otherwise only supervisors, agency administrators or rules assign it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [models.Index(fields=["status", "language"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        self.jurisdiction_key = jurisdiction_key(self.jurisdictions)
        self.jurisdictions = "\n".join(
            " ".join(line.split()) for line in self.jurisdictions.splitlines() if line.strip()
        )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CourseStaff(models.Model):
    """A trainer who may edit a course (DESIGN section 5: a contextual role row)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead trainer")
        TRAINER = "trainer", _("Trainer")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_staffings"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.TRAINER)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("course staff")
        verbose_name_plural = _("course staff")
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="coursestaff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course} ({self.get_role_display()})"


class Module(models.Model):
    """The editable draft of a module, with a pointer to its latest published version."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    topic_tags = models.ManyToManyField(
        TopicTag, blank=True, related_name="modules", verbose_name=_("topic tags")
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    # Quiz settings (the question bank is Question rows); frozen into each version.
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    attempt_limit = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, help_text=_("0 means no limit.")
    )
    cooldown_minutes = models.PositiveIntegerField(_("pause between attempts (minutes)"), default=0)
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn per attempt"),
        default=0,
        help_text=_("0 means every question in the bank, in random order."),
    )
    is_retired = models.BooleanField(_("removed from the course"), default=False)
    current_version = models.ForeignKey(
        "ModuleVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    draft_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["course", "position", "pk"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.title

    @property
    def has_unpublished_changes(self) -> bool:
        version = self.current_version
        return version is None or self.draft_changed_at > version.published_at


class Lesson(models.Model):
    """The draft of a lesson. Its identity is stable across versions, so progress survives
    republishing; its text lives in LessonVersion rows once published."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    body_md = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    exposure_level = models.PositiveSmallIntegerField(
        _("exposure level"), choices=ExposureLevel.choices, default=ExposureLevel.NONE
    )
    content_warnings = models.JSONField(_("content warnings"), default=list, blank=True)
    warning_note = models.CharField(
        _("note for the warning"),
        max_length=300,
        blank=True,
        help_text=_("Optional: what the lesson contains, in a sober sentence."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)
    is_retired = models.BooleanField(_("removed from the module"), default=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["module", "position", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        known = set(ContentWarning.values)
        unknown = [w for w in self.content_warnings or [] if w not in known]
        if unknown:
            raise ValidationError({"content_warnings": _("Unknown content warning.")})
        self.content_warnings = sorted(set(self.content_warnings or []))


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Published versions are immutable.")


class ModuleVersion(models.Model):
    """A frozen, published module. Never updated: a change is a new version."""

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    change_summary = models.TextField(_("what changed"))
    is_material_change = models.BooleanField(
        _("material change"),
        default=False,
        help_text=_("People who learnt the previous version need to learn this change."),
    )
    is_critical_change = models.BooleanField(
        _("critical change"),
        default=False,
        help_text=_(
            "Certificates expire on the refresher's due date unless the refresher is done."
        ),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pass_mark = models.PositiveSmallIntegerField(default=80)
    attempt_limit = models.PositiveSmallIntegerField(default=3)
    cooldown_minutes = models.PositiveIntegerField(default=0)
    draw_count = models.PositiveSmallIntegerField(default=0)
    # [{"key": "q12", "kind": ..., "prompt": ..., "explanation": ..., "choices":
    #   [{"key": "c40", "text": ..., "correct": bool, "position": int, "feedback": ...}],
    #   "accepted": [...]}]
    quiz = models.JSONField(default=list, blank=True)
    # Terms to avoid the publisher saw and confirmed: [{"term", "preferred", "count"}].
    terminology_flags = models.JSONField(default=list, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["module", "-number"]
        verbose_name = _("module version")
        verbose_name_plural = _("module versions")
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="moduleversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def has_quiz(self) -> bool:
        return bool(self.quiz)


class LessonVersion(models.Model):
    """A lesson as published in one module version, in the base text or a localised variant
    (language and/or jurisdiction set). body_html is sanitised once, at publish time."""

    module_version = models.ForeignKey(
        ModuleVersion, on_delete=models.PROTECT, related_name="lesson_versions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="versions")
    language = models.CharField(max_length=8, blank=True, default="")
    jurisdiction = models.CharField(max_length=100, blank=True, default="")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body_md = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    exposure_level = models.PositiveSmallIntegerField(choices=ExposureLevel.choices, default=0)
    content_warnings = models.JSONField(default=list, blank=True)
    warning_note = models.CharField(max_length=300, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(default=10)
    # sha256 of what a learner reads; equal hashes across versions mean "unchanged".
    content_hash = models.CharField(max_length=64)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["module_version", "position", "lesson_id"]
        verbose_name = _("published lesson")
        verbose_name_plural = _("published lessons")
        constraints = [
            models.UniqueConstraint(
                fields=["module_version", "lesson", "language", "jurisdiction"],
                name="lessonversion_variant_unique",
            ),
        ]
        indexes = [models.Index(fields=["lesson", "module_version"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_base(self) -> bool:
        return not self.language and not self.jurisdiction

    @property
    def needs_warning(self) -> bool:
        return self.exposure_level > 0 or bool(self.content_warnings)

    @property
    def warning_labels(self) -> list[str]:
        labels = dict(ContentWarning.choices)
        return [str(labels.get(code, code)) for code in self.content_warnings]


def published_modules_q() -> Q:
    return Q(current_version__isnull=False, is_retired=False)
