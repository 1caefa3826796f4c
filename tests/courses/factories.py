"""Factories and small builders for course tests."""

from __future__ import annotations

import factory

from courses.models import (
    Course,
    CourseStaff,
    Drill,
    FollowUpAction,
    GlossaryTerm,
    Lesson,
    Module,
    PriorityLevel,
    Question,
    ScenarioCard,
)
from courses.rendering import markdown_render_safe


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A course for testing."
    status = Course.Status.PUBLISHED
    is_open = True


class CourseStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseStaff

    course = factory.SubFactory(CourseFactory)
    role = CourseStaff.Role.LEAD


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)
    cooldown_minutes = 0


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body_md = "Some **text** for the lesson."
    body_html = factory.LazyAttribute(lambda o: markdown_render_safe(o.body_md))
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    module = factory.SubFactory(ModuleFactory)
    kind = Question.Kind.TRUE_FALSE
    prompt = factory.Sequence(lambda n: f"Statement {n} is true.")
    correct_is_true = True


class PriorityLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityLevel
        django_get_or_create = ("rank",)

    rank = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Level {o.rank}")
    definition = "Definition."
    criteria = "Criterion"
    examples = "Example"
    response_time = "Soon"
    responsible = "Investigator"
    follow_up = "Follow up"


class FollowUpActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpAction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"action-{n}")
    name = factory.Sequence(lambda n: f"Action {n}")


class DrillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drill

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Drill {n}")
    is_published = True


class ScenarioCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScenarioCard

    drill = factory.SubFactory(DrillFactory)
    title = factory.Sequence(lambda n: f"Card {n}")
    text = "A fictional, sober scenario."
    expert_level = factory.SubFactory(PriorityLevelFactory)
    rationale = "Because."
    position = factory.Sequence(lambda n: n)


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    term = factory.Sequence(lambda n: f"term {n}")
    status = GlossaryTerm.Status.AVOID
    preferred_term = "better term"
    explanation = "Our own explanation."


def staff(course, user, role=CourseStaff.Role.LEAD):
    CourseStaff.objects.create(course=course, user=user, role=role)
    user.__dict__.pop("_lms_staffed_course_ids", None)
    return user


def published_course(*, trainer, modules: int = 1, lessons: int = 2, questions: int = 0, **kw):
    """A published course with published modules, staffed by `trainer`."""
    from courses.services import module_publish

    course = CourseFactory(**kw)
    staff(course, trainer)
    for _ in range(modules):
        module = ModuleFactory(course=course)
        for _ in range(lessons):
            LessonFactory(module=module)
        for _ in range(questions):
            QuestionFactory(module=module)
        module_publish(actor=trainer, module=module, change_summary="First version.")
    return course


def set_audience(course, *, professions=(), countries=()):
    """Restrict a course to professions and/or countries, as the services do."""
    from courses.services import course_audience_keys_refresh

    course.professions.add(*professions)
    course.countries.add(*countries)
    course_audience_keys_refresh(course=course)
    course.refresh_from_db()
    return course


def complete_lessons(user, course, module=None):
    """Complete every lesson of the course's current versions (or of one module) in order,
    through the service; returns the last outcome."""
    from django.db.models import F

    from courses.models import LessonVersion
    from courses.services import lesson_complete

    versions = LessonVersion.objects.filter(
        module_version__module__course=course,
        module_version__module__current_version=F("module_version"),
        language="",
        jurisdiction="",
    ).select_related("module_version__module__course")
    if module is not None:
        versions = versions.filter(module_version__module=module)
    outcome = None
    for version in versions.order_by("module_version__module__position", "position"):
        outcome = lesson_complete(actor=user, lesson_version=version)
    return outcome
