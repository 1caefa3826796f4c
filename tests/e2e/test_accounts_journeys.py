"""Browser journeys for accounts: vetted sign-up to first sign-in, and forced two-step
sign-in enrolment for a trainer. axe-core checks every page visited."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail

from accounts.mfa import totp_code_for
from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, ProfessionFactory, UserFactory

pytestmark = pytest.mark.e2e


def _enter_current_code(page, secret: str) -> None:
    """allauth refuses a code already used in this 30 s window (the enrolment's), so wait
    for the next window once if needed."""
    for _attempt in range(2):
        page.fill('input[name="code"]', totp_code_for(secret))
        _submit(page, "main form button[type=submit]")
        if "/2fa/authenticate" not in page.url:
            return
        time.sleep(30 - time.time() % 30 + 0.5)


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_sign_up_verify_get_approved_and_sign_in(
    page, live_url, sign_in, axe_check, agency, agency_admin
):
    ProfessionFactory()
    email = f"robin.new@{agency.domains.first().domain}"

    page.goto(f"{live_url}/accounts/signup/")
    axe_check(page, "sign-up")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password1"]', DEFAULT_PASSWORD)
    page.fill('input[name="password2"]', DEFAULT_PASSWORD)
    page.fill('input[name="full_name"]', "Robin New")
    page.select_option('select[name="profession"]', index=1)
    _submit(page, 'form[action$="/accounts/signup/"] button[type=submit]')
    assert "/accounts/confirm-email/" in page.url
    axe_check(page, "check your email")

    path = re.search(r"(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(live_url + path)
    axe_check(page, "confirm email")
    _submit(page, "main form button[type=submit]")

    page.goto(f"{live_url}/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    _submit(page, "main form button[type=submit]")
    assert "/people/awaiting-approval/" in page.url
    assert "awaiting approval" in page.content()
    axe_check(page, "awaiting approval")

    sign_in(page, agency_admin)
    page.goto(f"{live_url}/people/vetting/")
    axe_check(page, "vetting list")
    _submit(page, f'tr:has-text("{email}") button:has-text("Approve")')
    assert "/accounts/reauthenticate/" in page.url
    axe_check(page, "confirm it is you")
    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    _submit(page, "main form button[type=submit]")
    assert User.objects.get(email=email).vetting_status == User.Vetting.APPROVED
    assert "is approved" in page.content()
    axe_check(page, "vetting list after approval")
    _submit(page, 'form[action$="/accounts/logout/"] button:visible')

    person = User.objects.get(email=email)
    sign_in(page, person)
    page.goto(f"{live_url}/")
    assert "Robin" in page.content()
    axe_check(page, "new person's home")
    page.goto(f"{live_url}/people/profile/")
    axe_check(page, "profile")


def test_trainer_is_forced_through_enrolment_then_signs_in_with_a_code(
    page, live_url, sign_in, axe_check, unit
):
    trainer = UserFactory(unit=unit, agency=unit.agency, roles=["trainer"])

    sign_in(page, trainer)
    page.goto(f"{live_url}/")
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert "needs two-step sign-in" in page.content()
    axe_check(page, "enrolment")
    qr = page.locator("img.totp-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.locator("#totp-secret").inner_text().strip()

    page.fill('input[name="code"]', "000000")
    _submit(page, "main form button[type=submit]")
    assert "Incorrect code" in page.content()
    axe_check(page, "enrolment with a wrong code")

    page.fill('input[name="code"]', totp_code_for(secret))
    _submit(page, "main form button[type=submit]")
    assert "/accounts/2fa/recovery-codes/" in page.url
    axe_check(page, "recovery codes")
    _submit(page, 'a:has-text("I have saved them")')
    assert page.url == f"{live_url}/"
    _submit(page, 'form[action$="/accounts/logout/"] button:visible')

    page.goto(f"{live_url}/accounts/login/")
    page.fill('input[name="login"]', trainer.email)
    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    _submit(page, "main form button[type=submit]")
    assert "/accounts/2fa/authenticate/" in page.url
    axe_check(page, "two-step sign-in")
    _enter_current_code(page, secret)
    assert page.url == f"{live_url}/"
    page.goto(f"{live_url}/accounts/2fa/")
    axe_check(page, "two-step sign-in management")
