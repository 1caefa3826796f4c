"""The person can export and erase their own wellbeing data; the accounts privacy registry
includes wellbeing for whole-account export and erasure."""

from __future__ import annotations

import json
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.privacy import privacy_erase, privacy_export, privacy_parts
from wellbeing.models import (
    AdjustmentFlag,
    CheckIn,
    ExposureEntry,
    PersonWellbeingSettings,
    ReviewCase,
    ReviewEntry,
)
from wellbeing.services import adjustment_recommend, review_note_add


def fill(make_checkin, learner, lead):
    checkin = make_checkin(learner, [3, 3, 2, 2, 2], free_text="my words", wants_to_talk=True)
    review_note_add(actor=lead, case=checkin.review_case, text="lead's note")
    ExposureEntry.objects.create(
        person=learner, day=timezone.localdate(), hours=Decimal("2"), kind="video"
    )
    adjustment_recommend(actor=lead, person=learner)
    PersonWellbeingSettings.objects.create(person=learner, notify_lead_over_limit=True)
    return checkin


def test_wellbeing_is_registered_in_the_privacy_registry(db):
    assert "wellbeing" in [part.name for part in privacy_parts()]


def test_the_export_holds_answers_words_notes_and_exposure(make_checkin, learner, wellbeing_lead):
    fill(make_checkin, learner, wellbeing_lead)

    data = privacy_export(user=learner)["wellbeing"]

    checkin = data["check_ins"][0]
    assert checkin["answers"] == {"1": 3, "2": 3, "3": 2, "4": 2, "5": 2}
    assert checkin["scores"] == {"raw": 12, "percentage": 48}
    assert checkin["free_text"] == "my words"
    assert checkin["would_like_to_talk"] is True
    assert data["reviews"][0]["entries"][0]["note"] == "lead's note"
    assert data["exposure"] == [
        {"day": timezone.localdate().isoformat(), "hours": "2.00", "kind": "video"}
    ]
    assert data["preferences"]["tell_lead_over_exposure_limit"] is True
    assert len(data["adjustment_recommendations"]) == 1


def test_the_own_download_is_json_and_audited(client_as, make_checkin, learner):
    make_checkin(learner, free_text="mine")

    response = client_as(learner).post(reverse("wellbeing:my_data_export"))

    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["wellbeing"]["check_ins"][0]["free_text"] == "mine"
    assert AuditEvent.objects.filter(action="wellbeing.exported", subject_user=learner).exists()


def test_the_download_needs_a_post(client_as, learner):
    assert client_as(learner).get(reverse("wellbeing:my_data_export")).status_code == 405


def test_erase_removes_everything_the_person_has_in_wellbeing(
    make_checkin, learner, peer, wellbeing_lead
):
    fill(make_checkin, learner, wellbeing_lead)
    kept = make_checkin(peer)

    privacy_erase(user=learner)

    assert list(CheckIn.objects.all()) == [kept]
    for model in (ReviewCase, ReviewEntry, ExposureEntry, AdjustmentFlag, PersonWellbeingSettings):
        assert not model.objects.filter(
            **({"case__person": learner} if model is ReviewEntry else {"person": learner})
        ).exists()


def test_own_erase_needs_the_confirmation_box(client_as, make_checkin, learner):
    make_checkin(learner)

    response = client_as(learner).post(reverse("wellbeing:my_data_erase"), {})

    assert response.status_code == 400
    assert CheckIn.objects.filter(person=learner).exists()


def test_own_erase_after_confirming_deletes_and_is_audited(client_as, make_checkin, learner):
    make_checkin(learner)

    response = client_as(learner).post(reverse("wellbeing:my_data_erase"), {"confirm": "yes"})

    assert response.status_code == 302
    assert not CheckIn.objects.filter(person=learner).exists()
    assert AuditEvent.objects.filter(action="wellbeing.erased", subject_user=learner).exists()


def test_audit_rows_survive_erasure(client_as, make_checkin, learner, wellbeing_lead):
    checkin = make_checkin(learner)
    client_as(wellbeing_lead).get(reverse("wellbeing:checkin_detail", args=[checkin.pk]))

    privacy_erase(user=learner)

    assert AuditEvent.objects.filter(
        action="wellbeing.checkin_viewed", subject_user=learner
    ).exists()
