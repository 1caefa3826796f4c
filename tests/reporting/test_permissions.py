"""Who may open which report: the allow/deny matrix, with 404 (never 403) for the rest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UnitFactory, UserFactory

PAGES = ["matrix", "trends", "units", "agencies", "export_csv", "export_xlsx"]

# role -> pages that answer 200 (every other page answers 404)
ALLOWED = {
    "supervisor": {"matrix", "trends", "export_csv", "export_xlsx"},
    "agency_admin": {"matrix", "trends", "units", "export_csv", "export_xlsx"},
    "platform_admin": set(PAGES),
    "trainer": set(),
    "learner": set(),
    "wellbeing_lead": set(),
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
@pytest.mark.parametrize("page", PAGES)
def test_report_pages_by_role(db, request, client_as, role, page):
    # `db` up front: the role fixtures come dynamically, and pytest-django orders a test
    # without a static db fixture after the transactional ones (whose flush drops the groups).
    user = request.getfixturevalue(role)

    response = client_as(user).get(reverse(f"reporting:{page}"))

    assert response.status_code == (200 if page in ALLOWED[role] else 404)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("supervisor", True),
        ("agency_admin", True),
        ("platform_admin", True),
        ("trainer", False),
        ("learner", False),
        ("wellbeing_lead", False),
    ],
)
def test_learner_record_of_someone_in_my_unit(request, client_as, unit, role, allowed):
    colleague = UserFactory(unit=unit, agency=unit.agency)
    user = request.getfixturevalue(role)

    response = client_as(user).get(reverse("reporting:learner", args=[colleague.pk]))

    assert response.status_code == (200 if allowed else 404)


def test_supervisor_of_unit_a_gets_404_for_a_learner_in_unit_b(client_as, supervisor, unit):
    unit_b = UnitFactory(agency=unit.agency)
    stranger = UserFactory(unit=unit_b, agency=unit.agency)

    response = client_as(supervisor).get(reverse("reporting:learner", args=[stranger.pk]))

    assert response.status_code == 404


def test_supervisor_sees_learners_of_sub_units(client_as, supervisor, unit):
    below = UnitFactory(agency=unit.agency, parent=unit)
    person = UserFactory(unit=below, agency=unit.agency)

    response = client_as(supervisor).get(reverse("reporting:learner", args=[person.pk]))

    assert response.status_code == 200


def test_agency_admin_gets_404_for_another_agency(client_as, agency_admin, other_agency_learner):
    url = reverse("reporting:learner", args=[other_agency_learner.pk])

    assert client_as(agency_admin).get(url).status_code == 404


def test_agency_admin_cannot_open_another_agencys_units(client_as, agency_admin):
    other = UnitFactory()

    response = client_as(agency_admin).get(reverse("reporting:units"), {"agency": other.agency_id})

    assert response.status_code == 404


def test_ended_supervision_loses_access(client_as, supervisor, learner):
    import datetime

    supervisor.supervisions.update(
        starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31)
    )

    response = client_as(supervisor).get(reverse("reporting:learner", args=[learner.pk]))

    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("reporting:matrix"))

    assert response.status_code == 302
