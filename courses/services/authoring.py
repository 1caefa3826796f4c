"""Writes for trainers: courses, staff, modules, lessons, question banks and publishing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.services import audit_record

from ..models import (
    Choice,
    Course,
    CourseStaff,
    Lesson,
    LessonVariant,
    LessonVersion,
    Module,
    ModuleVersion,
    Question,
)
from ..rendering import markdown_render_safe
from ..terminology import glossary_lint_for
from ._common import require

COURSE_FIELDS = (
    "title", "summary", "description", "language", "jurisdictions", "cpd_hours", "is_open",
)  # fmt: skip
COURSE_M2M = ("professions", "countries", "competencies", "topic_tags")
MODULE_FIELDS = (
    "title", "summary", "pass_mark", "attempt_limit", "cooldown_minutes", "draw_count",
)  # fmt: skip
LESSON_FIELDS = (
    "title", "body_md", "exposure_level", "content_warnings", "warning_note", "estimated_minutes",
)  # fmt: skip


def _apply(instance, fields: Sequence[str], data: dict[str, Any]) -> None:
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _slug_for(title: str) -> str:
    base = slugify(title)[:70] or "course"
    slug, n = base, 2
    while Course.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def course_audience_keys_refresh(*, course: Course) -> None:
    """Copy the audience m2m into the denormalised keys the catalogue filters on. Called by
    every write that changes professions or countries (services, admin, demo)."""
    from ..models import id_key

    Course.objects.filter(pk=course.pk).update(
        profession_key=id_key(course.professions.values_list("pk", flat=True)),
        country_key=id_key(course.countries.values_list("pk", flat=True)),
    )


def _draft_touched(module: Module) -> None:
    Module.objects.filter(pk=module.pk).update(draft_changed_at=timezone.now())


# --- Courses ----------------------------------------------------------------------------------


@transaction.atomic
def course_create(*, actor, m2m: dict[str, Iterable] | None = None, **fields) -> Course:
    """A new draft course; `actor` becomes its lead trainer."""
    require(actor, "courses.author")
    course = Course(created_by=actor)
    _apply(course, COURSE_FIELDS, fields)
    course.slug = _slug_for(course.title)
    course.description_html = markdown_render_safe(course.description)
    course.full_clean()
    course.save()
    for name, values in (m2m or {}).items():
        if name not in COURSE_M2M:
            raise TypeError(f"unexpected m2m field: {name}")
        getattr(course, name).set(values)
    course_audience_keys_refresh(course=course)
    CourseStaff.objects.create(course=course, user=actor, role=CourseStaff.Role.LEAD)
    actor.__dict__.pop("_lms_staffed_course_ids", None)
    audit_record(actor=actor, action="courses.course_create", target=course)
    return course


@transaction.atomic
def course_update(*, actor, course: Course, m2m: dict[str, Iterable] | None = None, **fields):
    require(actor, "courses.edit_course", course)
    _apply(course, COURSE_FIELDS, fields)
    course.description_html = markdown_render_safe(course.description)
    course.updated_at = timezone.now()
    course.full_clean()
    course.save()
    for name, values in (m2m or {}).items():
        if name not in COURSE_M2M:
            raise TypeError(f"unexpected m2m field: {name}")
        getattr(course, name).set(values)
    course_audience_keys_refresh(course=course)
    course.refresh_from_db(fields=["profession_key", "country_key"])
    return course


@transaction.atomic
def course_publish(*, actor, course: Course) -> Course:
    """Open the course to its audience. It needs at least one published module."""
    require(actor, "courses.edit_course", course)
    if not course.modules.filter(current_version__isnull=False, is_retired=False).exists():
        raise ValidationError(_("Publish at least one module before publishing the course."))
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.updated_at = timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=actor, action="courses.course_publish", target=course)
    return course


@transaction.atomic
def course_archive(*, actor, course: Course) -> Course:
    """Take the course out of the catalogue. Enrolments, progress and certificates stay."""
    require(actor, "courses.edit_course", course)
    course.status = Course.Status.ARCHIVED
    course.updated_at = timezone.now()
    course.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="courses.course_archive", target=course)
    return course


@transaction.atomic
def course_staff_add(*, actor, course: Course, person, role: str = CourseStaff.Role.TRAINER):
    require(actor, "courses.edit_course", course)
    from accounts.roles import TRAINER, user_roles

    if TRAINER not in user_roles(person):
        raise ValidationError(_("Only people with the trainer role can edit a course."))
    staff, _created = CourseStaff.objects.update_or_create(
        course=course, user=person, defaults={"role": role}
    )
    audit_record(actor=actor, action="courses.staff_add", target=course, subject_user=person)
    return staff


@transaction.atomic
def course_staff_remove(*, actor, staff: CourseStaff) -> None:
    require(actor, "courses.edit_course", staff.course)
    if staff.course.staff.count() <= 1:
        raise ValidationError(_("A course keeps at least one trainer."))
    audit_record(
        actor=actor, action="courses.staff_remove", target=staff.course, subject_user=staff.user
    )
    staff.delete()


# --- Modules and lessons ----------------------------------------------------------------------


@transaction.atomic
def module_create(*, actor, course: Course, topic_tags: Iterable = (), **fields) -> Module:
    require(actor, "courses.edit_course", course)
    position = (course.modules.aggregate(m=Max("position"))["m"] or 0) + 1
    module = Module(course=course, position=position)
    _apply(module, MODULE_FIELDS, fields)
    module.full_clean()
    module.save()
    module.topic_tags.set(topic_tags)
    return module


@transaction.atomic
def module_update(*, actor, module: Module, topic_tags: Iterable | None = None, **fields):
    require(actor, "courses.edit_course", module.course)
    _apply(module, MODULE_FIELDS, fields)
    module.draft_changed_at = timezone.now()
    module.full_clean()
    module.save()
    if topic_tags is not None:
        module.topic_tags.set(topic_tags)
    return module


@transaction.atomic
def module_review_mark(*, actor, module: Module, reviewed_on=None) -> Module:
    """Record that a trainer reviewed the module and found it current."""
    require(actor, "courses.edit_course", module.course)
    module.last_reviewed_on = reviewed_on or timezone.localdate()
    module.save(update_fields=["last_reviewed_on"])
    return module


@transaction.atomic
def module_move(*, actor, module: Module, offset: int) -> None:
    """Swap the module with its neighbour (offset -1 up, +1 down)."""
    require(actor, "courses.edit_course", module.course)
    _reorder(list(module.course.modules.filter(is_retired=False)), module, offset)


@transaction.atomic
def module_retire(*, actor, module: Module) -> Module:
    """Remove the module from the course. Published versions and progress stay on record."""
    require(actor, "courses.edit_course", module.course)
    module.is_retired = True
    module.save(update_fields=["is_retired"])
    audit_record(actor=actor, action="courses.module_retire", target=module)
    return module


def _reorder(items: list, item, offset: int) -> None:
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        if other.position != position:
            type(other).objects.filter(pk=other.pk).update(position=position)


@transaction.atomic
def lesson_create(*, actor, module: Module, **fields) -> Lesson:
    require(actor, "courses.edit_course", module.course)
    position = (module.lessons.aggregate(m=Max("position"))["m"] or 0) + 1
    lesson = Lesson(module=module, position=position)
    _apply(lesson, LESSON_FIELDS, fields)
    lesson.body_html = markdown_render_safe(lesson.body_md)
    lesson.full_clean()
    lesson.save()
    _draft_touched(module)
    return lesson


@transaction.atomic
def lesson_update(*, actor, lesson: Lesson, **fields) -> Lesson:
    require(actor, "courses.edit_course", lesson.module.course)
    _apply(lesson, LESSON_FIELDS, fields)
    lesson.body_html = markdown_render_safe(lesson.body_md)
    lesson.updated_at = timezone.now()
    lesson.full_clean()
    lesson.save()
    _draft_touched(lesson.module)
    return lesson


@transaction.atomic
def lesson_move(*, actor, lesson: Lesson, offset: int) -> None:
    require(actor, "courses.edit_course", lesson.module.course)
    _reorder(list(lesson.module.lessons.filter(is_retired=False)), lesson, offset)
    _draft_touched(lesson.module)


@transaction.atomic
def lesson_retire(*, actor, lesson: Lesson) -> Lesson:
    """Leave the lesson out of the next published version (older versions keep it)."""
    require(actor, "courses.edit_course", lesson.module.course)
    lesson.is_retired = True
    lesson.save(update_fields=["is_retired"])
    _draft_touched(lesson.module)
    return lesson


@transaction.atomic
def lesson_variant_save(
    *, actor, lesson: Lesson, language: str, jurisdiction: str, title: str, body_md: str
) -> LessonVariant:
    """Create or replace the localised variant of `lesson` for a language and/or jurisdiction."""
    require(actor, "courses.edit_course", lesson.module.course)
    jurisdiction = " ".join(jurisdiction.split())
    variant = LessonVariant.objects.filter(
        lesson=lesson, language=language, jurisdiction__iexact=jurisdiction
    ).first() or LessonVariant(lesson=lesson, language=language, jurisdiction=jurisdiction)
    variant.title, variant.body_md = title, body_md
    variant.body_html = markdown_render_safe(body_md)
    variant.updated_at = timezone.now()
    variant.full_clean()
    variant.save()
    _draft_touched(lesson.module)
    return variant


@transaction.atomic
def lesson_variant_delete(*, actor, variant: LessonVariant) -> None:
    require(actor, "courses.edit_course", variant.lesson.module.course)
    _draft_touched(variant.lesson.module)
    variant.delete()


# --- Question bank --------------------------------------------------------------------------


def _question_check(question: Question, choices: list[dict]) -> None:
    kind = question.kind
    if question.uses_choices and len(choices) < 2:
        raise ValidationError(_("Give at least two answer options."))
    correct = sum(1 for c in choices if c.get("is_correct"))
    if kind == Question.Kind.SINGLE and correct != 1:
        raise ValidationError(_("A single-choice question needs exactly one correct answer."))
    if kind == Question.Kind.MULTIPLE and correct < 1:
        raise ValidationError(_("Mark at least one answer as correct."))


@transaction.atomic
def question_save(
    *, actor, module: Module, question: Question | None = None, choices: list[dict], **fields
) -> Question:
    """Create or replace a question and its answer options. `choices` is
    [{"text", "is_correct", "feedback"}] in order (for ordering questions: the right order)."""
    require(actor, "courses.edit_course", module.course)
    if question is None:
        position = (module.questions.aggregate(m=Max("position"))["m"] or 0) + 1
        question = Question(module=module, position=position)
    elif question.module_id != module.pk:
        raise ValidationError(_("This question belongs to another module."))
    _apply(
        question, ("kind", "prompt", "explanation", "correct_is_true", "accepted_answers"), fields
    )
    choices = [c for c in choices if (c.get("text") or "").strip()]
    if not question.uses_choices:
        choices = []
    if question.kind == Question.Kind.ORDERING:
        choices = [{**c, "is_correct": True} for c in choices]
    question.full_clean()
    _question_check(question, choices)
    question.save()
    question.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(
            question=question,
            position=index,
            text=c["text"].strip(),
            is_correct=bool(c.get("is_correct")),
            feedback=(c.get("feedback") or "").strip(),
        )
        for index, c in enumerate(choices, start=1)
    )
    _draft_touched(module)
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    require(actor, "courses.edit_course", question.module.course)
    _draft_touched(question.module)
    question.delete()


def _quiz_snapshot(module: Module) -> list[dict]:
    snapshot = []
    for question in module.questions.prefetch_related("choices"):
        if question.kind == Question.Kind.TRUE_FALSE:
            choices = [
                {"key": "true", "text": "True", "correct": question.correct_is_true},
                {"key": "false", "text": "False", "correct": not question.correct_is_true},
            ]
        else:
            choices = [
                {
                    "key": f"c{c.pk}",
                    "text": c.text,
                    "correct": c.is_correct,
                    "position": c.position,
                    "feedback": c.feedback,
                }
                for c in question.choices.all()
            ]
        snapshot.append(
            {
                "key": f"q{question.pk}",
                "kind": question.kind,
                "prompt": question.prompt,
                "explanation": question.explanation,
                "choices": choices,
                "accepted": [
                    a.strip() for a in question.accepted_answers.splitlines() if a.strip()
                ],
            }
        )
    return snapshot


# --- Publishing -------------------------------------------------------------------------------


def lesson_content_hash(*, title: str, body_md: str, exposure_level: int, warnings) -> str:
    raw = "\x1f".join([title, body_md, str(exposure_level), ",".join(sorted(warnings or []))])
    return hashlib.sha256(raw.encode()).hexdigest()


def module_terminology_flags(*, module: Module) -> list:
    """Glossary terms to avoid (and to use with care) in the module's draft, for the
    confirmation shown before publishing."""
    lessons = module.lessons.filter(is_retired=False).prefetch_related("variants")
    texts = [(module.title, f"{module.title}\n{module.summary}")]
    for lesson in lessons:
        texts.append((lesson.title, f"{lesson.title}\n{lesson.body_md}"))
        texts.extend(
            (f"{lesson.title} ({v.language or v.jurisdiction})", f"{v.title}\n{v.body_md}")
            for v in lesson.variants.all()
        )
    return glossary_lint_for(language=module.course.language).check(texts)


@transaction.atomic
def module_publish(
    *,
    actor,
    module: Module,
    change_summary: str,
    is_material_change: bool = False,
    is_critical_change: bool = False,
    acknowledged_terms: Iterable[str] = (),
) -> ModuleVersion:
    """Freeze the draft into a new immutable version that learners see from now on. A
    material change gives everyone certified on an older version a refresher of the changed
    lessons (module_version_refreshers_assign); a critical one also brings their expiry
    forward to its due date.

    Preconditions: at least one lesson; a change summary; every glossary term to avoid that
    the draft still contains is in `acknowledged_terms` (the publisher saw the list).
    """
    module = Module.objects.select_for_update().select_related("course").get(pk=module.pk)
    require(actor, "courses.edit_course", module.course)
    if module.is_retired:
        raise ValidationError(_("This module was removed from the course."))
    change_summary = (change_summary or "").strip()
    if not change_summary:
        raise ValidationError({"change_summary": _("Say in a sentence what changed.")})
    lessons = list(module.lessons.filter(is_retired=False).prefetch_related("variants"))
    if not lessons:
        raise ValidationError(_("Add at least one lesson before publishing."))
    avoid = {flag.term for flag in module_terminology_flags(module=module) if flag.is_avoid}
    unconfirmed = avoid - set(acknowledged_terms)
    if unconfirmed:
        raise ValidationError(
            _("Confirm that you have seen the terms to avoid: %(terms)s.")
            % {"terms": ", ".join(sorted(unconfirmed))}
        )
    flags = [f.as_dict() for f in module_terminology_flags(module=module) if f.is_avoid]
    number = (module.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = ModuleVersion(
        module=module,
        number=number,
        title=module.title,
        summary=module.summary,
        change_summary=change_summary,
        is_material_change=is_material_change and number > 1,
        is_critical_change=is_critical_change and is_material_change and number > 1,
        published_by=actor,
        published_at=timezone.now(),
        pass_mark=module.pass_mark,
        attempt_limit=module.attempt_limit,
        cooldown_minutes=module.cooldown_minutes,
        draw_count=module.draw_count,
        quiz=_quiz_snapshot(module),
        terminology_flags=flags,
    )
    version.full_clean()
    version.save()
    rows = []
    for position, lesson in enumerate(lessons, start=1):
        common = {
            "module_version": version,
            "lesson": lesson,
            "position": position,
            "exposure_level": lesson.exposure_level,
            "content_warnings": lesson.content_warnings,
            "warning_note": lesson.warning_note,
            "estimated_minutes": lesson.estimated_minutes,
        }
        for variant in [None, *lesson.variants.all()]:
            title = variant.title if variant else lesson.title
            body = variant.body_md if variant else lesson.body_md
            rows.append(
                LessonVersion(
                    **common,
                    language=variant.language if variant else "",
                    jurisdiction=variant.jurisdiction if variant else "",
                    title=title,
                    body_md=body,
                    body_html=markdown_render_safe(body),
                    content_hash=lesson_content_hash(
                        title=title,
                        body_md=body,
                        exposure_level=lesson.exposure_level,
                        warnings=lesson.content_warnings,
                    ),
                )
            )
    LessonVersion.objects.bulk_create(rows)
    module.current_version = version
    module.last_reviewed_on = timezone.localdate()
    module.save(update_fields=["current_version", "last_reviewed_on"])
    Course.objects.filter(pk=module.course_id).update(updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="courses.module_publish",
        target=version,
        details={
            "number": number,
            "material_change": version.is_material_change,
            "critical_change": version.is_critical_change,
        },
    )
    if version.is_material_change:
        from .recertification import module_version_refreshers_assign

        module_version_refreshers_assign(actor=actor, version=version)
    return version
