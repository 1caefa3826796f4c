"""The count tables stay right between rebuilds: changes made through the services move
them (PostgreSQL triggers), so after each change they equal a full rebuild, and the matrix
and the trend read from them equal the same pages counted live."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from accounts.services import unit_move, user_disable, user_unit_assign
from courses.models import Enrolment
from courses.services.enrolment_state import enrolment_states_advance
from courses.services.learning import certificate_issue, enrolment_assign
from reporting.models import (
    MonthCount,
    PersonCount,
    PersonStatusCount,
    StatusCount,
    StatusCountRefresh,
)
from reporting.selectors import (
    ReportFilters,
    completion_trend,
    matrix_get,
    report_scope_for,
)
from reporting.services import status_counts_refresh
from tests.courses.factories import CourseFactory
from tests.factories import UnitFactory, UserFactory

from .helpers import populate, required

needs_triggers = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers are PostgreSQL's"
)


def _tables() -> dict:
    """Every count, zero rows left out (the triggers leave them; a rebuild does not)."""
    return {
        "status": sorted(
            StatusCount.objects.filter(n__gt=0).values_list(
                "agency_id", "unit_id", "profession_id", "course_id", "state", "n"
            ),
            key=str,
        ),
        "people": sorted(
            PersonCount.objects.filter(n__gt=0).values_list(
                "agency_id", "unit_id", "profession_id", "n"
            ),
            key=str,
        ),
        "people by status": sorted(
            PersonStatusCount.objects.filter(n__gt=0).values_list(
                "agency_id", "unit_id", "profession_id", "status", "n"
            ),
            key=str,
        ),
        "months": sorted(
            MonthCount.objects.exclude(enrolled=0, completed=0).values_list(
                "agency_id",
                "unit_id",
                "profession_id",
                "course_id",
                "month",
                "enrolled",
                "completed",
            ),
            key=str,
        ),
    }


def _assert_counts_equal_a_rebuild() -> None:
    kept = _tables()
    status_counts_refresh()
    assert _tables() == kept


def _page(scope, filters: ReportFilters):
    matrix = matrix_get(scope=scope, filters=filters, page_number=1)
    return (
        dict(matrix.summary.counts),
        {(t.unit.pk if t.unit else None): dict(t.counts.counts) for t in matrix.unit_totals},
        [c.pk for c in matrix.columns],
        matrix.page.paginator.count,
        [row.person.pk for row in matrix.rows],
    )


def _assert_pages_equal_live(supervisor, filters: ReportFilters) -> None:
    scope = report_scope_for(actor=supervisor)
    counted = _page(scope, filters)
    counted_trend = completion_trend(scope=scope, filters=filters)
    as_of = StatusCountRefresh.objects.get()
    StatusCountRefresh.objects.all().delete()  # readers count live
    try:
        assert _page(scope, filters) == counted
        assert completion_trend(scope=scope, filters=filters) == counted_trend
    finally:
        as_of.save()


@pytest.fixture
def counted(supervisor, unit):
    """A population, the tables built once; every change after that goes through the
    triggers only."""
    users = populate(unit, people=12, courses=3)
    status_counts_refresh()
    return users


@needs_triggers
def test_assigning_a_course_moves_the_counts(counted, supervisor, unit):
    course = CourseFactory(status="published")
    newcomer = UserFactory(unit=unit, agency=unit.agency)

    enrolment_assign(actor=supervisor, course=course, people=[counted[0], newcomer])

    _assert_counts_equal_a_rebuild()
    _assert_pages_equal_live(supervisor, ReportFilters())
    _assert_pages_equal_live(supervisor, ReportFilters(course_id=course.pk))


@needs_triggers
def test_completing_a_course_moves_the_counts(counted, supervisor):
    enrolment = counted[0].enrolments.filter(completed_at__isnull=True).first()
    # What enrolment_completion_check does once every module is complete.
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["completed_at"])
    certificate_issue(enrolment=enrolment)

    assert Enrolment.objects.get(pk=enrolment.pk).state == "certified"
    _assert_counts_equal_a_rebuild()
    _assert_pages_equal_live(supervisor, ReportFilters(status="completed"))


@needs_triggers
def test_the_daily_expiry_pass_moves_the_counts(counted, supervisor):
    Enrolment.objects.filter(user__in=counted[:4]).update(
        state="certified", expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    moved = enrolment_states_advance()

    assert moved
    _assert_counts_equal_a_rebuild()
    _assert_pages_equal_live(supervisor, ReportFilters(status="overdue"))


@needs_triggers
def test_moving_a_person_and_a_unit_moves_the_counts(counted, supervisor, agency_admin, unit):
    elsewhere = UnitFactory(agency=unit.agency)  # outside the supervisor's units
    user_unit_assign(actor=agency_admin, person=counted[0], unit=elsewhere)
    _assert_counts_equal_a_rebuild()

    sub = counted[1].unit
    assert sub != unit
    unit_move(actor=agency_admin, unit=sub, parent=elsewhere)

    _assert_counts_equal_a_rebuild()
    _assert_pages_equal_live(supervisor, ReportFilters())
    _assert_pages_equal_live(supervisor, ReportFilters(unit=unit))


@needs_triggers
def test_disabling_and_deleting_people_moves_the_counts(counted, supervisor):
    user_disable(actor=None, person=counted[0], reason="left the agency")
    counted[1].delete()
    required(counted[2], CourseFactory(status="published"), state="overdue")

    _assert_counts_equal_a_rebuild()
    _assert_pages_equal_live(supervisor, ReportFilters())
    _assert_pages_equal_live(supervisor, ReportFilters(status="overdue"))


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "overdue"},
        {"status": "not_started"},
        {"course": True},
        {"course": True, "status": "completed"},
        {"unit": True, "status": "expiring"},
        {"profession": True},
    ],
)
def test_page_count_from_the_tables_equals_counting_people(counted, supervisor, filters):
    values = {
        "status": filters.get("status", ""),
        "course_id": counted[0].enrolments.first().course_id if "course" in filters else None,
        "unit": counted[1].unit if "unit" in filters else None,
        "profession_id": counted[0].profession_id if "profession" in filters else None,
    }

    _assert_pages_equal_live(supervisor, ReportFilters(**values))


@needs_triggers
def test_deleting_a_unit_with_people_and_a_course_with_enrolments(counted, supervisor, unit):
    """The people of a deleted unit are left without a unit, the enrolments of a deleted
    course are deleted: both move the counts, and neither delete is refused."""
    leaf = counted[1].unit
    assert leaf != unit and not leaf.children.exists()
    leaf.delete()
    counted[0].enrolments.first().course.delete()

    _assert_counts_equal_a_rebuild()
    _assert_pages_equal_live(supervisor, ReportFilters())
