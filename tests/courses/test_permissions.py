"""Permission matrices and their queryset twins: trainers edit only the courses they staff;
learners see only published courses of their audience; supervisors assign only to their
units (with sub-units); agency admins to their agency."""

from __future__ import annotations

import pytest
import rules

from accounts.models import Profession
from courses.models import Course
from courses.selectors import (
    course_list_catalogue,
    course_list_editable_by,
    course_list_visible_to,
    person_list_assignable_by,
)
from tests.factories import (
    AgencyFactory,
    CountryFactory,
    SupervisionFactory,
    UnitFactory,
    UserFactory,
)

from .factories import CourseFactory, set_audience, staff


def _can(perm, user, obj=None) -> bool:
    return rules.has_perm(perm, user, obj)


# --- Editing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "staffed", "expected"),
    [
        ("trainer", True, True),
        ("trainer", False, False),
        ("learner", True, False),  # staff row without the trainer role
        ("learner", False, False),
        ("platform_admin", False, True),
        ("agency_admin", False, False),
        ("supervisor", False, False),
    ],
)
def test_edit_course_matrix(db, request, who, staffed, expected):
    user = request.getfixturevalue(who)
    course = CourseFactory()
    if staffed:
        staff(course, user)

    assert _can("courses.edit_course", user, course) is expected
    assert course_list_editable_by(user=user).filter(pk=course.pk).exists() is expected


def test_unapproved_trainer_cannot_edit(trainer):
    course = CourseFactory()
    staff(course, trainer)
    trainer.vetting_status = "pending"

    assert not _can("courses.edit_course", trainer, course)
    assert not course_list_editable_by(user=trainer).exists()


# --- Seeing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Course.Status.PUBLISHED, True),
        (Course.Status.DRAFT, False),
        (Course.Status.ARCHIVED, False),
    ],
)
def test_learner_sees_only_published_courses(learner, status, expected):
    course = CourseFactory(status=status)

    assert _can("courses.view_course", learner, course) is expected
    assert course_list_visible_to(user=learner).filter(pk=course.pk).exists() is expected
    assert course_list_catalogue(user=learner).filter(pk=course.pk).exists() is expected


def test_learner_sees_courses_for_their_profession(learner):
    course = CourseFactory()
    set_audience(course, professions=[learner.profession])

    assert _can("courses.view_course", learner, course)
    assert course_list_catalogue(user=learner).filter(pk=course.pk).exists()


def test_learner_does_not_see_courses_for_other_professions(learner):
    course = CourseFactory()
    judge, _ = Profession.objects.get_or_create(code="judge", defaults={"name": "Judge"})
    set_audience(course, professions=[judge])

    assert not _can("courses.view_course", learner, course)
    assert not course_list_visible_to(user=learner).filter(pk=course.pk).exists()


def test_learner_does_not_see_courses_for_other_countries(learner):
    course = CourseFactory()
    elsewhere = CountryFactory(code="XX", name="Elsewhere")  # no factory-made agency uses XX
    set_audience(course, countries=[elsewhere])

    assert not _can("courses.view_course", learner, course)
    assert not course_list_catalogue(user=learner).filter(pk=course.pk).exists()


def test_learner_sees_courses_for_their_country(learner):
    course = CourseFactory()
    set_audience(course, countries=[learner.agency.country])

    assert course_list_catalogue(user=learner).filter(pk=course.pk).exists()


@pytest.mark.parametrize(
    ("jurisdiction", "expected"),
    [("England and Wales", True), ("england  AND wales", True), ("Scotland", False), ("", False)],
)
def test_jurisdiction_audience(learner, jurisdiction, expected):
    course = CourseFactory(
        jurisdictions="England and Wales", jurisdiction_key="|england and wales|"
    )
    learner.jurisdiction = jurisdiction

    assert _can("courses.view_course", learner, course) is expected
    assert course_list_catalogue(user=learner).filter(pk=course.pk).exists() is expected


def test_staff_trainer_sees_their_draft_course(trainer):
    course = CourseFactory(status=Course.Status.DRAFT)
    staff(course, trainer)

    assert _can("courses.view_course", trainer, course)
    assert course_list_visible_to(user=trainer).filter(pk=course.pk).exists()


def test_other_trainer_does_not_see_a_draft_course(trainer):
    course = CourseFactory(status=Course.Status.DRAFT)

    assert not _can("courses.view_course", trainer, course)
    assert not course_list_visible_to(user=trainer).filter(pk=course.pk).exists()


def test_catalogue_does_not_show_drafts_even_to_their_staff(trainer):
    course = CourseFactory(status=Course.Status.DRAFT)
    staff(course, trainer)

    assert not course_list_catalogue(user=trainer).filter(pk=course.pk).exists()


def test_anonymous_sees_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    CourseFactory()

    assert not course_list_visible_to(user=AnonymousUser()).exists()


# --- Enrolling -----------------------------------------------------------------------------


@pytest.mark.parametrize(("is_open", "expected"), [(True, True), (False, False)])
def test_enrol_only_in_open_courses(learner, is_open, expected):
    assert _can("courses.enrol_course", learner, CourseFactory(is_open=is_open)) is expected


# --- Assigning -----------------------------------------------------------------------------


def test_supervisor_assigns_to_people_of_their_unit(supervisor, learner):
    assert _can("courses.assign_course", supervisor, learner)
    assert person_list_assignable_by(actor=supervisor).filter(pk=learner.pk).exists()


def test_supervisor_assigns_to_people_of_sub_units(supervisor, unit):
    child = UnitFactory(agency=unit.agency, parent=unit)
    person = UserFactory(unit=child, agency=unit.agency)

    assert _can("courses.assign_course", supervisor, person)
    assert person_list_assignable_by(actor=supervisor).filter(pk=person.pk).exists()


def test_supervisor_cannot_assign_to_another_unit_of_the_same_agency(supervisor, unit):
    sibling = UnitFactory(agency=unit.agency)
    person = UserFactory(unit=sibling, agency=unit.agency)

    assert not _can("courses.assign_course", supervisor, person)
    assert not person_list_assignable_by(actor=supervisor).filter(pk=person.pk).exists()


def test_supervisor_cannot_assign_to_another_agency(supervisor, other_agency_learner):
    assert not _can("courses.assign_course", supervisor, other_agency_learner)


def test_ended_supervision_grants_nothing(unit):
    import datetime

    boss = UserFactory(unit=unit, agency=unit.agency)
    SupervisionFactory(
        supervisor=boss,
        unit=unit,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 12, 31),
    )
    person = UserFactory(unit=unit, agency=unit.agency)

    assert not _can("courses.assign_course", boss, person)
    assert not person_list_assignable_by(actor=boss).exists()


def test_agency_admin_assigns_within_their_agency(agency_admin, learner, other_agency_learner):
    assert _can("courses.assign_course", agency_admin, learner)
    assert not _can("courses.assign_course", agency_admin, other_agency_learner)
    people = person_list_assignable_by(actor=agency_admin)
    assert people.filter(pk=learner.pk).exists()
    assert not people.filter(pk=other_agency_learner.pk).exists()


@pytest.mark.parametrize("who", ["learner", "trainer", "wellbeing_lead", "trends_analyst"])
def test_other_roles_cannot_assign(request, who, unit):
    actor = request.getfixturevalue(who)
    person = UserFactory(unit=unit, agency=unit.agency)

    assert not _can("courses.assign_course", actor, person)
    assert not person_list_assignable_by(actor=actor).exists()


def test_platform_admin_assigns_to_anyone(platform_admin, other_agency_learner):
    assert _can("courses.assign_course", platform_admin, other_agency_learner)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("learner", False),
        ("trainer", False),
        ("supervisor", True),
        ("agency_admin", True),
        ("platform_admin", True),
        ("wellbeing_lead", False),
    ],
)
def test_view_reports_matrix(db, request, who, expected):
    assert _can("courses.view_reports", request.getfixturevalue(who)) is expected


def test_reference_library_is_for_every_approved_user(learner):
    assert _can("courses.view_reference", learner)
    learner.vetting_status = "pending"
    assert not _can("courses.view_reference", learner)


def test_agency_factory_country_differs_for_other_agency(db):
    # Guard for the country tests above: two agencies can be in different countries.
    a = AgencyFactory(country=CountryFactory(code="FR"))
    b = AgencyFactory(country=CountryFactory(code="BE"))
    assert a.country_id != b.country_id
