"""Shared fixtures. Parts that need PostgreSQL, Redis, a worker or Chromium skip with a
printed reason when missing, and fail instead under LMS_REQUIRE_FULL_STACK=1 (CI)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.factories import (
    AgencyFactory,
    SupervisionFactory,
    UnitFactory,
    UserFactory,
    WellbeingCoverageFactory,
    totp_enrol,
)


def skip_or_fail(reason: str) -> None:
    """Skip for a missing part of the stack, or fail where the full stack is required."""
    if settings.REQUIRE_FULL_STACK:
        pytest.fail(f"LMS_REQUIRE_FULL_STACK=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") and not settings.IS_POSTGRES:
        skip_or_fail("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's login throttle and used-TOTP-code memory live in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def unit(agency):
    return UnitFactory(agency=agency)


@pytest.fixture
def learner(unit):
    return UserFactory(unit=unit, agency=unit.agency)


@pytest.fixture
def other_agency_learner(db):
    return UserFactory()


def _privileged(user):
    totp_enrol(user)
    return user


@pytest.fixture
def trainer(unit):
    return _privileged(UserFactory(unit=unit, agency=unit.agency, roles=["trainer"]))


@pytest.fixture
def agency_admin(unit):
    return _privileged(UserFactory(unit=unit, agency=unit.agency, roles=["agency_admin"]))


@pytest.fixture
def trends_analyst(unit):
    return _privileged(UserFactory(unit=unit, agency=unit.agency, roles=["trends_analyst"]))


@pytest.fixture
def platform_admin(db):
    return _privileged(UserFactory(roles=["platform_admin"]))


@pytest.fixture
def supervisor(unit):
    boss = UserFactory(unit=unit, agency=unit.agency)
    SupervisionFactory(supervisor=boss, unit=unit)
    return _privileged(boss)


@pytest.fixture
def wellbeing_lead(agency):
    lead = UserFactory(unit=UnitFactory(agency=agency), agency=agency)
    WellbeingCoverageFactory(lead=lead, agency=agency)
    return _privileged(lead)


@pytest.fixture
def client_as(client):
    """client_as(user) signs `user` in on the test client and returns it."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
