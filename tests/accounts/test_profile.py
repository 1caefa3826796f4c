"""The profile page: own details, sessions, download my data, erasure requests, access log."""

from __future__ import annotations

import json

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent, ErasureRequest, User, UserSession
from tests.accounts.conftest import ROLE_FIXTURES
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_every_role_sees_their_profile(request, role, signed_in):
    user = request.getfixturevalue(role)

    response = signed_in(user).get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert user.email in response.content.decode()


def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))

    assert response.url.startswith(reverse("account_login"))


def test_profile_links_to_two_step_sign_in_management(learner, signed_in):
    body = signed_in(learner).get(reverse("accounts:profile")).content.decode()

    assert reverse("mfa_index") in body


def test_edit_saves_name_language_and_jurisdiction(learner, signed_in):
    client = signed_in(learner)

    response = client.post(
        reverse("accounts:profile_edit"),
        {"full_name": "New Name", "preferred_language": "fr", "jurisdiction": "Belgique"},
    )

    assert response.url == reverse("accounts:profile")
    learner.refresh_from_db()
    assert (learner.full_name, learner.preferred_language, learner.jurisdiction) == (
        "New Name",
        "fr",
        "Belgique",
    )


def test_edit_without_a_name_shows_an_error_and_saves_nothing(learner, signed_in):
    before = learner.full_name

    response = signed_in(learner).post(
        reverse("accounts:profile_edit"), {"full_name": "", "preferred_language": "fr"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["full_name"]
    learner.refresh_from_db()
    assert (learner.full_name, learner.preferred_language) == (before, "en")


def test_edit_cannot_change_a_unit_already_set(learner, signed_in, unit):
    other = UnitFactory(agency=unit.agency)

    signed_in(learner).post(
        reverse("accounts:profile_edit"),
        {"full_name": "X", "preferred_language": "en", "unit": other.pk},
    )

    learner.refresh_from_db()
    assert learner.unit == unit


def test_person_without_a_unit_can_pick_one_of_their_agency(learner, signed_in, unit):
    User.objects.filter(pk=learner.pk).update(unit=None)

    signed_in(learner).post(
        reverse("accounts:profile_edit"),
        {"full_name": "X", "preferred_language": "en", "unit": unit.pk},
    )

    learner.refresh_from_db()
    assert learner.unit == unit


def test_forged_unit_of_another_agency_is_refused(learner, signed_in, other_agency):
    User.objects.filter(pk=learner.pk).update(unit=None)

    response = signed_in(learner).post(
        reverse("accounts:profile_edit"),
        {"full_name": "X", "preferred_language": "en", "unit": UnitFactory(agency=other_agency).pk},
    )

    assert response.context["form"].errors["unit"]
    learner.refresh_from_db()
    assert learner.unit is None


def test_sign_out_everywhere_else_keeps_this_session_only(learner, signed_in):
    elsewhere = signed_in(learner)
    here = signed_in(learner)

    here.post(reverse("accounts:sessions_end"))

    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302
    assert UserSession.objects.filter(user=learner).count() == 1
    assert AuditEvent.objects.filter(action="account.sessions_ended").exists()


def test_download_my_data_asks_for_reauthentication_first(learner, signed_in):
    response = signed_in(learner).get(reverse("accounts:data_export"))

    assert response.url.startswith(reverse("account_reauthenticate"))


def test_download_my_data_gives_a_json_file_and_audits_it(learner, signed_in):
    client = signed_in(learner, reauth=True)
    assert client.get(reverse("accounts:data_export")).status_code == 200

    response = client.post(reverse("accounts:data_export"))

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["parts"]["accounts"]["email"] == learner.email
    assert AuditEvent.objects.filter(action="privacy.exported", subject_user=learner).exists()


def test_access_log_lists_events_about_me_only(learner, trainer, signed_in, agency_admin):
    services.audit_record(actor=agency_admin, action="wellbeing.checkin_read", subject_user=learner)
    services.audit_record(actor=agency_admin, action="wellbeing.checkin_read", subject_user=trainer)

    response = signed_in(learner).get(reverse("accounts:access_log"))

    assert [e.subject_user for e in response.context["page"].object_list] == [learner]


# Erasure requests --------------------------------------------------------------------------


def test_erasure_request_needs_the_confirmation_box(learner, signed_in):
    response = signed_in(learner).post(reverse("accounts:erasure_request"), {"reason": "bye"})

    assert response.context["form"].errors["confirm"]
    assert not ErasureRequest.objects.exists()


def test_erasure_request_is_recorded_for_the_agency(learner, signed_in):
    signed_in(learner).post(reverse("accounts:erasure_request"), {"confirm": "on"})

    erasure = ErasureRequest.objects.get()
    assert (erasure.user, erasure.agency, erasure.status) == (learner, learner.agency, "open")


def test_second_erasure_request_shows_the_open_one_instead(learner, signed_in):
    client = signed_in(learner)
    client.post(reverse("accounts:erasure_request"), {"confirm": "on"})

    response = client.post(reverse("accounts:erasure_request"), {"confirm": "on"})

    assert ErasureRequest.objects.count() == 1
    assert response.status_code == 200
    assert "Withdraw my request" in response.content.decode()


def test_erasure_request_can_be_withdrawn(learner, signed_in):
    client = signed_in(learner)
    client.post(reverse("accounts:erasure_request"), {"confirm": "on"})

    client.post(reverse("accounts:erasure_request"), {"withdraw": "1"})

    assert ErasureRequest.objects.get().status == ErasureRequest.Status.WITHDRAWN


@pytest.fixture
def erasure(learner):
    return services.erasure_request_open(user=learner, reason="moving on")


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_erasure_queue_access(request, role, signed_in, erasure):
    response = signed_in(request.getfixturevalue(role)).get(reverse("accounts:erasure_queue"))

    if role in {"agency_admin", "platform_admin"}:
        assert list(response.context["page"].object_list) == [erasure]
    elif role == "other_agency_admin":
        assert list(response.context["page"].object_list) == []
    else:
        assert response.status_code == 404


def test_other_agency_admin_opening_the_request_gets_404(other_agency_admin, signed_in, erasure):
    response = signed_in(other_agency_admin).get(
        reverse("accounts:erasure_decide", args=[erasure.pk])
    )

    assert response.status_code == 404


def test_erasure_decision_needs_confirmation(agency_admin, signed_in, erasure):
    response = signed_in(agency_admin, reauth=True).post(
        reverse("accounts:erasure_decide", args=[erasure.pk]), {"decision": "erase"}
    )

    assert response.context["form"].errors["confirm"]
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.OPEN


def test_erasure_decision_needs_reauthentication(agency_admin, signed_in, erasure):
    response = signed_in(agency_admin).post(
        reverse("accounts:erasure_decide", args=[erasure.pk]),
        {"decision": "erase", "confirm": "on"},
    )

    assert response.url.startswith(reverse("account_reauthenticate"))
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.OPEN


def test_confirmed_erasure_erases_the_person_and_ends_their_sessions(
    agency_admin, signed_in, erasure, learner
):
    Client().force_login(learner)

    signed_in(agency_admin, reauth=True).post(
        reverse("accounts:erasure_decide", args=[erasure.pk]),
        {"decision": "erase", "confirm": "on"},
    )

    learner.refresh_from_db()
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE
    assert learner.email.endswith("@erased.invalid")
    assert learner.is_active is False
    assert not Session.objects.filter(
        session_key__in=UserSession.objects.filter(user=learner).values("session_key")
    ).exists()
    assert AuditEvent.objects.filter(action="privacy.erased", actor=agency_admin).exists()


def test_declining_needs_a_note_for_the_person(agency_admin, signed_in, erasure):
    client = signed_in(agency_admin, reauth=True)
    url = reverse("accounts:erasure_decide", args=[erasure.pk])

    response = client.post(url, {"decision": "decline", "confirm": "on"})
    assert response.context["form"].errors["note"]

    client.post(url, {"decision": "decline", "confirm": "on", "note": "Legal hold"})
    erasure.refresh_from_db()
    assert (erasure.status, erasure.decision_note) == ("declined", "Legal hold")


def test_decided_request_cannot_be_decided_again(agency_admin, erasure):
    services.erasure_request_decline(actor=agency_admin, erasure_request=erasure, note="hold")

    with pytest.raises(ValidationError):
        services.erasure_request_complete(actor=agency_admin, erasure_request=erasure)
    assert not erasure.user.email.endswith("@erased.invalid")


def test_learner_cannot_decide_erasure_by_service(learner, trainer):
    erasure = services.erasure_request_open(user=trainer)

    with pytest.raises(PermissionDenied):
        services.erasure_request_complete(actor=learner, erasure_request=erasure)
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.OPEN


def test_profile_lists_only_live_sessions(learner, signed_in, time_machine):
    from datetime import timedelta

    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    signed_in(learner)
    time_machine.shift(timedelta(hours=1))
    client = signed_in(learner)

    response = client.get(reverse("accounts:profile"))

    assert len(response.context["sessions"]) == 1
