"""The demo seeder gives the demo courses refresher policies and the demo learners
certificates in every state, idempotently."""

from __future__ import annotations

import pytest

from courses.demo import seed_courses
from courses.models import Certificate, Enrolment, Refresher, RefresherPolicy

pytestmark = pytest.mark.slow


def _counts():
    return [m.objects.count() for m in (RefresherPolicy, Certificate, Enrolment, Refresher)]


def test_demo_shows_every_state_and_is_idempotent(db):
    from accounts.demo import seed_people

    seed_people()
    seed_courses()
    first = _counts()
    seed_courses()

    assert _counts() == first
    assert RefresherPolicy.objects.count() == 3
    states = {
        (e.user.email, e.course.slug): e.state
        for e in Enrolment.objects.select_related("user", "course")
    }
    assert states[("officer@nps.example", "encrypted-and-anonymising-services")] == "window_open"
    assert states[("officer@nps.example", "self-care-and-secondary-trauma")] == "overdue"
    assert states[("undercover@nps.example", "case-prioritisation-shared-levels")] == "expired"
    assert states[("investigator@wfp.example", "case-prioritisation-shared-levels")] == "certified"
    overdue = Refresher.objects.get(user__email="examiner@nps.example")
    assert overdue.kind == "change" and overdue.items.count() == 1
    assert Certificate.objects.filter(user__email="undercover@nps.example").count() == 2
