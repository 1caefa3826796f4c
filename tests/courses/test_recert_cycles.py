"""Certificate cycles keep increasing across revocations: the course taken again after a
revocation issues the next cycle, never a number already used."""

from __future__ import annotations

import pytest
import time_machine

from courses import services
from courses.models import Certificate, Enrolment

from .factories import complete_lessons
from .test_recertification import D, at, certify, course_with_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(trainer):
    return course_with_policy(trainer)


def take_again(learner, course) -> Certificate:
    """Revoked or lapsed, the learner takes the whole course again."""
    refresher = services.refresher_renewal_start(actor=learner, course=course)
    assert refresher.path == "full"
    complete_lessons(learner, course)
    return Certificate.objects.filter(user=learner, course=course).latest("issued_at", "pk")


def cycles(learner, course) -> list[tuple[int, str]]:
    return [
        (c.cycle, c.status_on(D(2027, 6, 1)))
        for c in Certificate.objects.filter(user=learner, course=course).order_by("issued_at", "pk")
    ]


def test_taking_the_course_again_after_a_revocation_issues_the_next_cycle(learner, course, trainer):
    with time_machine.travel(at(D(2027, 3, 1)), tick=False):
        first = certify(learner, course)
        services.certificate_revoke(actor=trainer, certificate=first, reason="Issued in error.")
        assert Enrolment.objects.get(user=learner).state == Enrolment.State.EXPIRED
    with time_machine.travel(at(D(2027, 3, 5)), tick=False):
        second = take_again(learner, course)
        services.certificate_revoke(actor=trainer, certificate=second, reason="Again in error.")
    with time_machine.travel(at(D(2027, 3, 9)), tick=False):
        third = take_again(learner, course)

    assert cycles(learner, course) == [(1, "revoked"), (2, "revoked"), (3, "valid")]
    # The course counts renewals from the previous expiry, but never from a revoked one.
    assert third.expires_on == D(2028, 3, 9)
    assert Enrolment.objects.get(user=learner).state == Enrolment.State.CERTIFIED


def test_revoking_the_latest_cycle_does_not_reuse_its_number(learner, course, trainer):
    """Cycle 1 is still there (expired, not revoked) when cycle 2 is revoked: the next one
    is cycle 3, not a second cycle 2."""
    with time_machine.travel(at(D(2026, 1, 10)), tick=False):
        certify(learner, course)
    with time_machine.travel(at(D(2027, 2, 1)), tick=False):
        services.enrolment_states_advance()
        second = take_again(learner, course)
        services.certificate_revoke(actor=trainer, certificate=second, reason="Issued in error.")
    with time_machine.travel(at(D(2027, 2, 5)), tick=False):
        take_again(learner, course)

    assert cycles(learner, course) == [(1, "expired"), (2, "revoked"), (3, "valid")]
