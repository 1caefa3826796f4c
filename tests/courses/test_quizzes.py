"""Quizzes: drawing, attempts, limits, cool-down, scoring, feedback, and hostile input."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from courses import services
from courses.models import Enrolment, ModuleProgress, QuizAttempt
from courses.services import answer_normalise


@pytest.fixture
def module(quiz_module):
    return quiz_module


@pytest.fixture
def enrolled(learner, module):
    Enrolment.objects.create(user=learner, course=module.course, source="self")
    return learner


def _by_prompt(attempt):
    return {q["prompt"]: q for q in attempt.module_version.quiz}


def _right_answers(attempt) -> dict:
    answers = {}
    for question in attempt.module_version.quiz:
        key, kind = question["key"], question["kind"]
        choices = question["choices"]
        if kind in ("single", "true_false", "multiple"):
            answers[key] = [c["key"] for c in choices if c["correct"]]
        elif kind == "ordering":
            answers[key] = {c["key"]: str(c["position"]) for c in choices}
        else:
            answers[key] = "  lanzarote  CONVENTION! "
    return answers


def _wrong_answers(attempt) -> dict:
    answers = _right_answers(attempt)
    single = _by_prompt(attempt)["Pick one"]
    answers[single["key"]] = [c["key"] for c in single["choices"] if not c["correct"]]
    return answers


def test_start_draws_every_question_by_default(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)

    assert len(attempt.layout) == 5 and attempt.number == 1


def test_start_draws_n_questions_when_set(enrolled, module, trainer):
    module.draw_count = 2
    module.save()
    services.module_publish(actor=trainer, module=module, change_summary="draw 2")
    module.refresh_from_db()

    attempt = services.quiz_attempt_start(actor=enrolled, module=module)

    assert len(attempt.layout) == 2


def test_start_returns_the_open_attempt(enrolled, module):
    first = services.quiz_attempt_start(actor=enrolled, module=module)

    assert services.quiz_attempt_start(actor=enrolled, module=module) == first
    assert QuizAttempt.objects.count() == 1


def test_start_needs_an_enrolment(learner, module):
    with pytest.raises(ValidationError):
        services.quiz_attempt_start(actor=learner, module=module)


def test_all_right_answers_pass_and_complete_the_module(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)

    attempt = services.quiz_attempt_submit(
        actor=enrolled, attempt=attempt, answers=_right_answers(attempt)
    )

    assert attempt.score == 100 and attempt.passed
    progress = ModuleProgress.objects.get(user=enrolled, module=module)
    assert progress.quiz_passed_at is not None


def test_short_text_ignores_case_accents_spacing_and_punctuation():
    assert answer_normalise("  Convención  de LANZAROTE! ") == "convencion de lanzarote"


def test_a_wrong_answer_fails_below_the_pass_mark(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)

    attempt = services.quiz_attempt_submit(
        actor=enrolled, attempt=attempt, answers=_wrong_answers(attempt)
    )

    assert attempt.score == 80 and attempt.passed is False
    single = _by_prompt(attempt)["Pick one"]
    assert attempt.answers[single["key"]]["correct"] is False


def test_multiple_choice_needs_exactly_the_right_set(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    answers = _right_answers(attempt)
    multiple = _by_prompt(attempt)["Pick all"]
    answers[multiple["key"]] = answers[multiple["key"]][:1]

    attempt = services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=answers)

    assert attempt.answers[multiple["key"]]["correct"] is False


def test_ordering_is_scored_on_the_full_order(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    answers = _right_answers(attempt)
    ordering = _by_prompt(attempt)["Order them"]
    places = answers[ordering["key"]]
    first, second = list(places)[:2]
    places[first], places[second] = places[second], places[first]

    attempt = services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=answers)

    assert attempt.answers[ordering["key"]]["correct"] is False


def test_double_submit_is_rejected_and_changes_nothing(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=_wrong_answers(attempt))
    before = QuizAttempt.objects.get(pk=attempt.pk)

    with pytest.raises(ValidationError):
        services.quiz_attempt_submit(
            actor=enrolled, attempt=attempt, answers=_right_answers(attempt)
        )

    after = QuizAttempt.objects.get(pk=attempt.pk)
    assert (after.score, after.passed, after.answers, after.submitted_at) == (
        before.score,
        before.passed,
        before.answers,
        before.submitted_at,
    )
    assert not ModuleProgress.objects.filter(quiz_passed_at__isnull=False).exists()


@pytest.mark.parametrize(
    "forge",
    [
        lambda answers, key: answers.__setitem__(key, ["c999999"]),  # unknown option id
        lambda answers, key: answers.__setitem__(key, ["true"]),  # option of another question
        lambda answers, key: answers.__setitem__("q999999", ["c1"]),  # question not drawn
        lambda answers, key: answers.__setitem__(key, {"x": "1"}),  # wrong shape
    ],
    ids=["unknown-option", "other-question-option", "undrawn-question", "wrong-shape"],
)
def test_forged_answer_ids_are_rejected_and_change_nothing(enrolled, module, forge):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    answers = _right_answers(attempt)
    forge(answers, _by_prompt(attempt)["Pick one"]["key"])

    with pytest.raises(ValidationError):
        services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=answers)

    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score is None and attempt.answers == {}


def test_forged_ordering_option_is_rejected(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    answers = _right_answers(attempt)
    ordering = _by_prompt(attempt)["Order them"]
    answers[ordering["key"]]["c999999"] = "4"

    with pytest.raises(ValidationError):
        services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=answers)


def test_ordering_with_two_items_in_one_place_is_rejected(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    answers = _right_answers(attempt)
    ordering = _by_prompt(attempt)["Order them"]
    answers[ordering["key"]] = dict.fromkeys(answers[ordering["key"]], "1")

    with pytest.raises(ValidationError):
        services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=answers)


def test_two_answers_to_a_single_choice_question_are_rejected(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    answers = _right_answers(attempt)
    single = _by_prompt(attempt)["Pick one"]
    answers[single["key"]] = [c["key"] for c in single["choices"]]

    with pytest.raises(ValidationError):
        services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=answers)


def test_unanswered_question_is_rejected(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    answers = _right_answers(attempt)
    answers.pop(_by_prompt(attempt)["Pick one"]["key"])

    with pytest.raises(ValidationError):
        services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=answers)


def test_someone_else_cannot_submit_my_attempt(enrolled, module, other_agency_learner):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)

    with pytest.raises(QuizAttempt.DoesNotExist):
        services.quiz_attempt_submit(
            actor=other_agency_learner, attempt=attempt, answers=_right_answers(attempt)
        )


def test_attempt_limit_blocks_a_further_attempt(enrolled, module):
    for _ in range(3):
        attempt = services.quiz_attempt_start(actor=enrolled, module=module)
        services.quiz_attempt_submit(
            actor=enrolled, attempt=attempt, answers=_wrong_answers(attempt)
        )

    with pytest.raises(ValidationError):
        services.quiz_attempt_start(actor=enrolled, module=module)


def test_cooldown_blocks_a_new_attempt_until_it_has_passed(enrolled, module, trainer):
    module.cooldown_minutes = 30
    module.save()
    services.module_publish(actor=trainer, module=module, change_summary="cooldown")
    module.refresh_from_db()
    start = datetime.datetime(2030, 5, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        attempt = services.quiz_attempt_start(actor=enrolled, module=module)
        services.quiz_attempt_submit(
            actor=enrolled, attempt=attempt, answers=_wrong_answers(attempt)
        )
    with (
        time_machine.travel(start + datetime.timedelta(minutes=29), tick=False),
        pytest.raises(ValidationError),
    ):
        services.quiz_attempt_start(actor=enrolled, module=module)
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        assert services.quiz_attempt_start(actor=enrolled, module=module).number == 2


def test_no_new_attempt_after_passing(enrolled, module):
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=_right_answers(attempt))

    with pytest.raises(ValidationError):
        services.quiz_attempt_start(actor=enrolled, module=module)


def test_failing_then_passing_completes_the_course(enrolled, module):
    from courses.models import LessonVersion

    lesson = LessonVersion.objects.get(module_version=module.current_version)
    services.lesson_complete(actor=enrolled, lesson_version=lesson)
    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=_wrong_answers(attempt))
    assert Enrolment.objects.get(user=enrolled).completed_at is None

    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=_right_answers(attempt))

    assert Enrolment.objects.get(user=enrolled).completed_at is not None
    assert enrolled.certificates.count() == 1
