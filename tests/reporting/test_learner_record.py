"""A learner's training record: training only, audited."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from courses.models import Certificate, DrillAttempt, QuizAttempt
from tests.courses.factories import DrillFactory
from tests.factories import UserFactory

from .helpers import required


def test_record_lists_courses_certificates_quizzes_and_drills(client_as, supervisor, unit, trainer):
    from tests.courses.factories import published_course

    person = UserFactory(unit=unit, agency=unit.agency)
    course = published_course(trainer=trainer, title="Record course")
    required(person, course, state="certified")
    Certificate.objects.create(
        user=person, course=course, code="REC-0001", holder_name="x", course_title="Record course"
    )
    module = course.modules.first()
    QuizAttempt.objects.create(
        user=person,
        module=module,
        module_version=module.current_version,
        number=1,
        submitted_at=timezone.now(),
        score=85,
        passed=True,
    )
    drill = DrillFactory(course=course, title="Referral triage drill")
    DrillAttempt.objects.create(user=person, drill=drill, submitted_at=timezone.now(), score=72)

    html = client_as(supervisor).get(reverse("reporting:learner", args=[person.pk])).content
    html = html.decode()

    assert "Record course" in html
    assert "REC-0001" in html
    assert "85 %" in html and "Passed" in html
    assert "Referral triage drill" in html and "72 %" in html


def test_reading_a_record_is_audited_with_the_person(client_as, supervisor, learner):
    client_as(supervisor).get(reverse("reporting:learner", args=[learner.pk]))

    event = AuditEvent.objects.get(action="reporting.learner_record_view")
    assert event.actor == supervisor
    assert event.subject_user == learner


def test_a_refused_read_is_not_audited_as_a_read(client_as, supervisor, other_agency_learner):
    client_as(supervisor).get(reverse("reporting:learner", args=[other_agency_learner.pk]))

    assert not AuditEvent.objects.filter(action="reporting.learner_record_view").exists()


def test_record_holds_training_data_only(supervisor, learner):
    """Wellbeing and mentoring cannot reach the page: the record has no place for them, and
    import-linter forbids reporting to import those apps."""
    from dataclasses import fields

    from reporting.selectors import learner_record_get

    record = learner_record_get(actor=supervisor, person_pk=learner.pk)

    assert {f.name for f in fields(record)} == {
        "person",
        "enrolments",
        "certificates",
        "quiz_attempts",
        "drill_attempts",
    }


def test_record_shows_what_a_mentor_signed_off_and_event_cpd(client_as, supervisor, learner):
    from mentoring.models import CompetencyObservation, EventAttendance
    from tests.mentoring.factories import AssignmentFactory, CompetencyFactory, EventFactory

    mentor = UserFactory()
    pair = AssignmentFactory(mentor=mentor, mentee=learner)
    CompetencyObservation.objects.create(
        learner=learner,
        competency=CompetencyFactory(name="Preserving volatile evidence"),
        observed_by=mentor,
        assignment=pair,
    )
    EventAttendance.objects.create(
        event=EventFactory(title="Regional triage workshop"), user=learner, cpd_hours=3
    )

    page = client_as(supervisor).get(reverse("reporting:learner", args=[learner.pk])).text

    assert "Preserving volatile evidence" in page
    assert mentor.get_full_name() in page
    assert "Regional triage workshop" in page
