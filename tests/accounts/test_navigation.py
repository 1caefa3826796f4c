"""The navigation: each role's links, and exactly one marked as the current page."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from accounts.context_processors import navigation

pytestmark = pytest.mark.django_db


def _nav_for(user, path: str) -> list[dict]:
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)["nav_items"]


def _current(items: list[dict]) -> list[str]:
    return [item["url"] for item in items if item["current"]]


def test_a_nested_page_marks_only_its_own_section(wellbeing_lead):
    items = _nav_for(wellbeing_lead, "/wellbeing/queue/12/")

    assert _current(items) == ["/wellbeing/queue/"]


def test_a_section_home_marks_that_section(learner):
    items = _nav_for(learner, "/wellbeing/history/")

    assert _current(items) == ["/wellbeing/"]


def test_home_is_current_only_on_the_home_page(learner):
    assert _current(_nav_for(learner, "/")) == ["/"]
    assert "/" not in _current(_nav_for(learner, "/courses/"))


def test_a_page_outside_the_navigation_marks_nothing(learner):
    assert _current(_nav_for(learner, "/accounts/profile/")) == []


def test_agency_admin_sees_the_wellbeing_overview(agency_admin):
    urls = [item["url"] for item in _nav_for(agency_admin, "/")]

    assert "/wellbeing/aggregates/" in urls


def test_learner_sees_no_wellbeing_overview_or_settings(learner):
    urls = [item["url"] for item in _nav_for(learner, "/")]

    assert "/wellbeing/aggregates/" not in urls
    assert "/wellbeing/agency-settings/" not in urls


def test_the_menu_has_one_entry_per_section(learner):
    labels = [str(item["label"]) for item in _nav_for(learner, "/")]

    # Peers and events are tabs of "Mentoring and peers", not entries of their own.
    assert "Peers" not in labels and "Events" not in labels
    assert len(labels) == len(set(labels)) <= 6
