"""The roll-up table gives the same totals as counting live, and is rebuilt safely."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from reporting.models import StatusCount
from reporting.selectors import (
    ReportFilters,
    matrix_get,
    platform_rollup,
    report_scope_for,
    status_counts_as_of,
    unit_rollup,
)
from reporting.services import status_counts_refresh
from reporting.tasks import status_counts_refresh_task
from tests.factories import UnitFactory, UserFactory

from .helpers import STATES, populate


def _totals(matrix):
    return (
        dict(matrix.summary.counts),
        {(t.unit.pk if t.unit else None): dict(t.counts.counts) for t in matrix.unit_totals},
        [c.pk for c in matrix.columns],
    )


@pytest.mark.parametrize(
    "filters",
    [{}, {"status": "overdue"}, {"course": True}, {"unit": True}, {"profession": True}],
)
def test_rollup_totals_equal_live_totals(supervisor, unit, filters):
    users = populate(unit, people=12, courses=3)
    UserFactory(unit=UnitFactory(), full_name="Elsewhere")  # outside the scope
    values = {
        "status": filters.get("status", ""),
        "course_id": users[0].enrolments.first().course_id if "course" in filters else None,
        "unit": users[1].unit if "unit" in filters else None,
        "profession_id": users[0].profession_id if "profession" in filters else None,
    }
    scope = report_scope_for(actor=supervisor)
    live = matrix_get(scope=scope, filters=ReportFilters(**values), page_number=1)

    status_counts_refresh()
    built = matrix_get(scope=scope, filters=ReportFilters(**values), page_number=1)

    assert live.totals_as_of is None and built.totals_as_of is not None
    assert _totals(built) == _totals(live)


def test_unit_and_platform_rollups_equal_live(agency, unit):
    populate(unit, people=9, courses=2)
    live_units = [
        (r.label, r.learners, dict(r.counts.counts)) for r in unit_rollup(agency=agency, as_of=None)
    ]
    live_platform = platform_rollup(as_of=None)

    status_counts_refresh()
    as_of = status_counts_as_of()

    assert [
        (r.label, r.learners, dict(r.counts.counts))
        for r in unit_rollup(agency=agency, as_of=as_of)
    ] == live_units
    assert platform_rollup(as_of=as_of).total.counts == live_platform.total.counts


def test_a_name_search_counts_live(supervisor, unit):
    populate(unit, people=4, courses=2)
    status_counts_refresh()

    matrix = matrix_get(
        scope=report_scope_for(actor=supervisor),
        filters=ReportFilters(query="Bulk Person"),
        page_number=1,
    )

    assert matrix.totals_as_of is None
    assert matrix.summary.total == 8


def test_refresh_replaces_the_counts(unit):
    users = populate(unit, people=6, courses=1)
    status_counts_refresh()
    users[0].enrolments.update(state="certified")
    status_counts_refresh()
    status_counts_refresh()

    assert sum(StatusCount.objects.values_list("n", flat=True)) == 6
    assert len(STATES) == 6


@pytest.mark.parametrize(
    ("current", "later", "again"),
    [(False, "2026-11-23 10:09", False), (False, "2026-11-23 10:10", True),
     (True, "2026-11-23 23:59", False), (True, "2026-11-24 00:00", True)],
    ids=["same slot", "next slot", "same day", "next day"],
)  # fmt: skip
def test_refresh_task_claims_its_slot(db, monkeypatch, current, later, again):
    """Rebuilt every 10 minutes where only rebuilds count; once a day as a safety net where
    triggers keep the totals current."""
    monkeypatch.setattr("reporting.selectors.counts_kept_current", lambda: current)
    with time_machine.travel("2026-11-23 10:01Z", tick=False):
        assert status_counts_refresh_task() is not None
        assert status_counts_refresh_task() is None
    with time_machine.travel(f"{later}Z", tick=False):
        assert (status_counts_refresh_task() is not None) is again


@pytest.mark.parametrize("current", [False, True], ids=["rebuilt only", "kept current"])
def test_page_says_how_old_the_totals_are(client_as, supervisor, unit, monkeypatch, current):
    """Without the triggers (SQLite) the totals are those of the last rebuild, and the page
    says when that was; with them (PostgreSQL) they are current."""
    monkeypatch.setattr("reporting.selectors.counts_kept_current", lambda: current)
    populate(unit, people=2, courses=1)
    status_counts_refresh()

    html = client_as(supervisor).get(reverse("reporting:matrix")).content.decode()

    assert ("Totals as of" in html) is not current


def test_admin_action_recounts(admin_client, unit):
    from reporting.models import StatusCountRefresh

    populate(unit, people=2, courses=1)
    status_counts_refresh()
    row = StatusCountRefresh.objects.get()

    response = admin_client.post(
        reverse("admin:reporting_statuscountrefresh_changelist"),
        {"action": "recount_now", "_selected_action": [row.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert StatusCountRefresh.objects.get().refreshed_at >= row.refreshed_at
