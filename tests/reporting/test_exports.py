"""CSV (streamed, formula-safe) and XLSX exports, and their audit rows."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from accounts.exports import spreadsheet_safe
from accounts.models import AuditEvent
from tests.courses.factories import CourseFactory
from tests.factories import UnitFactory, UserFactory

from .helpers import required

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_starts_get_an_apostrophe(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain name", "2026-11-01", "", "Ana = Bob", None, 3])
def test_other_values_are_untouched(value):
    assert spreadsheet_safe(value) == value


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_is_streamed_with_one_row_per_required_course(client_as, supervisor, unit):
    course = CourseFactory(status="published", title="Course A")
    for n in range(3):
        required(UserFactory(unit=unit, agency=unit.agency, full_name=f"P{n}"), course)

    response = client_as(supervisor).get(reverse("reporting:export_csv"))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:3] == ["Agency", "Unit", "Name"]
    assert len(rows) == 4
    assert {r[6] for r in rows[1:]} == {"Course A"}


def test_csv_neutralises_formula_injection_in_every_text_cell(client_as, supervisor, unit):
    course = CourseFactory(status="published", title="=cmd|' /C calc'!A0")
    person = UserFactory(unit=unit, agency=unit.agency, full_name="@SUM(1+1)")
    required(person, course)

    rows = _csv_rows(client_as(supervisor).get(reverse("reporting:export_csv")))
    row = next(r for r in rows if "@SUM" in r[2])

    assert row[2] == "'@SUM(1+1)"
    assert row[6] == "'=cmd|' /C calc'!A0"


def test_csv_honours_the_filters_and_the_scope(client_as, supervisor, unit):
    course = CourseFactory(status="published")
    late = UserFactory(unit=unit, agency=unit.agency, full_name="Late One")
    required(late, course, state="overdue")
    required(
        UserFactory(unit=unit, agency=unit.agency, full_name="Done One"), course, state="certified"
    )
    stranger_unit = UnitFactory(agency=unit.agency)
    required(
        UserFactory(unit=stranger_unit, agency=unit.agency, full_name="Not Mine"),
        course,
        state="overdue",
    )

    rows = _csv_rows(
        client_as(supervisor).get(reverse("reporting:export_csv"), {"status": "overdue"})
    )

    assert [r[2] for r in rows[1:]] == ["Late One"]
    assert rows[1][7] == "Overdue"


def test_export_writes_an_audit_row(client_as, supervisor):
    client_as(supervisor).get(reverse("reporting:export_csv"), {"status": "overdue"})

    event = AuditEvent.objects.get(action="reporting.export_csv")
    assert event.actor == supervisor
    assert event.details == {"filters": {"status": "overdue"}}


def test_xlsx_opens_with_openpyxl_and_is_formula_safe(client_as, supervisor, unit):
    from openpyxl import load_workbook

    course = CourseFactory(status="published", title="+SUM(9)")
    required(
        UserFactory(unit=unit, agency=unit.agency, full_name="Xavier"), course, state="window_open"
    )

    response = client_as(supervisor).get(reverse("reporting:export_xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))

    assert rows[0][0] == "Agency"
    data = next(r for r in rows if r[2] == "Xavier")
    assert data[6] == "'+SUM(9)"
    assert data[7] == "Expiring soon"
    assert AuditEvent.objects.filter(action="reporting.export_xlsx").count() == 1


def test_csv_first_chunk_is_the_header_before_any_row_is_read(supervisor, unit):
    from reporting.selectors import ReportFilters, report_scope_for
    from reporting.services import report_csv_iter

    pieces = report_csv_iter(scope=report_scope_for(actor=supervisor), filters=ReportFilters())

    assert next(pieces).startswith("\ufeffAgency,Unit,Name")
