"""Browser journey for the supervisor reports, with axe on every page visited: a supervisor
filters the matrix to expired or overdue, opens a learner's training record, comes back and
exports the CSV; an agency admin opens the roll-up per unit."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.courses.factories import CourseFactory
from tests.factories import UnitFactory, UserFactory
from tests.reporting.helpers import required

pytestmark = pytest.mark.e2e


@pytest.fixture
def team(unit):
    below = UnitFactory(agency=unit.agency, parent=unit, name="Victim Identification")
    course = CourseFactory(status="published", title="Online grooming basics")
    other = CourseFactory(status="published", title="Encrypted services")
    late = UserFactory(unit=below, agency=unit.agency, full_name="Lena Late")
    done = UserFactory(unit=unit, agency=unit.agency, full_name="Dario Done")
    required(late, course, state="overdue")
    required(late, other, state="certified")
    required(done, course, state="certified")
    required(done, other, state="in_progress")
    return {"late": late, "done": done}


def test_supervisor_filters_to_overdue_opens_a_record_and_exports(
    page, live_url, sign_in, axe_check, supervisor, team
):
    sign_in(page, supervisor)
    page.goto(f"{live_url}/")
    page.get_by_role("link", name="Training reports").first.click()
    expect(page.get_by_role("heading", name="Training completion")).to_be_visible()
    axe_check(page, "completion matrix")

    page.get_by_label("Status", exact=True).select_option(label="Expired or overdue")
    page.get_by_role("button", name="Apply").click()
    table = page.get_by_role("table", name="People by required course")
    expect(table.get_by_role("rowheader", name="Lena Late")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Dario Done")).to_have_count(0)
    expect(table.locator("td.cell-overdue")).to_contain_text("Overdue")
    axe_check(page, "matrix filtered to overdue")

    page.get_by_role("link", name="Lena Late").click()
    expect(page.get_by_role("heading", name="Training record of Lena Late")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Online grooming basics")).to_be_visible()
    axe_check(page, "learner training record")

    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Agency", "Unit", "Name"]
    assert [(r[2], r[7]) for r in rows[1:]] == [("Lena Late", "Overdue")]
    assert download.suggested_filename.endswith(".csv")


def test_agency_admin_sees_the_roll_up_per_unit(
    page, live_url, sign_in, axe_check, agency_admin, team
):
    sign_in(page, agency_admin)
    page.goto(f"{live_url}/reports/units/")
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader", name="Victim Identification")).to_be_visible()
    axe_check(page, "roll-up per unit")
    page.get_by_role("link", name="Trends and training load").click()
    expect(page.get_by_role("img", name="Completion rate per month")).to_be_visible()
    axe_check(page, "trends and training load")
