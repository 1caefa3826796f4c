"""Reads for the supervisor reports. Every function takes the asking user and stays inside
what they may see (report_scope_for). Aggregates are one GROUP BY each, never a query per
learner or per cell, so a page costs the same number of queries for 100 or 10,000 people.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import (
    Aggregate,
    Count,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from accounts.caching import CacheGeneration
from accounts.models import Agency, Country, Profession, Supervision, Unit, User
from accounts.roles import AGENCY_ADMIN, PLATFORM_ADMIN, SUPERVISOR, user_roles
from accounts.selectors import unit_list_supervised_by
from courses.models import (
    Certificate,
    Course,
    DrillAttempt,
    Enrolment,
    LessonProgress,
    QuizAttempt,
)

from . import matrix_sql
from .matrix_sql import MatrixPerson
from .statuses import (
    OVERDUE,
    REQUIRED_SOURCES,
    STATE_LABELS,
    STATUS_LABELS,
    STATUSES,
    UP_TO_DATE,
    states_for,
    status_of,
)

PAGE_SIZE = 25
SORTS = ("name", "-name", "unit", "profession", "overdue")
EXPOSURE_LOAD_MIN_LEVEL = 2
LOAD_WEEKS = 8
TREND_MONTHS = 12


# --- Scope --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ReportScope:
    """What one person may report on: everyone (platform admin), their agency (agency
    admin), and/or the units they supervise with every unit beneath them (a lazy queryset,
    used as a subquery)."""

    everyone: bool = False
    agency_id: int | None = None
    supervised_units: QuerySet[Unit] | None = None
    # The supervised units' ids when already known (the cached setup), for plain SQL.
    known_unit_ids: tuple[int, ...] | None = None

    @property
    def unit_ids(self) -> tuple[int, ...]:
        """The supervised units (with everything beneath them) as ids."""
        if self.known_unit_ids is not None:
            return self.known_unit_ids
        units = self.supervised_units
        if units is None or units.query.is_empty():
            return ()
        return tuple(units.values_list("pk", flat=True))

    @property
    def _has_units(self) -> bool:
        return self.supervised_units is not None and not self.supervised_units.query.is_empty()

    @property
    def is_empty(self) -> bool:
        return not (self.everyone or self.agency_id or self._has_units)

    def unit_q(self, prefix: str = "") -> Q:
        """Units in scope; `prefix` reaches the unit through a relation ("unit__")."""
        if self.everyone:
            return Q()
        condition = Q(**{f"{prefix}pk__in": []})
        if self.agency_id:
            condition |= Q(**{f"{prefix}agency_id": self.agency_id})
        if self._has_units:
            condition |= Q(**{f"{prefix}pk__in": self.supervised_units})
        return condition

    def person_q(self) -> Q:
        """People in scope; also fits the count tables (they carry agency and unit too)."""
        if self.everyone:
            return Q()
        condition = Q(pk__in=[])
        if self.agency_id:
            condition |= Q(agency_id=self.agency_id)
        if self._has_units:
            condition |= Q(unit__in=self.supervised_units)
        return condition


def report_scope_for(*, actor: User) -> ReportScope:
    roles = user_roles(actor)
    if not (actor.is_active and actor.is_approved):
        return ReportScope()
    if PLATFORM_ADMIN in roles:
        return ReportScope(everyone=True)
    units = unit_list_supervised_by(user=actor) if SUPERVISOR in roles else None
    agency_id = actor.agency_id if AGENCY_ADMIN in roles else None
    return ReportScope(agency_id=agency_id, supervised_units=units)


# --- What a viewer's matrix page needs before any count: cached per viewer ---------------

SETUP_TTL_SECONDS = 300
# Forgotten by reporting.signals when units, supervisions, courses, professions, countries or
# agencies change.
REPORT_SETUP = CacheGeneration("reporting:setup", seconds=SETUP_TTL_SECONDS)


@dataclass
class ReportSetup:
    """The scope and the filter choices of one viewer (names of units and courses, never
    anyone's training)."""

    scope: ReportScope
    units: list[Unit]
    courses: list[Course]
    professions: list[Profession]
    countries: list[Country]
    # The cache key's parts: what else is cached per viewer with the setup (the filter
    # form's HTML) is keyed on them too.
    cache_parts: tuple = ()


def report_setup_for(*, actor: User) -> ReportSetup:
    """The viewer's scope and filter choices, cached under a version bumped when units,
    supervisions, courses, professions, countries or agencies change (reporting.signals)
    and keyed on everything the scope reads (the viewer, their roles, agency and status,
    today's date for supervisions that start or end), so it is never another person's."""
    roles = sorted(user_roles(actor).names)
    parts = (
        actor.pk,
        actor.agency_id,
        int(actor.is_active and actor.is_approved),
        ",".join(roles),
        timezone.localdate().isoformat(),
    )

    def read() -> tuple:
        scope = report_scope_for(actor=actor)
        unit_ids = None
        if scope.supervised_units is not None:
            unit_ids = [unit.pk for unit in scope.supervised_units] if scope._has_units else []
        return (
            scope.everyone,
            scope.agency_id,
            unit_ids,
            list(unit_list_in_scope(scope=scope)),
            list(course_list_reportable().only("pk", "title")),
            list(Profession.objects.all()),
            list(Country.objects.all()),
        )

    cached = REPORT_SETUP.get_or_set(parts, read)
    everyone, agency_id, unit_ids, units, courses, professions, countries = cached
    supervised = None
    if unit_ids is not None:
        supervised = Unit.objects.filter(pk__in=unit_ids) if unit_ids else Unit.objects.none()
    scope = ReportScope(
        everyone=everyone,
        agency_id=agency_id,
        supervised_units=supervised,
        known_unit_ids=tuple(unit_ids or ()),
    )
    return ReportSetup(
        scope=scope,
        units=units,
        courses=courses,
        professions=professions,
        countries=countries,
        cache_parts=parts,
    )


def reportable_people() -> QuerySet[User]:
    """Everyone a report may count: active, approved accounts."""
    return User.objects.filter(is_active=True, vetting_status=User.Vetting.APPROVED)


def people_in_scope(scope: ReportScope) -> QuerySet[User]:
    if scope.is_empty:
        return User.objects.none()
    return reportable_people().filter(scope.person_q())


def learner_list_in_scope(*, actor: User) -> QuerySet[User]:
    """Active, approved people in the actor's scope (the learner record's 404 check)."""
    return people_in_scope(report_scope_for(actor=actor))


def unit_list_in_scope(*, scope: ReportScope) -> QuerySet[Unit]:
    if scope.is_empty:
        return Unit.objects.none()
    return Unit.objects.filter(scope.unit_q()).select_related("agency").order_by("path")


def required_enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(source__in=REQUIRED_SOURCES)


# --- Filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """Validated filter values (ids are checked against the scope by the form)."""

    unit: Unit | None = None
    profession_id: int | None = None
    course_id: int | None = None
    status: str = ""
    country_id: int | None = None
    query: str = ""
    sort: str = "name"

    def as_params(self) -> dict[str, str]:
        params = {
            "unit": self.unit.pk if self.unit else "",
            "profession": self.profession_id or "",
            "course": self.course_id or "",
            "status": self.status,
            "country": self.country_id or "",
            "q": self.query,
        }
        return {key: str(value) for key, value in params.items() if value}


def person_filters_q(filters: ReportFilters) -> Q:
    """The person filters (unit with sub-units, profession, country) on people, or on the
    count tables, which carry the same fields."""
    condition = Q()
    if filters.unit is not None:
        condition &= Q(unit__path__startswith=filters.unit.path)
    if filters.profession_id:
        condition &= Q(profession_id=filters.profession_id)
    if filters.country_id:
        condition &= Q(agency__country_id=filters.country_id)
    return condition


def learner_list_filtered(*, scope: ReportScope, filters: ReportFilters) -> QuerySet[User]:
    """People in scope narrowed by unit (with sub-units), profession, country and name."""
    people = people_in_scope(scope).filter(person_filters_q(filters))
    if filters.query:
        people = people.filter(
            Q(full_name__icontains=filters.query) | Q(email__icontains=filters.query)
        )
    return people


def cell_list_filtered(*, scope: ReportScope, filters: ReportFilters) -> QuerySet[Enrolment]:
    """Required enrolments of the filtered people, narrowed by course and status."""
    cells = required_enrolments().filter(
        user__in=learner_list_filtered(scope=scope, filters=filters)
    )
    if filters.course_id:
        cells = cells.filter(course_id=filters.course_id)
    if filters.status:
        cells = cells.filter(state__in=states_for(filters.status))
    return cells


# --- Status counts: the roll-up table, or live --------------------------------------------

GROUP_KEYS = {"agency": "agency_id", "unit": "unit_id", "course": "course_id"}
LIVE_KEYS = {"agency": "user__agency_id", "unit": "user__unit_id", "course": "course_id"}


def status_counts_as_of() -> datetime.datetime | None:
    """When the roll-up table was last rebuilt; None before its first build."""
    from .models import StatusCountRefresh

    row = StatusCountRefresh.objects.filter(pk=1).values_list("refreshed_at", flat=True)
    return next(iter(row), None)


def counts_kept_current() -> bool:
    """Whether the count tables follow every change as it commits (the triggers of
    migration 0006, PostgreSQL only) rather than only at each rebuild."""
    return connection.vendor == "postgresql"


def uses_status_counts(filters: ReportFilters, as_of: datetime.datetime | None) -> bool:
    """Whether totals come from the roll-up table: once built, and unless a name search is
    asked (names are not in it)."""
    return as_of is not None and not filters.query


def counted_rows(model: type[models.Model], *, scope: ReportScope, filters: ReportFilters):
    """A count table's rows within the scope and the person filters (no name search)."""
    if scope.is_empty:
        return model._default_manager.none()
    return model._default_manager.filter(scope.person_q(), person_filters_q(filters))


def status_count_rows(*, scope: ReportScope, filters: ReportFilters) -> QuerySet:
    """The roll-up table's rows within the scope and filters (no name search)."""
    from .models import StatusCount

    rows = counted_rows(StatusCount, scope=scope, filters=filters)
    if filters.course_id:
        rows = rows.filter(course_id=filters.course_id)
    if filters.status:
        rows = rows.filter(state__in=states_for(filters.status))
    return rows


def status_groups(
    *,
    scope: ReportScope,
    filters: ReportFilters,
    by: tuple[str, ...],
    as_of: datetime.datetime | None,
) -> list[dict]:
    """Required-course counts grouped `by` ("agency", "unit", "course") and state, within the
    scope and filters. From the roll-up table when it has been built (`as_of`) and no name
    search is asked (names are not in it); otherwise grouped live. One query either way."""
    count: Aggregate
    if uses_status_counts(filters, as_of):
        rows, keys, count = status_count_rows(scope=scope, filters=filters), GROUP_KEYS, Sum("n")
    else:
        rows, keys, count = cell_list_filtered(scope=scope, filters=filters), LIVE_KEYS, Count("id")
    grouped = rows.values(*(keys[key] for key in by), "state").annotate(count=count).order_by()
    return [
        {**{key: row[keys[key]] for key in by}, "state": row["state"], "n": row["count"]}
        for row in grouped
    ]


# --- Counting -----------------------------------------------------------------------------


@dataclass
class StatusCounts:
    """Cells by status, with percentages for display."""

    counts: Counter = field(default_factory=Counter)

    def add(self, status: str, n: int) -> None:
        self.counts[status] += n

    def merge(self, other: StatusCounts) -> None:
        self.counts.update(other.counts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percent(self, status: str) -> int:
        return round(100 * self.counts[status] / self.total) if self.total else 0

    @property
    def up_to_date(self) -> int:
        return sum(self.counts[s] for s in UP_TO_DATE)

    @property
    def up_to_date_percent(self) -> int:
        return round(100 * self.up_to_date / self.total) if self.total else 0

    @property
    def overdue(self) -> int:
        return self.counts[OVERDUE]

    def items(self) -> list[dict]:
        return [
            {
                "status": s,
                "label": STATUS_LABELS[s],
                "count": self.counts[s],
                "percent": self.percent(s),
            }
            for s in STATUSES
        ]


# --- The matrix ---------------------------------------------------------------------------


class MatrixCell(NamedTuple):
    """One cell: a tuple (built straight from a database row, hashed in C), so a page of
    1,000 cells costs little to build and equal cells are found by a dict lookup. Started
    and completed are local dates (the cell shows days, never times), so equal cells are
    common."""

    state: str
    due_on: datetime.date | None
    started_on: datetime.date | None
    completed_on: datetime.date | None
    certified_on: datetime.date | None
    expires_on: datetime.date | None

    @property
    def status(self) -> str:
        return status_of(self.state)

    @property
    def label(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))

    @property
    def key_date(self) -> datetime.date | None:
        """The one date that matters for this state, shown in the cell."""
        if self.state in ("certified", "window_open", "expired"):
            return self.expires_on or self.certified_on
        return self.due_on

    @property
    def key_date_is_expiry(self) -> bool:
        return self.state in ("certified", "window_open", "expired") and bool(self.expires_on)


@dataclass
class MatrixRow:
    person: MatrixPerson
    cells: list[MatrixCell | None]


@dataclass
class UnitTotal:
    unit: Unit | None
    counts: StatusCounts


@dataclass
class Matrix:
    columns: list[Course]
    page: Page
    rows: list[MatrixRow]
    summary: StatusCounts
    unit_totals: list[UnitTotal]
    # When the totals come from the roll-up table; None when they were counted live.
    totals_as_of: datetime.datetime | None = None


def matrix_get(
    *,
    scope: ReportScope,
    filters: ReportFilters,
    page_number: str | int | None,
    units: Iterable[Unit] = (),
    courses: Iterable[Course] = (),
) -> Matrix:
    """The completion matrix: one page of people by their required courses, with the
    summary and per-unit totals of every matching cell (not only this page).

    The totals ignore the status filter (they describe the group); rows honour it, showing
    people with at least one cell in that status. `units` and `courses` are those already
    loaded for the filter's choices: the names of the per-unit totals and the columns (the
    courses with a cell), so neither is read again.

    Totals, page count, page and cells are plain SQL (reporting.matrix_sql): once the count
    tables are built, the page costs three small statements.
    """
    totals_filters = replace_status(filters, "")
    known: int | None = None  # how many people match, when the count tables tell
    as_of: datetime.datetime | None = None  # when the count tables were rebuilt, if used
    groups: list[tuple[int | None, str, int]]
    with_cells: set[int]
    # The count tables, unless a name is searched (names are not in them).
    counted = None if scope.is_empty or filters.query else matrix_sql.counted_totals(scope, filters)
    if scope.is_empty:
        groups, with_cells, known = [], set(), 0
    elif counted is not None and counted.as_of is not None:
        groups, with_cells, known, as_of = counted
    else:  # a name search, or the count tables not built yet
        live = status_groups(scope=scope, filters=totals_filters, by=("unit", "course"), as_of=None)
        groups = [(group["unit"], group["state"], group["n"]) for group in live]
        with_cells = {group["course"] for group in live if group["n"]}
    summary = StatusCounts()
    per_unit: dict[int | None, StatusCounts] = defaultdict(StatusCounts)
    for unit_id, state, n in groups:
        status = status_of(state)
        summary.add(status, n)
        per_unit[unit_id].add(status, n)
    columns = [course for course in courses if course.pk in with_cells]
    if len(columns) < len(with_cells):  # a course the caller did not load (or none loaded)
        columns = list(
            Course.objects.filter(pk__in=with_cells).only("pk", "title").order_by("title", "pk")
        )
    else:
        columns.sort(key=lambda course: (course.title, course.pk))

    paginator: Paginator[MatrixPerson] = Paginator(
        matrix_sql.PeoplePages(scope, filters), PAGE_SIZE
    )
    if known is not None:
        paginator.count = known  # a cached_property: the paginator does not count again
    page = paginator.get_page(page_number)
    rows = _matrix_rows(list(page.object_list), columns)

    named = {unit.pk: unit for unit in units}
    missing = [pk for pk in per_unit if pk and pk not in named]
    if missing:
        named.update((u.pk, u) for u in Unit.objects.filter(pk__in=missing))
    unit_totals = sorted(
        (UnitTotal(unit=named.get(pk) if pk else None, counts=c) for pk, c in per_unit.items()),
        key=lambda t: (t.unit is None, t.unit.path if t.unit else ""),
    )
    return Matrix(
        columns=columns,
        page=page,
        rows=rows,
        summary=summary,
        unit_totals=unit_totals,
        totals_as_of=as_of,
    )


def replace_status(filters: ReportFilters, status: str) -> ReportFilters:
    from dataclasses import replace

    return replace(filters, status=status)


def _matrix_rows(people: list[MatrixPerson], columns: list[Course]) -> list[MatrixRow]:
    """Each person's cells in column order (None where a course is not required of them):
    one statement for the page (joined to the page's statement it cost more to read)."""
    position = {course.pk: i for i, course in enumerate(columns)}
    cells: dict[int, list[MatrixCell | None]] = {p.pk: [None] * len(columns) for p in people}
    for row in matrix_sql.cells_of(list(cells), list(position)):
        cells[row[0]][position[row[1]]] = MatrixCell._make(row[2:])
    return [MatrixRow(person=p, cells=cells[p.pk]) for p in people]


# --- Export rows --------------------------------------------------------------------------

EXPORT_FIELDS = (
    "user__agency__name",
    "user__unit__name",
    "user__full_name",
    "user__email",
    "user__profession__name",
    "user__agency__country__name",
    "course__title",
    "state",
    "due_on",
    "started_on",
    "completed_on",
    "certified_on",
    "expires_on",
)
# The leading text columns a spreadsheet could read as formulas (names, titles).
EXPORT_TEXT_COLUMNS = 7


def export_row_iter(
    *, scope: ReportScope, filters: ReportFilters, chunk_size: int = 5000
) -> Iterator[tuple]:
    """Every matching cell as a flat tuple (EXPORT_FIELDS order), streamed from the database
    in chunks (a server-side cursor on PostgreSQL), so memory stays flat at any size.

    Ordered by (user, course): the unique index already holds that order, so the first rows
    arrive without sorting the whole set.
    """
    cells = (
        cell_list_filtered(scope=scope, filters=filters)
        .annotate(started_on=TruncDate("started_at"), completed_on=TruncDate("completed_at"))
        .order_by("user_id", "course_id")
    )
    return cells.values_list(*EXPORT_FIELDS).iterator(chunk_size=chunk_size)


# --- Roll-ups -----------------------------------------------------------------------------


@dataclass
class RollupRow:
    label: str
    depth: int
    learners: int
    counts: StatusCounts
    obj: object = None


def _counts_by(
    scope: ReportScope, key: str, as_of: datetime.datetime | None
) -> dict[int | None, StatusCounts]:
    result: dict[int | None, StatusCounts] = defaultdict(StatusCounts)
    for group in status_groups(scope=scope, filters=ReportFilters(), by=(key,), as_of=as_of):
        result[group[key]].add(status_of(group["state"]), group["n"])
    return result


def _people_by(
    scope: ReportScope, key: str, as_of: datetime.datetime | None
) -> dict[int | None, int]:
    """People in scope counted per `key` ("unit_id", "agency_id"): from the person counts
    once built, else live. One GROUP BY."""
    from .models import PersonCount

    if uses_status_counts(ReportFilters(), as_of):
        rows = counted_rows(PersonCount, scope=scope, filters=ReportFilters())
        rows = rows.values(key).annotate(n=Sum("n")).order_by()
    else:
        rows = people_in_scope(scope).values(key).annotate(n=Count("id")).order_by()
    return {row[key]: row["n"] for row in rows}


def unit_rollup(*, agency: Agency, as_of: datetime.datetime | None) -> list[RollupRow]:
    """Every unit of `agency` in tree order, each counting itself and everything beneath it,
    plus people of the agency without a unit. Two GROUP BYs and the unit list."""
    scope = ReportScope(agency_id=agency.pk)
    counts = _counts_by(scope, "unit", as_of)
    heads = _people_by(scope, "unit_id", as_of)
    units = list(Unit.objects.filter(agency=agency).order_by("path"))
    rows = []
    for unit in units:
        total = StatusCounts()
        learners = 0
        for other in units:
            if other.path.startswith(unit.path):
                total.merge(counts.get(other.pk, StatusCounts()))
                learners += heads.get(other.pk, 0)
        rows.append(
            RollupRow(
                label=unit.name,
                depth=unit.path.count("/") - 2,
                learners=learners,
                counts=total,
                obj=unit,
            )
        )
    if heads.get(None):
        from django.utils.translation import gettext

        rows.append(
            RollupRow(
                label=gettext("No unit"),
                depth=0,
                learners=heads[None],
                counts=counts.get(None, StatusCounts()),
            )
        )
    return rows


@dataclass
class PlatformRollup:
    agencies: list[RollupRow]
    countries: list[RollupRow]
    total: StatusCounts


def platform_rollup(*, as_of: datetime.datetime | None) -> PlatformRollup:
    """Every agency and every country, from two GROUP BYs and the agency list."""
    scope = ReportScope(everyone=True)
    counts = _counts_by(scope, "agency", as_of)
    heads = _people_by(scope, "agency_id", as_of)
    agencies = list(Agency.objects.select_related("country").order_by("name"))
    agency_rows = [
        RollupRow(
            label=agency.name,
            depth=0,
            learners=heads.get(agency.pk, 0),
            counts=counts.get(agency.pk, StatusCounts()),
            obj=agency,
        )
        for agency in agencies
    ]
    by_country: dict[int, RollupRow] = {}
    for agency, row in zip(agencies, agency_rows, strict=True):
        country: Country = agency.country
        target = by_country.setdefault(
            country.pk,
            RollupRow(
                label=country.localized_name,
                depth=0,
                learners=0,
                counts=StatusCounts(),
                obj=country,
            ),
        )
        target.learners += row.learners
        target.counts.merge(row.counts)
    total = StatusCounts()
    for row in agency_rows:
        total.merge(row.counts)
    countries = sorted(by_country.values(), key=lambda r: r.label.casefold())
    return PlatformRollup(agencies=agency_rows, countries=countries, total=total)


# --- Trends -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthPoint:
    month: datetime.date
    enrolled: int
    completed: int
    completed_in_month: int

    @property
    def rate(self) -> int:
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0


def _month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    first = today.replace(day=1)
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = first.year, first.month - back
        while month <= 0:
            month += 12
            year -= 1
        starts.append(datetime.date(year, month, 1))
    return starts


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _monthly_counts(cells: QuerySet[Enrolment], field_name: str) -> dict[datetime.date, int]:
    rows = (
        cells.filter(**{f"{field_name}__isnull": False})
        .annotate(month=TruncMonth(field_name))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[datetime.date, int] = defaultdict(int)
    for row in rows:
        month = row["month"]
        day = timezone.localtime(month).date() if isinstance(month, datetime.datetime) else month
        result[day.replace(day=1)] += row["n"]
    return result


def _monthly_counted(
    scope: ReportScope, filters: ReportFilters
) -> tuple[dict[datetime.date, int], dict[datetime.date, int]]:
    """Enrolled and completed per month from the month counts: one GROUP BY of a few
    thousand rows instead of two over every enrolment."""
    from .models import MonthCount

    rows = counted_rows(MonthCount, scope=scope, filters=filters)
    if filters.course_id:
        rows = rows.filter(course_id=filters.course_id)
    enrolled: dict[datetime.date, int] = {}
    completed: dict[datetime.date, int] = {}
    grouped = rows.values("month").annotate(e=Sum("enrolled"), c=Sum("completed")).order_by()
    for row in grouped:
        enrolled[row["month"]] = row["e"]
        completed[row["month"]] = row["c"]
    return enrolled, completed


def completion_trend(
    *, scope: ReportScope, filters: ReportFilters, today: datetime.date | None = None
) -> list[MonthPoint]:
    """For each of the last 12 months: required enrolments that existed at the month's end,
    how many of them were completed by then (the rate), and completions in the month.
    One GROUP BY of the month counts (two by month over the enrolments, counted live,
    before the first build or for a name search), summed up in Python."""
    today = today or timezone.localdate()
    starts = _month_starts(today, TREND_MONTHS)
    filters = replace_status(filters, "")
    if uses_status_counts(filters, status_counts_as_of()):
        enrolled, completed = _monthly_counted(scope, filters)
    else:
        cells = cell_list_filtered(scope=scope, filters=filters)
        enrolled = _monthly_counts(cells, "enrolled_at")
        completed = _monthly_counts(cells, "completed_at")
    points = []
    for start in starts:
        points.append(
            MonthPoint(
                month=start,
                enrolled=sum(n for month, n in enrolled.items() if month <= start),
                completed=sum(n for month, n in completed.items() if month <= start),
                completed_in_month=completed.get(start, 0),
            )
        )
    return points


@dataclass
class LoadRow:
    unit: Unit | None
    minutes: list[int]

    @property
    def hours(self) -> list[float]:
        return [round(m / 60, 1) for m in self.minutes]


@dataclass
class TrainingLoad:
    weeks: list[datetime.date]
    rows: list[LoadRow]


def training_load(
    *, scope: ReportScope, filters: ReportFilters, today: datetime.date | None = None
) -> TrainingLoad:
    """Hours of lessons at exposure level 2-3 completed per unit per week, over the last
    8 weeks, so a supervisor can spread hard material. Course data only (what was completed
    and its published exposure level), never wellbeing answers.

    The level and length are those of the published lesson the person completed (its base
    text in the module version they read), falling back to the lesson's current values.
    """
    today = today or timezone.localdate()
    this_week = today - datetime.timedelta(days=today.weekday())
    weeks = [this_week - datetime.timedelta(weeks=n) for n in range(LOAD_WEEKS - 1, -1, -1)]
    people = learner_list_filtered(scope=scope, filters=filters)
    progress = (
        LessonProgress.objects.filter(
            user__in=people, completed_at__gte=_aware(weeks[0]), completed_at__isnull=False
        )
        .annotate(
            published=FilteredRelation(
                "module_version__lesson_versions",
                condition=Q(
                    module_version__lesson_versions__lesson=F("lesson"),
                    module_version__lesson_versions__language="",
                    module_version__lesson_versions__jurisdiction="",
                ),
            )
        )
        .annotate(week=TruncWeek("completed_at"))
        .filter(
            Q(published__exposure_level__gte=EXPOSURE_LOAD_MIN_LEVEL)
            | Q(published__isnull=True, lesson__exposure_level__gte=EXPOSURE_LOAD_MIN_LEVEL)
        )
    )
    if filters.course_id:
        progress = progress.filter(lesson__module__course_id=filters.course_id)
    from django.db.models.functions import Coalesce

    groups = (
        progress.values("user__unit_id", "week")
        .annotate(
            minutes=Sum(Coalesce("published__estimated_minutes", "lesson__estimated_minutes"))
        )
        .order_by()
    )
    index = {week: i for i, week in enumerate(weeks)}
    minutes: dict[int | None, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for group in groups:
        week = group["week"]
        day = week.date() if isinstance(week, datetime.datetime) else week
        if day in index:
            minutes[group["user__unit_id"]][index[day]] += group["minutes"] or 0
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in minutes if k])}
    rows = sorted(
        (LoadRow(unit=units.get(pk) if pk else None, minutes=m) for pk, m in minutes.items()),
        key=lambda r: (r.unit is None, r.unit.path if r.unit else ""),
    )
    return TrainingLoad(weeks=weeks, rows=rows)


# --- A learner's training record ----------------------------------------------------------


@dataclass
class TrainingRecord:
    person: User
    enrolments: list[Enrolment]
    certificates: list[Certificate]
    quiz_attempts: list[QuizAttempt]
    drill_attempts: list[DrillAttempt]


def learner_record_get(*, actor: User, person_pk: int) -> TrainingRecord:
    """A person's training: courses, certificates, quiz attempts and drill results. Never
    wellbeing, never mentoring. User.DoesNotExist outside the actor's scope (a 404)."""
    person = (
        learner_list_in_scope(actor=actor)
        .select_related("unit", "agency__country", "profession")
        .get(pk=person_pk)
    )
    enrolments = list(
        Enrolment.objects.filter(user=person).select_related("course").order_by("course__title")
    )
    certificates = list(
        Certificate.objects.filter(user=person).select_related("course").order_by("-issued_at")
    )
    quiz_attempts = list(
        QuizAttempt.objects.filter(user=person, submitted_at__isnull=False)
        .select_related("module__course")
        .order_by("-submitted_at")[:100]
    )
    drill_attempts = list(
        DrillAttempt.objects.filter(user=person, submitted_at__isnull=False)
        .select_related("drill__course")
        .order_by("-submitted_at")[:100]
    )
    return TrainingRecord(
        person=person,
        enrolments=enrolments,
        certificates=certificates,
        quiz_attempts=quiz_attempts,
        drill_attempts=drill_attempts,
    )


# --- Filter choices -----------------------------------------------------------------------


def course_list_reportable() -> QuerySet[Course]:
    """Courses a filter may name: everything that is or was published."""
    return Course.objects.exclude(status=Course.Status.DRAFT).order_by("title")


def supervisor_ids_with_supervisions() -> list[int]:
    return list(Supervision.objects.current().values_list("supervisor_id", flat=True).distinct())


def chunked(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for item in ids:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
