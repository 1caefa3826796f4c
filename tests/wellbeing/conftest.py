"""Fixtures for the wellbeing tests. The WHO-5 is loaded by the app's data migration; the
ProQOL 5 only from its placeholder template (the official text is never in the repository)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory, WellbeingCoverageFactory, totp_enrol
from wellbeing.instruments import PROQOL_TEMPLATE, instrument_load, spec_read
from wellbeing.models import Instrument
from wellbeing.services import checkin_record, new_submission_key

# WHO-5 answers and their percentage scores (raw x 4).
WHO5_GOOD = [4, 4, 3, 3, 4]  # raw 18, 72 %
WHO5_LOW = [3, 3, 2, 2, 2]  # raw 12, 48 %: poor wellbeing, no item at 0-1


@pytest.fixture
def who5(db) -> Instrument:
    return Instrument.objects.get(code="who5", is_current=True)


@pytest.fixture
def proqol(db) -> Instrument:
    instrument, _outcome = instrument_load(
        spec=spec_read(PROQOL_TEMPLATE), source="test template", allow_placeholder=True
    )
    return instrument


@pytest.fixture
def make_checkin(who5):
    """make_checkin(person, answers=[...], days_ago=0, ...) stores a scored check-in."""

    def make(person, answers=None, *, days_ago: int = 0, instrument=None, **extra):
        instrument = instrument or who5
        answers = answers if answers is not None else WHO5_GOOD
        return checkin_record(
            person=person,
            instrument=instrument,
            answers={i + 1: v for i, v in enumerate(answers)},
            submission_key=new_submission_key(),
            submitted_at=timezone.now() - timedelta(days=days_ago),
            **extra,
        )

    return make


@pytest.fixture
def other_lead(db):
    """A wellbeing lead of another agency."""
    lead = UserFactory()
    WellbeingCoverageFactory(lead=lead, agency=lead.agency)
    totp_enrol(lead)
    return lead


@pytest.fixture
def peer(unit):
    """Another learner in the same unit (a colleague or mentor-like peer)."""
    return UserFactory(unit=unit, agency=unit.agency)
