from __future__ import annotations

import pytest

from tests.factories import UnitFactory, UserFactory

from .factories import AssignmentFactory, MentorProfileFactory, TopicTagFactory


@pytest.fixture
def tags(db):
    return [
        TopicTagFactory(slug=s, name=s.title()) for s in ("grooming", "forensics", "sextortion")
    ]


@pytest.fixture
def mentor(unit, tags):
    """A mentor in the learner's agency, with a profile and a free place."""
    person = UserFactory(unit=UnitFactory(agency=unit.agency), agency=unit.agency)
    MentorProfileFactory(user=person, expertise=tags[:2])
    return person


@pytest.fixture
def pair(mentor, learner):
    """An active pairing: `mentor` mentors the `learner` fixture (in the supervised unit)."""
    return AssignmentFactory(mentor=mentor, mentee=learner)


@pytest.fixture
def other_learner(unit):
    return UserFactory(unit=unit, agency=unit.agency)
