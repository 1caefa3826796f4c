"""The hourly rules job, the privacy export/erase part, and the admin screens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.privacy import privacy_export, privacy_parts
from courses import services
from courses.models import Certificate, Enrolment, LessonVersion, QuizAttempt
from courses.tasks import assignment_rules_apply_task
from tests.factories import UserFactory

from .factories import published_course


@pytest.fixture
def site_admin(platform_admin):
    platform_admin.is_staff = platform_admin.is_superuser = True
    platform_admin.save(update_fields=["is_staff", "is_superuser"])
    return platform_admin


@pytest.fixture
def course(trainer):
    return published_course(trainer=trainer, lessons=1, questions=1)


def test_rules_job_assigns_newcomers_once_per_hour(agency_admin, course):
    services.assignment_rule_create(
        actor=agency_admin,
        course=course,
        agency=agency_admin.agency,
        profession=agency_admin.profession,
    )
    UserFactory(agency=agency_admin.agency, unit=agency_admin.unit)

    first = assignment_rules_apply_task()
    UserFactory(agency=agency_admin.agency, unit=agency_admin.unit)
    second = assignment_rules_apply_task()

    assert first == {"created": 1}
    assert second is None  # the same hour was already claimed


def test_rules_job_is_scheduled_by_beat(db):
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="courses.assignment_rules_apply").exists()


def _learn(learner, course):
    Enrolment.objects.create(user=learner, course=course, source="self")
    services.lesson_complete(
        actor=learner,
        lesson_version=LessonVersion.objects.get(module_version__module__course=course),
    )
    attempt = services.quiz_attempt_start(actor=learner, module=course.modules.get())
    key = attempt.layout[0]["key"]
    services.quiz_attempt_submit(actor=learner, attempt=attempt, answers={key: ["true"]})


def test_privacy_export_lists_learning_records(learner, course):
    _learn(learner, course)

    data = privacy_export(user=learner)["courses"]

    assert data["enrolments"][0]["course"] == course.title
    assert data["lessons_completed"] == 1
    assert data["quiz_attempts"][0]["passed"] is True
    assert data["certificates"][0]["code"] == Certificate.objects.get().code


def test_privacy_erase_removes_learning_records(learner, course):
    _learn(learner, course)
    part = next(p for p in privacy_parts() if p.name == "courses")

    part.erase(learner)

    assert not Enrolment.objects.filter(user=learner).exists()
    assert not QuizAttempt.objects.filter(user=learner).exists()
    assert not Certificate.objects.filter(user=learner).exists()


@pytest.mark.parametrize(
    "model",
    [
        "course", "module", "lesson", "moduleversion", "lessonversion", "question",
        "enrolment", "assignmentrule", "quizattempt", "quizattemptgrant", "certificate",
        "prioritylevel",
        "followupaction", "glossaryterm", "drill", "topictag", "competency",
    ],
)  # fmt: skip
def test_admin_changelists_open(client, site_admin, course, model):
    client.force_login(site_admin)

    response = client.get(reverse(f"admin:courses_{model}_changelist"))

    assert response.status_code == 200


def test_admin_revoke_action_calls_the_service(client, site_admin, learner, course):
    _learn(learner, course)
    certificate = Certificate.objects.get()
    client.force_login(site_admin)

    client.post(
        reverse("admin:courses_certificate_changelist"),
        {"action": "revoke_certificates", "_selected_action": [certificate.pk]},
    )

    certificate.refresh_from_db()
    assert certificate.revoked_at is not None


def test_course_audit_actions_have_readable_labels():
    from django.utils import translation

    from accounts.registries import audit_action_label

    with translation.override("en"):
        assert audit_action_label("courses.refresher_policy_save") == "Changed a refresher policy"
    with translation.override("fr"):
        assert audit_action_label("courses.refreshers_assign").startswith("A attribué")
