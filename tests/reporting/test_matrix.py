"""The completion matrix: scope, filters, cells, totals and summary."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Country
from reporting.selectors import ReportFilters, matrix_get, report_scope_for
from tests.courses.factories import CourseFactory
from tests.factories import AgencyFactory, ProfessionFactory, UnitFactory, UserFactory

from .helpers import required


@pytest.fixture
def course(db):
    return CourseFactory(status="published", title="Online grooming basics")


def _matrix(actor, **filters):
    scope = report_scope_for(actor=actor)
    return matrix_get(scope=scope, filters=ReportFilters(**filters), page_number=1)


def _names(matrix):
    return [row.person.full_name for row in matrix.rows]


def test_matrix_shows_my_units_and_sub_units_only(supervisor, unit, course):
    below = UnitFactory(agency=unit.agency, parent=unit)
    sibling = UnitFactory(agency=unit.agency)
    mine = UserFactory(unit=below, agency=unit.agency, full_name="Below Me")
    other = UserFactory(unit=sibling, agency=unit.agency, full_name="Sibling Unit")
    required(mine, course)
    required(other, course)

    names = _names(_matrix(supervisor))

    assert "Below Me" in names
    assert "Sibling Unit" not in names


def test_cells_fold_states_into_statuses(supervisor, unit, course):
    person = UserFactory(unit=unit, agency=unit.agency, full_name="Dana Test")
    required(person, course, state="expired")

    matrix = _matrix(supervisor)
    row = next(r for r in matrix.rows if r.person.pk == person.pk)

    assert row.cells[0].status == "overdue"
    assert row.cells[0].label == "Expired"


def test_self_enrolled_courses_are_not_required(supervisor, unit, course):
    person = UserFactory(unit=unit, agency=unit.agency)
    required(person, course, source="self")

    matrix = _matrix(supervisor)

    assert matrix.columns == []
    assert matrix.summary.total == 0


def test_status_filter_keeps_people_with_a_cell_in_that_status(supervisor, unit, course):
    late = UserFactory(unit=unit, agency=unit.agency, full_name="Late Person")
    fine = UserFactory(unit=unit, agency=unit.agency, full_name="Fine Person")
    required(late, course, state="overdue")
    required(fine, course, state="certified")

    matrix = _matrix(supervisor, status="overdue")

    assert _names(matrix) == ["Late Person"]
    # The totals still describe the whole group.
    assert matrix.summary.total == 2


def test_course_filter_narrows_columns_and_people(supervisor, unit, course):
    other_course = CourseFactory(status="published", title="Another course")
    one = UserFactory(unit=unit, agency=unit.agency, full_name="Has Course")
    two = UserFactory(unit=unit, agency=unit.agency, full_name="Has Other")
    required(one, course)
    required(two, other_course)

    matrix = _matrix(supervisor, course_id=course.pk)

    assert [c.title for c in matrix.columns] == ["Online grooming basics"]
    assert _names(matrix) == ["Has Course"]


def test_unit_profession_and_country_filters(supervisor, unit, course):
    below = UnitFactory(agency=unit.agency, parent=unit)
    judge = ProfessionFactory(code="judge", name="Judge")
    a = UserFactory(unit=below, agency=unit.agency, full_name="In Below")
    b = UserFactory(unit=unit, agency=unit.agency, full_name="Judge Person", profession=judge)
    for person in (a, b):
        required(person, course)

    assert _names(_matrix(supervisor, unit=below)) == ["In Below"]
    assert _names(_matrix(supervisor, profession_id=judge.pk)) == ["Judge Person"]
    elsewhere = Country.objects.create(code="ZZ", name="Elsewhere")
    assert _names(_matrix(supervisor, country_id=elsewhere.pk)) == []
    assert len(_names(_matrix(supervisor, country_id=unit.agency.country_id))) >= 2


def test_sort_by_most_overdue(supervisor, unit, course):
    second = CourseFactory(status="published")
    a = UserFactory(unit=unit, agency=unit.agency, full_name="Aaron Fine")
    z = UserFactory(unit=unit, agency=unit.agency, full_name="Zoe Late")
    required(a, course, state="certified")
    required(z, course, state="overdue")
    required(z, second, state="expired")

    assert _names(_matrix(supervisor, sort="overdue"))[0] == "Zoe Late"
    assert _names(_matrix(supervisor, sort="-name"))[0] == "Zoe Late"


def test_totals_per_unit_and_summary_percentages(supervisor, unit, course):
    below = UnitFactory(agency=unit.agency, parent=unit)
    for state in ("certified", "window_open", "overdue", "assigned"):
        required(UserFactory(unit=below, agency=unit.agency), CourseFactory(), state=state)
    required(UserFactory(unit=unit, agency=unit.agency), course, state="in_progress")

    matrix = _matrix(supervisor)
    totals = {t.unit.pk: t.counts for t in matrix.unit_totals}

    assert totals[below.pk].total == 4
    assert totals[below.pk].up_to_date_percent == 50
    assert totals[unit.pk].counts["in_progress"] == 1
    assert matrix.summary.total == 5
    assert matrix.summary.percent("overdue") == 20


def test_forged_unit_of_another_agency_is_ignored(client_as, supervisor, unit, course):
    person = UserFactory(unit=unit, agency=unit.agency, full_name="Mine Only")
    required(person, course)
    foreign = UnitFactory(agency=AgencyFactory())
    required(UserFactory(unit=foreign, agency=foreign.agency, full_name="Foreign"), course)

    body = client_as(supervisor).get(reverse("reporting:matrix"), {"unit": foreign.pk})

    text = body.content.decode()
    assert "Mine Only" in text
    assert "Foreign" not in text


def test_page_is_an_accessible_table_with_dates_in_cells_and_on_hover(
    client_as, supervisor, unit, course
):
    import datetime

    person = UserFactory(unit=unit, agency=unit.agency)
    required(person, course, state="in_progress", due_on=datetime.date(2031, 3, 14))

    html = client_as(supervisor).get(reverse("reporting:matrix")).content.decode()

    assert "<caption" in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    from django.utils import formats

    day = datetime.date(2031, 3, 14)
    assert f'title="Due {formats.date_format(day, "DATE_FORMAT")}' in html  # hover
    assert f"due {formats.date_format(day, 'SHORT_DATE_FORMAT')}</span>" in html  # in the cell
    assert "Completed and valid" in html  # the summary


def test_matrix_speaks_french(client_as, supervisor, unit, course):
    required(UserFactory(unit=unit, agency=unit.agency), course, state="overdue")
    supervisor.preferred_language = "fr"
    supervisor.save()
    client = client_as(supervisor)
    client.cookies["django_language"] = "fr"

    html = client.get(reverse("reporting:matrix"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "En retard" in html


def test_old_overview_urls_redirect_to_the_reports(client_as, supervisor, learner):
    client = client_as(supervisor)

    assert client.get(reverse("courses:reports")).url == reverse("reporting:matrix")
    assert client.get(reverse("courses:report_person", args=[learner.pk])).url == reverse(
        "reporting:learner", args=[learner.pk]
    )


def test_a_status_filter_says_what_the_summary_and_downloads_count(
    client_as, supervisor, unit, course
):
    """The totals describe the group, the rows and downloads follow the status: the page
    says so, or a supervisor would quote the group's figures as the filtered ones."""
    required(UserFactory(unit=unit, agency=unit.agency), course, state="overdue")
    client = client_as(supervisor)

    plain = client.get(reverse("reporting:matrix")).content.decode()
    filtered = client.get(reverse("reporting:matrix"), {"status": "overdue"}).content.decode()

    assert "count the courses of every status" not in plain
    assert "at least one course “Expired or overdue”" in filtered
    assert "the downloads hold only those courses" in filtered
