"""Writes and side effects of reporting: export files (with their audit rows) and the monthly
report to supervisors. Reports themselves are reads (selectors.py)."""

from __future__ import annotations

import csv
import datetime
import logging
import tempfile
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Case, Count, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.exports import spreadsheet_safe
from accounts.models import User
from accounts.services import audit_record, job_run_claim, job_run_finish

from .models import (
    MonthCount,
    PersonCount,
    PersonStatusCount,
    StatusCount,
    StatusCountRefresh,
)
from .selectors import (
    EXPORT_FIELDS,
    EXPORT_TEXT_COLUMNS,
    ReportFilters,
    ReportScope,
    StatusCounts,
    export_row_iter,
    report_scope_for,
    reportable_people,
    required_enrolments,
    status_counts_as_of,
    status_groups,
)
from .statuses import NOT_STARTED, STATE_LABELS, STATUSES, states_for, status_of

logger = logging.getLogger(__name__)

MONTHLY_KIND = "reporting.monthly"
MONTHLY_JOB = "reporting.monthly_report"
CSV_ROWS_PER_CHUNK = 500


def _require(actor: User, perm: str, obj: Any = None) -> None:
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(perm)


def export_headers() -> list[str]:
    return [
        _("Agency"),
        _("Unit"),
        _("Name"),
        _("Email"),
        _("Profession"),
        _("Country"),
        _("Course"),
        _("Status"),
        _("Due"),
        _("Started"),
        _("Completed"),
        _("Certified"),
        _("Valid until"),
    ]


class ExportRowFormatter:
    """Turns exported tuples into spreadsheet rows: the state in words (looked up once per
    export), every text column made formula-safe. Dates come from the database as dates,
    which csv writes as ISO dates and openpyxl as date cells; None becomes an empty cell.
    Kept lean: it runs 400,000 times for a large agency."""

    def __init__(self) -> None:
        self.labels = {state: str(label) for state, label in STATE_LABELS.items()}
        self.state_at = EXPORT_FIELDS.index("state")

    def __call__(self, row: tuple) -> list[Any]:
        values = [*map(spreadsheet_safe, row[:EXPORT_TEXT_COLUMNS]), *row[EXPORT_TEXT_COLUMNS:]]
        state = values[self.state_at]
        values[self.state_at] = self.labels.get(state, state)
        return values


class _Line:
    """A write-only file for csv.writer that hands back what was written."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, value: str) -> None:
        self.parts.append(value)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


def report_export_audit(*, actor: User, kind: str, filters: ReportFilters, request=None) -> None:
    """Exports are sensitive reads of many people: one audit row per export (DESIGN 10)."""
    _require(actor, "reporting.view_reports")
    audit_record(
        actor=actor,
        action=f"reporting.export_{kind}",
        request=request,
        details={"filters": filters.as_params()},
    )


def report_csv_iter(*, scope: ReportScope, filters: ReportFilters) -> Iterator[str]:
    """The CSV export, a few hundred rows per piece: the header goes out before the query
    runs (first byte at once) and memory stays flat whatever the size."""
    out = _Line()
    writer = csv.writer(out)
    # A byte-order mark so Excel opens UTF-8 (accents in names) correctly.
    writer.writerow(export_headers())
    yield "\ufeff" + out.take()
    formatted = map(ExportRowFormatter(), export_row_iter(scope=scope, filters=filters))
    while batch := list(islice(formatted, CSV_ROWS_PER_CHUNK)):
        writer.writerows(batch)
        yield out.take()


def report_xlsx_write(
    *, scope: ReportScope, filters: ReportFilters, target: IO[bytes] | None = None
) -> IO[bytes]:
    """The XLSX export, written with openpyxl's write-only workbook (rows go to disk as they
    come) into a temporary file that spills to disk past 10 MB; returned rewound."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Training")[:31])
    bold = Font(bold=True)
    header = []
    for title in export_headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formatter = ExportRowFormatter()
    for row in export_row_iter(scope=scope, filters=filters):
        sheet.append(formatter(row))
    target = target or tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return target


# --- The monthly report -------------------------------------------------------------------


def previous_month(today: datetime.date) -> str:
    """The month a report sent on `today` is about, as "YYYY-MM"."""
    first = today.replace(day=1)
    last_month = first - datetime.timedelta(days=1)
    return f"{last_month:%Y-%m}"


def monthly_report_plan(*, today: datetime.date | None = None) -> tuple[str, list[int]] | None:
    """Claim this month's report run (once, whatever the number of beats) and list the
    supervisors to tell. None when the month was already planned."""
    from .selectors import supervisor_ids_with_supervisions

    month = previous_month(today or timezone.localdate())
    run = job_run_claim(job=MONTHLY_JOB, period=month)
    if run is None:
        return None
    supervisors = supervisor_ids_with_supervisions()
    job_run_finish(run=run, result={"supervisors": len(supervisors)})
    return month, supervisors


def _monthly_summary(supervisor: User, as_of: datetime.datetime | None) -> StatusCounts:
    scope = report_scope_for(actor=supervisor)
    counts = StatusCounts()
    for group in status_groups(scope=scope, filters=ReportFilters(), by=(), as_of=as_of):
        counts.add(status_of(group["state"]), group["n"])
    return counts


def _grouped_cells(*fields: str, count: Count | None = None, **annotations) -> QuerySet:
    """Required enrolments of active, approved people grouped by their person's key and
    `fields` (the counts' one definition of what is counted), counted by `count` (cells)."""
    return (
        required_enrolments()
        .filter(user__in=reportable_people())
        .annotate(**annotations)
        .values("user__agency_id", "user__unit_id", "user__profession_id", *fields)
        .annotate(n=count or Count("id"))
        .order_by()
    )


def _status_of_state() -> Case:
    return Case(
        *(When(state__in=states_for(status), then=Value(status)) for status in STATUSES),
        default=Value(NOT_STARTED),
    )


def _key(group: dict) -> dict:
    return {
        "agency_id": group["user__agency_id"],
        "unit_id": group["user__unit_id"],
        "profession_id": group["user__profession_id"],
    }


def _month_counts() -> list[MonthCount]:
    months: dict[tuple, MonthCount] = {}
    for field_name, attribute in (("enrolled_at", "enrolled"), ("completed_at", "completed")):
        grouped = _grouped_cells(
            "course_id", "month", month=TruncMonth(field_name, tzinfo=datetime.UTC)
        ).filter(**{f"{field_name}__isnull": False})
        for g in grouped:
            month = g["month"].date() if isinstance(g["month"], datetime.datetime) else g["month"]
            key = (*_key(g).values(), g["course_id"], month)
            row = months.get(key)
            if row is None:
                row = months[key] = MonthCount(**_key(g), course_id=g["course_id"], month=month)
            setattr(row, attribute, g["n"])
    return list(months.values())


@transaction.atomic
def status_counts_refresh() -> dict:
    """Rebuild the count tables from the enrolments and people, a few GROUP BYs (a few
    thousand rows for 400,000 enrolments). Readers see the old counts or the new, never half
    of each. Idempotent; run by beat every 10 minutes and after the demo data is seeded.

    On PostgreSQL the triggers keep the counts current between rebuilds; the rebuild locks
    the tables first, so a change committing meanwhile is counted exactly once (its trigger
    waits for the rebuild, then adds its difference to the new counts)."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "LOCK TABLE reporting_statuscount, reporting_personcount, reporting_monthcount,"
                " reporting_personstatuscount IN SHARE ROW EXCLUSIVE MODE"
            )
    counts = [
        StatusCount(**_key(g), course_id=g["course_id"], state=g["state"], n=g["n"])
        for g in _grouped_cells("course_id", "state")
    ]
    people = [
        PersonCount(
            agency_id=g["agency_id"],
            unit_id=g["unit_id"],
            profession_id=g["profession_id"],
            n=g["n"],
        )
        for g in reportable_people()
        .values("agency_id", "unit_id", "profession_id")
        .annotate(n=Count("id"))
        .order_by()
    ]
    months = _month_counts()
    statuses = [
        PersonStatusCount(**_key(g), status=g["status"], n=g["n"])
        for g in _grouped_cells(
            "status", count=Count("user_id", distinct=True), status=_status_of_state()
        )
    ]
    tables: tuple[tuple[Any, list[Any]], ...] = (
        (StatusCount, counts),
        (PersonCount, people),
        (MonthCount, months),
        (PersonStatusCount, statuses),
    )
    for model, rows in tables:
        model.objects.all().delete()
        model.objects.bulk_create(rows, batch_size=1000)
    seconds = time.perf_counter() - started
    StatusCountRefresh.objects.update_or_create(
        pk=1, defaults={"refreshed_at": timezone.now(), "seconds": seconds}
    )
    return {
        "rows": len(counts),
        "people_rows": len(people),
        "month_rows": len(months),
        "seconds": round(seconds, 3),
    }


def monthly_report_send(*, supervisor_ids: Iterable[int], month: str) -> int:
    """Send the monthly report for `month` to each supervisor who still supervises a unit.
    Idempotent per (supervisor, month): a job row is claimed first, and the notification
    carries a key, so a retry or a second beat sends nothing twice. Returns how many sent.

    The notification kind "reporting.monthly" is the opt-out: "Not by email" on the
    notification preferences keeps the report in the inbox only.
    """
    from notifications.services import notification_send

    sent = 0
    as_of = status_counts_as_of()
    people = User.objects.filter(pk__in=list(supervisor_ids), is_active=True)
    for supervisor in people.order_by("pk"):
        if not rules.has_perm("reporting.view_reports", supervisor):
            continue
        # The claim and the send commit together: a failed send leaves no claim behind, so
        # the task's retry sends the report instead of skipping this supervisor.
        with transaction.atomic():
            run = job_run_claim(job=f"{MONTHLY_JOB}:{supervisor.pk}", period=month)
            if run is None:
                continue
            counts = _monthly_summary(supervisor, as_of)
            with translation.override(supervisor.preferred_language or settings.LANGUAGE_CODE):
                title = _("Training report for %(month)s") % {"month": month}
                body = _monthly_body(counts)
            notification_send(
                user=supervisor,
                kind=MONTHLY_KIND,
                title=title,
                body=body,
                url=reverse("reporting:matrix"),
                key=f"{MONTHLY_KIND}:{month}",
            )
            job_run_finish(run=run, result={"cells": counts.total})
        sent += 1
    return sent


def _monthly_body(counts: StatusCounts) -> str:
    if not counts.total:
        return _("Nobody in your units has a required course yet.")
    return _(
        "Across the units you supervise: %(up)s%% of required courses are completed and "
        "valid, %(expiring)s expire soon, %(overdue)s are expired or overdue, %(progress)s "
        "are in progress and %(waiting)s not started. Open the report for names and dates."
    ) % {
        "up": counts.up_to_date_percent,
        "expiring": counts.counts["expiring"],
        "overdue": counts.overdue,
        "progress": counts.counts["in_progress"],
        "waiting": counts.counts["not_started"],
    }
