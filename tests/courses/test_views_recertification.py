"""Pages of recertification: the learner's panel, certificate and refresher pages, the
renewal action, the trainer's policy form and counts, the supervisor's panel. Permission
matrix, 404 for what is not yours, query counts that do not grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import user_roles
from courses import services
from courses.dashboard import supervision_panel_context
from courses.models import Certificate, Enrolment, Refresher, RefresherPolicy
from tests.factories import UserFactory

from .factories import CourseFactory, complete_lessons, published_course

TODAY = timezone.localdate()


def in_days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def course(trainer):
    course = published_course(trainer=trainer, modules=2, lessons=1, title="Online grooming")
    services.refresher_policy_save(
        actor=trainer,
        course=course,
        validity_months=12,
        window_days=30,
        expiry_basis="completion",
        refresher_modules=[course.modules.order_by("position").last()],
    )
    return course


def certify(user, course, *, expires_on):
    services.enrolment_self_create(actor=user, course=course)
    complete_lessons(user, course)
    certificate = Certificate.objects.get(user=user, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=expires_on)
    services.enrolment_state_refresh(ids=[certificate.enrolment_id])
    certificate.refresh_from_db()
    return certificate


# --- Learner ------------------------------------------------------------------------------


def test_dashboard_shows_an_expiring_certificate_with_a_renew_button(client_as, learner, course):
    certify(learner, course, expires_on=in_days(10))

    page = client_as(learner).get(reverse("home")).content.decode()

    assert "Keep your certificates current" in page
    assert reverse("courses:renew", args=[course.slug]) in page


def test_certificate_page_offers_the_refresher_in_the_window(client_as, learner, course):
    certificate = certify(learner, course, expires_on=in_days(10))
    client = client_as(learner)

    page = client.get(reverse("courses:certificate", args=[certificate.code])).content.decode()
    assert "Your renewal window is open" in page

    response = client.post(reverse("courses:renew", args=[course.slug]))
    refresher = Refresher.objects.get(user=learner)
    assert response.url == reverse("courses:refresher", args=[refresher.pk])
    page = client.get(reverse("courses:certificate", args=[certificate.code])).content.decode()
    assert "Continue the refresher" in page


def test_renewing_before_the_window_is_refused_with_a_message(client_as, learner, course):
    certify(learner, course, expires_on=in_days(200))

    response = client_as(learner).post(reverse("courses:renew", args=[course.slug]), follow=True)

    assert "cannot be renewed yet" in response.content.decode()
    assert not Refresher.objects.exists()


def test_the_refresher_page_lists_what_changed_and_the_lessons(client_as, learner, course, trainer):
    certify(learner, course, expires_on=in_days(200))
    module = course.modules.order_by("position").first()
    lesson = module.lessons.get()
    lesson.body_md = "Updated."
    lesson.save()
    services.module_publish(
        actor=trainer, module=module, change_summary="A new rule.", is_material_change=True
    )
    refresher = Refresher.objects.get()

    page = client_as(learner).get(reverse("courses:refresher", args=[refresher.pk]))

    text = page.content.decode()
    assert "What changed" in text and "A new rule." in text
    assert reverse("courses:lesson", args=[course.slug, lesson.pk]) in text


def test_someone_elses_refresher_and_certificate_are_404(client_as, learner, course):
    certificate = certify(learner, course, expires_on=in_days(10))
    refresher = services.refresher_renewal_start(actor=learner, course=course)
    client = client_as(UserFactory(unit=learner.unit, agency=learner.agency))

    assert client.get(reverse("courses:refresher", args=[refresher.pk])).status_code == 404
    assert client.get(reverse("courses:certificate", args=[certificate.code])).status_code == 404
    assert client.get(reverse("courses:refresher", args=[999999])).status_code == 404


def test_renewing_a_course_you_cannot_see_is_404(client_as, other_agency_learner, trainer):
    hidden = CourseFactory(is_open=False, status="draft")

    response = client_as(other_agency_learner).post(reverse("courses:renew", args=[hidden.slug]))

    assert response.status_code == 404


def test_renewing_requires_a_post(client_as, learner, course):
    assert client_as(learner).get(reverse("courses:renew", args=[course.slug])).status_code == 405


# --- Trainer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("trainer", 200), ("platform_admin", 200), ("learner", 404), ("supervisor", 404)],
)
def test_policy_form_permission_matrix(request, client_as, course, who, status):
    client = client_as(request.getfixturevalue(who))

    response = client.get(reverse("courses:authoring_refresher_policy", args=[course.pk]))

    assert response.status_code == status


def test_another_courses_trainer_gets_404(client_as, course):
    from tests.factories import totp_enrol

    other = UserFactory(roles=["trainer"])
    totp_enrol(other)
    published_course(trainer=other)

    response = client_as(other).get(reverse("courses:authoring_refresher_policy", args=[course.pk]))

    assert response.status_code == 404


def test_trainer_saves_the_policy(client_as, trainer, course):
    module = course.modules.order_by("position").first()

    response = client_as(trainer).post(
        reverse("courses:authoring_refresher_policy", args=[course.pk]),
        {
            "validity_months": "24",
            "window_days": "45",
            "expiry_basis": "previous_expiry",
            "minimum_active_months": "6",
            "refresher_modules": [str(module.pk)],
        },
    )

    assert response.status_code == 302
    policy = RefresherPolicy.objects.get(course=course)
    assert (policy.validity_months, policy.window_days, policy.expiry_basis) == (
        24,
        45,
        "previous_expiry",
    )
    assert list(policy.refresher_modules.all()) == [module]


def test_a_bad_policy_shows_an_error_and_changes_nothing(client_as, trainer, course):
    response = client_as(trainer).post(
        reverse("courses:authoring_refresher_policy", args=[course.pk]),
        {"validity_months": "1", "window_days": "90", "expiry_basis": "completion"},
    )

    assert response.status_code == 200
    assert "shorter than the validity" in response.content.decode()
    assert RefresherPolicy.objects.get(course=course).validity_months == 12


def test_trainer_sees_counts_expiring_in_30_and_90_days(client_as, trainer, course):
    for days in (10, 25, 60, 200):
        certify(UserFactory(), course, expires_on=in_days(days))
    certify(UserFactory(), course, expires_on=in_days(-3))
    services.enrolment_states_advance()

    counts = services_counts(course)
    home = client_as(trainer).get(reverse("courses:authoring")).content.decode()
    manage = client_as(trainer).get(reverse("courses:authoring_course", args=[course.pk]))

    assert (counts.within_30, counts.within_90, counts.expired) == (2, 3, 1)
    assert "Expiring in 30 days" in home
    assert "Expiring within 90 days" in manage.content.decode()


def services_counts(course):
    from courses.selectors import course_expiry_counts

    return course_expiry_counts(course_ids=[course.pk])[course.pk]


def test_publishing_a_critical_change_from_the_form(client_as, trainer, learner, course):
    certify(learner, course, expires_on=in_days(200))
    module = course.modules.order_by("position").first()
    lesson = module.lessons.get()
    lesson.body_md = "Changed."
    lesson.save()

    client_as(trainer).post(
        reverse("courses:authoring_publish", args=[module.pk]),
        {
            "change_summary": "Urgent change.",
            "is_material_change": "on",
            "is_critical_change": "on",
        },
    )

    refresher = Refresher.objects.get()
    assert refresher.is_critical
    due = refresher.due_on
    assert Certificate.objects.get(user=learner).expires_on == due


# --- Supervisor ---------------------------------------------------------------------------


def test_supervisor_panel_lists_expiring_and_overdue_people_of_their_units(
    client_as, supervisor, learner, course, rf
):
    certify(learner, course, expires_on=in_days(5))
    late = UserFactory(unit=learner.unit, agency=learner.agency, full_name="Late Person")
    Enrolment.objects.create(
        user=late, course=course, source="assigned", due_on=in_days(-2), state="overdue"
    )
    stranger = UserFactory(full_name="Not Mine")
    certify(stranger, course, expires_on=in_days(5))

    page = client_as(supervisor).get(reverse("home")).content.decode()

    assert "Certificates and overdue training in your units" in page
    assert learner.get_full_name() in page and "Late Person" in page
    assert "Not Mine" not in page


def test_learners_get_no_supervisor_panel(rf, learner):
    request = rf.get("/")
    request.user = learner

    assert supervision_panel_context(request) is None


@pytest.mark.parametrize("people", [2, 12])
def test_supervisor_panel_queries_do_not_grow(
    rf, supervisor, course, people, django_assert_num_queries
):
    for n in range(people):
        person = UserFactory(unit=supervisor.unit, agency=supervisor.agency)
        Enrolment.objects.create(
            user=person,
            course=course,
            source="self",
            state="window_open",
            expires_on=in_days(n % 20),
        )
    request = rf.get("/")
    request.user = supervisor
    user_roles(supervisor)  # known before any panel in a real request (the MFA middleware)
    # units supervised, totals, upcoming, overdue, course updates (and the supervisions)
    with django_assert_num_queries(6):
        context = supervision_panel_context(request)
    assert context["panel"].upcoming_total == people


def test_refresher_page_queries_do_not_grow_with_its_lessons(client_as, learner, trainer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(learner)

    def page_queries(lessons: int) -> int:
        course = published_course(trainer=trainer, modules=1, lessons=lessons)
        certify(learner, course, expires_on=in_days(10))
        refresher = services.refresher_renewal_start(actor=learner, course=course)
        url = reverse("courses:refresher", args=[refresher.pk])
        client.get(url)  # warm per-process caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert page_queries(1) == page_queries(6)


def test_supervisor_panel_lists_course_updates_past_due(
    client_as, supervisor, learner, course, trainer
):
    certify(learner, course, expires_on=in_days(200))
    module = course.modules.order_by("position").first()
    lesson = module.lessons.get()
    lesson.body_md = "Changed."
    lesson.save()
    services.module_publish(
        actor=trainer, module=module, change_summary="New rule.", is_material_change=True
    )
    Refresher.objects.update(due_on=in_days(-3))

    page = client_as(supervisor).get(reverse("home")).content.decode()

    assert "Course updates not taken by their due date" in page
    assert learner.get_full_name() in page


def test_overdue_renewals_are_not_listed_again_as_course_updates(supervisor, learner, trainer):
    import datetime

    from django.utils import timezone

    from accounts.roles import user_roles
    from courses.models import Enrolment, Refresher
    from courses.selectors import supervisor_expiry_panel_for
    from tests.courses.factories import published_course

    course = published_course(trainer=trainer)
    enrolment = Enrolment.objects.create(user=learner, course=course, source="assigned")
    past = timezone.localdate() - datetime.timedelta(days=3)
    Refresher.objects.create(
        user=learner, course=course, enrolment=enrolment, kind="renewal", due_on=past
    )
    user_roles(supervisor)

    panel = supervisor_expiry_panel_for(user=supervisor)

    assert panel is not None and panel.updates_overdue == []


def test_a_revoked_certificate_page_offers_to_earn_a_new_one(client_as, learner, course, trainer):
    certificate = certify(learner, course, expires_on=in_days(200))
    services.certificate_revoke(actor=trainer, certificate=certificate, reason="Issued in error.")

    page = client_as(learner).get(reverse("courses:certificate", args=[certificate.code]))

    text = page.content.decode()
    assert "This certificate was revoked." in text
    assert "Take the course again to earn a new certificate." in text
    assert "has expired" not in text
