"""Aggregates per unit for leads and agency administrators, only where at least 5 people
answered (k = 5); otherwise "not enough responses"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from tests.factories import UnitFactory, UserFactory
from wellbeing.selectors import K_THRESHOLD, aggregates_for

GOOD = [4, 4, 4, 4, 4]  # 80 %
LOW = [3, 3, 2, 2, 2]  # 48 %
VERY_LOW = [1, 1, 1, 2, 2]  # 28 %


def people_in(unit, n):
    return [UserFactory(unit=unit, agency=unit.agency) for _ in range(n)]


def since():
    return timezone.localdate() - timedelta(days=90)


def test_k_threshold_is_five():
    assert K_THRESHOLD == 5


def test_four_answers_give_no_figures(unit, make_checkin, who5):
    for person in people_in(unit, 4):
        make_checkin(person)

    rows, _total = aggregates_for(agency=unit.agency, instrument=who5, since=since())

    row = next(r for r in rows if r.unit == unit)
    assert row.answered == 4 and not row.enough
    assert row.participation is None and row.band_percentages(["good"]) is None


def test_five_answers_give_participation_and_bands(unit, make_checkin, who5):
    people = people_in(unit, 10)
    for person, answers in zip(people[:5], [GOOD, GOOD, LOW, LOW, VERY_LOW], strict=True):
        make_checkin(person, answers)

    rows, _total = aggregates_for(agency=unit.agency, instrument=who5, since=since())

    row = next(r for r in rows if r.unit == unit)
    assert row.enough
    assert row.participation == 50
    assert row.band_percentages(["very_low", "low", "good"]) == [20, 40, 40]


def test_each_person_counts_once_with_their_latest_answer(unit, make_checkin, who5):
    people = people_in(unit, 5)
    for person in people:
        make_checkin(person, VERY_LOW, days_ago=40)
        make_checkin(person, GOOD, days_ago=5)

    rows, _total = aggregates_for(agency=unit.agency, instrument=who5, since=since())

    row = next(r for r in rows if r.unit == unit)
    assert row.answered == 5
    assert row.band_percentages(["very_low", "good"]) == [0, 100]


def test_answers_before_the_period_do_not_count(unit, make_checkin, who5):
    for person in people_in(unit, 5):
        make_checkin(person, days_ago=120)

    _rows, total = aggregates_for(agency=unit.agency, instrument=who5, since=since())

    assert total.answered == 0


def test_small_units_are_hidden_while_the_agency_total_shows(agency, make_checkin, who5):
    for unit in (UnitFactory(agency=agency), UnitFactory(agency=agency)):
        for person in people_in(unit, 3):
            make_checkin(person)

    rows, total = aggregates_for(agency=agency, instrument=who5, since=since())

    assert not any(r.enough for r in rows)
    assert total.enough and total.answered == 6


def test_the_total_is_withheld_when_it_would_reveal_one_small_unit(agency, make_checkin, who5):
    # 5 + 1: the total minus the big unit would be the lone person's answer.
    big, small = UnitFactory(agency=agency), UnitFactory(agency=agency)
    for person in people_in(big, K_THRESHOLD):
        make_checkin(person, GOOD)
    make_checkin(people_in(small, 1)[0], VERY_LOW)

    rows, total = aggregates_for(agency=agency, instrument=who5, since=since())

    assert [r.enough for r in rows if r.unit in (big, small)] == [True, False]
    assert total.withheld and not total.enough
    assert total.band_percentages(["poor"]) is None


def test_the_total_shows_when_the_hidden_units_answered_nothing(agency, make_checkin, who5):
    big = UnitFactory(agency=agency)
    people_in(UnitFactory(agency=agency), 2)  # members who did not answer reveal nothing
    for person in people_in(big, K_THRESHOLD):
        make_checkin(person, GOOD)

    _rows, total = aggregates_for(agency=agency, instrument=who5, since=since())

    assert total.enough and not total.withheld


def test_the_page_and_csv_say_why_the_total_is_withheld(
    client_as, agency, agency_admin, make_checkin, who5
):
    big, small = UnitFactory(agency=agency), UnitFactory(agency=agency, name="=HYPERLINK(1)")
    for person in people_in(big, K_THRESHOLD):
        make_checkin(person, GOOD)
    make_checkin(people_in(small, 1)[0], VERY_LOW)
    client = client_as(agency_admin)

    page = client.get(reverse("wellbeing:aggregates")).content.decode()
    csv_text = client.get(reverse("wellbeing:aggregates_export")).content.decode()

    assert "Withheld" in page
    assert "withheld" in csv_text
    assert "'=HYPERLINK(1)" in csv_text  # a unit name is never a spreadsheet formula


def test_the_page_says_not_enough_responses(client_as, unit, wellbeing_lead, make_checkin, who5):
    for person in people_in(unit, 2):
        make_checkin(person)

    page = client_as(wellbeing_lead).get(reverse("wellbeing:aggregates")).content.decode()

    assert "Not enough responses" in page
    assert AuditEvent.objects.filter(action="wellbeing.aggregates_viewed").exists()


def test_the_csv_hides_small_groups_and_is_audited(
    client_as, unit, agency_admin, make_checkin, who5
):
    for person in people_in(unit, 3):
        make_checkin(person)

    response = client_as(agency_admin).get(reverse("wellbeing:aggregates_export"))

    assert "not enough responses" in response.content.decode()
    assert AuditEvent.objects.filter(action="wellbeing.aggregates_exported").exists()


@pytest.mark.parametrize("role", ["learner", "supervisor", "trainer", "platform_admin"])
def test_aggregates_are_404_for_other_roles(request, client_as, who5, role):
    response = client_as(request.getfixturevalue(role)).get(reverse("wellbeing:aggregates"))

    assert response.status_code == 404


def test_an_agency_admin_cannot_pick_another_agency(client_as, agency_admin, other_lead, who5):
    response = client_as(agency_admin).get(
        reverse("wellbeing:aggregates")
        + f"?agency={other_lead.agency_id}&instrument=who5&period=90"
    )

    assert other_lead.agency.name not in response.content.decode()


def test_the_overview_links_an_agency_admin_to_the_wellbeing_settings(
    client_as, agency_admin, who5
):
    page = client_as(agency_admin).get(reverse("wellbeing:aggregates")).content.decode()

    assert reverse("wellbeing:agency_settings") in page
