"""allauth adapter: vetted sign-up (only registered agency domains) and pending accounts.

An account becomes usable only when an agency admin approves it. A person whose request is
pending or refused, and who proves their password (and email), sees a page saying so and gets
no session: `pre_login` catches the usual path and `login` catches every other one (for
example a login resumed after email confirmation, which skips `pre_login`).
"""

from __future__ import annotations

import time

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import AgencyDomain, User

# The vetting state shown on the "awaiting approval" page. Only set after the person proved
# their password, so it tells nothing to someone guessing addresses.
VETTING_SESSION_KEY = "lms_vetting_state"


def agency_for_email(email: str):
    domain = email.rsplit("@", 1)[-1].strip().lower()
    match = (
        AgencyDomain.objects.select_related("agency")
        .filter(domain__iexact=domain, agency__is_active=True)
        .first()
    )
    return match.agency if match else None


def _has_verified_email(user) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _signed_in_recently(request) -> bool:
    from allauth.account.internal.flows.login import get_authentication_records

    if request is None or not request.user.is_authenticated:
        return False
    records = get_authentication_records(request, request.user)
    window = app_settings.REAUTHENTICATION_TIMEOUT
    return any(time.time() - record.get("at", 0) < window for record in records)


def vetting_refusal_response(request, user) -> HttpResponseRedirect:
    """Forget any half-done login and send the person to the page explaining their state."""
    from allauth.account.internal.stagekit import clear_login

    clear_login(request)
    request.session[VETTING_SESSION_KEY] = {
        "status": user.vetting_status,
        "note": user.vetting_note if user.vetting_status == User.Vetting.REJECTED else "",
        "agency": str(user.agency) if user.agency_id else "",
    }
    return HttpResponseRedirect(reverse("accounts:pending"))


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if agency_for_email(email) is None:
            raise forms.ValidationError(
                _(
                    "Accounts are only for staff of registered agencies. Use your official "
                    "work email address, or ask your agency's administrator to register "
                    "your agency."
                )
            )
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.agency = agency_for_email(user.email)
        user.vetting_status = user.Vetting.PENDING
        if commit:
            user.save()
        return user

    def pre_login(self, request, user, **kwargs):
        # An unverified address goes on to allauth's verification stage (which sends the
        # email and stops); a verified one that is not approved stops here, before MFA.
        if user.is_active and not user.is_approved and _has_verified_email(user):
            return vetting_refusal_response(request, user)
        return super().pre_login(request, user, **kwargs)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up two-step sign-in right after signing in needs no second password
        prompt: the sign-in itself is recent proof (allauth's REAUTHENTICATION_TIMEOUT)."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa":
            return not _signed_in_recently(context.request)
        return required

    def login(self, request, user) -> None:
        if not user.is_approved:
            raise ImmediateHttpResponse(vetting_refusal_response(request, user))
        super().login(request, user)
