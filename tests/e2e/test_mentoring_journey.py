"""A learner asks for a mentor, the mentor accepts, they record a goal and a session; the
learner finds a peer in another country and joins an event's waiting list, then gets the
place when someone cancels. axe-core audits every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mentoring import services
from mentoring.languages import languages_encode
from tests.factories import AgencyFactory, CountryFactory, UnitFactory, UserFactory
from tests.mentoring.factories import (
    DirectoryProfileFactory,
    EventFactory,
    MentorProfileFactory,
    TopicTagFactory,
)

pytestmark = pytest.mark.e2e


def _person_in(country_code: str, country_name: str, name: str, email: str):
    country = CountryFactory(code=country_code, name=country_name)
    agency = AgencyFactory(
        country=country, name=f"{country_name} Police", short_name=f"{country_code}P"
    )
    return UserFactory(full_name=name, email=email, unit=UnitFactory(agency=agency), agency=agency)


@pytest.fixture
def world(learner):
    grooming = TopicTagFactory(slug="grooming", name="Grooming")
    forensics = TopicTagFactory(slug="digital-forensics", name="Digital forensics")
    mentor = UserFactory(full_name="Eli Garnier", email="eli@mentor.example", agency=learner.agency)
    MentorProfileFactory(
        user=mentor, expertise=[grooming, forensics], languages=languages_encode(["fr", "en"])
    )
    peer = _person_in("ZB", "Zembla", "Ines Janssens", "ines@abroad.example")
    DirectoryProfileFactory(
        user=peer,
        expertise=[grooming],
        languages=languages_encode(["en", "nl"]),
        about="Investigates grooming on gaming platforms.",
    )
    event = EventFactory(title="Grooming on gaming platforms", capacity=1)
    holder = UserFactory(full_name="Place Holder")
    services.event_register(actor=holder, event=event)
    return {"mentor": mentor, "peer": peer, "event": event, "holder": holder}


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/accounts/.*"))


def test_mentoring_peers_and_events_journey(page, live_url, sign_in, axe_check, learner, world):
    mentor = world["mentor"]

    # The learner asks for a mentor and picks the best suggestion.
    sign_in(page, learner)
    page.goto(f"{live_url}/mentoring/")
    axe_check(page, "my mentoring, no mentor yet")
    page.get_by_role("link", name="Ask for a mentor").first.click()
    axe_check(page, "ask for a mentor")
    page.get_by_label("Grooming").check()
    page.get_by_label("Digital forensics").check()
    page.get_by_label("In a sentence or two (optional)").fill("Triage of seized devices.")
    page.get_by_label("Preferred language").select_option("fr")
    page.get_by_role("button", name="See suggested mentors").click()
    expect(page.get_by_role("heading", name="Eli Garnier")).to_be_visible()
    expect(page.get_by_text("Match score: 11")).to_be_visible()
    axe_check(page, "suggested mentors")
    page.get_by_role("button", name="Ask Eli").click()
    expect(page.get_by_text("Waiting for Eli Garnier to answer.")).to_be_visible()
    axe_check(page, "the request, waiting")
    _sign_out(page)

    # The mentor accepts, then records a goal and a session with private notes.
    sign_in(page, mentor)
    page.goto(f"{live_url}/mentoring/")
    page.get_by_role("link", name=re.compile("would like you as their mentor")).click()
    axe_check(page, "a request to answer")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text(re.compile("You are now mentoring"))).to_be_visible()
    page.get_by_role("link", name="Add a goal").click()
    expect(page.get_by_text("Never record case details")).to_be_visible()
    axe_check(page, "goal form")
    page.get_by_label("Goal").fill("Triage a training image with a checklist.")
    page.get_by_role("button", name="Save the goal").click()
    page.get_by_role("link", name="Plan or record a session").click()
    axe_check(page, "session form")
    page.get_by_label("Date").fill("2026-01-05")
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("Video call").check()
    page.get_by_label("Agreed actions").fill("Draft the checklist.")
    page.get_by_label("Shared notes").fill("A good start.")
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_text("A good start.")).to_be_visible()
    axe_check(page, "the pairing, with a goal and a session")
    _sign_out(page)

    # The learner sees them, then finds a peer abroad in the directory.
    sign_in(page, learner)
    page.goto(f"{live_url}/mentoring/")
    page.get_by_role("link", name="Eli Garnier").first.click()
    expect(page.get_by_text("Triage a training image with a checklist.")).to_be_visible()
    expect(page.get_by_text("A good start.")).to_be_visible()
    page.goto(f"{live_url}/mentoring/peers/")
    axe_check(page, "peer directory")
    page.get_by_label("Country").select_option(label="Zembla")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 person found")).to_be_visible()
    page.get_by_role("link", name="Ines Janssens").click()
    axe_check(page, "a peer abroad")
    page.get_by_role("button", name="Send a contact request").click()
    expect(page.get_by_text(re.compile("Your email is shared only if"))).to_be_visible()
    axe_check(page, "contact requests")

    # The event is full: the learner joins the waiting list and moves up on a cancellation.
    page.goto(f"{live_url}/mentoring/events/")
    axe_check(page, "events")
    page.get_by_role("link", name="Grooming on gaming platforms").click()
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("Waiting list: number 1")).to_be_visible()
    axe_check(page, "event, waiting list")
    services.event_registration_cancel(actor=world["holder"], event=world["event"])
    page.reload()
    expect(page.get_by_text("Place confirmed")).to_be_visible()
    axe_check(page, "event, place confirmed")
