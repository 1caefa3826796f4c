"""The filter form lists its model choices from one plain query: same values and labels as
Django's own choice iterator (which streams through a server-side cursor)."""

from __future__ import annotations

from reporting.forms import ReportFilterForm, _model_choices
from reporting.selectors import ReportScope
from tests.courses.factories import CourseFactory
from tests.factories import ProfessionFactory, UnitFactory


def test_model_choices_match_djangos_iterator(unit):
    UnitFactory(agency=unit.agency, parent=unit, name="Sub-team <b>")
    ProfessionFactory()
    CourseFactory(title="Grooming & online risk", status="published")
    form = ReportFilterForm({}, scope=ReportScope(everyone=True))

    for name in ("unit", "profession", "course", "country"):
        field = form.fields[name]
        expected = [(str(value), str(label)) for value, label in field.choices]
        listed = [(str(value), str(label)) for value, label in _model_choices(field)]
        assert listed == expected, name
        assert len(listed) > 1, name
