"""The matrix's plain SQL (reporting.matrix_sql) lists exactly the people, in exactly the
order, that the querysets' rules give (selectors.learner_list_filtered and
cell_list_filtered, ordered as the ORM orders), for every scope, filter and sort; and its
totals from the count tables equal the totals counted live."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from reporting import matrix_sql
from reporting.selectors import (
    SORTS,
    ReportFilters,
    ReportScope,
    cell_list_filtered,
    learner_list_filtered,
    matrix_get,
    report_scope_for,
    required_enrolments,
)
from reporting.services import status_counts_refresh
from reporting.statuses import OVERDUE, REQUIRED_SOURCES, STATUSES, states_for
from tests.courses.factories import CourseFactory
from tests.factories import (
    AgencyFactory,
    CountryFactory,
    ProfessionFactory,
    SupervisionFactory,
    UnitFactory,
    UserFactory,
)

from .helpers import STATES, required


@pytest.fixture
def world(db):
    """Two agencies in two countries, a unit tree, two professions, people with awkward
    names (LIKE wildcards, case, equal names), inactive and unvetted people, required and
    self-chosen courses in every state."""
    home = AgencyFactory(country=CountryFactory())
    away = AgencyFactory(country=CountryFactory())
    root = UnitFactory(agency=home, name="Directorate")
    team = UnitFactory(agency=home, parent=root, name="Team")
    squad = UnitFactory(agency=home, parent=team, name="Squad")
    side = UnitFactory(agency=home, name="Side office")
    abroad = UnitFactory(agency=away, name="Abroad")
    analysts, lawyers = ProfessionFactory(name="Analyst"), ProfessionFactory(name="Lawyer")
    courses = [CourseFactory(status="published", title=f"Course {n}") for n in range(3)]
    names = ["anna 100%", "Anna_Smith", "Bob", "bob", "Chloé", "Dan", "Eve", "Eve", "Zoë", ""]
    places = itertools.cycle([(home, root), (home, team), (home, squad), (home, side)])
    states = itertools.cycle(STATES)
    people = []
    for n, name in enumerate(names):
        agency, unit = next(places)
        person = UserFactory(
            agency=agency,
            unit=unit if n != 4 else None,  # someone of the agency without a unit
            full_name=name,
            email=f"p{n}@home.example",
            profession=(analysts, lawyers, None)[n % 3],
        )
        people.append(person)
        for j, course in enumerate(courses[: 1 + n % 3]):
            required(person, course, state=next(states), source=("assigned", "rule", "self")[j])
    for n in range(3):
        required(UserFactory(agency=away, unit=abroad, full_name=f"Away {n}"), courses[0])
    required(UserFactory(agency=home, unit=team, full_name="Left", is_active=False), courses[0])
    unvetted = UserFactory(agency=home, unit=team, full_name="Waiting")
    User.objects.filter(pk=unvetted.pk).update(vetting_status=User.Vetting.PENDING)
    required(unvetted, courses[1], state="overdue")
    return {
        "home": home,
        "away": away,
        "units": {"root": root, "team": team, "squad": squad, "side": side},
        "professions": (analysts, lawyers),
        "courses": courses,
    }


def _scopes(world) -> dict[str, ReportScope]:
    units = world["units"]
    supervisor = UserFactory(agency=world["home"], unit=units["root"])
    SupervisionFactory(supervisor=supervisor, unit=units["team"])
    supervised = report_scope_for(actor=supervisor)
    return {
        "everyone": ReportScope(everyone=True),
        "agency": ReportScope(agency_id=world["home"].pk),
        "units": supervised,
        "agency and units": ReportScope(
            agency_id=world["away"].pk, supervised_units=supervised.supervised_units
        ),
        "nothing": ReportScope(),
    }


def _orm_people(scope: ReportScope, filters: ReportFilters) -> list[int]:
    """The people the matrix lists, by the querysets' rules, in the ORM's order."""
    people = learner_list_filtered(scope=scope, filters=filters)
    if filters.status or filters.course_id:
        people = people.filter(
            pk__in=cell_list_filtered(scope=scope, filters=filters).values("user_id")
        )
    order = {
        "name": ("full_name", "email", "pk"),
        "-name": ("-full_name", "-email", "-pk"),
        "unit": ("unit__path", "full_name", "pk"),
        "profession": ("profession__name", "full_name", "pk"),
        "overdue": ("-n_overdue", "full_name", "pk"),
    }[filters.sort]
    if filters.sort == "overdue":
        overdue = Q(
            enrolments__source__in=REQUIRED_SOURCES, enrolments__state__in=states_for(OVERDUE)
        )
        people = people.annotate(n_overdue=Count("enrolments", filter=overdue))
    return list(people.order_by(*order).values_list("pk", flat=True))


def _sql_people(scope: ReportScope, filters: ReportFilters) -> list[int]:
    pages = matrix_sql.PeoplePages(scope, filters)
    return [person.pk for person in pages[0 : pages.count()]]


def _filter_grid(world) -> list[dict]:
    units, (analysts, _lawyers) = world["units"], world["professions"]
    course = world["courses"][1]
    grid: list[dict] = [{}]
    grid += [{"unit": unit} for unit in units.values()]
    grid += [{"profession_id": analysts.pk}, {"country_id": world["home"].country_id}]
    grid += [{"course_id": course.pk}] + [{"status": status} for status in STATUSES]
    grid += [{"course_id": course.pk, "status": "overdue"}]
    grid += [{"query": text} for text in ("anna", "100%", "_", "BOB", "home.example", "nobody")]
    grid += [{"unit": units["team"], "profession_id": analysts.pk, "status": "in_progress"}]
    return grid


def test_sql_lists_the_same_people_in_the_same_order_as_the_querysets(world):
    checked = 0
    for scope_name, scope in _scopes(world).items():
        for values in _filter_grid(world):
            for sort in SORTS:
                filters = ReportFilters(**values, sort=sort)
                expected = _orm_people(scope, filters)
                assert _sql_people(scope, filters) == expected, (scope_name, values, sort)
                assert matrix_sql.people_count(scope, filters) == len(expected)
                checked += bool(expected)
    assert checked > 100  # most combinations list somebody: the comparison is not vacuous


def test_a_page_is_a_slice_of_the_whole_order(world):
    scope = ReportScope(everyone=True)
    everyone = _sql_people(scope, ReportFilters())
    pages = matrix_sql.PeoplePages(scope, ReportFilters())
    assert [person.pk for person in pages[3:7]] == everyone[3:7]
    assert pages[2].pk == everyone[2]
    assert len(pages) == len(everyone) > 7


def test_a_page_and_its_required_cells_with_local_dates(world):
    home, team = world["home"], world["units"]["team"]
    course, other, third = world["courses"]
    dated = UserFactory(agency=home, unit=team, full_name="Aaron Dated", email="a@x.example")
    bare = UserFactory(agency=home, unit=team, full_name="Aaron Later", email="b@x.example")
    started = timezone.make_aware(datetime.datetime(2026, 3, 1, 23, 30), datetime.UTC)
    required(dated, course, state="in_progress", started_at=started)
    required(dated, other, state="assigned", source="self")  # chosen, not required
    required(dated, third, state="overdue")
    required(bare, other, state="assigned", source="self")

    page = matrix_sql.people_page(
        ReportScope(everyone=True), ReportFilters(query="aaron"), offset=0, limit=2
    )
    with timezone.override("Europe/Paris"):
        cells = matrix_sql.cells_of([p.pk for p in page], [course.pk, other.pk])

    assert [p.full_name for p in page] == ["Aaron Dated", "Aaron Later"]
    assert page[0].unit_name == "Team"
    # The overdue course was not asked for; the chosen one is not required.
    (cell,) = cells
    user_id, course_id, state, _due, started_on, completed_on, *_rest = cell
    assert (user_id, course_id, state) == (dated.pk, course.pk, "in_progress")
    # 23:30 UTC is already the next day in Paris: the cell shows the learner's day.
    assert started_on == datetime.date(2026, 3, 2) and completed_on is None


def test_counted_totals_equal_the_live_totals_for_every_filter(world):
    scope = ReportScope(agency_id=world["home"].pk)
    grid = [values for values in _filter_grid(world) if "query" not in values]
    live = {}
    assert matrix_sql.counted_totals(scope, ReportFilters()).as_of is None  # not built yet
    for n, values in enumerate(grid):
        matrix = matrix_get(scope=scope, filters=ReportFilters(**values), page_number=1)
        live[n] = (matrix.summary.counts, matrix.page.paginator.count, len(matrix.columns))
    status_counts_refresh()
    for n, values in enumerate(grid):
        matrix = matrix_get(scope=scope, filters=ReportFilters(**values), page_number=1)
        assert matrix.totals_as_of is not None
        counted = (matrix.summary.counts, matrix.page.paginator.count, len(matrix.columns))
        assert counted == live[n], values


def test_required_enrolments_match_the_cells_exists_rule(world):
    """The SQL's EXISTS for a status is the querysets' required enrolment in that state."""
    scope = ReportScope(everyone=True)
    for status in STATUSES:
        filters = ReportFilters(status=status)
        matching = required_enrolments().filter(user=OuterRef("pk"), state__in=states_for(status))
        expected = set(
            learner_list_filtered(scope=scope, filters=ReportFilters())
            .filter(Exists(matching))
            .values_list("pk", flat=True)
        )
        assert set(_sql_people(scope, filters)) == expected
