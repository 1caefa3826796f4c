"""The demo seeder: the content the issue asks for, and idempotent."""

from __future__ import annotations

from mentoring.demo import mentoring_demo_seed
from mentoring.models import (
    DirectoryProfile,
    Event,
    EventRegistration,
    MentorAssignment,
    MentoringGoal,
    MentoringSession,
    MentorProfile,
)


def _counts():
    return [
        m.objects.count()
        for m in (
            MentorProfile,
            DirectoryProfile,
            MentorAssignment,
            MentoringGoal,
            MentoringSession,
            Event,
            EventRegistration,
        )
    ]


def test_demo_content_is_complete_and_idempotent(db):
    from accounts.demo import seed_people

    seed_people()
    mentoring_demo_seed()
    first = _counts()
    mentoring_demo_seed()

    assert _counts() == first
    ines = MentorProfile.objects.get(user__email="investigator@wfp.example")
    assert ines.cross_border
    assert MentorProfile.objects.filter(user__email="examiner@nps.example").exists()
    countries = set(DirectoryProfile.objects.values_list("user__agency__country__code", flat=True))
    assert countries == {"FR", "BE"}
    active = MentorAssignment.objects.get(status="active")
    assert active.goals.exists() and active.sessions.exists()
    workshop = Event.objects.get(capacity=4)
    assert workshop.registrations.filter(status="confirmed").count() == 3
