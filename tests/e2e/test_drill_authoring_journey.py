"""Browser journey, with axe on every page visited: a trainer writes a triage drill from the
course's authoring page (empty states, validation, publishing refused without cards, cards
with their expert key, reordering, deleting after confirmation), publishes it, and is told
why a card a learner has answered cannot be deleted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from courses import services
from courses.models import Course, CourseStaff, Drill
from tests.courses.factories import FollowUpActionFactory, PriorityLevelFactory

pytestmark = pytest.mark.e2e


def test_trainer_writes_and_publishes_a_triage_drill(
    page, live_url, sign_in, axe_check, trainer, learner
):
    course = Course.objects.create(slug="triage", title="Triage practice", status="published")
    CourseStaff.objects.create(course=course, user=trainer)
    for rank in range(1, 5):
        PriorityLevelFactory(rank=rank, name=f"Level {rank}")
    FollowUpActionFactory(code="safeguard-now", name="Safeguard the child now")
    FollowUpActionFactory(code="preserve", name="Preserve the data")
    sign_in(page, trainer)

    page.goto(f"{live_url}/courses/authoring/")
    page.get_by_role("link", name="Triage practice").click()
    expect(page.locator("#drills-h + p")).to_have_text("No triage drill yet.")
    page.get_by_role("link", name="Manage triage drills").click()
    expect(page.locator(".empty")).to_contain_text("This course has no triage drill yet.")
    axe_check(page, "drill list, empty")

    page.get_by_role("link", name="Create a drill").click()
    axe_check(page, "new drill form")
    page.get_by_role("button", name="Create the drill").click()
    expect(page.locator(".has-error")).to_contain_text("This field is required.")
    page.get_by_label("Title").fill("Platform referrals")
    page.get_by_label("Introduction").fill("Two fictional referrals to prioritise.")
    page.get_by_role("button", name="Create the drill").click()
    expect(page.locator(".messages")).to_contain_text("Drill created. Add its scenario cards.")
    expect(page.locator(".empty")).to_contain_text("No scenario card yet.")
    axe_check(page, "drill page, no card")

    page.get_by_role("button", name="Publish the drill").click()
    expect(page.locator(".messages")).to_contain_text(
        "Add at least one scenario card before publishing the drill."
    )

    for title, level, rationale in (
        ("Ongoing chat", "2 · Level 2", "Contact is ongoing."),
        ("Old upload", "4 · Level 4", "No identifiable child."),
    ):
        page.get_by_role("link", name="Add a scenario card").click()
        page.get_by_role("button", name="Add the card").click()
        expect(page.locator("form [role=alert]").first).to_be_visible()
        expect(page.locator(".message-error")).to_contain_text("Nothing was saved.")
        axe_check(page, "card form with errors")
        page.get_by_label("Title").fill(title)
        page.get_by_label("Scenario").fill("A fictional referral, described soberly.")
        page.get_by_label(level).check()
        page.get_by_label("Preserve the data").check()
        page.get_by_label("Why").fill(rationale)
        page.get_by_role("button", name="Add the card").click()
        expect(page.locator(".messages")).to_contain_text("Scenario card added.")

    cards = page.locator(".author-list > li > a")
    expect(cards).to_have_text(["Ongoing chat", "Old upload"])
    axe_check(page, "drill page with cards")
    page.get_by_role("button", name="Move Old upload up").click()
    expect(cards).to_have_text(["Old upload", "Ongoing chat"])

    page.get_by_role("link", name="Delete Old upload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete the scenario card")
    axe_check(page, "delete confirmation")
    page.get_by_role("button", name="Delete the card").click()
    expect(page.locator(".messages")).to_contain_text("Scenario card deleted.")
    expect(cards).to_have_text(["Ongoing chat"])

    page.get_by_role("button", name="Publish the drill").click()
    expect(page.locator(".messages")).to_contain_text("The drill is open to the course's learners.")
    drill = Drill.objects.get(course=course)
    assert drill.is_published

    card = drill.cards.get()
    attempt = services.drill_attempt_start(actor=learner, drill=drill)
    services.drill_answer_record(
        actor=learner, attempt=attempt, card=card, level_id=card.expert_level_id, actions=[]
    )
    page.reload()
    expect(page.locator(".author-list")).to_contain_text("1 answer")
    page.get_by_role("link", name="Delete Ongoing chat").click()
    expect(page.locator(".message-warning")).to_contain_text(
        "Learners have already answered this card"
    )
    expect(page.get_by_role("button", name="Delete the card")).to_have_count(0)
    axe_check(page, "delete refused")
    page.get_by_role("button", name="Unpublish the drill").click()
    expect(page.locator(".messages")).to_contain_text("The drill is closed")
    assert drill.cards.count() == 1
