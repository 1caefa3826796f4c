"""Two years of recertification cycles, day by day, with time-machine: the daily beat pass
runs every morning (local time) and its reminders are dispatched; the learner lets the
first certificate lapse, renews the whole course, then renews the second one early by the
refresher path. Exactly the expected reminders and escalations go out, across a leap day
and in three time zones."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from courses import services
from courses.models import Certificate, Enrolment
from courses.tasks import refreshers_daily_task
from notifications.models import Notification
from tests.factories import SupervisionFactory, UnitFactory, UserFactory, totp_enrol

from .factories import complete_lessons, published_course

D = datetime.date
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def take(user, course, module=None):
    complete_lessons(user, course, module)


def dispatch():
    while ids := services.reminder_claim():
        services.reminders_deliver(ids=ids)


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_two_years_of_cycles_send_exactly_the_expected_reminders(settings, zone):
    settings.TIME_ZONE = zone
    tz = ZoneInfo(zone)

    def local(day: D, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)

    with time_machine.travel(local(D(2027, 2, 1), 9), tick=False) as traveller:
        top = UnitFactory()
        team = UnitFactory(agency=top.agency, parent=top)
        learner = UserFactory(unit=team, agency=top.agency)
        boss = UserFactory(unit=top, agency=top.agency)
        SupervisionFactory(supervisor=boss, unit=top)  # escalations reach the unit above
        trainer = UserFactory(unit=top, agency=top.agency, roles=["trainer"])
        totp_enrol(trainer)
        course = published_course(trainer=trainer, modules=2, lessons=1, title="Grooming")
        refresher_module = course.modules.order_by("position").last()
        services.refresher_policy_save(
            actor=trainer,
            course=course,
            validity_months=12,
            window_days=30,
            expiry_basis="previous_expiry",
            refresher_modules=[refresher_module],
        )
        services.enrolment_self_create(actor=learner, course=course)

        # Certified late in the evening, local time: the local date counts.
        traveller.move_to(local(D(2027, 3, 1), 23, 30))
        take(learner, course)
        assert Certificate.objects.get(user=learner).expires_on == D(2028, 3, 1)

        day = D(2027, 3, 1)
        while day <= D(2029, 3, 20):
            traveller.move_to(local(day, 6, 15))
            refreshers_daily_task()
            dispatch()
            if day == D(2028, 3, 10):  # lapsed since 2 March: the whole course again
                traveller.move_to(local(day, 10))
                refresher = services.refresher_renewal_start(actor=learner, course=course)
                assert refresher.path == "full"
                take(learner, course)
            if day == D(2029, 2, 27):  # in the window: the shorter path, early
                traveller.move_to(local(day, 10))
                refresher = services.refresher_renewal_start(actor=learner, course=course)
                assert refresher.path == "refresher"
                take(learner, course, refresher_module)
            day += datetime.timedelta(days=1)

    reminders = sorted(
        (n.created_at.astimezone(tz).date(), n.title)
        for n in Notification.objects.filter(user=learner, kind="courses.reminder")
    )
    assert [d for d, _title in reminders] == [
        # First cycle: 30, 7 and 1 days before (the last on the leap day), on the day.
        D(2028, 1, 31),
        D(2028, 2, 23),
        D(2028, 2, 29),
        D(2028, 3, 1),
        # Lapsed: the day after, then weekly, until renewed on 10 March.
        D(2028, 3, 2),
        D(2028, 3, 9),
        # Second cycle (from the previous expiry: until 1 March 2029): 30 and 7 days
        # before; renewed on 27 February, so nothing on the 28th or the 1st.
        D(2029, 1, 30),
        D(2029, 2, 22),
    ]
    assert "expires in 30 days" in reminders[0][1]
    assert "has expired" in reminders[4][1]
    escalations = sorted(
        n.created_at.astimezone(tz).date()
        for n in Notification.objects.filter(user=boss, kind="courses.escalation")
    )
    assert escalations == [D(2028, 3, 2), D(2028, 3, 9)]
    cycles = list(
        Certificate.objects.filter(user=learner)
        .order_by("cycle")
        .values_list("cycle", "path", "expires_on")
    )
    assert cycles == [
        (1, "full", D(2028, 3, 1)),
        (2, "full", D(2029, 3, 1)),
        (3, "refresher", D(2030, 3, 1)),
    ]
    enrolment = Enrolment.objects.get(user=learner)
    assert (enrolment.state, enrolment.expires_on) == ("certified", D(2030, 3, 1))
