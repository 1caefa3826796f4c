"""Vetted sign-up: only agency domains, email verification, then agency-admin approval."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, ProfessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _signup_data(email: str, **extra) -> dict:
    data = {
        "email": email,
        "password1": DEFAULT_PASSWORD,
        "password2": DEFAULT_PASSWORD,
        "full_name": "Robin Example",
        "profession": ProfessionFactory().pk,
        "jurisdiction": "Northshire",
        "preferred_language": "fr",
    }
    data.update(extra)
    return data


def _domain(agency) -> str:
    return agency.domains.first().domain


def test_signup_with_agency_domain_creates_pending_account_in_that_agency(client, agency):
    response = client.post(reverse("account_signup"), _signup_data(f"robin@{_domain(agency)}"))

    assert response.status_code == 302
    person = User.objects.get(email=f"robin@{_domain(agency)}")
    assert person.agency == agency
    assert person.vetting_status == User.Vetting.PENDING
    assert (person.full_name, person.jurisdiction, person.preferred_language) == (
        "Robin Example",
        "Northshire",
        "fr",
    )


def test_signup_sends_a_verification_email_and_does_not_sign_in(client, agency):
    response = client.post(reverse("account_signup"), _signup_data(f"robin@{_domain(agency)}"))

    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert "_auth_user_id" not in client.session


def test_signup_domain_match_ignores_case(client, agency):
    client.post(reverse("account_signup"), _signup_data(f"Robin@{_domain(agency).upper()}"))

    assert User.objects.get(email=f"robin@{_domain(agency)}").agency == agency


def test_signup_with_unknown_domain_is_refused_with_a_clear_message(client, agency):
    response = client.post(reverse("account_signup"), _signup_data("someone@gmail.example"))

    assert response.status_code == 200
    assert "only for staff of registered agencies" in response.content.decode()
    assert not User.objects.filter(email="someone@gmail.example").exists()
    assert mail.outbox == []


def test_signup_for_an_agency_not_accepting_signups_is_refused(client, agency):
    agency.is_active = False
    agency.save()

    response = client.post(reverse("account_signup"), _signup_data(f"robin@{_domain(agency)}"))

    assert "only for staff of registered agencies" in response.content.decode()
    assert not User.objects.filter(email=f"robin@{_domain(agency)}").exists()


def test_signup_without_full_name_or_profession_shows_errors(client, agency):
    response = client.post(
        reverse("account_signup"),
        _signup_data(f"robin@{_domain(agency)}", full_name="", profession=""),
    )

    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"full_name", "profession"}
    assert not User.objects.filter(email=f"robin@{_domain(agency)}").exists()


def test_signup_page_shows_no_unit_names(client, unit):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert unit.name not in response.content.decode()


def _confirm_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_verified_but_pending_person_signing_in_sees_awaiting_approval_and_gets_no_session(
    client, agency
):
    email = f"robin@{_domain(agency)}"
    client.post(reverse("account_signup"), _signup_data(email))
    client.post(_confirm_link(mail.outbox[0]))
    assert EmailAddress.objects.get(email=email).verified

    response = client.post(
        reverse("account_login"), {"login": email, "password": DEFAULT_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:pending")
    assert "awaiting approval by your agency" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pending_person_cannot_open_the_home_page_after_the_pending_page(client, pending_person):
    client.post(
        reverse("account_login"), {"login": pending_person.email, "password": DEFAULT_PASSWORD}
    )

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_refused_person_signing_in_sees_the_refusal_and_its_reason(client, agency):
    person = UserFactory(
        agency=agency, vetting_status=User.Vetting.REJECTED, vetting_note="Not our staff."
    )

    response = client.post(
        reverse("account_login"),
        {"login": person.email, "password": DEFAULT_PASSWORD},
        follow=True,
    )

    body = response.content.decode()
    assert "was refused" in body
    assert "Not our staff." in body
    assert "_auth_user_id" not in client.session


def test_pending_page_without_a_sign_in_attempt_explains_vetting(client):
    response = client.get(reverse("accounts:pending"))

    assert response.status_code == 200
    assert "checked by an administrator" in response.content.decode()


def test_approved_learner_signs_in(client, learner):
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_session_of_an_account_set_back_to_pending_is_ended_on_next_request(client, learner):
    client.force_login(learner)
    User.objects.filter(pk=learner.pk).update(vetting_status=User.Vetting.PENDING)

    response = client.get(reverse("home"))

    assert response.url == reverse("accounts:pending")
    assert "_auth_user_id" not in client.session


def test_disabled_account_signing_in_sees_the_disabled_page(client, learner):
    User.objects.filter(pk=learner.pk).update(is_active=False)

    response = client.post(
        reverse("account_login"),
        {"login": learner.email, "password": DEFAULT_PASSWORD},
        follow=True,
    )

    assert "This account is disabled" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_and_sign_up_pages_speak_french(client):
    client.cookies["django_language"] = "fr"

    login = client.get(reverse("account_login")).content.decode()
    signup = client.get(reverse("account_signup")).content.decode()

    assert "Demander un compte" in login
    assert "À propos de vous" in signup
