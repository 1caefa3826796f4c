"""Catalogue search (PostgreSQL full-text, SQLite fallback), the overview selectors, and the
old overview URLs (now redirects to the reporting app, which tests/reporting covers)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from courses import services
from courses.selectors import course_list_catalogue, enrolment_overview_for
from tests.factories import UnitFactory, UserFactory

from .factories import CourseFactory


def _titles(user, query):
    return {c.title for c in course_list_catalogue(user=user, query=query)}


def test_search_matches_words_in_any_order(learner):
    CourseFactory(title="Encrypted messaging", summary="How investigations still find evidence")
    CourseFactory(title="Self-care")

    assert _titles(learner, "evidence encrypted") == {"Encrypted messaging"}


def test_search_ignores_case(learner):
    CourseFactory(title="The Lanzarote Convention")

    assert _titles(learner, "LANZAROTE") == {"The Lanzarote Convention"}


def test_search_with_hostile_text_finds_nothing_and_does_not_fail(learner):
    CourseFactory(title="Grooming")

    assert _titles(learner, "'); DROP TABLE courses_course; -- & | ! :*") == set()


@pytest.mark.parametrize("query", ["& | !", ":*", "'", "(((", "-"])
def test_search_made_only_of_operators_fails_soft(learner, query):
    CourseFactory(title="Grooming")

    assert _titles(learner, query) == set()


@pytest.mark.postgres
def test_postgres_full_text_search_ranks_title_matches(learner):
    CourseFactory(title="Grooming online", summary="")
    CourseFactory(title="Other", summary="", description="A word on grooming in passing.")

    titles = [c.title for c in course_list_catalogue(user=learner, query="grooming")]

    assert set(titles) == {"Grooming online", "Other"}


@pytest.mark.postgres
def test_postgres_search_matches_word_prefixes(learner):
    CourseFactory(title="Prioritisation of referrals")

    assert _titles(learner, "prioriti") == {"Prioritisation of referrals"}


def test_overview_counts_enrolments_by_state(supervisor, learner, trainer):
    from .factories import published_course

    course = published_course(trainer=trainer)
    other = published_course(trainer=trainer)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    services.enrolment_assign(actor=supervisor, course=course, people=[learner])
    services.enrolment_assign(actor=supervisor, course=other, people=[learner])
    learner.enrolments.filter(course=other).update(due_on=yesterday)

    row = enrolment_overview_for(actor=supervisor).get(pk=learner.pk)

    assert (row.n_assigned, row.n_completed, row.n_overdue) == (2, 0, 1)


def test_overview_search_keeps_the_counts(supervisor, learner):
    row = enrolment_overview_for(actor=supervisor, query=learner.email.upper()).get()

    assert row.pk == learner.pk and row.n_assigned == 0


def test_report_of_a_person_outside_my_units_is_404(client_as, supervisor, unit):
    stranger = UserFactory(unit=UnitFactory(agency=unit.agency), agency=unit.agency)

    response = client_as(supervisor).get(
        reverse("courses:report_person", args=[stranger.pk]), follow=True
    )

    assert response.status_code == 404


def test_reports_are_404_for_learners(client_as, learner):
    assert client_as(learner).get(reverse("courses:reports")).status_code == 404


def test_old_overview_url_keeps_its_filters_on_the_way_to_the_report(client_as, supervisor):
    response = client_as(supervisor).get(reverse("courses:reports"), {"q": "ana"})

    assert response.url == reverse("reporting:matrix") + "?q=ana"


def test_assign_page_lists_only_my_people(client_as, supervisor, learner, other_agency_learner):
    body = client_as(supervisor).get(reverse("courses:assign")).content.decode()

    assert learner.get_full_name() in body
    assert other_agency_learner.get_full_name() not in body


def test_assign_form_refuses_a_forged_person(client_as, supervisor, other_agency_learner, trainer):
    from courses.models import Enrolment

    from .factories import published_course

    course = published_course(trainer=trainer)

    response = client_as(supervisor).post(
        reverse("courses:assign"), {"course": course.pk, "people": [other_agency_learner.pk]}
    )

    assert response.status_code == 200  # the form again, with an error
    assert not Enrolment.objects.exists()


def test_rules_page_is_for_agency_admins(client_as, agency_admin, supervisor):
    assert client_as(agency_admin).get(reverse("courses:rules")).status_code == 200
    assert client_as(supervisor).get(reverse("courses:rules")).status_code == 404
