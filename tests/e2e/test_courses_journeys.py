"""Browser journeys for courses, with axe on every page visited:

- a trainer writes a lesson with a term to avoid, sees the lint in the live preview, and
  publishes after confirming the term;
- a learner finds a course, passes the content warning, completes the lessons and the quiz
  (failing once, then passing) and prints the certificate;
- a learner completes the triage drill.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from courses import services
from courses.models import Course, CourseStaff, ModuleVersion, Question
from tests.courses.factories import (
    DrillFactory,
    FollowUpActionFactory,
    GlossaryTermFactory,
    PriorityLevelFactory,
    ScenarioCardFactory,
)

pytestmark = pytest.mark.e2e


def test_trainer_writes_a_lesson_sees_the_lint_and_publishes(
    page, live_url, sign_in, axe_check, trainer
):
    GlossaryTermFactory(
        term="child pornography",
        preferred_term="child sexual abuse material",
        explanation="Names the abuse.",
    )
    course = services.course_create(actor=trainer, title="Terminology in practice")
    module = services.module_create(actor=trainer, course=course, title="Words")
    sign_in(page, trainer)

    page.goto(f"{live_url}/courses/authoring/")
    axe_check(page, "authoring home")
    page.get_by_role("link", name="Terminology in practice").click()
    axe_check(page, "course management")
    page.get_by_role("link", name="Words").click()
    axe_check(page, "module management")
    page.get_by_role("link", name="Write a lesson").click()
    page.get_by_label("Title").fill("Naming the material")
    page.get_by_label("Text (Markdown)").fill(
        "# Naming\n\nOld statutes say child pornography; we say what it is."
    )

    lint = page.locator("#preview .lint")
    expect(lint).to_contain_text("child pornography")
    expect(lint).to_contain_text("prefer “child sexual abuse material”")
    expect(page.locator("#preview mark.term-avoid")).to_have_text("child pornography")
    expect(page.locator("#preview h2")).to_have_text("Naming")
    axe_check(page, "lesson editor with live preview")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Lesson saved as a draft.")

    page.get_by_role("link", name="Words").click()
    page.get_by_role("link", name="Publish a new version").click()
    expect(page.locator(".lint-confirm")).to_contain_text("child pornography")
    axe_check(page, "publish confirmation")
    page.get_by_label("What changed").fill("First version.")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".errorlist")).to_be_visible()  # the term was not confirmed
    page.get_by_label("child pornography").check()
    page.get_by_role("button", name="Publish").click()

    expect(page.locator(".messages")).to_contain_text("Version 1 is published")
    version = ModuleVersion.objects.get(module=module)
    assert version.terminology_flags[0]["term"] == "child pornography"


@pytest.fixture
def learning_course(trainer):
    course = services.course_create(
        actor=trainer,
        title="Online grooming: recognising the pattern",
        summary="How grooming unfolds online.",
    )
    module = services.module_create(
        actor=trainer, course=course, title="The pattern", attempt_limit=3
    )
    services.lesson_create(
        actor=trainer, module=module, title="Stages", body_md="Grooming often follows stages."
    )
    services.lesson_create(
        actor=trainer,
        module=module,
        title="What children tell us",
        body_md="Children often describe shame and fear of not being believed.",
        exposure_level=2,
        content_warnings=["victim_account"],
        warning_note="Describes, without detail, how children experience grooming.",
    )
    services.question_save(
        actor=trainer,
        module=module,
        kind=Question.Kind.SINGLE,
        prompt="What should you tell a child first?",
        choices=[
            {"text": "That they are not to blame", "is_correct": True, "feedback": "Yes."},
            {"text": "That they should have known", "feedback": "This blames the child."},
        ],
    )
    services.module_publish(actor=trainer, module=module, change_summary="First version.")
    services.course_publish(actor=trainer, course=course)
    return course


def test_learner_completes_a_course_fails_the_quiz_once_and_prints_the_certificate(
    page, live_url, sign_in, axe_check, learner, learning_course
):
    sign_in(page, learner)
    page.goto(f"{live_url}/courses/")
    page.get_by_role("searchbox", name="Search").fill("grooming")
    page.get_by_role("button", name="Search").click()
    axe_check(page, "catalogue search")
    page.get_by_role("link", name="Online grooming: recognising the pattern").click()
    axe_check(page, "course page")
    page.get_by_role("button", name="Enrol").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Stages")
    axe_check(page, "lesson")
    page.get_by_role("button", name="Mark as done and continue").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Before you read")
    expect(page.locator(".content-warning")).to_contain_text("Victim or survivor accounts")
    axe_check(page, "content warning")
    page.get_by_role("button", name="Continue to the lesson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What children tell us")
    page.get_by_role("button", name="Mark as done and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Take a pause")
    axe_check(page, "pause after a level-2 lesson")
    page.get_by_role("link", name="Continue when ready").click()

    axe_check(page, "quiz overview")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("That they should have known").check()
    axe_check(page, "quiz attempt")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".result")).to_contain_text("Not passed this time")
    expect(page.locator(".feedback")).to_have_text("This blames the child.")
    axe_check(page, "failed attempt with feedback")

    page.get_by_role("link", name="Quiz overview").click()
    page.get_by_role("button", name="Try again").click()
    page.get_by_label("That they are not to blame").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".result")).to_contain_text("Passed. Well done.")

    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("link", name="Your certificate").click()
    expect(page.locator(".certificate")).to_contain_text(learner.get_full_name())
    axe_check(page, "certificate")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".no-print").first).to_be_hidden()
    expect(page.locator(".certificate")).to_be_visible()
    code = page.locator(".cert-facts code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)


def test_learner_completes_the_triage_drill(page, live_url, sign_in, axe_check, learner, trainer):
    course = Course.objects.create(slug="triage", title="Triage practice", status="published")
    CourseStaff.objects.create(course=course, user=trainer)
    levels = [PriorityLevelFactory(rank=rank, name=f"Level {rank}") for rank in range(1, 6)]
    safeguard = FollowUpActionFactory(code="safeguard-now", name="Safeguard the child now")
    FollowUpActionFactory(code="intel-log", name="Record as intelligence and close")
    drill = DrillFactory(course=course, title="Two referrals")
    first = ScenarioCardFactory(
        drill=drill, title="Referral 1", expert_level=levels[0], rationale="A child at risk."
    )
    first.expert_actions.add(safeguard)
    ScenarioCardFactory(
        drill=drill, title="Referral 2", expert_level=levels[4], rationale="Not actionable."
    )
    from courses.models import Enrolment

    Enrolment.objects.create(user=learner, course=course, source="self")
    sign_in(page, learner)

    page.goto(f"{live_url}/courses/c/triage/")
    page.get_by_role("link", name=drill.title).click()
    axe_check(page, "drill introduction")
    page.get_by_role("button", name="Start the drill").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Referral 1")
    axe_check(page, "scenario card")
    page.get_by_label("1 · Level 1").check()
    page.get_by_label("Safeguard the child now").check()
    page.get_by_role("button", name="Save and next card").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral 2")
    page.get_by_label("4 · Level 4").check()
    page.get_by_role("button", name="Save answer").click()
    page.get_by_role("button", name="Submit and see the expert key").click()

    expect(page.locator(".result")).to_contain_text("Your score: 83%")
    expect(page.locator(".drill-review")).to_contain_text("one level away")
    axe_check(page, "drill results")
