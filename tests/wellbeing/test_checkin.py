"""The check-in page and service: scoring, flags to the queue, recall periods, double
submits and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from wellbeing.models import AgencyInstrument, CheckIn, ReviewCase
from wellbeing.services import checkin_submit, new_submission_key


def post_who5(client, answers, **extra):
    data = {f"item_{i + 1}": str(v) for i, v in enumerate(answers)}
    data.update({"instrument": "who5", "submission_key": new_submission_key(), **extra})
    return client.post(reverse("wellbeing:checkin"), data)


def test_the_check_in_page_shows_the_who5_and_its_credit(client_as, learner, who5):
    page = client_as(learner).get(reverse("wellbeing:checkin")).content.decode()

    assert "I woke up feeling fresh and rested" in page
    assert "Psychiatric Research Unit" in page
    assert "Only you and your wellbeing lead can see your answers" in page


def test_a_good_check_in_is_saved_and_not_queued(client_as, learner, who5):
    response = post_who5(client_as(learner), [4, 4, 4, 3, 3])

    checkin = CheckIn.objects.get(person=learner)
    assert response.status_code == 302
    assert response.url == reverse("wellbeing:checkin_detail", args=[checkin.pk])
    assert checkin.result["scales"] == {"raw": 18, "percentage": 72}
    assert checkin.primary_band == "good"
    assert not ReviewCase.objects.exists()


def test_a_flagged_check_in_opens_a_case_due_by_severity(client_as, learner, who5):
    post_who5(client_as(learner), [3, 3, 2, 2, 2])

    case = ReviewCase.objects.get(person=learner)
    assert case.flags == ["poor_wellbeing"]
    assert case.severity == 2
    assert case.due_on == timezone.localdate() + timedelta(days=5)


def test_a_request_to_talk_is_always_high_severity(client_as, learner, who5):
    post_who5(client_as(learner), [4, 4, 4, 4, 4], wants_to_talk="on")

    case = ReviewCase.objects.get(person=learner)
    assert case.flags == ["talk_request"]
    assert case.severity == 3
    assert case.due_on == timezone.localdate() + timedelta(days=2)


def test_covering_leads_are_told_without_any_content(
    client_as, learner, wellbeing_lead, other_lead, who5
):
    post_who5(client_as(learner), [1, 1, 1, 1, 1], free_text="very private")

    told = Notification.objects.get(user=wellbeing_lead)
    assert told.kind == "wellbeing.review"
    assert learner.get_full_name() not in told.title + told.body
    assert "private" not in told.title + told.body
    assert not Notification.objects.filter(user=other_lead).exists()


def test_every_answer_is_required_and_nothing_is_saved(client_as, learner, who5):
    response = post_who5(client_as(learner), [4, 4, 4, 4])

    assert response.status_code == 400
    assert "Please choose an answer for this statement." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_forged_answer_off_the_scale_is_refused(client_as, learner, who5):
    response = post_who5(client_as(learner), [4, 4, 4, 4, 9])

    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_a_double_submit_saves_one_check_in(client_as, learner, who5):
    client = client_as(learner)
    key = new_submission_key()

    post_who5(client, [4, 4, 4, 4, 4], submission_key=key)
    second = post_who5(client, [4, 4, 4, 4, 4], submission_key=key)

    assert CheckIn.objects.filter(person=learner).count() == 1
    assert second.status_code == 302


def test_the_who5_cannot_be_answered_again_within_its_two_weeks(learner, who5, make_checkin):
    make_checkin(learner, days_ago=13)

    with pytest.raises(ValidationError, match="recently"):
        checkin_submit(
            actor=learner, instrument_code="who5", answers={i: 3 for i in range(1, 6)},
            submission_key=new_submission_key(),
        )  # fmt: skip


def test_within_the_recall_period_the_page_offers_a_note_instead(client_as, learner, make_checkin):
    make_checkin(learner, days_ago=3)

    page = client_as(learner).get(reverse("wellbeing:checkin")).content.decode()

    assert "I woke up feeling fresh" not in page
    assert "can be answered again from" in page


def test_a_note_only_check_in_with_a_request_to_talk_is_queued(client_as, learner, make_checkin):
    make_checkin(learner, days_ago=3)

    client_as(learner).post(
        reverse("wellbeing:checkin"),
        {"submission_key": new_submission_key(), "wants_to_talk": "on", "free_text": "Call me"},
    )

    note = CheckIn.objects.get(person=learner, instrument__isnull=True)
    assert note.review_case.flags == ["talk_request"]


def test_an_empty_note_is_refused(client_as, learner, make_checkin):
    make_checkin(learner, days_ago=3)

    response = client_as(learner).post(
        reverse("wellbeing:checkin"), {"submission_key": new_submission_key(), "free_text": "  "}
    )

    assert response.status_code == 400
    assert CheckIn.objects.filter(person=learner).count() == 1


def test_after_the_recall_period_the_who5_is_offered_again(learner, who5, make_checkin):
    make_checkin(learner, days_ago=14)

    checkin, created = checkin_submit(
        actor=learner, instrument_code="who5", answers={i: 3 for i in range(1, 6)},
        submission_key=new_submission_key(),
    )  # fmt: skip

    assert created and checkin.result["change"] == {"raw": -3, "percentage": -12}
    assert "significant_drop" in checkin.flags


def test_an_instrument_the_agency_switched_off_is_refused(learner, who5):
    AgencyInstrument.objects.create(
        agency=learner.agency, instrument_code="who5", enabled=False, cadence_days=14
    )

    with pytest.raises(ValidationError, match="not offered"):
        checkin_submit(
            actor=learner, instrument_code="who5", answers={i: 3 for i in range(1, 6)},
            submission_key=new_submission_key(),
        )  # fmt: skip


def test_the_lesson_link_records_why_the_person_checked_in(client_as, learner, who5):
    client = client_as(learner)
    page = client.get(reverse("wellbeing:checkin") + "?prompt=lesson").content.decode()

    post_who5(client, [4, 4, 4, 4, 4], prompt="lesson")

    assert "You have just finished a lesson with difficult material" in page
    assert CheckIn.objects.get(person=learner).prompted_by == "lesson"


def test_an_unknown_prompt_is_ignored(client_as, learner, who5):
    post_who5(client_as(learner), [4, 4, 4, 4, 4], prompt="<script>")

    assert CheckIn.objects.get(person=learner).prompted_by == "self"


def test_proqol_can_be_answered_once_loaded(client_as, learner, proqol):
    data = {f"item_{n}": "3" for n in range(1, 31)}
    data.update({"instrument": "proqol5", "submission_key": new_submission_key()})

    client_as(learner).post(reverse("wellbeing:checkin"), data)

    checkin = CheckIn.objects.get(person=learner, instrument=proqol)
    assert checkin.result["scales"]["burnout"] == 30


def test_a_pending_account_cannot_check_in(learner, who5):
    learner.vetting_status = "pending"

    with pytest.raises(Exception, match="wellbeing"):
        checkin_submit(actor=learner, instrument_code=None, answers={}, free_text="x",
                       submission_key=new_submission_key())  # fmt: skip


@time_machine.travel("2026-03-02 09:00:00+00:00", tick=False)
def test_the_result_page_speaks_in_plain_words_not_diagnoses(client_as, learner, who5):
    post_who5(client_as(learner), [1, 1, 1, 1, 1])
    checkin = CheckIn.objects.get(person=learner)

    page = client_as(learner).get(reverse("wellbeing:checkin_detail", args=[checkin.pk])).content
    text = page.decode()

    assert "This is not a diagnosis" in text
    assert "talk to someone" in text
    assert "depression" not in text.lower()
