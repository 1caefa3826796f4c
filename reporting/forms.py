"""The report filters. Choices are limited to what the asking person may see, so a forged
unit id from another agency is simply invalid (and ignored)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.forms import UnitChoiceField
from accounts.models import Country, Profession, Unit
from courses.models import Course

from .selectors import ReportFilters, ReportScope, course_list_reportable, unit_list_in_scope
from .statuses import STATUS_LABELS, STATUSES

SORT_CHOICES = [
    ("name", _("Name (A to Z)")),
    ("-name", _("Name (Z to A)")),
    ("unit", _("Unit")),
    ("profession", _("Profession")),
    ("overdue", _("Most expired or overdue first")),
]


def _options_html(options: list[tuple[str, Any, bool]]) -> SafeString:
    """The <option> elements of one control, joined in Python: a template loop over a
    hundred options cost more than the rest of the filter form. Values and labels are
    escaped here, as the template would."""
    parts = [
        f'<option value="{conditional_escape(value)}"{" selected" if selected else ""}>'
        f"{conditional_escape(label)}</option>"
        for value, label, selected in options
    ]
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def _model_choices(
    field: forms.ModelChoiceField, objects: Iterable[Any] | None = None
) -> list[tuple[Any, Any]]:
    """The field's choices from one plain SELECT (or the `objects` already loaded):
    Django's ModelChoiceIterator streams through a server-side cursor on PostgreSQL
    (DECLARE, FETCH, CLOSE: three round trips per select). Same values (the pk) and labels
    as the iterator gives."""
    choices: list[tuple[Any, Any]] = [] if field.empty_label is None else [("", field.empty_label)]
    if objects is None:
        objects = field.queryset
        assert objects is not None  # every model field of this form is given one
    choices += [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in objects]
    return choices


class ReportFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    unit = UnitChoiceField(
        label=_("Unit (with sub-units)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
    )
    profession = forms.ModelChoiceField(
        label=_("Profession"),
        queryset=Profession.objects.all(),
        required=False,
        empty_label=_("All professions"),
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("All courses"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *((s, STATUS_LABELS[s]) for s in STATUSES)],
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        empty_label=_("All countries"),
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(
        self,
        data,
        *,
        scope: ReportScope,
        units: list[Unit] | None = None,
        courses: list[Course] | None = None,
        professions: list[Profession] | None = None,
        countries: list[Country] | None = None,
        **kwargs,
    ) -> None:
        """`units`, `courses`, `professions`, `countries`: the choices, when the caller
        has loaded them already (the matrix names its totals and columns with them); loaded
        here otherwise, when the controls are first built."""
        super().__init__(data, **kwargs)
        self.loaded = {
            "unit": units,
            "course": courses,
            "profession": professions,
            "country": countries,
        }
        unit_field = self.fields["unit"]
        course_field = self.fields["course"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        assert isinstance(course_field, forms.ModelChoiceField)
        unit_field.queryset = unit_list_in_scope(scope=scope)
        # Only what an <option> shows: the full rows carry long descriptions.
        course_field.queryset = course_list_reportable().only("pk", "title")

    def filters(self) -> ReportFilters:
        """The valid filters; an invalid value (a forged id, an unknown status) is dropped
        rather than widening or failing the report."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def pk(name: str) -> int | None:
            value = data.get(name)
            return value.pk if value is not None else None

        return ReportFilters(
            unit=data.get("unit"),
            profession_id=pk("profession"),
            course_id=pk("course"),
            status=data.get("status") or "",
            country_id=pk("country"),
            query=" ".join((data.get("q") or "").split()),
            sort=data.get("sort") or "name",
        )

    def controls(self, *, with_sort: bool, with_status: bool) -> list[dict]:
        """The filter controls as plain data for the template. Django renders each <option>
        of a widget through a template, which cost more than the report's own queries on a
        list of 40 courses; the template loops over this instead (values are escaped there).
        """
        data = self.data if self.is_bound else {}
        controls = []
        for name, field in self.fields.items():
            if (name == "sort" and not with_sort) or (name == "status" and not with_status):
                continue
            current = str(data.get(name, "") or "")
            control: dict[str, Any] = {
                "name": name,
                "id": f"id_{name}",
                "label": field.label,
                "value": current,
                "options": None,
            }
            if isinstance(field, forms.ChoiceField):
                if name == "sort" and not current:
                    current = "name"
                choices: Iterable[tuple[Any, Any]]
                if isinstance(field, forms.ModelChoiceField):
                    choices = _model_choices(field, self.loaded.get(name))
                else:
                    choices = cast(Iterable[tuple[Any, Any]], field.choices)
                control["options"] = [
                    (str(value), label, str(value) == current) for value, label in choices
                ]
                control["options_html"] = _options_html(control["options"])
            controls.append(control)
        return controls
