"""allauth adapter: vetted sign-up (only registered agency domains) and pending accounts."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.utils.translation import gettext as _

from .models import AgencyDomain


def agency_for_email(email: str):
    domain = email.rsplit("@", 1)[-1].strip().lower()
    match = (
        AgencyDomain.objects.select_related("agency")
        .filter(domain__iexact=domain, agency__is_active=True)
        .first()
    )
    return match.agency if match else None


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
