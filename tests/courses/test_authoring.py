"""Authoring services: courses, staff, lessons, questions, publishing and versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses import services
from courses.models import Course, CourseStaff, LessonVersion, ModuleVersion, Question
from courses.selectors import module_version_diff
from tests.factories import UserFactory

from .factories import (
    CourseFactory,
    GlossaryTermFactory,
    LessonFactory,
    ModuleFactory,
    QuestionFactory,
    staff,
)


@pytest.fixture
def course(trainer):
    course = CourseFactory(status=Course.Status.DRAFT)
    staff(course, trainer)
    return course


@pytest.fixture
def module(course):
    return ModuleFactory(course=course)


def _publish(trainer, module, **kw):
    kw.setdefault("change_summary", "Changes.")
    return services.module_publish(actor=trainer, module=module, **kw)


def test_course_create_makes_the_author_lead_trainer(trainer):
    course = services.course_create(actor=trainer, title="Online grooming: first steps")

    assert course.slug == "online-grooming-first-steps"
    assert CourseStaff.objects.filter(course=course, user=trainer, role="lead").exists()


def test_course_create_gives_a_unique_slug(trainer):
    services.course_create(actor=trainer, title="Same title")

    assert services.course_create(actor=trainer, title="Same title").slug == "same-title-2"


def test_course_create_refused_to_learners(learner):
    with pytest.raises(PermissionDenied):
        services.course_create(actor=learner, title="Nope")


def test_course_description_is_stored_sanitised(trainer):
    course = services.course_create(
        actor=trainer, title="T", description="Hello <script>alert(1)</script>**world**"
    )

    assert "<script" not in course.description_html
    assert "<strong>world</strong>" in course.description_html


def test_course_jurisdictions_are_normalised_for_matching(trainer):
    course = services.course_create(
        actor=trainer, title="T", jurisdictions="England  and Wales\n\nScotland "
    )

    assert course.jurisdiction_key == "|england and wales|scotland|"
    assert course.jurisdictions == "England and Wales\nScotland"


def test_trainer_cannot_edit_a_course_they_do_not_staff(trainer):
    other = CourseFactory()

    with pytest.raises(PermissionDenied):
        services.course_update(actor=trainer, course=other, title="Mine now")


def test_course_publish_needs_a_published_module(trainer, course):
    with pytest.raises(ValidationError):
        services.course_publish(actor=trainer, course=course)


def test_course_publish_opens_the_course(trainer, course, module):
    LessonFactory(module=module)
    _publish(trainer, module)

    services.course_publish(actor=trainer, course=course)

    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED and course.published_at


def test_staff_add_refuses_people_without_the_trainer_role(trainer, course, learner):
    with pytest.raises(ValidationError):
        services.course_staff_add(actor=trainer, course=course, person=learner)


def test_staff_remove_keeps_the_last_trainer(trainer, course):
    only = CourseStaff.objects.get(course=course)

    with pytest.raises(ValidationError):
        services.course_staff_remove(actor=trainer, staff=only)


def test_lesson_update_renders_and_stores_safe_html(trainer, module):
    lesson = LessonFactory(module=module)

    services.lesson_update(
        actor=trainer, lesson=lesson, body_md="# Hi\n<img src=x onerror=alert(1)>"
    )

    lesson.refresh_from_db()
    assert "onerror" not in lesson.body_html
    assert '<h2 id="h-hi">' in lesson.body_html


def test_lesson_update_rejects_unknown_content_warnings(trainer, module):
    lesson = LessonFactory(module=module)

    with pytest.raises(ValidationError):
        services.lesson_update(actor=trainer, lesson=lesson, content_warnings=["made_up"])


def test_lesson_update_marks_the_draft_changed(trainer, module):
    lesson = LessonFactory(module=module)
    _publish(trainer, module)

    services.lesson_update(actor=trainer, lesson=lesson, title="New title")

    module.refresh_from_db()
    assert module.has_unpublished_changes


def test_publish_freezes_lessons_into_a_version(trainer, module):
    LessonFactory(module=module, body_md="First *text*")

    version = _publish(trainer, module, change_summary="Initial.")

    module.refresh_from_db()
    assert module.current_version == version and version.number == 1
    frozen = LessonVersion.objects.get(module_version=version)
    assert frozen.body_html == "<p>First <em>text</em></p>"
    assert module.last_reviewed_on is not None


def test_published_version_does_not_change_when_the_draft_does(trainer, module):
    lesson = LessonFactory(module=module, body_md="Old")
    version = _publish(trainer, module)

    services.lesson_update(actor=trainer, lesson=lesson, body_md="New")

    assert LessonVersion.objects.get(module_version=version).body_md == "Old"


def test_published_versions_refuse_bulk_updates(trainer, module):
    LessonFactory(module=module)
    _publish(trainer, module)

    with pytest.raises(PermissionError):
        ModuleVersion.objects.update(title="x")
    with pytest.raises(PermissionError):
        LessonVersion.objects.update(body_html="<script>")


def test_republishing_makes_a_new_numbered_version(trainer, module):
    LessonFactory(module=module)
    _publish(trainer, module)

    second = _publish(trainer, module, is_material_change=True)

    assert second.number == 2 and second.is_material_change
    assert module.versions.count() == 2


def test_first_version_is_never_a_material_change(trainer, module):
    LessonFactory(module=module)

    assert not _publish(trainer, module, is_material_change=True).is_material_change


def test_publish_requires_a_change_summary(trainer, module):
    LessonFactory(module=module)

    with pytest.raises(ValidationError):
        _publish(trainer, module, change_summary="  ")
    assert not module.versions.exists()


def test_publish_requires_a_lesson(trainer, module):
    with pytest.raises(ValidationError):
        _publish(trainer, module)


def test_publish_leaves_retired_lessons_out(trainer, module):
    LessonFactory(module=module, title="Kept")
    gone = LessonFactory(module=module, title="Gone")
    services.lesson_retire(actor=trainer, lesson=gone)

    version = _publish(trainer, module)

    assert [lv.title for lv in version.lesson_versions.all()] == ["Kept"]


def test_publish_with_a_term_to_avoid_needs_confirmation(trainer, module):
    GlossaryTermFactory(term="child pornography", preferred_term="child sexual abuse material")
    LessonFactory(module=module, body_md="Old laws said child pornography.")

    with pytest.raises(ValidationError):
        _publish(trainer, module)
    assert not module.versions.exists()


def test_publish_records_the_confirmed_terms(trainer, module):
    GlossaryTermFactory(term="child pornography", preferred_term="child sexual abuse material")
    LessonFactory(module=module, body_md="Old laws said child pornography.")

    version = _publish(trainer, module, acknowledged_terms=["child pornography"])

    assert version.terminology_flags == [
        {"term": "child pornography", "preferred": "child sexual abuse material", "count": 1}
    ]


def test_publish_is_refused_to_trainers_not_on_the_course(module):
    other = UserFactory(roles=["trainer"])
    LessonFactory(module=module)

    with pytest.raises(PermissionDenied):
        services.module_publish(actor=other, module=module, change_summary="x")


def test_quiz_is_snapshotted_at_publish(trainer, module):
    LessonFactory(module=module)
    question = services.question_save(
        actor=trainer,
        module=module,
        kind=Question.Kind.SINGLE,
        prompt="Which term?",
        choices=[{"text": "Right", "is_correct": True}, {"text": "Wrong"}],
    )

    version = _publish(trainer, module)
    services.question_delete(actor=trainer, question=question)

    assert version.quiz[0]["prompt"] == "Which term?"
    assert [c["correct"] for c in version.quiz[0]["choices"]] == [True, False]


def test_single_choice_question_needs_exactly_one_correct_answer(trainer, module):
    with pytest.raises(ValidationError):
        services.question_save(
            actor=trainer,
            module=module,
            kind=Question.Kind.SINGLE,
            prompt="?",
            choices=[{"text": "a", "is_correct": True}, {"text": "b", "is_correct": True}],
        )
    assert not module.questions.exists()


def test_short_text_question_needs_accepted_answers(trainer, module):
    with pytest.raises(ValidationError):
        services.question_save(
            actor=trainer, module=module, kind=Question.Kind.SHORT_TEXT, prompt="?", choices=[]
        )


def test_question_save_refuses_a_question_of_another_module(trainer, module):
    other = QuestionFactory()

    with pytest.raises(ValidationError):
        services.question_save(
            actor=trainer, module=module, question=other, kind="true_false", prompt="x",
            choices=[],
        )  # fmt: skip


def test_diff_shows_changed_added_and_removed_lessons(trainer, module):
    kept = LessonFactory(module=module, title="Kept", body_md="line one\nline two")
    removed = LessonFactory(module=module, title="Removed", body_md="bye")
    LessonFactory(module=module, title="Same", body_md="same")
    v1 = _publish(trainer, module)
    services.lesson_update(actor=trainer, lesson=kept, body_md="line one\nline 2")
    services.lesson_retire(actor=trainer, lesson=removed)
    LessonFactory(module=module, title="Added", body_md="hello")
    v2 = _publish(trainer, module)

    diffs = {d.title: d for d in module_version_diff(old=v1, new=v2)}

    assert diffs["Kept"].status == "changed"
    assert [(line.kind, line.text) for line in diffs["Kept"].lines if line.kind != "same"] == [
        ("removed", "line two"),
        ("added", "line 2"),
    ]
    assert diffs["Removed"].status == "removed"
    assert diffs["Added"].status == "added"
    assert diffs["Same"].status == "unchanged" and diffs["Same"].lines == []


def test_module_move_swaps_positions(trainer, course):
    first = ModuleFactory(course=course, position=1)
    second = ModuleFactory(course=course, position=2)

    services.module_move(actor=trainer, module=second, offset=-1)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)


def test_module_review_mark_sets_today(trainer, module):
    services.module_review_mark(actor=trainer, module=module)

    module.refresh_from_db()
    assert module.last_reviewed_on is not None
