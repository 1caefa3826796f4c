"""The wellbeing journey in a real browser, with axe on every page: an officer logs exposure
over the limit and a check-in that is flagged; the wellbeing lead reviews it and recommends
an adjustment; the supervisor sees only that flag and gets a 404 on the check-in."""

from __future__ import annotations

import re

import pytest

from wellbeing.instruments import WHO5_FILE, instrument_load, spec_read
from wellbeing.models import CheckIn

pytestmark = pytest.mark.e2e


@pytest.fixture
def who5_loaded(transactional_db):
    # live_server tests flush the database between tests, data migrations included.
    instrument, _ = instrument_load(spec=spec_read(WHO5_FILE), source="e2e")
    return instrument


def sign_out(page):
    with page.expect_navigation():
        page.locator('form[action$="/accounts/logout/"] button:visible').first.click()


def test_officer_lead_and_supervisor_journey(
    page, live_url, sign_in, axe_check, learner, wellbeing_lead, supervisor, who5_loaded
):
    # The officer agrees that the lead may be told, then logs exposure over the limit.
    sign_in(page, learner)
    page.goto(f"{live_url}/wellbeing/")
    axe_check(page, "wellbeing home")
    page.goto(f"{live_url}/wellbeing/settings/")
    axe_check(page, "wellbeing settings")
    page.get_by_label("Tell my wellbeing lead when I go over the daily exposure limit").check()
    page.get_by_role("button", name="Save").click()

    page.goto(f"{live_url}/wellbeing/exposure/")
    axe_check(page, "exposure log")
    page.get_by_label("Hours of direct exposure").fill("6")
    page.get_by_label("Kind of material").select_option("video")
    page.get_by_role("button", name="Log", exact=True).click()
    page.get_by_role("heading", name="Time for a break").wait_for()
    axe_check(page, "exposure over the limit")

    # The break prompt leads to a check-in, answered low, with a request to talk.
    page.get_by_role("link", name="Check in now").first.click()
    page.get_by_text("You went over today's exposure limit").wait_for()
    axe_check(page, "check-in form")
    for number in range(1, 6):
        page.locator(f'input[name="item_{number}"][value="1"]').check()
    page.get_by_label("Anything you want to add (optional)").fill("A very heavy week.")
    page.get_by_label("I would like to talk to someone").check()
    page.get_by_role("button", name="Save my check-in").click()
    page.get_by_text("Thank you. Your check-in is saved.").wait_for()
    axe_check(page, "check-in result")
    checkin = CheckIn.objects.get(person=learner)
    assert checkin.prompted_by == "exposure"
    assert "likely_depression" in checkin.flags
    checkin_url = f"{live_url}/wellbeing/check-ins/{checkin.pk}/"
    sign_out(page)

    # The lead finds it in the queue, reads it and recommends an adjustment.
    sign_in(page, wellbeing_lead)
    page.goto(f"{live_url}/wellbeing/queue/")
    axe_check(page, "review queue")
    page.get_by_role("link", name=learner.get_full_name()).click()
    page.get_by_text("A very heavy week.").wait_for()
    axe_check(page, "review case")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Recommend an adjustment").click()
    page.get_by_text("Adjustment recommended. The person and their supervisors").wait_for()
    page.get_by_label("Status", exact=True).select_option("contacted")
    page.get_by_role("button", name="Update status").click()
    page.get_by_text("Status updated.").wait_for()
    axe_check(page, "review case after triage")
    sign_out(page)

    # The supervisor sees the flag, and nothing of the check-in.
    sign_in(page, supervisor)
    page.goto(f"{live_url}/wellbeing/team/")
    axe_check(page, "team flags")
    row = page.get_by_role("row", name=re.compile(re.escape(learner.get_full_name())))
    assert row.get_by_text("Yes").count() == 2  # adjustment recommended; checked in
    body = page.locator("main").inner_text()
    assert "A very heavy week." not in body and "Wellbeing score" not in body
    response = page.goto(checkin_url)
    assert response.status == 404
    axe_check(page, "check-in as supervisor (404)")
