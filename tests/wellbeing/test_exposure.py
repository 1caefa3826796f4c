"""The exposure log: hours per day against the agency's limit; going over prompts a break
and a check-in, and tells the lead only if the person agreed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from wellbeing.models import AgencyWellbeingSettings, ExposureEntry, PersonWellbeingSettings
from wellbeing.services import exposure_log


def log(client, hours, day=None, kind="video"):
    day = day or timezone.localdate()
    return client.post(reverse("wellbeing:exposure"), {"day": day, "hours": hours, "kind": kind})


def test_logging_under_the_limit_shows_no_break_prompt(client_as, learner):
    client = client_as(learner)

    response = log(client, "3")
    page = client.get(response.url).content.decode()

    assert ExposureEntry.objects.get(person=learner).hours == Decimal("3")
    assert "Time for a break" not in page


def test_going_over_the_default_five_hours_prompts_a_break_and_a_check_in(client_as, learner):
    client = client_as(learner)
    log(client, "3")

    response = log(client, "2.5")
    page = client.get(response.url).content.decode()

    assert "over=" in response.url
    assert "Time for a break" in page
    assert reverse("wellbeing:checkin") + "?prompt=exposure" in page


def test_exactly_the_limit_is_not_over(learner):
    _entry, over = exposure_log(
        actor=learner, day=timezone.localdate(), hours=Decimal("5"), kind="video"
    )

    assert over is False


def test_the_agency_limit_applies(learner):
    AgencyWellbeingSettings.objects.create(agency=learner.agency, exposure_limit_hours=Decimal("2"))

    _entry, over = exposure_log(
        actor=learner, day=timezone.localdate(), hours=Decimal("2.25"), kind="images"
    )

    assert over is True


def test_the_lead_is_not_told_without_consent(learner, wellbeing_lead):
    exposure_log(actor=learner, day=timezone.localdate(), hours=Decimal("6"), kind="video")

    assert not Notification.objects.filter(user=wellbeing_lead).exists()


def test_the_lead_is_told_once_a_day_with_consent(learner, wellbeing_lead, supervisor):
    PersonWellbeingSettings.objects.create(person=learner, notify_lead_over_limit=True)
    today = timezone.localdate()

    exposure_log(actor=learner, day=today, hours=Decimal("6"), kind="video")
    exposure_log(actor=learner, day=today, hours=Decimal("1"), kind="video")

    told = Notification.objects.get(user=wellbeing_lead)
    assert learner.get_full_name() not in told.title + told.body
    assert not Notification.objects.filter(user=supervisor).exists()


@pytest.mark.parametrize(
    ("day_offset", "hours", "kind", "field"),
    [
        (1, "2", "video", "day"),  # the future
        (-40, "2", "video", "day"),  # too far back
        (0, "25", "video", "hours"),
        (0, "0", "video", "hours"),
        (0, "2", "graphic", "kind"),
    ],
)
def test_bad_exposure_input_is_refused_and_changes_nothing(
    client_as, learner, day_offset, hours, kind, field
):
    day = timezone.localdate() + timedelta(days=day_offset)

    response = log(client_as(learner), hours, day=day, kind=kind)

    assert response.status_code == 400
    assert not ExposureEntry.objects.exists()


def test_a_day_cannot_hold_more_than_24_hours(learner):
    today = timezone.localdate()
    exposure_log(actor=learner, day=today, hours=Decimal("20"), kind="video")

    with pytest.raises(ValidationError):
        exposure_log(actor=learner, day=today, hours=Decimal("5"), kind="video")


def test_the_week_view_totals_days_against_the_limit(client_as, learner):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    ExposureEntry.objects.create(person=learner, day=monday, hours=Decimal("6"), kind="video")

    page = (
        client_as(learner)
        .get(reverse("wellbeing:exposure") + f"?week={monday.isoformat()}")
        .content.decode()
    )

    assert "over the limit" in page


def test_a_person_deletes_their_own_record_after_confirming(client_as, learner):
    entry = ExposureEntry.objects.create(
        person=learner, day=timezone.localdate(), hours=Decimal("1"), kind="text"
    )
    client = client_as(learner)
    url = reverse("wellbeing:exposure_delete", args=[entry.pk])

    assert client.get(url).status_code == 200
    client.post(url)

    assert not ExposureEntry.objects.exists()


def test_someone_elses_exposure_record_is_404(client_as, learner, peer):
    entry = ExposureEntry.objects.create(
        person=learner, day=timezone.localdate(), hours=Decimal("1"), kind="text"
    )

    response = client_as(peer).post(reverse("wellbeing:exposure_delete", args=[entry.pk]))

    assert response.status_code == 404
    assert ExposureEntry.objects.exists()


def test_the_consent_setting_is_saved(client_as, learner):
    client_as(learner).post(
        reverse("wellbeing:preferences"),
        {"notify_lead_over_limit": "on", "reminders_enabled": "on"},
    )

    assert PersonWellbeingSettings.objects.get(person=learner).notify_lead_over_limit
