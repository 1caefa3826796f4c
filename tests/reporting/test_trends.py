"""Completion per month and training load."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from courses.models import LessonProgress, LessonVersion
from reporting.selectors import (
    ReportFilters,
    completion_trend,
    report_scope_for,
    training_load,
)
from tests.courses.factories import CourseFactory, published_course
from tests.factories import UnitFactory, UserFactory

from .helpers import required


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_completion_rate_per_month(supervisor, unit):
    today = datetime.date(2026, 11, 20)
    course = CourseFactory()
    a = UserFactory(unit=unit, agency=unit.agency)
    b = UserFactory(unit=unit, agency=unit.agency)
    required(
        a,
        course,
        enrolled_at=_at(datetime.date(2026, 9, 5)),
        completed_at=_at(datetime.date(2026, 10, 7)),
        state="certified",
    )
    required(b, course, enrolled_at=_at(datetime.date(2026, 10, 1)))

    months = completion_trend(
        scope=report_scope_for(actor=supervisor), filters=ReportFilters(), today=today
    )
    by_month = {m.month: m for m in months}

    assert len(months) == 12
    assert months[-1].month == datetime.date(2026, 11, 1)
    assert by_month[datetime.date(2026, 9, 1)].rate == 0
    assert by_month[datetime.date(2026, 10, 1)].rate == 50
    assert by_month[datetime.date(2026, 10, 1)].completed_in_month == 1
    assert by_month[datetime.date(2025, 12, 1)].enrolled == 0


def _complete(person, version, when):
    LessonProgress.objects.create(
        user=person,
        lesson=version.lesson,
        module_version=version.module_version,
        completed_at=when,
    )


def test_training_load_counts_exposure_2_and_3_per_unit_and_week(supervisor, unit, trainer):
    from tests.courses.factories import LessonFactory, ModuleFactory

    course = CourseFactory(status="published")
    module = ModuleFactory(course=course)
    hard = LessonFactory(module=module, exposure_level=3, estimated_minutes=90)
    mild = LessonFactory(module=module, exposure_level=1, estimated_minutes=60)
    from courses.services import module_publish
    from tests.courses.factories import staff

    staff(course, trainer)
    module_publish(actor=trainer, module=module, change_summary="v1")
    versions = {v.lesson_id: v for v in LessonVersion.objects.filter(language="")}
    below = UnitFactory(agency=unit.agency, parent=unit)
    person = UserFactory(unit=below, agency=unit.agency)
    now = timezone.now()
    _complete(person, versions[hard.pk], now)
    _complete(person, versions[mild.pk], now)
    other = UserFactory(unit=unit, agency=unit.agency)
    _complete(other, versions[hard.pk], now - datetime.timedelta(weeks=20))  # too old

    load = training_load(scope=report_scope_for(actor=supervisor), filters=ReportFilters())

    assert len(load.weeks) == 8
    assert [(r.unit, r.hours[-1]) for r in load.rows] == [(below, 1.5)]


def test_trends_page_has_an_svg_chart_and_its_data_table(client_as, supervisor, unit, trainer):
    course = published_course(trainer=trainer)
    required(UserFactory(unit=unit, agency=unit.agency), course)

    html = client_as(supervisor).get(reverse("reporting:trends")).content.decode()

    assert "<svg" in html and 'role="img"' in html and "<polyline" in html
    assert "Completion rate per month (the chart" in html
    assert "Training load" in html


def test_chart_coordinates_stay_numbers_in_french(client_as, supervisor, unit):
    import re

    required(UserFactory(unit=unit, agency=unit.agency), CourseFactory())
    client = client_as(supervisor)
    client.cookies["django_language"] = "fr"

    html = client.get(reverse("reporting:trends")).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]

    assert "Taux d" in html
    # Single numbers (x, y, cx...) must keep a dot: "44,0" is not a coordinate.
    assert not re.search(r' (cx|cy|x|y|x1|x2|y1|y2)="-?\d+,\d', svg)
    assert re.search(r' cx="\d+\.\d"', svg)
