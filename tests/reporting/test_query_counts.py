"""Every report page costs the same number of queries at two data sizes (DESIGN 9)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.selectors import REPORT_SETUP
from reporting.services import status_counts_refresh

from .helpers import populate

PAGES = [
    ("reporting:matrix", {}),
    ("reporting:matrix", {"status": "overdue", "sort": "overdue"}),
    ("reporting:trends", {}),
    ("reporting:units", {}),
    ("reporting:agencies", {}),
    ("reporting:export_csv", {}),
    ("reporting:export_xlsx", {}),
]


def _count(client, name, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), params)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


def _cold_and_warm(client, name, params) -> tuple[int, int]:
    """Queries of a page load before the viewer's report setup is cached, then after."""
    REPORT_SETUP.forget()
    return _count(client, name, params), _count(client, name, params)


def _grow(unit, *, people, courses, rollup):
    populate(unit, people=people, courses=courses)
    if rollup:
        status_counts_refresh()


@pytest.mark.parametrize("rollup", [False, True], ids=["live", "rollup"])
@pytest.mark.parametrize(("name", "params"), PAGES)
def test_same_queries_for_few_and_many_people(
    client_as, platform_admin, unit, name, params, rollup
):
    client = client_as(platform_admin)
    _grow(unit, people=3, courses=2, rollup=rollup)
    _count(client, name, params)  # warm: sessions, content types
    small = _cold_and_warm(client, name, params)

    _grow(unit, people=60, courses=5, rollup=rollup)
    large = _cold_and_warm(client, name, params)

    assert small == large


def test_learner_record_queries_do_not_grow_with_history(client_as, supervisor, unit):
    light = populate(unit, people=1, courses=1)[0]
    heavy = populate(unit, people=1, courses=12)[0]
    client = client_as(supervisor)
    client.get(reverse("reporting:learner", args=[light.pk]))  # warm

    counts = []
    for person in (light, heavy):
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("reporting:learner", args=[person.pk]))
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]


def test_supervisor_matrix_is_flat_too(client_as, supervisor, unit):
    client = client_as(supervisor)
    populate(unit, people=2, courses=2)
    _count(client, "reporting:matrix", {})
    small = _cold_and_warm(client, "reporting:matrix", {})
    populate(unit, people=80, courses=6)

    assert _cold_and_warm(client, "reporting:matrix", {}) == small
