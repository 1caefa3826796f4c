"""The completion matrix's hot reads as parameterised SQL: the totals from the count tables,
the page count, one page of people and their cells.

Why not the ORM here: at 10,000 people the database answers these in about 2 ms in all,
but building the same statements through querysets (scope subqueries, a sliced subquery
for the page, deferred models for 25 people) cost Django 8-10 ms a page, most of the
matrix's budget (DESIGN 9: "under 10 ms with a roll-up table"). Every statement below is
made of this module's constant fragments and table names from the models' metadata;
every value (ids, dates, paths, names searched) is a query parameter, never text in SQL.
Vendor differences (LIKE escaping, a timestamp's local date) come from Django's own
`connection.ops`, so the same SQL runs on PostgreSQL and on the embedded SQLite.

The rules are the same as the querysets' in selectors (person_q, person_filters_q,
learner_list_filtered, cell_list_filtered); tests/reporting/test_matrix_sql.py checks both
agree for every filter and sort.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Agency, Profession, Unit, User
from courses.models import Enrolment

from .models import PersonCount, PersonStatusCount, StatusCount, StatusCountRefresh
from .statuses import OVERDUE, REQUIRED_SOURCES, states_for

if TYPE_CHECKING:
    from .selectors import ReportFilters, ReportScope

Params = list[Any]

USERS = User._meta.db_table
UNITS = Unit._meta.db_table
AGENCIES = Agency._meta.db_table
PROFESSIONS = Profession._meta.db_table
ENROLMENTS = Enrolment._meta.db_table
REFRESHED = StatusCountRefresh._meta.db_table


def _in(column: str, values: Sequence[object], params: Params) -> str:
    """`column IN (%s, ...)`, or a condition that is never true for no values."""
    if not values:
        return "1 = 0"
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _like(column: str, lookup: str, pattern: str, params: Params) -> str:
    """A LIKE as Django's own lookup (`startswith`, `icontains`) writes it on this
    database: the same case folding and the same escaping of % and _ in the value."""
    params.append(pattern)
    lhs = connection.ops.lookup_cast(lookup) % column
    return f"{lhs} {connection.operators[lookup] % '%s'}"


def keyed_conditions(alias: str, scope: ReportScope, filters: ReportFilters) -> tuple[str, Params]:
    """The scope and the person filters (unit with sub-units, profession, country) on any
    table with agency_id, unit_id and profession_id: people, or a count table."""
    params: Params = []
    conditions = []
    if not scope.everyone:
        either = []
        if scope.agency_id:
            either.append(f"{alias}.agency_id = %s")
            params.append(scope.agency_id)
        if scope.unit_ids:
            either.append(_in(f"{alias}.unit_id", scope.unit_ids, params))
        conditions.append(f"({' OR '.join(either)})" if either else "1 = 0")
    if filters.unit is not None:
        prefix = connection.ops.prep_for_like_query(filters.unit.path) + "%"
        path = _like("sub.path", "startswith", prefix, params)
        below = f"SELECT sub.id FROM {UNITS} sub WHERE {path}"  # nosec B608
        conditions.append(f"{alias}.unit_id IN ({below})")
    if filters.profession_id:
        conditions.append(f"{alias}.profession_id = %s")
        params.append(filters.profession_id)
    if filters.country_id:
        in_country = f"SELECT a.id FROM {AGENCIES} a WHERE a.country_id = %s"  # nosec B608
        conditions.append(f"{alias}.agency_id IN ({in_country})")
        params.append(filters.country_id)
    return " AND ".join(conditions) or "1 = 1", params


def _required_cell(
    params: Params, *, states: Sequence[str] = (), course_id: int | None = None
) -> str:
    """An EXISTS over the person's required enrolments in `states` and/or `course_id`."""
    condition = f"e.user_id = u.id AND {_in('e.source', REQUIRED_SOURCES, params)}"
    if states:
        condition += f" AND {_in('e.state', states, params)}"
    if course_id:
        condition += " AND e.course_id = %s"
        params.append(course_id)
    return f"EXISTS (SELECT 1 FROM {ENROLMENTS} e WHERE {condition})"  # nosec B608


def people_conditions(scope: ReportScope, filters: ReportFilters) -> tuple[str, Params]:
    """Who the matrix lists (alias `u`): active, approved people in scope and filters,
    matching the name search, and with a required course in the status and/or course
    asked for."""
    params: Params = [True, User.Vetting.APPROVED]
    conditions = ["u.is_active = %s", "u.vetting_status = %s"]
    keyed, keyed_params = keyed_conditions("u", scope, filters)
    conditions.append(keyed)
    params.extend(keyed_params)
    if filters.query:
        pattern = f"%{connection.ops.prep_for_like_query(filters.query)}%"
        name = _like("u.full_name", "icontains", pattern, params)
        email = _like("u.email", "icontains", pattern, params)
        conditions.append(f"({name} OR {email})")
    if filters.status or filters.course_id:
        states = states_for(filters.status) if filters.status else ()
        conditions.append(_required_cell(params, states=states, course_id=filters.course_id))
    return " AND ".join(conditions), params


def _order_by(sort: str, params: Params) -> str:
    """ORDER BY for a sort of SORTS; the name orders follow the index on (full_name,
    email, id), so the first page is read from the index without sorting everyone."""
    if sort == "-name":
        return "u.full_name DESC, u.email DESC, u.id DESC"
    if sort == "unit":
        return "un.path, u.full_name, u.id"
    if sort == "profession":
        return "pr.name, u.full_name, u.id"
    if sort == "overdue":
        overdue = (
            f"(SELECT COUNT(*) FROM {ENROLMENTS} e WHERE e.user_id = u.id"  # nosec B608
            f" AND {_in('e.source', REQUIRED_SOURCES, params)}"
            f" AND {_in('e.state', states_for(OVERDUE), params)})"
        )
        return f"{overdue} DESC, u.full_name, u.id"
    return "u.full_name, u.email, u.id"


def _run(sql: str, params: Params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Totals from the count tables ---------------------------------------------------------


class CountedTotals(NamedTuple):
    groups: list[tuple[int | None, str, int]]  # (unit id, state, required enrolments)
    courses_with_cells: set[int]
    people: int  # how many people the matrix lists
    as_of: datetime.datetime | None  # the tables' last rebuild; None: never built


def _timestamp(text: str | None) -> datetime.datetime | None:
    """A timestamp read as text: PostgreSQL writes its offset, SQLite stores UTC bare."""
    if text is None:
        return None
    value = datetime.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def counted_totals(scope: ReportScope, filters: ReportFilters) -> CountedTotals:
    """From the count tables, in one statement: required enrolments per (unit, state) and
    the courses with a cell (both ignoring the status filter: they describe the group),
    how many people the matrix lists (honouring it), and when the tables were last
    rebuilt (read as text: a UNION's column has one type). Before the first rebuild
    `as_of` is None and the rest means nothing: the caller counts live.

    People: with a course, a person has at most one enrolment in it, so the enrolments
    counted for it (in that status) are people; with a status alone, the people with a
    course in it are counted per status; otherwise people are."""
    params: Params = []
    keyed, keyed_params = keyed_conditions("c", scope, filters)
    course = ""
    if filters.course_id:
        course = " AND c.course_id = %s"
    cells_where = f"{keyed}{course}"
    cell_params = [*keyed_params, *([filters.course_id] if filters.course_id else [])]

    people_table = PersonCount._meta.db_table
    people_where = keyed
    people_params: Params = list(keyed_params)
    if filters.course_id:
        people_table, people_where, people_params = (
            StatusCount._meta.db_table,
            cells_where,
            list(cell_params),
        )
        if filters.status:
            people_where += f" AND {_in('c.state', states_for(filters.status), people_params)}"
    elif filters.status:
        people_table = PersonStatusCount._meta.db_table
        people_where += " AND c.status = %s"
        people_params.append(filters.status)

    counts = StatusCount._meta.db_table
    sql = (
        f"SELECT 0, c.unit_id, c.state, SUM(c.n) FROM {counts} c WHERE {cells_where}"  # nosec B608
        " GROUP BY c.unit_id, c.state"
        f" UNION ALL SELECT 1, c.course_id, NULL, NULL FROM {counts} c"
        f" WHERE {cells_where} AND c.n > 0 GROUP BY c.course_id"
        f" UNION ALL SELECT 2, NULL, NULL, SUM(c.n) FROM {people_table} c WHERE {people_where}"
        f" UNION ALL SELECT 3, NULL, CAST(r.refreshed_at AS TEXT), NULL FROM {REFRESHED} r"
        " WHERE r.id = 1"
    )
    params = [*cell_params, *cell_params, *people_params]
    groups: list[tuple[int | None, str, int]] = []
    courses: set[int] = set()
    people = 0
    as_of = None
    for kind, key, state, n in _run(sql, params):
        if kind == 0:
            groups.append((key, state, int(n)))
        elif kind == 1:
            courses.add(key)
        elif kind == 2:
            people = int(n or 0)
        else:
            as_of = _timestamp(state)
    return CountedTotals(groups, courses, people, as_of)


# --- People and cells ---------------------------------------------------------------------


class MatrixPerson(NamedTuple):
    """Who a row is about: what the row shows, nothing more."""

    pk: int
    full_name: str
    email: str
    unit_name: str | None
    profession_name: str | None
    profession_name_fr: str | None

    def get_full_name(self) -> str:
        return self.full_name or self.email

    @property
    def profession(self) -> str | None:
        if get_language() == "fr" and self.profession_name_fr:
            return self.profession_name_fr
        return self.profession_name


def people_count(scope: ReportScope, filters: ReportFilters) -> int:
    """How many people the matrix lists, counted live (before the count tables' first
    build, or with a name search)."""
    where, params = people_conditions(scope, filters)
    return _run(f"SELECT COUNT(*) FROM {USERS} u WHERE {where}", params)[0][0]  # nosec B608


def people_page(
    scope: ReportScope, filters: ReportFilters, *, offset: int, limit: int
) -> list[MatrixPerson]:
    """One page of the people the matrix lists, sorted by `filters.sort`, with their unit
    and profession names."""
    params: Params = []
    order = _order_by(filters.sort, params)
    where, where_params = people_conditions(scope, filters)
    sql = (
        "SELECT u.id, u.full_name, u.email, un.name, pr.name, pr.name_fr"  # nosec B608
        f" FROM {USERS} u LEFT JOIN {UNITS} un ON un.id = u.unit_id"
        f" LEFT JOIN {PROFESSIONS} pr ON pr.id = u.profession_id"
        f" WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    # ORDER BY's parameters (the overdue sort) come after WHERE's in the statement.
    rows = _run(sql, [*where_params, *params, limit, offset])
    return [MatrixPerson._make(row) for row in rows]


class PeoplePages:
    """What Django's Paginator pages through: counted only when the count tables did not
    say, and sliced into one SQL page."""

    def __init__(self, scope: ReportScope, filters: ReportFilters) -> None:
        self.scope = scope
        self.filters = filters

    def count(self) -> int:
        return people_count(self.scope, self.filters)

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> MatrixPerson: ...

    @overload
    def __getitem__(self, index: slice) -> list[MatrixPerson]: ...

    def __getitem__(self, index: int | slice) -> MatrixPerson | list[MatrixPerson]:
        if isinstance(index, int):
            return people_page(self.scope, self.filters, offset=index, limit=1)[0]
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        if stop <= start:  # an empty first page: nobody to read
            return []
        return people_page(self.scope, self.filters, offset=start, limit=stop - start)

    def __iter__(self) -> Iterator[MatrixPerson]:
        return iter(self[0 : len(self)])


def _local_date(column: str, params: Params) -> str:
    """The date a timestamp column falls on in the active time zone, as TruncDate writes
    it on this database."""
    sql, cast_params = connection.ops.datetime_cast_date_sql(
        column, (), timezone.get_current_timezone_name()
    )
    params.extend(cast_params)
    return sql


def _as_date(value: datetime.date | str | None) -> datetime.date | None:
    """SQLite returns a computed date as text (a column's declared type converts the
    others); PostgreSQL returns dates."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def cells_of(person_ids: Sequence[int], course_ids: Sequence[int]) -> list[tuple]:
    """The required enrolments of these people in these courses: (person, course, state,
    due, started, completed, certified, expires), started and completed as local dates."""
    if not person_ids or not course_ids:
        return []
    params: Params = []
    started = _local_date("e.started_at", params)
    completed = _local_date("e.completed_at", params)
    where = " AND ".join(
        (
            _in("e.user_id", person_ids, params),
            _in("e.course_id", course_ids, params),
            _in("e.source", REQUIRED_SOURCES, params),
        )
    )
    sql = (
        f"SELECT e.user_id, e.course_id, e.state, e.due_on, {started}, {completed},"  # nosec B608
        f" e.certified_on, e.expires_on FROM {ENROLMENTS} e WHERE {where}"
    )
    rows = _run(sql, params)
    if connection.vendor == "sqlite":
        rows = [(*row[:4], _as_date(row[4]), _as_date(row[5]), *row[6:]) for row in rows]
    return rows
