"""Fixtures for the accounts tests: people around the shared role fixtures, and a way to
mark a session as recently re-authenticated (allauth's reauthentication_required)."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import AgencyFactory, UnitFactory, UserFactory, totp_enrol


@pytest.fixture
def pending_person(agency):
    return UserFactory(
        agency=agency,
        unit=None,
        vetting_status=User.Vetting.PENDING,
        email=f"new.person@{agency.domains.first().domain}",
    )


@pytest.fixture
def other_agency(db):
    return AgencyFactory()


@pytest.fixture
def other_agency_admin(other_agency):
    admin = UserFactory(
        agency=other_agency, unit=UnitFactory(agency=other_agency), roles=["agency_admin"]
    )
    totp_enrol(admin)
    return admin


@pytest.fixture
def other_agency_person(other_agency):
    return UserFactory(agency=other_agency, unit=UnitFactory(agency=other_agency))


def mark_reauthenticated(client: Client, user) -> Client:
    """What allauth records after a successful re-authentication, so sensitive views run."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def admin_client(agency_admin):
    """An agency admin, signed in and recently re-authenticated."""
    client = Client()
    client.force_login(agency_admin)
    return mark_reauthenticated(client, agency_admin)


@pytest.fixture
def signed_in():
    """signed_in(user, reauth=False) -> a fresh Client signed in as `user`."""

    def make(user, reauth: bool = False) -> Client:
        client = Client()
        client.force_login(user)
        if reauth:
            mark_reauthenticated(client, user)
        return client

    return make


ROLE_FIXTURES = [
    "learner",
    "trainer",
    "trends_analyst",
    "supervisor",
    "wellbeing_lead",
    "agency_admin",
    "other_agency_admin",
    "platform_admin",
]
