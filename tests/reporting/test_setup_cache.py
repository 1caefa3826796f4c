"""The matrix page caches each viewer's scope and filter choices (selectors.report_setup_for).
Every change to what it holds shows on the next page load, and one viewer's entry is never
another's."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Supervision
from reporting.selectors import report_setup_for
from tests.courses.factories import CourseFactory
from tests.factories import (
    ProfessionFactory,
    SupervisionFactory,
    UnitFactory,
    UserFactory,
    totp_enrol,
)

from .helpers import required

pytestmark = pytest.mark.django_db


def _page(client, status: int = 200) -> str:
    response = client.get(reverse("reporting:matrix"))
    assert response.status_code == status
    return response.content.decode()


@pytest.fixture
def course(db):
    return CourseFactory(status="published", title="Cached course one")


@pytest.fixture
def page(client_as, supervisor, unit, course):
    person = UserFactory(unit=unit, agency=unit.agency, full_name="Casey Cached")
    required(person, course)
    client = client_as(supervisor)
    assert "Casey Cached" in _page(client)  # the setup is cached from here on
    return client


def test_a_new_sub_unit_and_its_people_show_next_load(page, unit, course):
    below = UnitFactory(agency=unit.agency, parent=unit, name="Freshly made team")
    newcomer = UserFactory(unit=below, agency=unit.agency, full_name="Nora Newunit")
    required(newcomer, course)

    html = _page(page)

    assert "Freshly made team" in html
    assert "Nora Newunit" in html


def test_an_ended_supervision_shows_next_load(page, supervisor):
    Supervision.objects.get(supervisor=supervisor).delete()  # signals fire
    assert "Casey Cached" not in _page(page, status=404)  # no longer a supervisor


def test_a_supervision_ended_by_date_shows_next_load(page, supervisor):
    supervision = Supervision.objects.get(supervisor=supervisor)
    supervision.starts_on = timezone.localdate() - datetime.timedelta(days=30)
    supervision.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    supervision.save()
    assert "Casey Cached" not in _page(page, status=404)


def test_a_new_supervision_widens_the_scope_next_load(page, supervisor, unit, course):
    elsewhere = UnitFactory(agency=unit.agency, name="Another branch")
    stranger = UserFactory(unit=elsewhere, agency=unit.agency, full_name="Sam Elsewhere")
    required(stranger, course)
    assert "Sam Elsewhere" not in _page(page)

    SupervisionFactory(supervisor=supervisor, unit=elsewhere)

    assert "Sam Elsewhere" in _page(page)


def test_a_course_added_or_renamed_shows_next_load(page, unit, course):
    person = UserFactory(unit=unit, agency=unit.agency)
    added = CourseFactory(status="published", title="Brand new course")
    required(person, added)
    assert "Brand new course" in _page(page)

    course.title = "Renamed course title"
    course.save()

    html = _page(page)
    assert "Renamed course title" in html
    assert "Cached course one" not in html


def test_a_new_profession_shows_in_the_filter_next_load(page):
    ProfessionFactory(code="fresh-profession", name="Freshly added profession")
    assert "Freshly added profession" in _page(page)


def test_an_enrolment_change_shows_next_load(page, unit, course):
    person = UserFactory(unit=unit, agency=unit.agency, full_name="Erin Enrolled")
    other = CourseFactory(status="published", title="Second required course")
    column = '<th scope="col" class="matrix-course">Second required course</th>'
    assert column not in _page(page)  # no cell in it yet: no column

    enrolment = required(person, other)
    assert column in _page(page)
    expired = '<span class="cell-label">Expired</span>'
    assert expired not in _page(page)

    enrolment.state = "expired"
    enrolment.save()

    assert expired in _page(page)


def test_one_viewers_setup_is_never_anothers(client_as, supervisor, unit, course):
    other_unit = UnitFactory(agency=unit.agency, name="Other team")
    other_boss = UserFactory(unit=other_unit, agency=unit.agency)
    SupervisionFactory(supervisor=other_boss, unit=other_unit)
    totp_enrol(other_boss)
    mine = UserFactory(unit=unit, agency=unit.agency, full_name="Mine Only")
    theirs = UserFactory(unit=other_unit, agency=unit.agency, full_name="Theirs Only")
    required(mine, course)
    required(theirs, course)

    first = _page(client_as(supervisor))
    report_setup_for(actor=supervisor)  # cached for the supervisor
    second = _page(client_as(other_boss))

    assert "Mine Only" in first and "Theirs Only" not in first
    assert "Theirs Only" in second and "Mine Only" not in second
    assert [u.pk for u in report_setup_for(actor=other_boss).units] == [other_unit.pk]


def test_the_cached_filter_form_follows_the_filters_language_and_viewer(
    client_as, supervisor, unit, course
):
    """The filter form's HTML is cached per viewer, language and filter values: the
    choice made stays selected, a name searched is shown back only to who searched it,
    and French is French."""
    other_boss = UserFactory(unit=unit, agency=unit.agency)
    SupervisionFactory(supervisor=other_boss, unit=unit)
    totp_enrol(other_boss)
    required(UserFactory(unit=unit, agency=unit.agency, full_name="Fay Filter"), course)
    client = client_as(supervisor)
    matrix = reverse("reporting:matrix")

    searched = client.get(matrix, {"q": "Private search text", "status": "overdue"})
    assert 'value="Private search text"' in searched.content.decode()
    assert '<option value="overdue" selected>' in searched.content.decode()
    plain = client.get(matrix).content.decode()
    assert "Private search text" not in plain
    assert '<option value="overdue" selected>' not in plain
    theirs = client_as(other_boss).get(matrix, {"status": "overdue"}).content.decode()
    assert "Private search text" not in theirs

    assert "All statuses" in plain
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # chosen with the language menu
    french = client.get(matrix).content.decode()
    assert "Tous les statuts" in french and "All statuses" not in french
