"""The queue and history pages run a fixed number of queries whatever the data size."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_history_queries_do_not_grow_with_check_ins(client_as, learner, make_checkin):
    client = client_as(learner)
    for days in (60, 40):
        make_checkin(learner, days_ago=days)
    few = count_queries(client, reverse("wellbeing:history"))

    for days in range(200, 400, 14):
        make_checkin(learner, days_ago=days)
    many = count_queries(client, reverse("wellbeing:history"))

    assert many == few


def test_queue_queries_are_fixed_for_a_full_page(client_as, unit, wellbeing_lead, make_checkin):
    client = client_as(wellbeing_lead)
    for _ in range(26):
        make_checkin(UserFactory(unit=unit, agency=unit.agency), wants_to_talk=True)
    full_page = count_queries(client, reverse("wellbeing:queue"))

    for _ in range(30):
        make_checkin(UserFactory(unit=unit, agency=unit.agency), wants_to_talk=True)
    bigger = count_queries(client, reverse("wellbeing:queue"))

    # 25 people listed, one audit row each, plus a fixed number of reads.
    assert bigger == full_page


def test_queue_page_query_budget(
    client_as, unit, wellbeing_lead, make_checkin, django_assert_max_num_queries
):
    client = client_as(wellbeing_lead)
    for _ in range(3):
        make_checkin(UserFactory(unit=unit, agency=unit.agency), wants_to_talk=True)

    with django_assert_max_num_queries(25):
        client.get(reverse("wellbeing:queue"))


def test_the_home_panel_reads_three_queries_however_long_the_history(
    rf, learner, make_checkin, who5, django_assert_num_queries
):
    from accounts.backends import AuthenticationBackend
    from wellbeing.panels import person_panel

    for days in range(400, 20, -14):
        make_checkin(learner, days_ago=days)
    request = rf.get("/")
    request.user = AuthenticationBackend().get_user(learner.pk)

    person_panel(request)  # the first home page of the agency reads what it offers
    # which check-in is the latest and whether an adjustment is recommended, that check-in,
    # the last answer to each instrument offered
    with django_assert_num_queries(3):
        panel = person_panel(request)

    [due] = panel["due"]
    assert due.last_at == panel["last"].submitted_at
    assert due.due_on == timezone.localdate() - timedelta(days=22) + timedelta(days=14)


def test_the_next_check_in_follows_the_agency_cadence_and_any_version_of_the_instrument(
    learner, make_checkin, who5
):
    from wellbeing.models import AgencyInstrument
    from wellbeing.selectors import due_list_for

    AgencyInstrument.objects.create(agency=learner.agency, instrument_code="who5", cadence_days=28)
    make_checkin(learner, days_ago=3)
    # A newer version of the same questionnaire: the answer to the old one still counts.
    type(who5).objects.filter(pk=who5.pk).update(is_current=False)
    who5.pk = None
    who5.version = f"{who5.version}-next"
    who5.is_current = True
    who5.save()

    [due] = due_list_for(person=learner)

    assert due.schedule.instrument.pk == who5.pk
    assert due.due_on == timezone.localdate() + timedelta(days=25)
    assert not due.can_answer  # within the recall period


def test_an_instrument_the_agency_does_not_offer_is_never_due(learner, who5):
    from wellbeing.models import AgencyInstrument
    from wellbeing.selectors import due_list_for

    AgencyInstrument.objects.create(
        agency=learner.agency, instrument_code="who5", enabled=False, cadence_days=14
    )

    assert due_list_for(person=learner) == []


def test_the_home_panel_reads_two_queries_before_the_first_check_in(
    rf, learner, who5, django_assert_num_queries
):
    from accounts.backends import AuthenticationBackend
    from wellbeing.panels import person_panel

    request = rf.get("/")
    request.user = AuthenticationBackend().get_user(learner.pk)

    person_panel(request)
    with django_assert_num_queries(2):
        panel = person_panel(request)

    assert panel["last"] is None and panel["adjustment"] is False
    assert [d.last_at for d in panel["due"]] == [None]


def test_the_home_panel_says_when_an_adjustment_is_recommended(
    client_as, learner, wellbeing_lead, make_checkin
):
    from wellbeing.models import AdjustmentFlag

    make_checkin(learner, days_ago=2)
    client = client_as(learner)
    message = "Your wellbeing lead recommends an adjustment to your work."
    assert message not in client.get(reverse("home")).content.decode()

    AdjustmentFlag.objects.create(person=learner, set_by=wellbeing_lead)

    page = client.get(reverse("home")).content.decode()
    assert message in page and "Last check-in" in page


def test_what_an_agency_offers_is_read_again_after_any_change(learner, who5, proqol):
    from wellbeing.models import AgencyInstrument
    from wellbeing.selectors import due_list_for

    def offered():
        return {
            d.schedule.instrument.code: d.schedule.cadence_days
            for d in due_list_for(person=learner)
        }

    assert offered() == {"who5": 14, "proqol5": 30}

    choice = AgencyInstrument.objects.create(
        agency=learner.agency, instrument_code="who5", cadence_days=21
    )
    assert offered() == {"who5": 21, "proqol5": 30}

    choice.enabled = False
    choice.save()
    assert offered() == {"proqol5": 30}

    choice.delete()
    proqol.is_active = False
    proqol.save()
    assert offered() == {"who5": 14}
