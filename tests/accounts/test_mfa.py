"""Two-step sign-in: forced enrolment for every role above learner, TOTP at sign-in."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.mfa import totp_code_for, totp_secret_of, user_has_totp
from accounts.middleware import MFA_PASSED_SESSION_KEY
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

PRIVILEGED = [
    "trainer",
    "trends_analyst",
    "supervisor",
    "wellbeing_lead",
    "agency_admin",
    "platform_admin",
]


def _without_mfa(user):
    Authenticator.objects.filter(user=user).delete()
    return user


@pytest.mark.parametrize("role", PRIVILEGED)
def test_privileged_role_without_mfa_is_sent_to_enrolment(request, role, signed_in):
    user = _without_mfa(request.getfixturevalue(role))

    response = signed_in(user).get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", PRIVILEGED)
def test_privileged_role_without_mfa_cannot_open_other_pages_either(request, role, signed_in):
    user = _without_mfa(request.getfixturevalue(role))

    response = signed_in(user).get(reverse("accounts:profile"))

    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", PRIVILEGED)
def test_privileged_role_with_mfa_is_not_redirected(request, role, signed_in):
    response = signed_in(request.getfixturevalue(role)).get(reverse("home"))

    assert response.status_code == 200


def test_learner_without_mfa_is_not_forced(learner, signed_in):
    response = signed_in(learner).get(reverse("home"))

    assert response.status_code == 200


def test_htmx_request_of_a_privileged_user_without_mfa_gets_403_not_a_redirect(trainer, signed_in):
    response = signed_in(_without_mfa(trainer)).get(reverse("home"), HTTP_HX_REQUEST="true")

    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/accounts/2fa/totp/activate/", "/accounts/logout/", "/accounts/reauthenticate/", "/healthz"],
)
def test_enrolment_sign_out_reauthentication_and_health_stay_open(trainer, signed_in, path):
    response = signed_in(_without_mfa(trainer)).get(path)

    assert response.status_code != 302 or "/2fa/totp/activate/" not in response.url


def test_language_switch_stays_open_during_enrolment(trainer, signed_in):
    response = signed_in(_without_mfa(trainer)).post(
        "/i18n/setlang/", {"language": "fr", "next": "/"}
    )

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_a_new_privileged_role_forces_enrolment_on_the_next_request(learner, signed_in):
    client = signed_in(learner)
    assert client.get(reverse("home")).status_code == 200
    learner.groups.add(Group.objects.get(name="trainer"))

    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")


def _password_step(client: Client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )


def test_sign_in_of_an_enrolled_user_asks_for_a_code(client, trainer):
    response = _password_step(client, trainer)

    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_wrong_totp_code_gives_a_clear_error_and_no_session(client, trainer):
    _password_step(client, trainer)

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_totp_code_signs_in(client, trainer):
    _password_step(client, trainer)

    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code_for(totp_secret_of(trainer))}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(trainer.pk)


def test_a_recovery_code_signs_in_instead_of_totp(client, trainer):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    code = RecoveryCodes(
        Authenticator.objects.get(user=trainer, type="recovery_codes")
    ).get_unused_codes()[0]
    _password_step(client, trainer)

    client.post(reverse("mfa_authenticate"), {"code": code})

    assert client.session["_auth_user_id"] == str(trainer.pk)


def _fresh_enrolment(client: Client, trainer):
    """A trainer without MFA signs in with the password and lands on the set-up page."""
    _without_mfa(trainer)
    response = _password_step(client, trainer)
    assert client.get(response.url).url == reverse("mfa_activate_totp")
    return client.get(reverse("mfa_activate_totp"))


def test_enrolment_right_after_sign_in_needs_no_second_password(client, trainer):
    page = _fresh_enrolment(client, trainer)

    assert page.status_code == 200
    assert "Set up two-step sign-in" in page.content.decode()


def test_enrolment_page_shows_the_qr_code_as_a_data_uri_allowed_by_csp(client, trainer):
    page = _fresh_enrolment(client, trainer)

    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    assert "img-src 'self' data:" in page["Content-Security-Policy"]
    assert page.context["form"].secret in page.content.decode()


def test_enrolment_with_a_wrong_code_shows_an_error_and_enrols_nothing(client, trainer):
    _fresh_enrolment(client, trainer)

    response = client.post(reverse("mfa_activate_totp"), {"code": "123456"})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not user_has_totp(trainer)


# Transactional: allauth announces the new authenticator on commit, inside the request as in
# production, and that marks the session as having passed a second factor.
@pytest.mark.django_db(transaction=True)
def test_enrolment_with_the_right_code_turns_mfa_on_and_shows_recovery_codes(client, trainer):
    page = _fresh_enrolment(client, trainer)

    response = client.post(
        reverse("mfa_activate_totp"), {"code": totp_code_for(page.context["form"].secret)}
    )

    assert user_has_totp(trainer)
    assert response.url == reverse("mfa_view_recovery_codes")
    assert client.get(reverse("home")).status_code == 200


def test_enrolment_long_after_sign_in_asks_to_confirm_the_password(trainer, signed_in):
    client = signed_in(_without_mfa(trainer))  # no sign-in record in this session

    response = client.get(reverse("mfa_activate_totp"))

    assert response.url.startswith(reverse("account_reauthenticate"))


# A session that proved only a password -------------------------------------------------------


def test_admin_login_form_does_not_sign_anyone_in(client, platform_admin):
    response = client.post(
        "/admin/login/", {"username": platform_admin.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_privileged_session_without_a_second_step_is_signed_out(trainer):
    client = Client()
    client.force_login(trainer)
    session = client.session
    session.pop(MFA_PASSED_SESSION_KEY)  # as if only a password had been proved
    session.save()

    response = client.get(reverse("home"))

    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_htmx_request_of_a_privileged_user_without_mfa_does_not_run_the_view(trainer, signed_in):
    from accounts.models import AuditEvent

    client = signed_in(_without_mfa(trainer))
    before = AuditEvent.objects.count()

    response = client.get(reverse("accounts:vetting"), HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    assert response.content == b""
    assert AuditEvent.objects.count() == before


def test_signing_in_with_password_and_code_passes_the_second_step(client, trainer):
    _password_step(client, trainer)
    client.post(reverse("mfa_authenticate"), {"code": totp_code_for(totp_secret_of(trainer))})

    assert client.get(reverse("home")).status_code == 200


def test_admin_login_form_never_signs_in_someone_else_over_a_session(learner, platform_admin):
    client = Client()
    client.force_login(learner)

    response = client.post(
        "/admin/login/", {"username": platform_admin.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 404
    assert client.session["_auth_user_id"] == str(learner.pk)
