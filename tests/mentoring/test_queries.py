"""Query counts do not grow with the data: the directory and the events list at two sizes,
and the selectors behind them at a fixed number."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring import selectors
from tests.factories import UserFactory

from .factories import DirectoryProfileFactory, EventFactory, RegistrationFactory, TopicTagFactory


def _directory(n: int, tags) -> None:
    for _ in range(n):
        DirectoryProfileFactory(user=UserFactory(), expertise=tags)


def _events(n: int) -> None:
    for _ in range(n):
        event = EventFactory(capacity=3)
        RegistrationFactory(event=event)
        RegistrationFactory(event=event, status="waitlisted")


def _page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_directory_page_queries_do_not_grow_with_people(client_as, learner):
    tags = [TopicTagFactory(), TopicTagFactory()]
    client = client_as(learner)
    url = reverse("mentoring:directory") + "?language=en"
    _directory(3, tags)
    small = _page_queries(client, url)

    _directory(20, tags)
    large = _page_queries(client, url)

    assert small == large


def test_events_page_queries_do_not_grow_with_events(client_as, learner):
    client = client_as(learner)
    url = reverse("mentoring:events")
    _events(3)
    small = _page_queries(client, url)

    _events(20)
    large = _page_queries(client, url)

    assert small == large


def test_directory_search_is_two_queries_for_a_page(learner, django_assert_num_queries):
    _directory(5, [TopicTagFactory()])
    rows = selectors.directory_profile_list_search(user=learner, text="a")

    with django_assert_num_queries(2):  # the people, then their tags
        people = list(rows[:25])
        for person in people:
            list(person.expertise.all())
            str(person.user.agency.country)
            str(person.user.profession)


def test_events_list_is_one_query_for_a_page(learner, django_assert_num_queries):
    _events(5)
    rows = selectors.event_list_for(user=learner)

    with django_assert_num_queries(1):
        for event in rows[:25]:
            (event.confirmed_count, event.waitlist_count, event.my_status, str(event.organiser))


@pytest.mark.parametrize("size", [2, 8])
def test_mentoring_overview_query_count_is_fixed(pair, mentor, size, django_assert_num_queries):
    from .factories import AssignmentFactory

    for _ in range(size):
        AssignmentFactory(mentor=mentor)

    with django_assert_num_queries(2):
        overview = selectors.mentoring_overview_for(user=mentor)
        for pairing in overview["as_mentor"]:
            (str(pairing.mentee), pairing.next_session_at)


def test_the_dashboard_panel_does_not_load_ended_pairings(pair, mentor, django_assert_num_queries):
    with django_assert_num_queries(1):  # the open pairings only
        overview = selectors.mentoring_overview_for(user=mentor, with_past=False)
        # the names the panel shows come with it
        for pairing in overview["as_mentor"] + overview["to_answer"] + overview["as_mentee"]:
            (str(pairing.mentor), str(pairing.mentee), pairing.next_session_at)

    assert overview["past"] == []


def test_the_dashboard_panel_costs_one_query_for_someone_without_mentoring_or_events(
    learner, django_assert_num_queries
):
    with django_assert_num_queries(1):
        panel = selectors.mentoring_dashboard_for(user=learner)

    assert panel == {"empty": True}


def test_the_dashboard_panel_reads_only_what_the_person_has(
    pair, mentor, learner, django_assert_num_queries
):
    # The mentee has a pairing but no event: the probe, then the pairings.
    with django_assert_num_queries(2):
        panel = selectors.mentoring_dashboard_for(user=learner)
    assert [a.pk for a in panel["mentors"]] == [pair.pk] and panel["events"] == []

    # An event booked as well: the probe, the pairings, the events, whatever their number.
    for _ in range(4):
        RegistrationFactory(user=learner, event=EventFactory(capacity=3))
    with django_assert_num_queries(3):
        panel = selectors.mentoring_dashboard_for(user=learner)
        [str(r.event.title) for r in panel["events"]]
    assert len(panel["events"]) == 3


def test_the_dashboard_panel_shows_events_without_a_mentor(learner, django_assert_num_queries):
    RegistrationFactory(user=learner, event=EventFactory(capacity=3, title="Webinar on triage"))

    with django_assert_num_queries(2):
        panel = selectors.mentoring_dashboard_for(user=learner)

    assert not panel["empty"] and panel["mentors"] == []
    assert [r.event.title for r in panel["events"]] == ["Webinar on triage"]
