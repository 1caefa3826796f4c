"""A learner who used every quiz attempt is told to ask a trainer of the course: the trainer
sees who has not passed on the module's authoring page and gives more attempts (audited, the
learner told). Only the course's trainers can; a double submit gives nothing twice."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from courses import selectors, services
from courses.models import Enrolment, QuizAttemptGrant
from notifications.models import Notification
from tests.factories import UserFactory, totp_enrol

from .test_quizzes import _right_answers, _wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(quiz_module):
    """3 attempts, no pause between them (tests/courses/conftest.py)."""
    return quiz_module


@pytest.fixture
def enrolled(learner, module):
    Enrolment.objects.create(user=learner, course=module.course, source="self")
    return learner


def _use_every_attempt(learner, module, n=3):
    for _ in range(n):
        attempt = services.quiz_attempt_start(actor=learner, module=module)
        services.quiz_attempt_submit(
            actor=learner, attempt=attempt, answers=_wrong_answers(attempt)
        )


def test_a_trainer_gives_a_learner_out_of_attempts_one_more(enrolled, module, trainer):
    _use_every_attempt(enrolled, module)
    assert "used all 3 attempts" in services.quiz_attempt_blocker(user=enrolled, module=module)

    services.quiz_attempts_grant(
        actor=trainer, module=module, learner=enrolled, extra=1, granted_before=0
    )

    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=_wrong_answers(attempt))
    assert "used all 4 attempts" in services.quiz_attempt_blocker(user=enrolled, module=module)
    event = AuditEvent.objects.get(action="courses.quiz_attempts_grant")
    assert (event.actor, event.subject_user, event.details) == (trainer, enrolled, {"extra": 1})
    note = Notification.objects.get(user=enrolled, title__startswith="You can take the quiz again")
    assert note.url == reverse("courses:quiz", args=[module.course.slug, module.pk])


def test_the_notice_has_its_own_kind_so_turning_off_assignments_does_not_hide_it(
    enrolled, module, trainer
):
    """The notice is not an assignment: someone who turned off email for "Courses assigned
    to you" is still emailed, under its own kind they can choose separately."""
    from notifications.selectors import notification_settings_for
    from notifications.services import notification_preferences_set

    notification_preferences_set(actor=enrolled, deliveries={"courses.assigned": "off"})
    _use_every_attempt(enrolled, module)

    services.quiz_attempts_grant(
        actor=trainer, module=module, learner=enrolled, extra=1, granted_before=0
    )

    note = Notification.objects.get(user=enrolled, title__startswith="You can take the quiz again")
    assert (note.kind, note.delivery) == ("courses.attempts", "immediate")
    choices = {s.code: s.delivery for s in notification_settings_for(user=enrolled)}
    assert (choices["courses.assigned"], choices["courses.attempts"]) == ("off", "immediate")
    notification_preferences_set(actor=enrolled, deliveries={"courses.attempts": "digest"})
    _use_every_attempt(enrolled, module, n=1)
    services.quiz_attempts_grant(
        actor=trainer, module=module, learner=enrolled, extra=1, granted_before=1
    )
    latest = Notification.objects.filter(user=enrolled, kind="courses.attempts").latest("pk")
    assert latest.delivery == "digest"


def test_the_learner_can_pass_with_the_extra_attempt(enrolled, module, trainer):
    _use_every_attempt(enrolled, module)
    services.quiz_attempts_grant(
        actor=trainer, module=module, learner=enrolled, extra=2, granted_before=0
    )

    attempt = services.quiz_attempt_start(actor=enrolled, module=module)
    services.quiz_attempt_submit(actor=enrolled, attempt=attempt, answers=_right_answers(attempt))

    assert "already passed" in services.quiz_attempt_blocker(user=enrolled, module=module)
    assert list(selectors.quiz_people_not_passed(module=module)) == []


def test_a_double_submit_gives_the_attempts_once(enrolled, module, trainer):
    _use_every_attempt(enrolled, module)
    services.quiz_attempts_grant(
        actor=trainer, module=module, learner=enrolled, extra=1, granted_before=0
    )

    with pytest.raises(ValidationError, match="nothing changed"):
        services.quiz_attempts_grant(
            actor=trainer, module=module, learner=enrolled, extra=1, granted_before=0
        )
    assert QuizAttemptGrant.objects.count() == 1


@pytest.mark.parametrize("extra", [0, 6, -1])
def test_the_number_of_attempts_is_checked(enrolled, module, trainer, extra):
    with pytest.raises(ValidationError):
        services.quiz_attempts_grant(
            actor=trainer, module=module, learner=enrolled, extra=extra, granted_before=0
        )
    assert not QuizAttemptGrant.objects.exists()


def test_only_the_courses_trainers_give_attempts_and_only_to_enrolled_people(
    enrolled,
    module,
    trainer,
    learner,
):
    other_trainer = UserFactory(roles=["trainer"])
    with pytest.raises(PermissionDenied):
        services.quiz_attempts_grant(
            actor=other_trainer, module=module, learner=enrolled, extra=1, granted_before=0
        )
    with pytest.raises(PermissionDenied):
        services.quiz_attempts_grant(
            actor=enrolled, module=module, learner=enrolled, extra=1, granted_before=0
        )
    stranger = UserFactory(unit=learner.unit, agency=learner.agency)
    with pytest.raises(ValidationError, match="not enrolled"):
        services.quiz_attempts_grant(
            actor=trainer, module=module, learner=stranger, extra=1, granted_before=0
        )
    assert not QuizAttemptGrant.objects.exists()


def test_the_module_page_lists_who_has_not_passed_and_gives_attempts(
    client_as,
    enrolled,
    module,
    trainer,
):
    _use_every_attempt(enrolled, module)
    passed = UserFactory(unit=enrolled.unit, agency=enrolled.agency, full_name="Passed Person")
    services.enrolment_self_create(actor=passed, course=module.course)
    attempt = services.quiz_attempt_start(actor=passed, module=module)
    services.quiz_attempt_submit(actor=passed, attempt=attempt, answers=_right_answers(attempt))
    client = client_as(trainer)
    url = reverse("courses:authoring_module", args=[module.pk])

    page = client.get(url).content.decode()
    assert enrolled.get_full_name() in page and "3 of 3" in page and "no attempt left" in page
    assert "Passed Person" not in page

    response = client.post(
        reverse("courses:authoring_attempts_grant", args=[module.pk]),
        {"person": enrolled.pk, "extra": "2", "granted_before": "0"},
        follow=True,
    )
    assert "can take the quiz again" in response.content.decode()
    assert "3 of 5" in response.content.decode()
    assert services.quiz_attempt_blocker(user=enrolled, module=module) is None


def test_forged_posts_are_404_and_change_nothing(client_as, enrolled, module, trainer):
    _use_every_attempt(enrolled, module)
    url = reverse("courses:authoring_attempts_grant", args=[module.pk])
    client = client_as(trainer)
    not_taken = UserFactory(unit=enrolled.unit, agency=enrolled.agency)

    for data in (
        {"person": not_taken.pk, "extra": "1", "granted_before": "0"},  # never took the quiz
        {"person": "x", "extra": "1", "granted_before": "0"},
        {"person": enrolled.pk, "extra": "many", "granted_before": "0"},
    ):
        assert client.post(url, data).status_code == 404
    # Another course's trainer, and a learner, get 404 for the whole page and the action.
    other_trainer = UserFactory(roles=["trainer"])
    totp_enrol(other_trainer)
    for who in (other_trainer, enrolled):
        other = client_as(who)
        assert other.get(reverse("courses:authoring_module", args=[module.pk])).status_code == 404
        data = {"person": enrolled.pk, "extra": "1", "granted_before": "0"}
        assert other.post(url, data).status_code == 404
    assert client.get(url).status_code == 405
    assert not QuizAttemptGrant.objects.exists()


def test_the_module_page_reads_the_same_queries_for_one_or_many_learners(
    client_as, enrolled, module, trainer, learner
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(trainer)
    url = reverse("courses:authoring_module", args=[module.pk])
    _use_every_attempt(enrolled, module)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    for _ in range(3):
        person = UserFactory(unit=learner.unit, agency=learner.agency)
        services.enrolment_self_create(actor=person, course=module.course)
        _use_every_attempt(person, module, n=1)
    assert count() == one


def test_extra_attempts_are_in_the_persons_data_export_and_erased_with_it(
    enrolled, module, trainer
):
    from accounts.privacy import privacy_export, privacy_parts

    _use_every_attempt(enrolled, module)
    services.quiz_attempts_grant(
        actor=trainer, module=module, learner=enrolled, extra=2, granted_before=0
    )

    exported = privacy_export(user=enrolled)["courses"]["extra_quiz_attempts"]
    assert [(row["module"], row["extra"]) for row in exported] == [(module.title, 2)]

    next(p for p in privacy_parts() if p.name == "courses").erase(enrolled)
    assert not QuizAttemptGrant.objects.filter(user=enrolled).exists()
