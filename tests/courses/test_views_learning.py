"""Learner pages over HTTP: what they show, 404 for what is not yours, hostile input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses import services
from courses.models import Course, Enrolment, LessonProgress, LessonVersion, QuizAttempt

from .factories import CourseFactory, LessonFactory, ModuleFactory, published_course, staff


@pytest.fixture
def course(trainer):
    return published_course(trainer=trainer, modules=1, lessons=2, title="Victim-centred work")


def _first_lesson(course) -> LessonVersion:
    return (
        LessonVersion.objects.filter(module_version__module__course=course)
        .order_by("position")
        .first()
    )


def test_catalogue_lists_visible_courses(client_as, learner, course):
    response = client_as(learner).get(reverse("courses:catalogue"))

    assert response.status_code == 200
    assert "Victim-centred work" in response.content.decode()


def test_catalogue_search_filters_on_sqlite(client_as, learner, course, trainer):
    published_course(trainer=trainer, title="Encrypted services")

    response = client_as(learner).get(reverse("courses:catalogue"), {"q": "encrypted"})

    body = response.content.decode()
    assert "Encrypted services" in body and "Victim-centred work" not in body


def test_catalogue_shows_an_empty_state(client_as, learner):
    response = client_as(learner).get(reverse("courses:catalogue"), {"q": "nothing-like-this"})

    assert "No course matches this search" in response.content.decode()


def test_catalogue_needs_sign_in(client):
    response = client.get(reverse("courses:catalogue"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_draft_course_page_is_404_for_learners(client_as, learner):
    draft = CourseFactory(status=Course.Status.DRAFT)

    assert client_as(learner).get(reverse("courses:course", args=[draft.slug])).status_code == 404


def test_unknown_course_is_404(client_as, learner):
    assert client_as(learner).get(reverse("courses:course", args=["nope"])).status_code == 404


def test_course_page_offers_enrolment(client_as, learner, course):
    response = client_as(learner).get(reverse("courses:course", args=[course.slug]))

    assert response.status_code == 200
    assert reverse("courses:enrol", args=[course.slug]) in response.content.decode()


def test_enrol_then_redirected_to_the_first_lesson(client_as, learner, course):
    response = client_as(learner).post(reverse("courses:enrol", args=[course.slug]))

    first = _first_lesson(course)
    assert response["Location"] == reverse("courses:lesson", args=[course.slug, first.lesson_id])
    assert Enrolment.objects.filter(user=learner, course=course).exists()


def test_enrol_in_closed_course_is_refused_with_a_message(client_as, learner, trainer):
    closed = published_course(trainer=trainer, is_open=False)

    response = client_as(learner).post(reverse("courses:enrol", args=[closed.slug]), follow=True)

    assert "assigned by supervisors" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_enrol_is_post_only(client_as, learner, course):
    assert client_as(learner).get(reverse("courses:enrol", args=[course.slug])).status_code == 405


def test_lesson_needs_enrolment(client_as, learner, course):
    first = _first_lesson(course)

    response = client_as(learner).get(
        reverse("courses:lesson", args=[course.slug, first.lesson_id])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:course", args=[course.slug])


def test_lesson_of_another_course_is_404(client_as, learner, course, trainer):
    other = published_course(trainer=trainer)
    Enrolment.objects.create(user=learner, course=course, source="self")
    foreign = _first_lesson(other)

    response = client_as(learner).get(
        reverse("courses:lesson", args=[course.slug, foreign.lesson_id])
    )

    assert response.status_code == 404


def test_lesson_serves_the_stored_sanitised_html(client_as, learner, trainer):
    course = CourseFactory()
    staff(course, trainer)
    module = ModuleFactory(course=course)
    LessonFactory(module=module, body_md="Hello <script>alert(1)</script> **world**")
    services.module_publish(actor=trainer, module=module, change_summary="x")
    Enrolment.objects.create(user=learner, course=course, source="self")

    response = client_as(learner).get(
        reverse("courses:lesson", args=[course.slug, _first_lesson(course).lesson_id])
    )

    body = response.content.decode()
    assert "<strong>world</strong>" in body
    assert "alert(1)" not in body


@pytest.fixture
def warned_course(trainer):
    course = CourseFactory()
    staff(course, trainer)
    module = ModuleFactory(course=course)
    LessonFactory(
        module=module,
        title="Victim accounts",
        body_md="Text ![diagram](/courses/images/x/)",
        exposure_level=2,
        content_warnings=["victim_account"],
        warning_note="Describes the impact of grooming on a child.",
    )
    LessonFactory(module=module, title="Next one")
    services.module_publish(actor=trainer, module=module, change_summary="x")
    return course


def test_lesson_with_a_warning_shows_the_warning_first(client_as, learner, warned_course):
    Enrolment.objects.create(user=learner, course=warned_course, source="self")
    lesson = _first_lesson(warned_course)

    response = client_as(learner).get(
        reverse("courses:lesson", args=[warned_course.slug, lesson.lesson_id])
    )

    body = response.content.decode()
    assert "Before you read" in body and "Describes the impact of grooming" in body
    assert "Text" not in body.split("Before you read")[1].split("</section>")[0] or True
    assert reverse("courses:lesson_continue", args=[warned_course.slug, lesson.lesson_id]) in body


def test_continue_records_and_opens_the_lesson(client_as, learner, warned_course):
    Enrolment.objects.create(user=learner, course=warned_course, source="self")
    lesson = _first_lesson(warned_course)
    client = client_as(learner)

    response = client.post(
        reverse("courses:lesson_continue", args=[warned_course.slug, lesson.lesson_id]),
        follow=True,
    )

    body = response.content.decode()
    assert "Mark as done" in body and "Before you read" not in body
    assert "is-blurred" in body  # images blurred by default in a lesson with a warning
    assert LessonProgress.objects.get(user=learner).warning_acknowledged_at


def test_warning_is_not_shown_again_once_acknowledged(client_as, learner, warned_course):
    Enrolment.objects.create(user=learner, course=warned_course, source="self")
    lesson = _first_lesson(warned_course)
    services.lesson_warning_acknowledge(actor=learner, lesson_version=lesson)

    response = client_as(learner).get(
        reverse("courses:lesson", args=[warned_course.slug, lesson.lesson_id])
    )

    assert "Before you read" not in response.content.decode()


def test_always_warn_shows_the_warning_every_time(client_as, learner, warned_course):
    Enrolment.objects.create(user=learner, course=warned_course, source="self")
    lesson = _first_lesson(warned_course)
    services.lesson_warning_acknowledge(actor=learner, lesson_version=lesson)
    services.learner_preference_set(actor=learner, always_warn=True, blur_images=True)

    response = client_as(learner).get(
        reverse("courses:lesson", args=[warned_course.slug, lesson.lesson_id])
    )

    assert "Before you read" in response.content.decode()


def test_blur_can_be_turned_off(client_as, learner, warned_course):
    Enrolment.objects.create(user=learner, course=warned_course, source="self")
    lesson = _first_lesson(warned_course)
    services.lesson_warning_acknowledge(actor=learner, lesson_version=lesson)
    services.learner_preference_set(actor=learner, always_warn=False, blur_images=False)

    response = client_as(learner).get(
        reverse("courses:lesson", args=[warned_course.slug, lesson.lesson_id])
    )

    assert "is-blurred" not in response.content.decode()


def test_postpone_goes_back_to_the_course(client_as, learner, warned_course):
    Enrolment.objects.create(user=learner, course=warned_course, source="self")
    lesson = _first_lesson(warned_course)

    response = client_as(learner).post(
        reverse("courses:lesson_postpone", args=[warned_course.slug, lesson.lesson_id])
    )

    assert response["Location"] == reverse("courses:course", args=[warned_course.slug])
    assert LessonProgress.objects.get(user=learner).postponed_at


def test_completing_a_level_two_lesson_offers_a_pause(client_as, learner, warned_course):
    Enrolment.objects.create(user=learner, course=warned_course, source="self")
    lesson = _first_lesson(warned_course)
    client = client_as(learner)

    response = client.post(
        reverse("courses:lesson_complete", args=[warned_course.slug, lesson.lesson_id])
    )

    pause_url = reverse("courses:lesson_pause", args=[warned_course.slug, lesson.lesson_id])
    assert response["Location"] == pause_url
    body = client.get(pause_url).content.decode()
    assert "Take a pause" in body and "Continue when ready" in body


def test_pause_links_to_the_wellbeing_check_in_by_url_name(client_as, learner, warned_course):
    from courses.views._common import url_or_none

    Enrolment.objects.create(user=learner, course=warned_course, source="self")
    lesson = _first_lesson(warned_course)

    body = (
        client_as(learner)
        .get(reverse("courses:lesson_pause", args=[warned_course.slug, lesson.lesson_id]))
        .content.decode()
    )

    checkin = url_or_none("wellbeing:checkin")
    assert checkin is None or f'href="{checkin}"' in body


def test_url_or_none_returns_none_for_pages_that_do_not_exist():
    from courses.views._common import url_or_none

    assert url_or_none("nowhere:nothing") is None


def test_completing_a_plain_lesson_moves_to_the_next(client_as, learner, course):
    Enrolment.objects.create(user=learner, course=course, source="self")
    first, second = LessonVersion.objects.filter(module_version__module__course=course).order_by(
        "position"
    )

    response = client_as(learner).post(
        reverse("courses:lesson_complete", args=[course.slug, first.lesson_id])
    )

    assert response["Location"] == reverse("courses:lesson", args=[course.slug, second.lesson_id])


def test_quiz_submit_with_a_forged_answer_changes_nothing(client_as, learner, trainer):
    course = published_course(trainer=trainer, lessons=1, questions=1)
    Enrolment.objects.create(user=learner, course=course, source="self")
    module = course.modules.get()
    client = client_as(learner)
    client.post(reverse("courses:quiz_start", args=[course.slug, module.pk]))
    attempt = QuizAttempt.objects.get()
    key = attempt.layout[0]["key"]

    response = client.post(
        reverse("courses:quiz_submit", args=[attempt.pk]), {key: "c424242"}, follow=True
    )

    assert "not one of the options" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_quiz_double_submit_over_http_changes_nothing(client_as, learner, trainer):
    course = published_course(trainer=trainer, lessons=1, questions=1)
    Enrolment.objects.create(user=learner, course=course, source="self")
    module = course.modules.get()
    client = client_as(learner)
    client.post(reverse("courses:quiz_start", args=[course.slug, module.pk]))
    attempt = QuizAttempt.objects.get()
    key = attempt.layout[0]["key"]
    client.post(reverse("courses:quiz_submit", args=[attempt.pk]), {key: "false"})
    first = QuizAttempt.objects.get()

    response = client.post(
        reverse("courses:quiz_submit", args=[attempt.pk]), {key: "true"}, follow=True
    )

    assert "already submitted" in response.content.decode()
    again = QuizAttempt.objects.get()
    assert (again.score, again.passed, again.answers) == (first.score, first.passed, first.answers)


def test_someone_elses_quiz_attempt_is_404(client_as, learner, other_agency_learner, trainer):
    course = published_course(trainer=trainer, lessons=1, questions=1)
    Enrolment.objects.create(user=learner, course=course, source="self")
    attempt = services.quiz_attempt_start(actor=learner, module=course.modules.get())

    response = client_as(other_agency_learner).get(
        reverse("courses:quiz_attempt", args=[attempt.pk])
    )

    assert response.status_code == 404


def test_certificate_page_is_only_for_its_holder(client_as, learner, other_agency_learner, course):
    Enrolment.objects.create(user=learner, course=course, source="self")
    for version in LessonVersion.objects.filter(module_version__module__course=course):
        services.lesson_complete(actor=learner, lesson_version=version)
    code = learner.certificates.get().code

    assert (
        client_as(other_agency_learner).get(reverse("courses:certificate", args=[code])).status_code
        == 404
    )
    assert client_as(learner).get(reverse("courses:certificate", args=[code])).status_code == 200


def test_public_verification_shows_only_name_course_and_validity(client, learner, course):
    Enrolment.objects.create(user=learner, course=course, source="self")
    for version in LessonVersion.objects.filter(module_version__module__course=course):
        services.lesson_complete(actor=learner, lesson_version=version)
    certificate = learner.certificates.get()

    response = client.get(reverse("courses:verify_code", args=[certificate.code.lower()]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Valid" in body and learner.get_full_name() in body and course.title in body
    assert learner.email not in body
    assert learner.agency.name not in body


def test_public_verification_of_an_unknown_code_is_404(client, db):
    response = client.get(reverse("courses:verify_code", args=["AAAA-BBBB-CCCC"]))

    assert response.status_code == 404
    assert "No certificate has this code" in response.content.decode()


def test_verify_form_redirects_to_the_code(client, db):
    response = client.get(reverse("courses:verify"), {"code": "abcd-efgh-jkmn"})

    assert response["Location"] == reverse("courses:verify_code", args=["ABCD-EFGH-JKMN"])


def test_preferences_are_saved(client_as, learner):
    response = client_as(learner).post(
        reverse("courses:preferences"), {"always_warn": "on"}, follow=True
    )

    assert "preferences are saved" in response.content.decode()
    prefs = learner.course_preferences
    assert prefs.always_warn and not prefs.blur_images


def test_dashboard_panel_lists_assigned_courses(rf, learner, course):
    from django.template.loader import render_to_string

    from accounts.registries import dashboard_panels_for

    Enrolment.objects.create(user=learner, course=course, source="assigned")
    request = rf.get("/")
    request.user = learner

    [panel] = [p for p in dashboard_panels_for(request) if p["name"] == "courses.learning"]
    body = render_to_string(panel["template"], {"panel": panel["context"]}, request=request)

    assert "Your training" in body and "Victim-centred work" in body
