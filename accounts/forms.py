"""Input shapes for accounts. Business rules live in services.py."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Agency, Profession, Unit, User
from .roles import ROLE_LABELS


class DateInput(forms.DateInput):
    input_type = "date"


def _unit_choices_label(unit: Unit) -> str:
    depth = max(unit.path.count("/") - 2, 0)
    return ("— " * depth) + unit.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _unit_choices_label(obj)


class SignupDetailsForm(forms.Form):
    """Extra questions on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS).

    The unit is not asked here: the list of an agency's units is not for strangers to read.
    The agency admin places the person in a unit when approving, or the person picks one on
    their profile once approved.
    """

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    profession = forms.ModelChoiceField(
        label=_("Profession"),
        queryset=Profession.objects.all(),
        empty_label=_("Choose your profession"),
    )
    jurisdiction = forms.CharField(
        label=_("Jurisdiction"),
        max_length=100,
        required=False,
        help_text=_("The legal system you work under, for example 'England and Wales'."),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = cast(forms.ChoiceField, self.fields["preferred_language"])
        language.choices = settings.LANGUAGES
        language.initial = (get_language() or "en")[:2]

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.profession = self.cleaned_data["profession"]
        user.jurisdiction = self.cleaned_data["jurisdiction"].strip()
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["full_name", "profession", "jurisdiction", "preferred_language"])


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    profession = forms.ModelChoiceField(
        label=_("Profession"),
        queryset=Profession.objects.all(),
        required=False,
        empty_label=_("Not set"),
    )
    jurisdiction = forms.CharField(
        label=_("Jurisdiction"),
        max_length=100,
        required=False,
        help_text=_("The legal system you work under, for example 'England and Wales'."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=(),
        help_text=_("Pages and emails use this language."),
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Once set, only your agency's administrator can change it."),
    )

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "full_name": user.full_name,
                "profession": user.profession_id,
                "jurisdiction": user.jurisdiction,
                "preferred_language": user.preferred_language,
            },
        )
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["preferred_language"]).choices = settings.LANGUAGES
        if user.unit_id is None and user.agency_id:
            unit = cast(forms.ModelChoiceField, self.fields["unit"])
            unit.queryset = Unit.objects.filter(agency_id=user.agency_id)
        else:
            del self.fields["unit"]


class ApproveForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("No unit yet"),
    )

    def __init__(self, *args, person: User, **kwargs):
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])
        unit.queryset = Unit.objects.filter(agency=person.agency)
        unit.initial = person.unit_id


class UnitAssignForm(ApproveForm):
    pass


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person sees this reason. Keep it factual."),
    )


class DisableForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Recorded in the audit log, for example 'left the agency'."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Work email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("No unit yet")
    )
    profession = forms.ModelChoiceField(
        label=_("Profession"),
        queryset=Profession.objects.all(),
        required=False,
        empty_label=_("Not set"),
    )
    preferred_language = forms.ChoiceField(label=_("Language of the invitation"), choices=())

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        cast(forms.ChoiceField, self.fields["preferred_language"]).choices = settings.LANGUAGES
        only = list(agencies[:2])
        if len(only) == 1:
            self.fields["agency"].initial = only[0].pk
            self.fields["agency"].widget = forms.HiddenInput()
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.filter(
            agency__in=agencies
        ).select_related("agency")

    def clean(self):
        data = super().clean()
        agency, unit = data.get("agency"), data.get("unit")
        if agency and unit and unit.agency_id != agency.pk:
            self.add_error("unit", _("Choose a unit of the person's own agency."))
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, grantable, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r, ROLE_LABELS[r]) for r in sorted(grantable)]
        cast(forms.ChoiceField, self.fields["role"]).choices = choices


class SupervisionForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit to supervise"), queryset=Unit.objects.none(), empty_label=_("Choose a unit")
    )

    def __init__(self, *args, person: User, **kwargs):
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])
        unit.queryset = Unit.objects.filter(agency=person.agency)


class CoverageForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency to cover"), queryset=Agency.objects.none(), empty_label=None
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=())
    actor = forms.CharField(label=_("Done by (email contains)"), required=False, max_length=254)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("All actions"))] + [(a, a) for a in actions]
        cast(forms.ChoiceField, self.fields["action"]).choices = choices

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Anything the administrator should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that erasing my data closes my account and cannot be undone."),
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("erase", _("Erase this person's data")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the person (required to decline)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I have checked this request and I am sure."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("note") or "").strip():
            self.add_error("note", _("Tell the person why, for example a legal hold."))
        return data
