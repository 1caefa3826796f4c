"""Enrolment, assignment (by hand and by rule), progress, completion and certificates."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Profession
from courses import services
from courses.models import (
    Certificate,
    Enrolment,
    LessonProgress,
    LessonVersion,
    ModuleProgress,
)
from notifications.models import Notification
from tests.factories import UnitFactory, UserFactory

from .factories import (
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    published_course,
    set_audience,
    staff,
)


@pytest.fixture
def course(trainer):
    return published_course(trainer=trainer, modules=2, lessons=2)


def _lessons(course):
    return list(
        LessonVersion.objects.filter(module_version__module__course=course, language="")
        .select_related("module_version__module__course")
        .order_by("module_version__module__position", "position")
    )


def _complete_all(user, course):
    outcome = None
    for version in _lessons(course):
        outcome = services.lesson_complete(actor=user, lesson_version=version)
    return outcome


# --- Enrolment -----------------------------------------------------------------------------


def test_self_enrolment_in_an_open_course(learner, course):
    enrolment = services.enrolment_self_create(actor=learner, course=course)

    assert enrolment.source == Enrolment.Source.SELF


def test_self_enrolling_twice_changes_nothing(learner, course):
    first = services.enrolment_self_create(actor=learner, course=course)

    assert services.enrolment_self_create(actor=learner, course=course) == first
    assert Enrolment.objects.count() == 1


def test_self_enrolment_refused_in_a_closed_course(learner, trainer):
    closed = published_course(trainer=trainer, is_open=False)

    with pytest.raises(PermissionDenied):
        services.enrolment_self_create(actor=learner, course=closed)
    assert not Enrolment.objects.exists()


def test_self_enrolment_refused_outside_the_audience(learner, trainer):
    judge, _ = Profession.objects.get_or_create(code="judge", defaults={"name": "Judge"})
    course = published_course(trainer=trainer)
    set_audience(course, professions=[judge])

    with pytest.raises(PermissionDenied):
        services.enrolment_self_create(actor=learner, course=course)


def test_supervisor_assigns_with_a_due_date_and_the_person_is_told(supervisor, learner, course):
    due = datetime.date.today() + datetime.timedelta(days=30)

    [enrolment] = services.enrolment_assign(
        actor=supervisor, course=course, people=[learner], due_on=due
    )

    assert enrolment.source == Enrolment.Source.ASSIGNED and enrolment.due_on == due
    assert Notification.objects.filter(user=learner, kind="courses.assigned").count() == 1


def test_supervisor_cannot_assign_outside_their_units(supervisor, course, unit):
    stranger = UserFactory(unit=UnitFactory(agency=unit.agency), agency=unit.agency)

    with pytest.raises(PermissionDenied):
        services.enrolment_assign(actor=supervisor, course=course, people=[stranger])
    assert not Enrolment.objects.exists()


def test_assigning_a_mixed_list_changes_nothing_when_one_is_not_allowed(
    supervisor, learner, course, other_agency_learner
):
    with pytest.raises(PermissionDenied):
        services.enrolment_assign(
            actor=supervisor, course=course, people=[learner, other_agency_learner]
        )
    assert not Enrolment.objects.exists()


def test_assignment_refuses_a_due_date_in_the_past(supervisor, learner, course):
    with pytest.raises(ValidationError):
        services.enrolment_assign(
            actor=supervisor,
            course=course,
            people=[learner],
            due_on=datetime.date(2000, 1, 1),
        )


def test_assignment_refuses_unpublished_courses(supervisor, learner):
    draft = CourseFactory(status="draft")

    with pytest.raises(ValidationError):
        services.enrolment_assign(actor=supervisor, course=draft, people=[learner])


def test_assigning_again_keeps_progress_and_updates_the_due_date(supervisor, learner, course):
    services.enrolment_self_create(actor=learner, course=course)
    services.lesson_complete(actor=learner, lesson_version=_lessons(course)[0])
    due = datetime.date.today() + datetime.timedelta(days=10)

    services.enrolment_assign(actor=supervisor, course=course, people=[learner], due_on=due)

    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.due_on == due and enrolment.started_at is not None
    assert LessonProgress.objects.filter(user=learner, completed_at__isnull=False).count() == 1


def test_rule_assigns_existing_people_of_the_profession_in_the_agency(agency_admin, course):
    agency = agency_admin.agency
    matching = UserFactory(agency=agency, unit=UnitFactory(agency=agency))
    judge, _ = Profession.objects.get_or_create(code="judge", defaults={"name": "Judge"})
    other_profession = UserFactory(agency=agency, unit=matching.unit, profession=judge)

    services.assignment_rule_create(
        actor=agency_admin,
        course=course,
        agency=agency,
        profession=matching.profession,
        due_in_days=30,
    )

    assert Enrolment.objects.filter(user=matching, source="rule").exists()
    assert not Enrolment.objects.filter(user=other_profession).exists()


def test_rule_assigns_newcomers_when_applied_again(agency_admin, course):
    agency = agency_admin.agency
    profession = agency_admin.profession
    services.assignment_rule_create(
        actor=agency_admin, course=course, agency=agency, profession=profession
    )
    newcomer = UserFactory(agency=agency, unit=agency_admin.unit, profession=profession)

    created = services.assignment_rules_apply()

    assert created == 1
    assert Enrolment.objects.filter(user=newcomer, course=course, source="rule").exists()


def test_applying_rules_twice_adds_nothing(agency_admin, course):
    services.assignment_rule_create(
        actor=agency_admin,
        course=course,
        agency=agency_admin.agency,
        profession=agency_admin.profession,
    )

    assert services.assignment_rules_apply() == 0


def test_rule_skips_people_awaiting_approval(agency_admin, course):
    pending = UserFactory(
        agency=agency_admin.agency, unit=agency_admin.unit, vetting_status="pending"
    )

    services.assignment_rule_create(
        actor=agency_admin,
        course=course,
        agency=agency_admin.agency,
        profession=pending.profession,
    )

    assert not Enrolment.objects.filter(user=pending).exists()


def test_rule_for_another_agency_is_refused(agency_admin, course, other_agency_learner):
    with pytest.raises(PermissionDenied):
        services.assignment_rule_create(
            actor=agency_admin,
            course=course,
            agency=other_agency_learner.agency,
            profession=other_agency_learner.profession,
        )


def test_supervisors_cannot_make_rules(supervisor, course):
    with pytest.raises(PermissionDenied):
        services.assignment_rule_create(
            actor=supervisor,
            course=course,
            agency=supervisor.agency,
            profession=supervisor.profession,
        )


def test_stopped_rule_assigns_no_newcomer(agency_admin, course):
    rule = services.assignment_rule_create(
        actor=agency_admin,
        course=course,
        agency=agency_admin.agency,
        profession=agency_admin.profession,
    )
    services.assignment_rule_deactivate(actor=agency_admin, rule=rule)
    UserFactory(agency=agency_admin.agency, unit=agency_admin.unit)

    assert services.assignment_rules_apply() == 0


# --- Progress ------------------------------------------------------------------------------


def test_completing_a_lesson_needs_an_enrolment(learner, course):
    with pytest.raises(ValidationError):
        services.lesson_complete(actor=learner, lesson_version=_lessons(course)[0])
    assert not LessonProgress.objects.exists()


def test_completing_a_lesson_starts_the_enrolment(learner, course):
    services.enrolment_self_create(actor=learner, course=course)
    first = _lessons(course)[0]

    services.lesson_complete(actor=learner, lesson_version=first)

    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.started_at and enrolment.last_lesson_id == first.lesson_id


def test_completing_a_lesson_twice_changes_nothing(learner, course):
    services.enrolment_self_create(actor=learner, course=course)
    first = _lessons(course)[0]
    services.lesson_complete(actor=learner, lesson_version=first)
    done_at = LessonProgress.objects.get().completed_at

    services.lesson_complete(actor=learner, lesson_version=first)

    assert LessonProgress.objects.get().completed_at == done_at


def test_module_completes_when_its_lessons_are_done(learner, course):
    services.enrolment_self_create(actor=learner, course=course)
    first, second = _lessons(course)[:2]

    services.lesson_complete(actor=learner, lesson_version=first)
    outcome = services.lesson_complete(actor=learner, lesson_version=second)

    assert outcome.module_completed and not outcome.course_completed
    assert ModuleProgress.objects.filter(user=learner, completed_at__isnull=False).count() == 1


def test_module_with_a_quiz_is_not_complete_until_the_quiz_is_passed(learner, trainer):
    course = published_course(trainer=trainer, lessons=1, questions=1)
    services.enrolment_self_create(actor=learner, course=course)

    outcome = services.lesson_complete(actor=learner, lesson_version=_lessons(course)[0])

    assert not outcome.module_completed


def test_course_completion_issues_a_certificate_and_tells_the_learner(learner, course):
    services.enrolment_self_create(actor=learner, course=course)

    outcome = _complete_all(learner, course)

    assert outcome.course_completed
    certificate = Certificate.objects.get(user=learner)
    assert certificate.holder_name == learner.get_full_name()
    assert certificate.course_title == course.title
    assert len(certificate.code) == 14 and certificate.code.count("-") == 2
    assert certificate.expires_on is None
    assert Notification.objects.filter(user=learner, kind="courses.certificate").exists()


def test_certificate_is_issued_once(learner, course):
    services.enrolment_self_create(actor=learner, course=course)
    _complete_all(learner, course)
    enrolment = Enrolment.objects.get(user=learner)

    services.certificate_issue(enrolment=enrolment)

    assert Certificate.objects.count() == 1


def test_completing_an_outdated_lesson_version_is_refused(learner, trainer, course):
    services.enrolment_self_create(actor=learner, course=course)
    old = _lessons(course)[0]
    module = old.module_version.module
    services.module_publish(actor=trainer, module=module, change_summary="Again.")

    with pytest.raises(ValidationError):
        services.lesson_complete(actor=learner, lesson_version=old)


def test_new_lesson_in_a_new_version_keeps_a_completed_course_completed(learner, trainer, course):
    services.enrolment_self_create(actor=learner, course=course)
    _complete_all(learner, course)
    module = _lessons(course)[0].module_version.module
    LessonFactory(module=module)
    services.module_publish(actor=trainer, module=module, change_summary="More.")

    assert Enrolment.objects.get(user=learner).completed_at is not None


def test_warning_acknowledgement_is_recorded(learner, course):
    services.enrolment_self_create(actor=learner, course=course)
    first = _lessons(course)[0]

    services.lesson_warning_acknowledge(actor=learner, lesson_version=first)

    assert LessonProgress.objects.get(user=learner).warning_acknowledged_at is not None


def test_lesson_outcome_suggests_a_pause_after_level_two(learner, trainer):
    course = CourseFactory()
    staff(course, trainer)
    module = ModuleFactory(course=course)
    LessonFactory(module=module, exposure_level=2, content_warnings=["victim_account"])
    services.module_publish(actor=trainer, module=module, change_summary="x")
    services.enrolment_self_create(actor=learner, course=course)

    outcome = services.lesson_complete(actor=learner, lesson_version=_lessons(course)[0])

    assert outcome.suggest_pause


def test_certificate_revoke_needs_a_reason(trainer, learner, course):
    services.enrolment_self_create(actor=learner, course=course)
    _complete_all(learner, course)
    certificate = Certificate.objects.get()

    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=trainer, certificate=certificate, reason=" ")
    services.certificate_revoke(actor=trainer, certificate=certificate, reason="Issued in error")

    certificate.refresh_from_db()
    assert certificate.status == "revoked"


def test_certificate_status_is_expired_after_its_date(learner, course):
    services.enrolment_self_create(actor=learner, course=course)
    _complete_all(learner, course)
    certificate = Certificate.objects.get()
    certificate.expires_on = datetime.date(2030, 1, 31)
    certificate.save()

    with time_machine.travel(datetime.datetime(2030, 2, 1, 12, tzinfo=datetime.UTC)):
        assert certificate.status == "expired"
    with time_machine.travel(datetime.datetime(2030, 1, 31, 12, tzinfo=datetime.UTC)):
        assert certificate.status == "valid"


def test_learner_preference_set_updates_in_place(learner):
    services.learner_preference_set(actor=learner, always_warn=True, blur_images=False)
    preference = services.learner_preference_set(actor=learner, always_warn=False, blur_images=True)

    assert (preference.always_warn, preference.blur_images) == (False, True)


def test_a_course_due_soon_is_listed_only_under_due_soon(learner, trainer):
    from django.utils import timezone

    from courses.models import Enrolment
    from courses.selectors import learning_summary_for

    from .factories import published_course

    soon, later = published_course(trainer=trainer), published_course(trainer=trainer)
    today = timezone.localdate()
    Enrolment.objects.create(
        user=learner, course=soon, source="assigned", due_on=today + datetime.timedelta(days=3)
    )
    Enrolment.objects.create(
        user=learner, course=later, source="assigned", due_on=today + datetime.timedelta(days=90)
    )

    summary = learning_summary_for(user=learner)

    assert [e.course_id for e in summary.due_soon] == [soon.pk]
    assert [e.course_id for e in summary.assigned] == [later.pk]


def test_a_course_past_its_due_date_is_listed_as_overdue(learner, trainer):
    from django.template.loader import render_to_string
    from django.utils import timezone

    from courses.models import Enrolment

    course = published_course(trainer=trainer, title="Late course")
    enrolment = Enrolment.objects.create(
        user=learner,
        course=course,
        source="assigned",
        due_on=timezone.localdate() - datetime.timedelta(days=4),
    )
    services.enrolment_state_refresh(ids=[enrolment.pk])
    enrolment.refresh_from_db()

    html = render_to_string("courses/includes/enrolment_list.html", {"enrolments": [enrolment]})

    assert "overdue since" in html
