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


def _force_login_with_both_steps():
    """In tests, Client.force_login stands for a completed sign-in, second step included
    (MfaRequiredMiddleware asks a privileged session for one). The real two-step sign-in has
    its own tests in tests/accounts/test_mfa.py and the browser journeys."""
    from django.test.client import ClientMixin

    from accounts.middleware import MFA_PASSED_SESSION_KEY

    original = ClientMixin.force_login
    if getattr(original, "marks_mfa", False):
        return

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[MFA_PASSED_SESSION_KEY] = True
        session.save()

    force_login.marks_mfa = True  # type: ignore[attr-defined]
    ClientMixin.force_login = force_login  # type: ignore[method-assign]


_force_login_with_both_steps()


def pytest_collection_modifyitems(config, items):
    """The database of a transactional test (live_server, a real worker, on-commit inside the
    request) is emptied after it, taking the rows the data migrations made (role groups, beat
    schedules) with it. Serialized rollback puts them back, but only works if EVERY
    transactional test of the run uses it (a plain flush re-creates content types under new
    ids, which the restore then collides with). So every transactional test gets it here, in
    the root conftest, whichever part of the suite runs."""
    for item in items:
        _serialize_if_transactional(item)


def _serialize_if_transactional(item) -> None:
    if getattr(item, "cls", None) is not None and hasattr(item.cls, "serialized_rollback"):
        return  # a Django TransactionTestCase decides for itself
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    # The fixture closure: `page` and `live_url` bring `live_server` in with them.
    transactional = bool(names & {"live_server", "transactional_db"}) or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if not transactional:
        return
    kwargs = dict(marker.kwargs) if marker is not None else {}
    kwargs.update(transaction=True, serialized_rollback=True)
    item.add_marker(pytest.mark.django_db(**kwargs), append=False)


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
