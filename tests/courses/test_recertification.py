"""Refresher policies, renewal (refresher path or whole course), certificate cycles and
change-driven refreshers."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses import services
from courses.models import (
    Certificate,
    Enrolment,
    LessonVersion,
    Refresher,
    RefresherPolicy,
    Reminder,
    add_months,
)
from notifications.models import Notification
from tests.factories import UserFactory

from .factories import LessonFactory, complete_lessons, published_course

State = Enrolment.State
D = datetime.date


def at(day: D, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)


# --- Policy arithmetic -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2028, 2, 29), 48, D(2032, 2, 29)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2027, 6, 15), 24, D(2029, 6, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


def policy(**kw) -> RefresherPolicy:
    return RefresherPolicy(**{"validity_months": 12, "window_days": 30, **kw})


def test_expiry_counts_from_completion_by_default():
    assert policy().expiry_for(
        completed_at=at(D(2027, 5, 10)), previous_expires_on=D(2027, 6, 1)
    ) == D(2028, 5, 10)


def test_expiry_can_count_from_the_previous_expiry():
    basis = policy(expiry_basis="previous_expiry")
    # Renewed early in the window: the learner loses nothing.
    assert basis.expiry_for(
        completed_at=at(D(2027, 5, 10)), previous_expires_on=D(2027, 6, 1)
    ) == D(2028, 6, 1)
    # A first certificate has no previous expiry: from completion.
    assert basis.expiry_for(completed_at=at(D(2027, 5, 10))) == D(2028, 5, 10)


def test_minimum_active_period_protects_a_late_renewal():
    basis = policy(expiry_basis="previous_expiry", minimum_active_months=9)
    # Renewed 5 months after lapsing: 12 months from the old expiry would leave 7 months.
    assert basis.expiry_for(
        completed_at=at(D(2027, 11, 1)), previous_expires_on=D(2027, 6, 1)
    ) == D(2028, 8, 1)


def test_expiry_uses_the_local_date_of_completion(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    # 12:00 UTC on 28 February 2028 is already 29 February in New Zealand.
    assert policy().expiry_for(
        completed_at=datetime.datetime(2028, 2, 28, 12, tzinfo=datetime.UTC)
    ) == D(2029, 2, 28)
    settings.TIME_ZONE = "America/Los_Angeles"
    # 03:00 UTC on 1 March 2028 is still 29 February in California.
    assert policy().expiry_for(
        completed_at=datetime.datetime(2028, 3, 1, 3, tzinfo=datetime.UTC)
    ) == D(2029, 2, 28)


def test_the_window_must_be_shorter_than_the_validity(trainer):
    course = published_course(trainer=trainer)
    with pytest.raises(ValidationError):
        services.refresher_policy_save(
            actor=trainer,
            course=course,
            validity_months=1,
            window_days=60,
            expiry_basis="completion",
        )


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture
def course(trainer):
    return course_with_policy(trainer)


def course_with_policy(trainer):
    """Three modules of two lessons; the second module is the refresher path."""
    course = published_course(trainer=trainer, modules=3, lessons=2, title="Online grooming")
    services.refresher_policy_save(
        actor=trainer,
        course=course,
        validity_months=12,
        window_days=30,
        expiry_basis="previous_expiry",
        refresher_modules=[course.modules.order_by("position")[1]],
    )
    course.refresher_policy = RefresherPolicy.objects.get(course=course)
    return course


def take(user, course, module=None):
    return complete_lessons(user, course, module)


def certify(user, course):
    services.enrolment_self_create(actor=user, course=course)
    take(user, course)
    return Certificate.objects.get(user=user, course=course)


# --- Certificates under a policy ----------------------------------------------------------


@time_machine.travel(at(D(2027, 3, 1)), tick=False)
def test_a_certificate_under_a_policy_expires_and_has_a_window(learner, course):
    certificate = certify(learner, course)

    assert certificate.expires_on == D(2028, 3, 1)
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert (enrolment.state, enrolment.certified_on, enrolment.window_opens_on) == (
        State.CERTIFIED,
        D(2027, 3, 1),
        D(2028, 1, 31),
    )


def test_a_learner_cannot_renew_before_the_window(learner, course):
    certify(learner, course)

    with pytest.raises(ValidationError, match="cannot be renewed yet"):
        services.refresher_renewal_start(actor=learner, course=course)


def test_renewing_in_the_window_takes_the_refresher_path_and_starts_a_new_cycle(learner, course):
    with time_machine.travel(at(D(2027, 3, 1)), tick=False):
        first = certify(learner, course)
    path_module = course.modules.order_by("position")[1]

    with time_machine.travel(at(D(2028, 2, 10)), tick=False):
        services.enrolment_states_advance()
        refresher = services.refresher_renewal_start(actor=learner, course=course)
        assert refresher == services.refresher_renewal_start(actor=learner, course=course)
        assert refresher.path == "refresher" and refresher.due_on == D(2028, 3, 1)
        assert set(refresher.lessons.values_list("module", flat=True)) == {path_module.pk}
        outcome = take(learner, course, path_module)

    assert outcome.refreshers_completed == 1
    second = Certificate.objects.filter(user=learner, course=course).order_by("-cycle").first()
    assert (second.cycle, second.path, second.expires_on) == (2, "refresher", D(2029, 3, 1))
    first.refresh_from_db()
    assert first.revoked_at is None and first.expires_on == D(2028, 3, 1)  # still verifiable
    assert first.status_on(D(2028, 3, 2)) == "expired"
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert (enrolment.state, enrolment.expires_on) == (State.CERTIFIED, D(2029, 3, 1))
    assert Notification.objects.filter(user=learner, title__startswith="Certificate renewed")


def test_after_expiry_renewing_means_the_whole_course(learner, course):
    with time_machine.travel(at(D(2027, 3, 1)), tick=False):
        certify(learner, course)

    with time_machine.travel(at(D(2028, 4, 1)), tick=False):
        services.enrolment_states_advance()
        refresher = services.refresher_renewal_start(actor=learner, course=course)
        assert refresher.path == "full" and refresher.due_on is None
        assert refresher.lessons.count() == 6
        take(learner, course)

        latest = Certificate.objects.filter(user=learner).order_by("-cycle").first()
        # Late: 12 months from the old expiry would end in March 2029 anyway.
        assert (latest.cycle, latest.path, latest.expires_on) == (2, "full", D(2029, 3, 1))


def test_a_stranger_cannot_renew_a_course_they_cannot_see(other_agency_learner, course):
    course.is_open = False
    course.save()
    with pytest.raises((PermissionDenied, ValidationError)):
        services.refresher_renewal_start(actor=other_agency_learner, course=course)


def test_only_the_courses_trainers_set_its_policy(learner, course, trainer):
    with pytest.raises(PermissionDenied):
        services.refresher_policy_save(
            actor=learner,
            course=course,
            validity_months=6,
            window_days=10,
            expiry_basis="completion",
        )
    other = published_course(trainer=trainer)
    with pytest.raises(ValidationError):
        services.refresher_policy_save(
            actor=trainer,
            course=course,
            validity_months=6,
            window_days=10,
            expiry_basis="completion",
            refresher_modules=list(other.modules.all()),
        )


def test_changing_the_window_moves_the_window_of_certified_learners(learner, course, trainer):
    with time_machine.travel(at(D(2027, 3, 1)), tick=False):
        certify(learner, course)
        services.refresher_policy_save(
            actor=trainer,
            course=course,
            validity_months=12,
            window_days=60,
            expiry_basis="completion",
        )

    assert Enrolment.objects.get(user=learner).window_opens_on == D(2028, 1, 1)  # leap year


# --- Change-driven refreshers -------------------------------------------------------------


def publish_change(
    trainer,
    module,
    *,
    critical=False,
    touch_first=True,
    body="The rule changed: new text.",
    add_lesson=True,
):
    """Publish a material change: the first lesson gets `body`, and a lesson is added."""
    first = module.lessons.order_by("position").first()
    if touch_first:
        first.body_md = body
        first.save()
    if add_lesson:
        LessonFactory(module=module, title="Brand new lesson")
    return services.module_publish(
        actor=trainer,
        module=module,
        change_summary="New legal rule on preservation requests.",
        is_material_change=True,
        is_critical_change=critical,
    )


def test_a_material_change_assigns_refreshers_of_the_changed_lessons_only(
    learner, course, trainer, django_capture_on_commit_callbacks
):
    certify(learner, course)
    in_progress = UserFactory(unit=learner.unit, agency=learner.agency)
    services.enrolment_self_create(actor=in_progress, course=course)
    module = course.modules.order_by("position").first()

    with django_capture_on_commit_callbacks():
        version = publish_change(trainer, module)

    refresher = Refresher.objects.get()
    assert refresher.user == learner and refresher.kind == "change"
    assert refresher.summary == "New legal rule on preservation requests."
    assert refresher.due_on == timezone.localdate() + datetime.timedelta(days=30)
    titles = [item.lesson.title for item in refresher.items.select_related("lesson")]
    assert len(titles) == 2 and "Brand new lesson" in titles  # the unchanged lesson is not
    assert services.module_version_refreshers_assign(actor=trainer, version=version) == 0
    notice = Reminder.objects.get(refresher=refresher)
    assert (notice.kind, notice.step) == ("refresher", 30)


def test_a_minor_change_assigns_nothing(learner, course, trainer):
    certify(learner, course)
    module = course.modules.first()
    LessonFactory(module=module)
    services.module_publish(actor=trainer, module=module, change_summary="Typo.")

    assert not Refresher.objects.exists()


def test_only_the_courses_trainers_assign_refreshers(learner, course, trainer):
    certify(learner, course)
    version = publish_change(trainer, course.modules.first())

    with pytest.raises(PermissionDenied):
        services.module_version_refreshers_assign(actor=learner, version=version)


def test_taking_the_change_refresher_completes_it_and_records_the_version(learner, course, trainer):
    certify(learner, course)
    module = course.modules.order_by("position").first()
    version = publish_change(trainer, module)
    refresher = Refresher.objects.get()

    for item in refresher.items.all():
        lv = LessonVersion.objects.get(module_version=version, lesson=item.lesson, language="")
        services.lesson_complete(actor=learner, lesson_version=lv)

    refresher.refresh_from_db()
    assert refresher.completed_at is not None
    again = publish_change(trainer, module)
    # The next change is counted from what the learner learnt last (this version): the
    # first lesson's text is the same again, only the lesson added now is new.
    latest = Refresher.objects.get(module_version=again)
    assert [item.lesson.title for item in latest.items.all()] == ["Brand new lesson"]


def test_a_critical_change_brings_expiry_forward_until_the_refresher_is_done(
    learner, course, trainer
):
    with time_machine.travel(at(D(2027, 3, 1)), tick=False):
        certificate = certify(learner, course)
        module = course.modules.order_by("position").first()
        version = publish_change(trainer, module, critical=True)

        certificate.refresh_from_db()
        assert certificate.expires_on == D(2027, 3, 31)
        enrolment = Enrolment.objects.get(user=learner)
        assert enrolment.state == State.WINDOW_OPEN  # within 30 days of the new expiry

        for item in Refresher.objects.get().items.all():
            lv = LessonVersion.objects.get(module_version=version, lesson=item.lesson, language="")
            services.lesson_complete(actor=learner, lesson_version=lv)

    certificate.refresh_from_db()
    assert certificate.expires_on == D(2028, 3, 1)
    assert Enrolment.objects.get(user=learner).state == State.CERTIFIED


def test_a_newer_change_replaces_an_open_refresher_of_the_same_module(learner, course, trainer):
    certify(learner, course)
    module = course.modules.order_by("position").first()
    publish_change(trainer, module, critical=True)
    publish_change(trainer, module, touch_first=False)

    first, second = Refresher.objects.order_by("pk")
    assert first.cancelled_at is not None and second.is_open
    assert second.restore_expires_on == first.restore_expires_on  # carried over
    assert second.items.count() == 3  # both changes, counted from what was learnt


def test_open_refreshers_are_neither_completed_nor_cancelled(learner, course):
    enrolment = services.enrolment_self_create(actor=learner, course=course)
    now = timezone.now()
    made = {
        name: Refresher.objects.create(
            user=learner, course=course, enrolment=enrolment, kind="change", **fields
        )
        for name, fields in {
            "open": {},
            "done": {"completed_at": now},
            "cancelled": {"cancelled_at": now},
        }.items()
    }

    assert list(Refresher.objects.open()) == [made["open"]]
    assert [r.is_open for r in made.values()] == [True, False, False]


def _take_refresher(learner, refresher):
    """Complete the refresher's lessons in the module's current version."""
    for item in refresher.items.select_related("lesson__module"):
        lv = LessonVersion.objects.get(
            module_version_id=item.lesson.module.current_version_id,
            lesson=item.lesson,
            language="",
            jurisdiction="",
        )
        services.lesson_complete(actor=learner, lesson_version=lv)
    refresher.refresh_from_db()


@time_machine.travel(at(D(2027, 3, 1)), tick=False)
def test_a_change_that_leaves_a_learners_lessons_as_learnt_keeps_their_open_refresher(
    learner, course, trainer
):
    """A later version that changes nothing the learner has not learnt gives them no new
    refresher, so their open one (and the expiry it is to give back) must stay."""
    certificate = certify(learner, course)
    caught_up = UserFactory(unit=learner.unit, agency=learner.agency)
    certify(caught_up, course)
    module = course.modules.order_by("position").first()
    original = module.lessons.order_by("position").first().body_md
    publish_change(trainer, module, critical=True, add_lesson=False)
    pending = Refresher.objects.get(user=learner)
    _take_refresher(caught_up, Refresher.objects.get(user=caught_up))
    certificate.refresh_from_db()
    assert (certificate.expires_on, pending.restore_expires_on) == (D(2027, 3, 31), D(2028, 3, 1))

    # The rule is withdrawn: the text goes back to what `learner` learnt.
    reverted = publish_change(trainer, module, body=original, add_lesson=False)

    pending.refresh_from_db()
    assert pending.is_open and pending.restore_expires_on == D(2028, 3, 1)
    assert not Refresher.objects.filter(user=learner, module_version=reverted).exists()
    # Whoever learnt the withdrawn text is told about the text going back.
    assert Refresher.objects.filter(user=caught_up, module_version=reverted).get().is_open
    _take_refresher(learner, pending)
    assert pending.completed_at is not None
    certificate.refresh_from_db()
    assert certificate.expires_on == D(2028, 3, 1)
    assert Enrolment.objects.get(user=learner).state == State.CERTIFIED


@pytest.mark.parametrize("critical_again", [False, True])
def test_a_superseding_change_carries_the_expiry_to_restore(
    learner, course, trainer, critical_again
):
    with time_machine.travel(at(D(2027, 3, 1)), tick=False):
        certificate = certify(learner, course)
        module = course.modules.order_by("position").first()
        publish_change(trainer, module, critical=True)
    with time_machine.travel(at(D(2027, 3, 11)), tick=False):
        publish_change(trainer, module, critical=critical_again, touch_first=False)

        first, second = Refresher.objects.order_by("pk")
        assert first.cancelled_at is not None and second.is_open
        assert (first.restore_expires_on, second.restore_expires_on) == (D(2028, 3, 1),) * 2
        certificate.refresh_from_db()
        # The earlier deadline stands (a critical change never moves an expiry later).
        assert certificate.expires_on == D(2027, 3, 31)
        _take_refresher(learner, second)

    assert second.completed_at is not None
    certificate.refresh_from_db()
    assert certificate.expires_on == D(2028, 3, 1)
    assert Enrolment.objects.get(user=learner).state == State.CERTIFIED


# --- Privacy -------------------------------------------------------------------------------


def test_export_and_erase_cover_refreshers_and_reminders(learner, course, trainer, supervisor):
    from courses.privacy_parts import courses_data_erase, courses_data_export

    certify(learner, course)
    publish_change(trainer, course.modules.order_by("position").first())
    Reminder.objects.create(
        recipient=supervisor,
        learner=learner,
        course=course,
        kind="due",
        is_escalation=True,
        due_on=timezone.localdate(),
        step=-1,
        planned_for=timezone.localdate(),
    )

    exported = courses_data_export(learner)

    assert exported["refreshers"][0]["what_changed"].startswith("New legal rule")
    assert {r["kind"] for r in exported["reminders"]} == {"refresher", "due"}
    courses_data_erase(learner)
    assert not Refresher.objects.filter(user=learner).exists()
    assert not Reminder.objects.filter(learner=learner).exists()


# --- Quizzes in a renewal -------------------------------------------------------------------


def test_a_renewal_asks_for_the_quiz_again_and_completes_when_passed(learner, trainer):
    from courses.models import QuizAttempt

    course = published_course(trainer=trainer, modules=1, lessons=1, questions=1)
    services.refresher_policy_save(
        actor=trainer, course=course, validity_months=12, window_days=30, expiry_basis="completion"
    )
    module = course.modules.get()

    def pass_quiz():
        attempt = services.quiz_attempt_start(actor=learner, module=module)
        answers = {
            q["key"]: [c["key"] for c in q["choices"] if c["correct"]]
            for q in attempt.module_version.quiz
        }
        return services.quiz_attempt_submit(actor=learner, attempt=attempt, answers=answers)

    with time_machine.travel(at(D(2027, 3, 1)), tick=False):
        services.enrolment_self_create(actor=learner, course=course)
        take(learner, course)
        assert pass_quiz().passed
        assert Certificate.objects.filter(user=learner).count() == 1
    with time_machine.travel(at(D(2028, 2, 20)), tick=False):
        services.enrolment_states_advance()
        refresher = services.refresher_renewal_start(actor=learner, course=course)
        take(learner, course)
        refresher.refresh_from_db()
        assert refresher.completed_at is None  # the quiz is still to pass
        assert services.refresher_quizzes_pending(refresher) == [module]
        assert pass_quiz().passed

    refresher.refresh_from_db()
    assert refresher.completed_at is not None
    assert Certificate.objects.filter(user=learner).count() == 2
    assert QuizAttempt.objects.filter(user=learner, passed=True).count() == 2
