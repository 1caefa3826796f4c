"""Input shapes. Business rules (recall periods, limits, permissions) live in services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ExposureKind, Instrument, ReviewCase
from .models.instruments import localised
from .services import FREE_TEXT_MAX, NOTE_MAX


class DateInput(forms.DateInput):
    input_type = "date"


class CheckInForm(forms.Form):
    """The instrument's statements (if any), free text and the request to talk."""

    free_text = forms.CharField(
        label=_("Anything you want to add (optional)"),
        help_text=_("Only you and your wellbeing lead can read this. It is stored encrypted."),
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    wants_to_talk = forms.BooleanField(
        label=_("I would like to talk to someone"),
        help_text=_("Your wellbeing lead will get in touch, in confidence."),
        required=False,
    )
    submission_key = forms.CharField(widget=forms.HiddenInput)
    # Checked against CheckIn.Prompt by the view; anything else counts as "on my own".
    prompt = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, instrument: Instrument | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.item_fields: list[str] = []
        if instrument is None:
            return
        spec = instrument.spec
        choices = [(str(o["value"]), localised(o["label"])) for o in spec["scale"]]
        for item in spec["items"]:
            name = f"item_{item['number']}"
            self.fields[name] = forms.ChoiceField(
                label=localised(item["text"]),
                choices=choices,
                widget=forms.RadioSelect,
                required=bool(spec.get("require_all", True)),
                error_messages={"required": _("Please choose an answer for this statement.")},
            )
            self.item_fields.append(name)

    def item_bound_fields(self):
        return [self[name] for name in self.item_fields]

    def answers(self) -> dict[int, str]:
        return {
            int(name.split("_", 1)[1]): self.cleaned_data.get(name, "") for name in self.item_fields
        }

    def clean(self):
        cleaned = super().clean()
        if (
            self.instrument is None
            and not (cleaned.get("free_text") or "").strip()
            and not cleaned.get("wants_to_talk")
        ):
            raise forms.ValidationError(
                _("Write something, or tick that you would like to talk to someone.")
            )
        return cleaned


class ExposureForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput, initial=timezone.localdate)
    hours = forms.DecimalField(
        label=_("Hours of direct exposure"),
        help_text=_("Time spent viewing, listening to or reading the material itself."),
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    kind = forms.ChoiceField(label=_("Kind of material"), choices=ExposureKind.choices)


class PersonSettingsForm(forms.Form):
    notify_lead_over_limit = forms.BooleanField(
        label=_("Tell my wellbeing lead when I go over the daily exposure limit"),
        help_text=_(
            "Your lead is told that you went over the limit on a given day, nothing more. "
            "Your supervisor is never told."
        ),
        required=False,
    )
    reminders_enabled = forms.BooleanField(
        label=_("Remind me when a check-in is due"), required=False
    )


class AgencySettingsForm(forms.Form):
    exposure_limit_hours = forms.DecimalField(
        label=_("Daily exposure limit (hours)"),
        min_value=Decimal("0.5"),
        max_value=Decimal("12"),
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
        help_text=_("Hours of direct exposure to distressing material in one day."),
    )
    retention_months = forms.IntegerField(
        label=_("Keep check-ins for (months)"),
        min_value=1,
        max_value=120,
        help_text=_("Older check-ins, notes and exposure records are deleted every night."),
    )

    def __init__(self, *args, instruments: list[Instrument], **kwargs):
        super().__init__(*args, **kwargs)
        self.instruments = instruments
        self.instrument_rows = []
        for instrument in instruments:
            enabled = f"enabled_{instrument.code}"
            cadence = f"cadence_{instrument.code}"
            self.fields[enabled] = forms.BooleanField(
                label=_("Offer %(name)s") % {"name": instrument.short_name}, required=False
            )
            self.fields[cadence] = forms.IntegerField(
                label=_("Invite every (days)"),
                min_value=instrument.recall_days,
                max_value=366,
                help_text=_("At least %(days)s days: the questions ask about that period.")
                % {"days": instrument.recall_days},
            )
            self.instrument_rows.append((instrument, enabled, cadence))

    def instrument_fields(self):
        return [(i, self[e], self[c]) for i, e, c in self.instrument_rows]

    def instrument_choices(self) -> list[tuple[str, bool, int]]:
        return [
            (i.code, bool(self.cleaned_data.get(e)), self.cleaned_data[c])
            for i, e, c in self.instrument_rows
        ]


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReviewCase.Status.choices)


class CaseNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Confidential note"),
        help_text=_(
            "Seen only by wellbeing leads covering this person, and by the person if they "
            "download their data. Stored encrypted. Notes cannot be edited afterwards."
        ),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CaseFollowUpForm(forms.Form):
    follow_up_on = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=DateInput,
        help_text=_("You will get a reminder that morning. Leave empty to remove it."),
    )


class ResourcePageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("One-line summary"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Text"),
        help_text=_("Markdown: ## for a heading, - for a list, [text](https://...) for a link."),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20000,
    )
    ordering = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=100)


class SupportContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("What they offer"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    availability = forms.CharField(label=_("When to reach them"), max_length=200, required=False)
    ordering = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=100)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("phone") or cleaned.get("email")):
            raise forms.ValidationError(_("Give a phone number or an email address."))
        return cleaned


PERIOD_CHOICES = [
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("180", _("Last 6 months")),
    ("365", _("Last 12 months")),
]


class AggregatesForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int)
    instrument = forms.ChoiceField(label=_("Questionnaire"))
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial="90")

    def __init__(self, *args, agencies, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        self.fields["instrument"].choices = [(i.code, i.short_name) for i in instruments]
