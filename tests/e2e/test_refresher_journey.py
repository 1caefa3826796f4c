"""Browser journey for recertification, with axe on every page visited: a learner sees on
the dashboard that a certificate expires soon, opens it, takes the shorter refresher path,
and ends with a renewed certificate (the earlier one kept in the history)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses import services
from courses.models import Certificate, add_months
from tests.courses.factories import complete_lessons, published_course

pytestmark = pytest.mark.e2e


@pytest.fixture
def expiring(trainer, learner):
    """The learner's certificate for a course with a refresher path expires in 12 days."""
    course = published_course(trainer=trainer, modules=2, lessons=1, title="Online grooming")
    refresher_module = course.modules.order_by("position").last()
    lesson = refresher_module.lessons.get()
    lesson.title = "What is new in grooming cases"
    lesson.save()
    services.module_publish(actor=trainer, module=refresher_module, change_summary="Title.")
    services.refresher_policy_save(
        actor=trainer,
        course=course,
        validity_months=12,
        window_days=30,
        expiry_basis="previous_expiry",
        refresher_modules=[refresher_module],
    )
    services.enrolment_self_create(actor=learner, course=course)
    complete_lessons(learner, course)
    certificate = Certificate.objects.get(user=learner)
    expires = timezone.localdate() + datetime.timedelta(days=12)
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=expires)
    services.enrolment_state_refresh(ids=[certificate.enrolment_id])
    return course, certificate, expires


def test_learner_sees_an_expiring_certificate_and_takes_the_refresher(
    page, live_url, sign_in, axe_check, learner, expiring
):
    _course, certificate, expires = expiring
    sign_in(page, learner)

    page.goto(f"{live_url}/")
    box = page.get_by_role("region", name="Keep your certificates current")
    expect(box).to_contain_text("Online grooming")
    axe_check(page, "dashboard with an expiring certificate")

    page.goto(f"{live_url}/courses/certificates/{certificate.code}/")
    expect(page.get_by_role("heading", name="Renewal")).to_be_visible()
    expect(page.locator(".cert-actions")).to_contain_text("Your renewal window is open")
    axe_check(page, "certificate in its renewal window")
    page.get_by_role("button", name="Take the refresher").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Renewal: Online grooming")
    expect(page.locator(".refresher-lessons")).to_contain_text("What is new in grooming cases")
    axe_check(page, "refresher page")
    page.get_by_role("link", name="What is new in grooming cases").click()
    expect(page.get_by_role("link", name="Part of a refresher you are taking")).to_be_visible()
    axe_check(page, "refresher lesson")
    page.get_by_role("button", name="Mark as done and continue").click()

    expect(page.locator(".messages")).to_contain_text("Refresher complete")
    renewed = Certificate.objects.filter(user=learner).order_by("-cycle").first()
    assert renewed.cycle == 2 and renewed.path == "refresher"
    assert renewed.expires_on == add_months(expires, 12)  # counted from the previous expiry

    page.goto(f"{live_url}/courses/certificates/{renewed.code}/")
    expect(page.locator(".cert-history")).to_contain_text(certificate.code)
    axe_check(page, "renewed certificate with its history")
