"""The trends journey in a real browser: an analyst triages an item, a curriculum review
opens for the module that shares its tag, the trainer closes it with a new version, and a
learner certified on the old version gets the change-driven refresher and reads the trend with
a link to the module. axe on every page visited."""

from __future__ import annotations

import re

import pytest

from courses.models import Refresher
from courses.services import enrolment_self_create, module_publish
from tests.courses.factories import LessonFactory, complete_lessons, published_course
from tests.threat_feed.factories import SourceFactory, TopicTagFactory, TrendItemFactory
from threat_feed.models import CurriculumReview, TrendItem

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(trainer, learner):
    tag = TopicTagFactory(
        slug="end-to-end-encryption", name="End-to-end encryption", dimension="encryption"
    )
    course = published_course(trainer=trainer, title="Encrypted services")
    module = course.modules.get()
    module.title = "The concepts"
    module.save()
    module.topic_tags.set([tag])
    item = TrendItemFactory(
        source=SourceFactory(name="Partner bundles", kind="stix_upload", url=""),
        title="Encryption by default in a large messaging service",
        summary="Referrals from the service are expected to fall; plan around the devices.",
    )
    item.suggested_tags.set([tag])
    # The learner holds a certificate earned on the module's first version.
    enrolment_self_create(actor=learner, course=course)
    complete_lessons(learner, course)
    return {"tag": tag, "module": module, "item": item, "course": course}


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/accounts/.*"))


def test_trend_to_review_to_updated_module(
    page, live_url, sign_in, axe_check, trends_analyst, trainer, learner, world
):
    item, module = world["item"], world["module"]

    # The analyst confirms the suggested tag, rates the item high and marks it relevant.
    sign_in(page, trends_analyst)
    page.goto(f"{live_url}/trends/triage/")
    axe_check(page, "triage queue")
    page.get_by_role("link", name=item.title).click()
    axe_check(page, "triage an item")
    assert page.get_by_label(re.compile("End-to-end encryption")).is_checked()
    page.get_by_label("Relevant: show it in the feed").check()
    page.get_by_label("Severity").select_option(label="High")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Triage saved.").wait_for()
    axe_check(page, "triage queue after saving")
    page.goto(f"{live_url}/trends/sources/")
    axe_check(page, "sources")
    _sign_out(page)

    item.refresh_from_db()
    assert item.status == TrendItem.Status.RELEVANT and item.severity == 3
    review = CurriculumReview.objects.get(module=module, status="open")

    # The trainer publishes a new version (material change) and closes the review with it.
    LessonFactory(module=module, title="Encryption by default: what changes")
    version = module_publish(
        actor=trainer,
        module=module,
        change_summary="A lesson on encryption by default.",
        is_material_change=True,
    )
    sign_in(page, trainer)
    page.goto(f"{live_url}/")
    page.get_by_role("link", name=re.compile("1 curriculum review is open")).wait_for()
    page.goto(f"{live_url}/trends/reviews/")
    axe_check(page, "curriculum reviews")
    page.get_by_role("link", name="The concepts").click()
    axe_check(page, "a review")
    page.get_by_label("Module updated").check()
    page.get_by_label("New published version").select_option(str(version.pk))
    page.get_by_role("button", name="Close the review").click()
    page.get_by_text("Review closed.").wait_for()
    axe_check(page, "a closed review")
    page.get_by_role("link", name="The concepts").first.click()
    axe_check(page, "the module's review record")
    page.goto(f"{live_url}/trends/reviews/freshness/")
    axe_check(page, "module freshness")
    _sign_out(page)

    review.refresh_from_db()
    assert review.status == "closed" and review.module_version == version
    assert Refresher.objects.filter(user=learner, kind="change").count() == 1

    # The learner, certified on the old version, finds the course update on the dashboard
    # and opens it: only the changed lesson, with what changed.
    sign_in(page, learner)
    page.goto(f"{live_url}/")
    update = page.get_by_role("link", name="Course update: Encrypted services")
    update.wait_for()
    axe_check(page, "dashboard with a course update")
    update.click()
    page.get_by_text("A lesson on encryption by default.").first.wait_for()
    assert page.get_by_text("Encryption by default: what changes").first.is_visible()
    axe_check(page, "the course update")

    # The learner reads the trend, with a link to the module's course, on a phone too.
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_url}/trends/feed/")
        assert page.get_by_role("link", name=item.title).is_visible()
        axe_check(page, f"feed at {width}px")
    page.get_by_role("link", name=item.title).click()
    assert page.get_by_role("link", name="The concepts").is_visible()
    axe_check(page, "a trend item")
