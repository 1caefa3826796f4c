"""Input shapes for course pages. Business rules live in services."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Profession

from .models import (
    ContentWarning,
    Course,
    Drill,
    FollowUpAction,
    Lesson,
    LessonVariant,
    Module,
    PriorityLevel,
    Question,
    RefresherPolicy,
    ScenarioCard,
)


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *settings.LANGUAGES],
    )


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "title",
            "summary",
            "description",
            "language",
            "cpd_hours",
            "is_open",
            "professions",
            "countries",
            "jurisdictions",
            "competencies",
            "topic_tags",
        ]
        widgets = {
            "professions": forms.CheckboxSelectMultiple,
            "countries": forms.CheckboxSelectMultiple,
            "competencies": forms.CheckboxSelectMultiple,
            "topic_tags": forms.CheckboxSelectMultiple,
            "jurisdictions": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    M2M = ("professions", "countries", "competencies", "topic_tags")

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.M2M}
        data["m2m"] = {k: self.cleaned_data[k] for k in self.M2M}
        return data


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = [
            "title",
            "summary",
            "topic_tags",
            "pass_mark",
            "attempt_limit",
            "cooldown_minutes",
            "draw_count",
        ]
        widgets = {
            "topic_tags": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


class LessonForm(forms.ModelForm):
    content_warnings = forms.MultipleChoiceField(
        label=_("Content warnings"),
        choices=ContentWarning.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Lesson
        fields = [
            "title",
            "body_md",
            "exposure_level",
            "content_warnings",
            "warning_note",
            "estimated_minutes",
        ]
        widgets = {"body_md": forms.Textarea(attrs={"rows": 22, "spellcheck": "true"})}

    def clean(self):
        data = super().clean()
        level = data.get("exposure_level") or 0
        if level >= 2 and not data.get("content_warnings"):
            self.add_error(
                "content_warnings",
                _("A lesson at exposure level 2 or 3 needs at least one content warning."),
            )
        return data


class LessonPreviewForm(forms.Form):
    body_md = forms.CharField(required=False, max_length=200_000)
    language = forms.ChoiceField(choices=settings.LANGUAGES, required=False)


class LessonVariantForm(forms.ModelForm):
    class Meta:
        model = LessonVariant
        fields = ["language", "jurisdiction", "title", "body_md"]
        widgets = {"body_md": forms.Textarea(attrs={"rows": 14})}

    def clean(self):
        data = super().clean()
        if not data.get("language") and not (data.get("jurisdiction") or "").strip():
            raise forms.ValidationError(_("Choose a language, a jurisdiction, or both."))
        return data


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["kind", "prompt", "explanation", "correct_is_true", "accepted_answers"]
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 3}),
            "accepted_answers": forms.Textarea(attrs={"rows": 3}),
        }


class ChoiceForm(forms.Form):
    text = forms.CharField(label=_("Answer option"), max_length=500, required=False)
    is_correct = forms.BooleanField(label=_("Correct"), required=False)
    feedback = forms.CharField(label=_("Feedback"), max_length=500, required=False)


ChoiceFormSet = forms.formset_factory(ChoiceForm, extra=0, max_num=10, absolute_max=12)


class PublishForm(forms.Form):
    change_summary = forms.CharField(
        label=_("What changed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Learners and reviewers read this in the version history."),
    )
    is_material_change = forms.BooleanField(
        label=_("This is a material change"),
        required=False,
        help_text=_(
            "Tick when people who learnt the previous version need to learn the change "
            "(for example a new legal rule). Not for typos or wording."
        ),
    )
    is_critical_change = forms.BooleanField(
        label=_("This change is critical"),
        required=False,
        help_text=_(
            "Only with a material change: certificates stop being valid on the refresher's "
            "due date for people who have not taken it by then."
        ),
    )
    acknowledged_terms = forms.MultipleChoiceField(
        label=_("Terms to avoid that are still in the text"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, terms: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["acknowledged_terms"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(t, t) for t in terms]
        self.terms = list(terms)

    def clean_acknowledged_terms(self):
        chosen = self.cleaned_data["acknowledged_terms"]
        missing = set(self.terms) - set(chosen)
        if missing:
            raise forms.ValidationError(
                _("Tick each term to confirm you keep it on purpose, or edit the lessons first.")
            )
        return chosen


class StaffAddForm(forms.Form):
    email = forms.EmailField(label=_("Email of the trainer"))


class AssignForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    people: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, courses, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = lambda u: (
            f"{u.get_full_name()} · {u.unit.name if u.unit else ''}"
        )


class RuleForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    profession = forms.ModelChoiceField(label=_("Profession"), queryset=Profession.objects.all())
    due_in_days = forms.IntegerField(
        label=_("Due within (days)"), required=False, min_value=1, max_value=730
    )

    def __init__(self, *args, courses, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["agency"].queryset = agencies


class PreferenceForm(forms.Form):
    always_warn = forms.BooleanField(
        label=_("Always show content warnings"),
        required=False,
        help_text=_("Every time you open a lesson with a warning, not only the first time."),
    )
    blur_images = forms.BooleanField(
        label=_("Blur images by default"),
        required=False,
        help_text=_("In lessons with a content warning, images stay blurred until you reveal "
                    "them."),
    )  # fmt: skip


class DrillAnswerForm(forms.Form):
    level = forms.ModelChoiceField(
        label=_("Priority level"),
        queryset=PriorityLevel.objects.filter(is_active=True).order_by("rank"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the priority levels.")},
    )
    actions = forms.MultipleChoiceField(
        label=_("Follow-up"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [
            (a.code, str(a)) for a in FollowUpAction.objects.order_by("position", "name")
        ]


class DrillForm(forms.ModelForm):
    """A triage drill's title and introduction (trainers of the course)."""

    class Meta:
        model = Drill
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"introduction": _("Shown to learners before they start. Plain text.")}


class ScenarioCardForm(forms.ModelForm):
    """One scenario card with the expert's answer key."""

    class Meta:
        model = ScenarioCard
        fields = ["title", "text", "expert_level", "expert_actions", "rationale"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "expert_level": forms.RadioSelect,
            "expert_actions": forms.CheckboxSelectMultiple,
            "rationale": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "expert_level": {
                "required": _("Choose the priority level an expert would give."),
                "invalid_choice": _("Choose one of the priority levels."),
            },
            "expert_actions": {"invalid_choice": _("Choose follow-up actions from the list.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        level = self.fields["expert_level"]
        level.queryset = PriorityLevel.objects.filter(is_active=True).order_by("rank")
        level.empty_label = None  # type: ignore[attr-defined]
        self.fields["expert_actions"].queryset = FollowUpAction.objects.order_by(  # type: ignore[attr-defined]
            "position", "name"
        )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("As printed on the certificate, for example ABCD-EFGH-JKLM."),
    )


class ImageUploadForm(forms.Form):
    file = forms.FileField(label=_("Diagram (PNG, JPEG or WebP, at most 2 MB)"))
    alt_text = forms.CharField(
        label=_("Text alternative"),
        max_length=300,
        help_text=_("What the diagram shows, for people who cannot see it."),
    )


class RefresherPolicyForm(forms.ModelForm):
    class Meta:
        model = RefresherPolicy
        fields = [
            "validity_months",
            "window_days",
            "expiry_basis",
            "minimum_active_months",
            "refresher_modules",
        ]
        widgets = {"refresher_modules": forms.CheckboxSelectMultiple}

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["refresher_modules"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Module.objects.filter(course=course, is_retired=False).order_by("position")
