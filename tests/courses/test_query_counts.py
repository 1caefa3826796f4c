"""Learner pages run a fixed number of queries whatever the data size (DESIGN section 9):
exact counts for the selectors, and equal counts at two sizes for the whole pages (the
whole-page count includes middleware and other apps' context, which evolve)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import selectors, services
from courses.dashboard import learning_panel_context
from courses.models import Enrolment, LessonVersion

from .factories import CourseFactory, LessonFactory, ModuleFactory, QuestionFactory, staff


def _build(trainer, learner, *, courses: int, modules: int, lessons: int):
    """`courses` published courses; the learner enrolled in all, with some progress."""
    made = []
    for _ in range(courses):
        course = CourseFactory()
        staff(course, trainer)
        for _ in range(modules):
            module = ModuleFactory(course=course)
            for _ in range(lessons):
                LessonFactory(module=module)
            QuestionFactory(module=module)
            services.module_publish(actor=trainer, module=module, change_summary="v1")
        course.topic_tags.create(slug=f"tag-{course.pk}", name="Tag", dimension="technique")
        Enrolment.objects.create(user=learner, course=course, source="assigned")
        first = LessonVersion.objects.filter(module_version__module__course=course).first()
        services.lesson_complete(actor=learner, lesson_version=first)
        made.append(course)
    return made


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


SIZES = [dict(courses=1, modules=1, lessons=1), dict(courses=4, modules=3, lessons=5)]


@pytest.fixture(params=SIZES, ids=["small", "large"])
def data(request, trainer, learner):
    from accounts.backends import AuthenticationBackend
    from accounts.roles import user_roles

    courses = _build(trainer, learner, **request.param)
    # As in a request: the user is loaded fresh by the sign-in backend (with agency, country
    # and unit) and the navigation has asked for its roles.
    learner = AuthenticationBackend().get_user(learner.pk)
    user_roles(learner)
    return learner, courses[0]


def test_catalogue_selector_queries(data, django_assert_num_queries):
    learner, _course = data
    # Reset per-request caches the way a fresh request would have them.
    with django_assert_num_queries(2):  # courses, topic tags
        list(selectors.course_list_catalogue(user=learner, query="course"))


def test_course_page_selector_queries(data, django_assert_num_queries):
    learner, course = data
    # enrolment with its course, modules + current versions + module progress, lesson
    # outline + lesson progress, drills
    with django_assert_num_queries(4):
        selectors.course_page_get(user=learner, slug=course.slug, language="en")


def test_course_page_selector_queries_before_enrolling(data, django_assert_num_queries):
    learner, course = data
    course.enrolments.all().delete()
    # no enrolment, the course, modules + current versions, lesson outline, drills
    with django_assert_num_queries(5):
        page = selectors.course_page_get(user=learner, slug=course.slug, language="en")
    assert page.enrolment is None and page.course == course


def test_lesson_page_selector_queries(data, django_assert_num_queries):
    learner, course = data
    lesson_id = LessonVersion.objects.filter(module_version__module__course=course).last().lesson_id
    # the course page's queries but the drills, then the lesson's text with the open
    # refresher that asks for it (the preferences are read only for a lesson with a content
    # warning)
    with django_assert_num_queries(4):
        selectors.lesson_page_get(
            user=learner, slug=course.slug, lesson_id=lesson_id, language="en"
        )


def test_dashboard_panel_queries(data, rf, django_assert_num_queries):
    learner, _course = data
    request = rf.get("/")
    request.user = learner
    with django_assert_num_queries(1):  # enrolments with their states (and no refresher)
        learning_panel_context(request)


def test_dashboard_panel_reads_open_refreshers_only_when_there_are_some(
    trainer, learner, rf, django_assert_num_queries
):
    from courses.models import Refresher

    course = _build(trainer, learner, courses=1, modules=1, lessons=1)[0]
    enrolment = Enrolment.objects.get(user=learner, course=course)
    refresher = Refresher.objects.create(
        user=learner, course=course, enrolment=enrolment, kind=Refresher.Kind.CHANGE
    )
    Refresher.objects.create(
        user=learner,
        course=course,
        enrolment=enrolment,
        kind=Refresher.Kind.CHANGE,
        cancelled_at=timezone.now(),
    )
    request = rf.get("/")
    request.user = learner

    with django_assert_num_queries(2):  # enrolments, then the open refreshers
        panel = learning_panel_context(request)

    assert [r.pk for r in panel["summary"].refreshers] == [refresher.pk]


@pytest.fixture
def two_sizes(trainer, learner):
    """Build the small data set, return a function that grows it to the large one."""
    small = _build(trainer, learner, **SIZES[0])

    def grow():
        _build(trainer, learner, **SIZES[1])

    return small[0], grow


def _page_queries(client, url) -> int:
    client.get(url)  # warm caches that are per process, not per data size
    return _count(lambda: client.get(url))


# Not named "page": the e2e conftest treats a "page" argument as a browser test.
@pytest.mark.parametrize("page_name", ["catalogue", "course", "lesson", "dashboard"])
def test_whole_page_query_count_does_not_grow_with_data(client_as, learner, two_sizes, page_name):
    course, grow = two_sizes
    client = client_as(learner)
    first_lesson = LessonVersion.objects.filter(module_version__module__course=course).first()
    urls = {
        "catalogue": reverse("courses:catalogue"),
        "course": reverse("courses:course", args=[course.slug]),
        "lesson": reverse("courses:lesson", args=[course.slug, first_lesson.lesson_id]),
        "dashboard": reverse("home"),
    }
    before = _page_queries(client, urls[page_name])

    grow()

    assert _page_queries(client, urls[page_name]) == before
