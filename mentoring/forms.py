"""Input shapes for mentoring pages. Business rules live in services."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Country, Profession, User
from courses.models import Competency, TopicTag

from .languages import LANGUAGE_CHOICES
from .models import (
    NO_CASE_DATA,
    Event,
    MentoringGoal,
    MentoringSession,
    MentorProfile,
)
from .timezones import time_zone_choices

TEXT_LIMIT = 500


class NoColonMixin:
    """Labels without Django's trailing colon, like every other label on the site."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TopicTagChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: TopicTag) -> str:
        return obj.localized_name


def _tags(**kwargs) -> TopicTagChoiceField:
    return TopicTagChoiceField(queryset=TopicTag.objects.order_by("dimension", "name"), **kwargs)


def language_choices_sorted() -> list[tuple[str, str]]:
    """Languages sorted by their name in the language the page is shown in."""
    return sorted(((c, str(n)) for c, n in LANGUAGE_CHOICES), key=lambda c: c[1].casefold())


def _languages(label, help_text="") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=language_choices_sorted,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"required": _("Choose at least one language.")},
    )


def _no_case_data_textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "aria-describedby": "no-case-data"})


class MentorProfileForm(NoColonMixin, forms.Form):
    expertise = _tags(
        label=_("Topics you can mentor in"),
        error_messages={"required": _("Choose at least one topic you can mentor in.")},
    )
    languages = _languages(_("Languages you can mentor in"))
    capacity = forms.IntegerField(
        label=_("How many people can you mentor at the same time?"),
        min_value=1,
        max_value=10,
        initial=2,
    )
    availability = forms.CharField(
        label=_("Availability"),
        max_length=300,
        required=False,
        help_text=_("For example: one hour every other week, Tuesday or Thursday mornings."),
    )
    cross_border = forms.BooleanField(
        label=_("I am willing to mentor people in other countries"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=MentorProfile.Status.choices,
        widget=forms.RadioSelect,
        initial=MentorProfile.Status.ACTIVE,
    )


class MentorRequestForm(NoColonMixin, forms.Form):
    goal_tags = _tags(
        label=_("What would you like to grow in?"),
        error_messages={"required": _("Choose at least one topic.")},
    )
    goal_text = forms.CharField(
        label=_("In a sentence or two (optional)"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=_no_case_data_textarea(3),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=LANGUAGE_CHOICES)
    cross_border_ok = forms.BooleanField(
        label=_("A mentor in another country is fine"), required=False, initial=True
    )


class ProposeForm(NoColonMixin, forms.Form):
    mentee = forms.ModelChoiceField(label=_("Mentee"), queryset=User.objects.none())
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("Why this pair (for the mentor)"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=_no_case_data_textarea(3),
    )

    def __init__(self, *args, mentees, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = mentees
        self.fields["mentor"].queryset = mentors
        self.fields["mentee"].label_from_instance = _person_label
        self.fields["mentor"].label_from_instance = _person_label


def _person_label(user: User) -> str:
    agency = (user.agency.short_name or user.agency.name) if user.agency is not None else ""
    return f"{user} ({agency})" if agency else str(user)


class ReasonForm(NoColonMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=TEXT_LIMIT,
        widget=_no_case_data_textarea(3),
        error_messages={"required": _("Give a short reason.")},
    )


class OptionalNoteForm(NoColonMixin, forms.Form):
    reason = forms.CharField(
        label=_("A closing note (optional)"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=_no_case_data_textarea(3),
    )


class GoalForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = MentoringGoal
        fields = ["text", "target_date", "status"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "aria-describedby": "no-case-data"}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "status": forms.RadioSelect,
        }


class _LocalDateTimeMixin:
    """A date and a time typed in `zone`, combined into one aware datetime."""

    def combine(self, date_value, time_value, zone: str) -> datetime:
        naive = datetime.combine(date_value, time_value or time(0, 0))
        return timezone.make_aware(naive, zoneinfo.ZoneInfo(zone))


class SessionForm(NoColonMixin, _LocalDateTimeMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=480, initial=60
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=MentoringSession.Format.choices, widget=forms.RadioSelect
    )
    agreed_actions = forms.CharField(
        label=_("Agreed actions"),
        max_length=2000,
        required=False,
        widget=_no_case_data_textarea(3),
    )
    notes = forms.CharField(
        label=_("Shared notes"),
        help_text=_("Seen only by you and your mentoring partner."),
        max_length=5000,
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "aria-describedby": "no-case-data id_notes_helptext"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time") and data.get("time_zone"):
            data["starts_at"] = self.combine(data["date"], data["start_time"], data["time_zone"])
        return data


class ObservationForm(NoColonMixin, forms.Form):
    competency: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Competency"), queryset=Competency.objects.none()
    )
    observed_on = forms.DateField(
        label=_("Observed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    context = forms.CharField(
        label=_("Where you observed it (optional)"),
        help_text=_("The setting, for example: a mock interview exercise."),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"aria-describedby": "no-case-data"}),
    )

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = competencies
        self.fields["competency"].label_from_instance = lambda c: c.localized_name


class DirectoryProfileForm(NoColonMixin, forms.Form):
    expertise = _tags(label=_("Your expertise"), required=False)
    languages = _languages(_("Languages you work in"))
    about = forms.CharField(
        label=_("About your work (optional)"),
        help_text=_("What you work on and what you could help peers with, in a sentence or two."),
        max_length=TEXT_LIMIT,
        required=False,
        widget=_no_case_data_textarea(3),
    )
    official_contact = forms.CharField(
        label=_("How to reach you through official channels"),
        help_text=_(
            "For example: through your agency's international cooperation desk or liaison "
            "officer. Your email is shared only with people whose contact request you accept."
        ),
        max_length=300,
        error_messages={"required": _("Say how peers can reach you through official channels.")},
    )


class DirectorySearchForm(NoColonMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False
    )
    profession = forms.ModelChoiceField(
        label=_("Profession"), queryset=Profession.objects.none(), required=False
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())
    tag = forms.ModelChoiceField(
        label=_("Expertise"), queryset=TopicTag.objects.none(), required=False
    )

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["country"].queryset = options["countries"]
        fields["country"].empty_label = _("All countries")
        fields["profession"].queryset = options["professions"]
        fields["profession"].empty_label = _("All professions")
        fields["tag"].queryset = options["tags"]
        fields["tag"].empty_label = _("All topics")
        fields["tag"].label_from_instance = lambda t: t.localized_name
        codes = options["language_codes"]
        fields["language"].choices = [("", _("All languages"))] + [
            (code, label) for code, label in language_choices_sorted() if code in codes
        ]


class ContactRequestForm(NoColonMixin, forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic (optional)"), queryset=TopicTag.objects.none(), required=False
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        self.fields["topic"].empty_label = _("No particular topic")
        self.fields["topic"].label_from_instance = lambda t: t.localized_name


class EventForm(NoColonMixin, _LocalDateTimeMixin, forms.ModelForm):
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_time = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "scope",
            "region",
            "mode",
            "description",
            "location",
            "online_details",
            "time_zone",
            "cpd_hours",
            "capacity",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "online_details": forms.Textarea(attrs={"rows": 2}),
            "time_zone": forms.Select,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget.choices = time_zone_choices()
        event = self.instance
        if event.pk and not self.is_bound:
            start, end = event.local_starts_at, event.local_ends_at
            self.initial.update(
                start_date=start.date(),
                start_time=start.time(),
                end_date=end.date(),
                end_time=end.time(),
            )

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"]
        if zone not in dict(time_zone_choices()):
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return zone

    def clean(self):
        data = super().clean()
        zone = data.get("time_zone")
        if zone and data.get("start_date") and data.get("start_time"):
            data["starts_at"] = self.combine(data["start_date"], data["start_time"], zone)
        if zone and data.get("end_date") and data.get("end_time"):
            data["ends_at"] = self.combine(data["end_date"], data["end_time"], zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("end_time", _("The end must be after the start."))
        return data

    def _post_clean(self):
        # Model validation runs in the service (full_clean); times are combined above.
        pass

    def event_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["starts_at"] = self.cleaned_data["starts_at"]
        data["ends_at"] = self.cleaned_data["ends_at"]
        return data


class AttendanceForm(NoColonMixin, forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("Attended"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(p.pk, str(p)) for p in people]


NO_CASE_DATA_TEXT = NO_CASE_DATA
