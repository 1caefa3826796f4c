"""Input shapes for the trends feed pages. Business rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from courses.models import ModuleVersion, TopicTag

from .conf import feed_setting
from .models import CurriculumReview, Severity, Source, TagRule, TrendItem
from .selectors import source_owner_choices


def _tag_filter() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Tag"),
        queryset=TopicTag.objects.order_by("dimension", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any tag"),
    )


def _severity_filter(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("Any severity")), *Severity.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


class SourceForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Address"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=_("For feeds and STIX bundles fetched over the web (https:// or http://)."),
    )
    owners = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Analysts responsible"),
        help_text=_("They are told when the source keeps failing. Empty: you."),
    )

    class Meta:
        model = Source
        fields = ["name", "kind", "url", "description", "poll_interval_minutes", "owners"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = source_owner_choices()
        if self.instance.pk:
            # The kind decides how items arrive; a new kind is a new source.
            self.fields["kind"].disabled = True


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Why pause it? (optional)"), max_length=300, required=False)


class StixUploadForm(forms.Form):
    bundle = forms.FileField(
        label=_("STIX 2.1 bundle (JSON)"),
        help_text=_(
            "Reports, techniques, tools, malicious software, infrastructure and campaigns are "
            "kept as text. Indicators and observables are ignored."
        ),
    )

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        limit = int(feed_setting("THREAT_FEED_UPLOAD_MAX_BYTES"))
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": round(limit / 1048576, 1)}
            )
        return upload


class ManualItemForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(), label=_("Source"), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=5000,
        help_text=_(
            "Plain text. Describe the trend and why it matters for training: no case data, "
            "no indicators, nothing that identifies a person."
        ),
    )
    link = forms.URLField(
        label=_("Link to the original (optional)"),
        required=False,
        max_length=1000,
        assume_scheme="https",
    )
    published_on = forms.DateField(
        label=_("Published on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources


class TriageForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (TrendItem.Status.RELEVANT, _("Relevant: show it in the feed")),
            (TrendItem.Status.NOT_RELEVANT, _("Not relevant")),
        ],
        widget=forms.RadioSelect,
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=[("", _("Not set")), *Severity.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Needed for a relevant item. High and critical items open curriculum reviews."),
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=TopicTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Tags"),
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == TrendItem.Status.RELEVANT and not data.get("severity"):
            self.add_error("severity", _("Give a relevant item a severity."))
        return data


class TriageFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("trends", "Triage"),
        required=False,
        choices=[("", _("All items")), *TrendItem.Status.choices],
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.order_by("name"),
        required=False,
        empty_label=_("Any source"),
    )
    tag = _tag_filter()
    severity = _severity_filter(_("Severity"))
    q = forms.CharField(label=_("Words in the title or text"), required=False, max_length=100)


class TagRuleForm(forms.ModelForm):
    class Meta:
        model = TagRule
        fields = ["tag", "keywords", "whole_word", "is_active"]
        widgets = {"keywords": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = TopicTag.objects.order_by("dimension", "name")


class FeedFilterForm(forms.Form):
    tag = _tag_filter()
    dimension = forms.ChoiceField(
        label=_("Theme"),
        choices=[("", _("Any theme")), *TopicTag.Dimension.choices],
        required=False,
    )
    severity = _severity_filter(_("At least"))


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("Open reviews")),
            ("overdue", _("Overdue reviews")),
            ("closed", _("Closed reviews")),
            ("all", _("Every review")),
        ],
    )


class ReviewCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How does the review end?"),
        choices=CurriculumReview.Outcome.choices,
        widget=forms.RadioSelect,
    )
    version = forms.ModelChoiceField(
        label=_("New published version"),
        queryset=ModuleVersion.objects.none(),
        required=False,
        empty_label=_("Choose a version"),
        help_text=_("For “Module updated”: a version published since the review opened."),
    )
    reason = forms.CharField(
        label=_("Reason or notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text=_("Required for “No change needed”: say why the module is still current."),
    )

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: (
            _("Version %(number)s, published %(when)s%(material)s")
            % {
                "number": v.number,
                "when": formats.date_format(v.published_at, "DATE_FORMAT"),
                "material": _(" (material change)") if v.is_material_change else "",
            }
        )
