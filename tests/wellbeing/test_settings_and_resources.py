"""Agency settings (agency administrators), self-care pages and contacts (wellbeing leads),
the home-page panels and the demo seeder."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wellbeing.demo import wellbeing_demo_seed
from wellbeing.models import AgencyInstrument, AgencyWellbeingSettings, CheckIn, ResourcePage
from wellbeing.selectors import schedule_list_for_agency


def settings_data(**extra):
    data = {"exposure_limit_hours": "4", "retention_months": "12", "enabled_who5": "on",
            "cadence_who5": "28"}  # fmt: skip
    data.update(extra)
    return data


def test_defaults_are_who5_every_two_weeks(agency, who5):
    [schedule] = schedule_list_for_agency(agency_id=agency.pk)

    assert (schedule.instrument.code, schedule.cadence_days) == ("who5", 14)


def test_proqol_is_offered_monthly_once_loaded(agency, who5, proqol):
    schedules = {
        s.instrument.code: s.cadence_days for s in schedule_list_for_agency(agency_id=agency.pk)
    }

    assert schedules == {"who5": 14, "proqol5": 30}


def test_an_agency_admin_saves_the_settings(client_as, agency_admin, who5):
    response = client_as(agency_admin).post(reverse("wellbeing:agency_settings"), settings_data())

    assert response.status_code == 302
    row = AgencyWellbeingSettings.objects.get(agency=agency_admin.agency)
    assert (str(row.exposure_limit_hours), row.retention_months) == ("4.00", 12)
    assert AgencyInstrument.objects.get(agency=agency_admin.agency).cadence_days == 28


def test_a_cadence_shorter_than_the_recall_period_is_refused(client_as, agency_admin, who5):
    response = client_as(agency_admin).post(
        reverse("wellbeing:agency_settings"), settings_data(cadence_who5="7")
    )

    assert response.status_code == 400
    assert "14" in response.content.decode()
    assert not AgencyInstrument.objects.exists()


@pytest.mark.parametrize("role", ["learner", "supervisor", "wellbeing_lead", "trainer"])
def test_settings_are_404_for_other_roles(request, client_as, who5, role):
    response = client_as(request.getfixturevalue(role)).get(reverse("wellbeing:agency_settings"))

    assert response.status_code == 404


def test_an_agency_admin_cannot_post_settings_for_another_agency(
    client_as, agency_admin, other_lead, who5
):
    response = client_as(agency_admin).post(
        reverse("wellbeing:agency_settings"), settings_data(agency=other_lead.agency_id)
    )

    assert response.status_code == 404
    assert not AgencyWellbeingSettings.objects.exists()


def test_a_lead_writes_a_page_and_the_markdown_is_sanitised(client_as, wellbeing_lead, learner):
    client_as(wellbeing_lead).post(
        reverse("wellbeing:page_new") + f"?agency={wellbeing_lead.agency_id}",
        {"title": "Breaks", "body": "## Take breaks\n\n<script>alert(1)</script>", "ordering": 1},
    )

    page = ResourcePage.objects.get()
    assert "<h3" in page.body_html and "<script" not in page.body_html
    shown = client_as(learner).get(reverse("wellbeing:resources")).content.decode()
    assert "Take breaks" in shown and "<script>alert" not in shown


def test_a_contact_needs_a_phone_or_an_email(client_as, wellbeing_lead):
    response = client_as(wellbeing_lead).post(
        reverse("wellbeing:contact_new") + f"?agency={wellbeing_lead.agency_id}",
        {"name": "Helpline", "ordering": 1},
    )

    assert response.status_code == 400


def test_a_lead_of_another_agency_cannot_edit_these_pages(client_as, wellbeing_lead, other_lead):
    response = client_as(other_lead).get(
        reverse("wellbeing:page_new") + f"?agency={wellbeing_lead.agency_id}"
    )

    assert response.status_code == 404


def test_without_pages_people_see_general_self_care_advice(client_as, learner):
    page = client_as(learner).get(reverse("wellbeing:resources")).content.decode()

    assert "Take short breaks away from the screen" in page


def test_the_home_panel_shows_the_next_check_in(client_as, learner, who5):
    page = client_as(learner).get(reverse("home")).content.decode()

    assert "Your WHO-5 check-in is due." in page


def test_the_lead_panel_counts_open_reviews(client_as, wellbeing_lead, learner, make_checkin):
    make_checkin(learner, wants_to_talk=True)

    page = client_as(wellbeing_lead).get(reverse("home")).content.decode()

    assert "1 open, 0 overdue" in page


def test_the_demo_seeder_is_idempotent_and_flags_one_check_in(db, who5):
    from accounts.demo import seed_people

    seed_people()
    wellbeing_demo_seed()
    count = CheckIn.objects.count()
    wellbeing_demo_seed()

    assert CheckIn.objects.count() == count
    assert CheckIn.objects.filter(review_case__isnull=False).count() == 1
    assert ResourcePage.objects.count() == 2


def test_the_support_page_starts_with_what_to_do_in_an_emergency(client_as, learner):
    page = client_as(learner).get(reverse("wellbeing:resources")).content.decode()

    assert "If you need help now" in page
    assert page.index("If you need help now") < page.index("People you can talk to")
    assert "112" in page


def test_people_are_told_exactly_what_their_supervisor_sees(client_as, learner):
    page = client_as(learner).get(reverse("wellbeing:home")).content.decode()

    assert "only whether you checked in during the last two weeks" in page
