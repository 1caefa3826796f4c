"""Dates people cannot misread, and date fields that keep their value in every language."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

DAY = datetime.date(2026, 12, 3)


class _DayForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_date_field_shows_its_value_in_iso_for_the_browser(language):
    with translation.override(language):
        html = str(_DayForm(initial={"day": DAY})["day"])

    assert 'value="2026-12-03"' in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_date_field_accepts_what_the_browser_sends(language):
    with translation.override(language):
        form = _DayForm(data={"day": "2026-12-03"})

        assert form.is_valid()
    assert form.cleaned_data["day"] == DAY


def _render(fmt: str, language: str) -> str:
    with translation.override(language):
        return Template("{{ day|date:'" + fmt + "' }}").render(Context({"day": DAY}))


def test_english_short_dates_put_the_day_first_with_a_month_name():
    assert _render("SHORT_DATE_FORMAT", "en") == "3 Dec 2026"


def test_english_times_use_the_24_hour_clock():
    moment = datetime.datetime(2026, 12, 3, 15, 0)
    with translation.override("en"):
        rendered = Template("{{ m|date:'SHORT_DATETIME_FORMAT' }}").render(Context({"m": moment}))

    assert rendered == "3 Dec 2026 15:00"


def test_french_short_dates_use_a_lowercase_month():
    assert _render("SHORT_DATE_FORMAT", "fr") == "3 déc 2026"
