"""Reads for wellbeing. Every list is scoped to what the asking user may see (the queryset
twins of the rules in permissions.py); anything outside it is a 404 in the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from accounts.caching import CacheGeneration
from accounts.models import Agency, AuditEvent, Unit, User
from accounts.roles import AGENCY_ADMIN, user_roles
from accounts.selectors import user_list_supervised_by

from .models import (
    AdjustmentFlag,
    AgencyInstrument,
    AgencyWellbeingSettings,
    CheckIn,
    ExposureEntry,
    Instrument,
    PersonWellbeingSettings,
    ResourcePage,
    ReviewCase,
    ReviewEntry,
    SupportContact,
)
from .models.preferences import DEFAULT_EXPOSURE_LIMIT_HOURS, DEFAULT_RETENTION_MONTHS
from .permissions import covered_agency_ids

# Aggregates are shown only for groups of at least this many people (DESIGN section 5).
K_THRESHOLD = 5

# Audit actions that mean "a lead read this person's wellbeing data" (shown to the person).
READ_ACTIONS = (
    "wellbeing.checkin_viewed",
    "wellbeing.case_viewed",
    "wellbeing.person_viewed",
    "wellbeing.queue_listed",
)


# Instruments and agency rules ------------------------------------------------------------


def instrument_list_current() -> QuerySet[Instrument]:
    return Instrument.objects.filter(is_current=True, is_active=True).order_by("code")


def instrument_get_current(*, code: str) -> Instrument:
    return instrument_list_current().get(code=code)


@dataclass(frozen=True)
class Schedule:
    """An instrument offered to a person, every `cadence_days`."""

    instrument: Instrument
    cadence_days: int


def _instruments_offered(*, agency_id: int | None):
    """Current instruments, each annotated in the same query with the agency's choice
    (`agency_enabled`, `agency_cadence`: None without one)."""
    instruments = instrument_list_current()
    if agency_id:
        # Unique per agency and code: no ordering to build or run.
        choice = AgencyInstrument.objects.filter(
            agency_id=agency_id, instrument_code=OuterRef("code")
        ).order_by()
        instruments = instruments.annotate(
            agency_enabled=Subquery(choice.values("enabled")[:1]),
            agency_cadence=Subquery(choice.values("cadence_days")[:1]),
        )
    return instruments


def _schedule_for(instrument: Instrument) -> Schedule | None:
    """None when the agency does not offer the instrument."""
    if getattr(instrument, "agency_enabled", None) is False:
        return None
    cadence = getattr(instrument, "agency_cadence", None) or instrument.default_cadence_days
    return Schedule(instrument, max(cadence, instrument.recall_days))


# What an agency offers changes rarely (an instrument loaded, an agency's settings saved) and
# every home page asks: kept in the cache per agency; any saved or deleted instrument or
# agency choice forgets it (wellbeing.apps connects the signals), ten minutes at most. No
# person's data is cached here.
SCHEDULES = CacheGeneration("wellbeing:schedules", seconds=600)


def schedule_list_for_agency(*, agency_id: int | None) -> list[Schedule]:
    """The instruments an agency offers, with their cadence (from the cache, else one
    query). Without a choice by the agency: every current instrument at its default cadence
    (WHO-5 every 14 days, ProQOL every 30 days once loaded). Never more often than an
    instrument's recall period."""

    def read() -> list[Schedule]:
        offered = (_schedule_for(i) for i in _instruments_offered(agency_id=agency_id))
        return [s for s in offered if s is not None]

    return SCHEDULES.get_or_set((agency_id or 0,), read)


def agency_settings_for(*, agency_id: int | None) -> AgencyWellbeingSettings:
    """The agency's settings row, or an unsaved one holding the defaults."""
    found = (
        AgencyWellbeingSettings.objects.filter(agency_id=agency_id).first() if agency_id else None
    )
    if found is not None:
        return found
    defaults = AgencyWellbeingSettings(
        exposure_limit_hours=DEFAULT_EXPOSURE_LIMIT_HOURS,
        retention_months=DEFAULT_RETENTION_MONTHS,
    )
    if agency_id:
        defaults.agency_id = agency_id
    return defaults


def person_settings_for(*, person: User) -> PersonWellbeingSettings:
    found = PersonWellbeingSettings.objects.filter(person=person).first()
    return found or PersonWellbeingSettings(person=person)


# The person's own data -------------------------------------------------------------------


def checkin_list_own(*, person: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(person=person).select_related("instrument", "review_case")


def home_facts_for(*, person: User) -> tuple[int | None, bool]:
    """(id of the person's latest check-in, whether an adjustment is recommended), in one
    query: the home page then reads the check-in only when there is one."""
    return (
        User.objects.filter(pk=person.pk)
        .annotate(
            last_checkin_id=Subquery(
                CheckIn.objects.filter(person=OuterRef("pk"))
                .order_by("-submitted_at", "-pk")
                .values("pk")[:1]
            ),
            adjustment=Exists(
                AdjustmentFlag.objects.filter(person=OuterRef("pk"), cleared_at__isnull=True)
            ),
        )
        .values_list("last_checkin_id", "adjustment")
        .get()
    )


def checkin_get_own(*, person: User, pk: int) -> CheckIn:
    """One of the person's own check-ins with its instrument."""
    return CheckIn.objects.select_related("instrument").get(person=person, pk=pk)


def checkin_list_visible_to(*, user: User) -> QuerySet[CheckIn]:
    """Queryset twin of wellbeing.view_checkin: own check-ins and those of people in the
    agencies `user` covers as a lead (never their own twice)."""
    agencies = covered_agency_ids(user)
    condition = Q(person=user)
    if agencies:
        condition |= Q(person__agency_id__in=agencies)
    return CheckIn.objects.filter(condition).select_related("instrument", "person", "review_case")


def checkin_get_visible(*, user: User, pk: int) -> CheckIn:
    return checkin_list_visible_to(user=user).get(pk=pk)


def checkin_get_by_submission(*, person: User, key: str) -> CheckIn | None:
    """The check-in a form with this one-time key already saved, if any (double submit)."""
    if not key:
        return None
    return CheckIn.objects.filter(person=person, submission_key=key[:64]).first()


def checkin_last_for_instrument(*, person: User, code: str) -> CheckIn | None:
    """The person's latest answer to an instrument (any version of the code)."""
    return (
        CheckIn.objects.filter(person=person, instrument__code=code)
        .order_by("-submitted_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Due:
    schedule: Schedule
    last_at: datetime | None  # when the person last answered the instrument
    due_on: date
    available_on: date

    @property
    def is_due(self) -> bool:
        return self.due_on <= timezone.localdate()

    @property
    def can_answer(self) -> bool:
        return self.available_on <= timezone.localdate()


def due_list_for(*, person: User) -> list[Due]:
    """For each instrument the person's agency offers: when it is next due, and from when it
    may be answered again (after its recall period). One query (on every home page): the
    person's last answer to each (any version of the same code)."""
    today = timezone.localdate()
    schedules = schedule_list_for_agency(agency_id=person.agency_id)
    if not schedules:
        return []
    last_answered = dict(
        CheckIn.objects.filter(
            person=person, instrument__code__in=[s.instrument.code for s in schedules]
        )
        .order_by()
        .values_list("instrument__code")
        .annotate(last=Max("submitted_at"))
    )
    result = []
    for schedule in schedules:
        last_at = last_answered.get(schedule.instrument.code)
        if last_at is None:
            result.append(Due(schedule, None, today, today))
            continue
        last_day = timezone.localtime(last_at).date()
        result.append(
            Due(
                schedule,
                last_at,
                last_day + timedelta(days=schedule.cadence_days),
                last_day + timedelta(days=schedule.instrument.recall_days),
            )
        )
    return result


def exposure_week(*, person: User, week_start: date) -> dict:
    """Seven days from `week_start`: hours per day, the agency limit and the days over it."""
    limit = agency_settings_for(agency_id=person.agency_id).exposure_limit_hours
    days = [week_start + timedelta(days=i) for i in range(7)]
    entries = list(
        ExposureEntry.objects.filter(person=person, day__gte=days[0], day__lte=days[-1]).order_by(
            "day", "created_at"
        )
    )
    per_day: dict[date, Decimal] = {day: Decimal("0") for day in days}
    for entry in entries:
        per_day[entry.day] += entry.hours
    rows = [
        {
            "day": day,
            "hours": per_day[day],
            "over": per_day[day] > limit,
            "entries": [e for e in entries if e.day == day],
            "percent": min(100, int(per_day[day] / limit * 100)) if limit else 0,
        }
        for day in days
    ]
    return {
        "limit": limit,
        # For <meter>: green under 80 % of the limit, amber up to it, red above it.
        "meter": {
            "max": str(limit * Decimal("1.5")),
            "low": str(limit * Decimal("0.8")),
            "high": str(limit),
        },
        "days": rows,
        "total": sum(per_day.values(), Decimal("0")),
        "days_over": sum(1 for row in rows if row["over"]),
    }


def exposure_day_total(*, person: User, day: date) -> Decimal:
    total = ExposureEntry.objects.filter(person=person, day=day).aggregate(t=Sum("hours"))["t"]
    return total or Decimal("0")


def exposure_get_own(*, person: User, pk: int) -> ExposureEntry:
    return ExposureEntry.objects.get(person=person, pk=pk)


def adjustment_active_for(*, person: User) -> AdjustmentFlag | None:
    return (
        AdjustmentFlag.objects.filter(person=person, cleared_at__isnull=True)
        .select_related("set_by")
        .first()
    )


def access_list_for(*, person: User) -> QuerySet:
    """Who read this person's wellbeing data, grouped per reader, kind of read and day."""
    return (
        AuditEvent.objects.filter(subject_user=person, action__startswith="wellbeing.")
        .exclude(actor=person)
        .values("actor_label", "actor__full_name", "action", "at__date")
        .annotate(times=Count("pk"), last=Max("at"))
        .order_by("-at__date", "-last")
    )


# Leads -----------------------------------------------------------------------------------


def review_case_list_visible_to(*, user: User) -> QuerySet[ReviewCase]:
    """Queryset twin of wellbeing.review_case: cases of people in the agencies `user`
    covers today, never `user`'s own."""
    agencies = covered_agency_ids(user)
    if not agencies:
        return ReviewCase.objects.none()
    return (
        ReviewCase.objects.filter(person__agency_id__in=agencies)
        .exclude(person=user)
        .select_related("person__agency", "person__unit", "checkin__instrument")
    )


QUEUE_FILTERS = ("open", "new", "contacted", "in_support", "overdue", "closed", "all")


def review_queue_for(*, user: User, status: str = "open", agency_id: int | None = None):
    cases = review_case_list_visible_to(user=user)
    today = timezone.localdate()
    if status == "open":
        cases = cases.exclude(status=ReviewCase.Status.CLOSED)
    elif status == "overdue":
        cases = cases.exclude(status=ReviewCase.Status.CLOSED).filter(due_on__lt=today)
    elif status in ReviewCase.Status.values:
        cases = cases.filter(status=status)
    if agency_id:
        cases = cases.filter(person__agency_id=agency_id)
    if status == "closed":
        return cases.order_by("-closed_at", "-pk")
    return cases.order_by("due_on", "-severity", "opened_at", "pk")


def review_queue_counts(*, user: User) -> dict[str, int]:
    today = timezone.localdate()
    open_q = ~Q(status=ReviewCase.Status.CLOSED)
    return review_case_list_visible_to(user=user).aggregate(
        open=Count("pk", filter=open_q),
        new=Count("pk", filter=Q(status=ReviewCase.Status.NEW)),
        overdue=Count("pk", filter=open_q & Q(due_on__lt=today)),
        follow_ups=Count("pk", filter=open_q & Q(follow_up_on__lte=today)),
    )


def review_case_get_visible(*, user: User, pk: int) -> ReviewCase:
    return (
        review_case_list_visible_to(user=user)
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ReviewEntry.objects.select_related("author").order_by("at", "pk"),
            )
        )
        .get(pk=pk)
    )


def person_get_covered(*, user: User, pk: int) -> User:
    """A person `user` covers as a lead (not `user`); DoesNotExist otherwise."""
    agencies = covered_agency_ids(user)
    return (
        User.objects.filter(agency_id__in=agencies)
        .exclude(pk=user.pk)
        .select_related("agency", "unit")
        .get(pk=pk)
    )


def review_case_list_for_person(*, person: User) -> QuerySet[ReviewCase]:
    return (
        ReviewCase.objects.filter(person=person)
        .select_related("checkin__instrument")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ReviewEntry.objects.select_related("author").order_by("at", "pk"),
            )
        )
        .order_by("-opened_at")
    )


def resource_agency_list_for(*, user: User) -> QuerySet[Agency]:
    """Agencies whose self-care pages `user` may edit (the agencies they cover)."""
    return Agency.objects.filter(pk__in=covered_agency_ids(user)).order_by("name")


def resource_list_for_agency(*, agency_id: int | None):
    if not agency_id:
        return ResourcePage.objects.none(), SupportContact.objects.none()
    return (
        ResourcePage.objects.filter(agency_id=agency_id),
        SupportContact.objects.filter(agency_id=agency_id),
    )


# Supervisors -----------------------------------------------------------------------------


def team_status_for(*, supervisor: User, window_days: int = 14) -> QuerySet[User]:
    """The people `supervisor` supervises, with only two facts each: whether an adjustment is
    recommended and whether they checked in within `window_days`. Nothing else is read."""
    since = timezone.now() - timedelta(days=window_days)
    return (
        user_list_supervised_by(user=supervisor)
        .exclude(pk=supervisor.pk)
        .annotate(
            adjustment_recommended=Exists(
                AdjustmentFlag.objects.filter(person=OuterRef("pk"), cleared_at__isnull=True)
            ),
            checked_in=Exists(
                CheckIn.objects.filter(person=OuterRef("pk"), submitted_at__gte=since)
            ),
        )
        .only("pk", "full_name", "email", "unit__name", "unit__agency", "agency", "profession")
        .order_by("-adjustment_recommended", "full_name", "email")
    )


# Aggregates ------------------------------------------------------------------------------


def aggregate_agency_list_for(*, user: User) -> QuerySet[Agency]:
    """Agencies whose aggregates `user` may see: covered as a lead, or their own as an
    agency administrator."""
    ids = set(covered_agency_ids(user))
    if AGENCY_ADMIN in user_roles(user) and user.agency_id:
        ids.add(user.agency_id)
    return Agency.objects.filter(pk__in=ids).order_by("name")


@dataclass
class UnitAggregate:
    unit: Unit | None
    members: int
    answered: int
    bands: dict[str, int]
    # Set on a total that has enough answers but would give away a small unit's figures by
    # subtraction (complementary suppression).
    withheld: bool = False

    @property
    def enough(self) -> bool:
        return self.answered >= K_THRESHOLD and not self.withheld

    @property
    def participation(self) -> int | None:
        if not self.enough or not self.members:
            return None
        return round(100 * self.answered / self.members)

    def band_percentages(self, band_codes: list[str]) -> list[int] | None:
        if not self.enough:
            return None
        return [round(100 * self.bands.get(code, 0) / self.answered) for code in band_codes]


def aggregates_for(
    *, agency: Agency, instrument: Instrument, since: date
) -> tuple[list[UnitAggregate], UnitAggregate]:
    """Participation and band distribution per unit since `since`, counting people (each
    person's latest check-in with the instrument). Rows below K_THRESHOLD people carry no
    figures (`enough` is False); the caller shows "not enough responses".

    Two queries whatever the size of the agency.
    """
    members: dict[int | None, int] = dict(
        User.objects.filter(agency=agency, is_active=True)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    latest = (
        CheckIn.objects.filter(
            person__agency=agency,
            person__is_active=True,
            instrument__code=instrument.code,
            submitted_at__date__gte=since,
        )
        .order_by("person_id", "-submitted_at", "-pk")
        .values_list("person_id", "person__unit_id", "primary_band")
    )
    seen: set[int] = set()
    per_unit: dict[int | None, dict[str, int]] = {}
    for person_id, unit_id, band in latest:
        if person_id in seen:
            continue
        seen.add(person_id)
        bucket = per_unit.setdefault(unit_id, {})
        bucket[band] = bucket.get(band, 0) + 1
    units = {u.pk: u for u in Unit.objects.filter(agency=agency).order_by("path")}
    rows = []
    unit_ids: list[int | None] = [*units, None]
    for key in unit_ids:
        bands = per_unit.get(key, {})
        count = members.get(key, 0)
        if key is None and not count:
            continue
        rows.append(
            UnitAggregate(units.get(key) if key else None, count, sum(bands.values()), bands)
        )
    total_bands: dict[str, int] = {}
    for bands in per_unit.values():
        for code, n in bands.items():
            total_bands[code] = total_bands.get(code, 0) + n
    total = UnitAggregate(None, sum(members.values()), len(seen), total_bands)
    total.withheld = _total_would_reveal_small_units(rows, total)
    return rows, total


def _total_would_reveal_small_units(rows: list[UnitAggregate], total: UnitAggregate) -> bool:
    """The agency total minus the units shown is what the withheld units answered together.
    When that remainder is between 1 and K_THRESHOLD - 1 people, showing the total would let
    anyone recover their figures by subtraction, so the total is withheld too."""
    shown = sum(row.answered for row in rows if row.enough)
    hidden = total.answered - shown
    return 0 < hidden < K_THRESHOLD
