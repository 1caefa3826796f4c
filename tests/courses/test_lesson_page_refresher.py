"""A lesson page knows whether an open refresher of the learner asks for the lesson (read
with the lesson's text, not in a query of its own): it links to the refresher, and
completing the lesson leads back to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses import services
from courses.models import Refresher

from .factories import complete_lessons, published_course


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def changed(learner, trainer):
    """A learner certified on a course whose first module then changed materially: one open
    refresher asks for the changed lesson; the second module's lesson is not asked for."""
    course = published_course(trainer=trainer, modules=2, lessons=1, title="Online grooming")
    services.enrolment_self_create(actor=learner, course=course)
    complete_lessons(learner, course)
    first, second = course.modules.order_by("position")
    changed_lesson = first.lessons.get()
    changed_lesson.body_md = "Updated."
    changed_lesson.save()
    services.module_publish(
        actor=trainer, module=first, change_summary="A new rule.", is_material_change=True
    )
    return course, changed_lesson, second.lessons.get(), Refresher.objects.get(user=learner)


def _lesson_url(course, lesson):
    return reverse("courses:lesson", args=[course.slug, lesson.pk])


def test_the_changed_lesson_links_to_the_refresher_and_the_other_does_not(
    client_as, learner, changed
):
    course, changed_lesson, other_lesson, refresher = changed
    client = client_as(learner)
    refresher_url = reverse("courses:refresher", args=[refresher.pk])

    assert refresher_url in client.get(_lesson_url(course, changed_lesson)).content.decode()
    assert refresher_url not in client.get(_lesson_url(course, other_lesson)).content.decode()


def test_completing_the_changed_lesson_returns_to_the_refresher_page(client_as, learner, changed):
    course, changed_lesson, _other, refresher = changed
    url = reverse("courses:lesson_complete", args=[course.slug, changed_lesson.pk])

    response = client_as(learner).post(url)

    # The refresher had one lesson: it is now complete, and the learner is back on its page.
    assert response.status_code == 302
    assert response.url == reverse("courses:refresher", args=[refresher.pk])
    refresher.refresh_from_db()
    assert refresher.completed_at is not None


def test_a_finished_refresher_no_longer_claims_the_lesson(client_as, learner, changed):
    course, changed_lesson, _other, refresher = changed
    client = client_as(learner)
    client.post(reverse("courses:lesson_complete", args=[course.slug, changed_lesson.pk]))

    page = client.get(_lesson_url(course, changed_lesson)).content.decode()

    assert reverse("courses:refresher", args=[refresher.pk]) not in page
