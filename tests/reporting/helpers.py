"""Report data made quickly: enrolments with a given state, and a population of any size
(bulk inserts, so the two-size query-count tests stay fast)."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from accounts.models import User
from courses.models import Enrolment
from tests.courses.factories import CourseFactory
from tests.factories import ProfessionFactory, UnitFactory

STATES = ["assigned", "in_progress", "overdue", "certified", "window_open", "expired"]
_serial = itertools.count()


def required(user, course, state="assigned", source="assigned", **fields) -> Enrolment:
    today = timezone.localdate()
    defaults = {
        "overdue": {"due_on": today - datetime.timedelta(days=3)},
        "certified": {"certified_on": today, "expires_on": today + datetime.timedelta(days=300)},
        "window_open": {"expires_on": today + datetime.timedelta(days=10)},
        "expired": {"expires_on": today - datetime.timedelta(days=2)},
    }.get(state, {})
    return Enrolment.objects.create(
        user=user, course=course, source=source, state=state, **{**defaults, **fields}
    )


def populate(unit, *, people: int, courses: int, sub_units: int = 2) -> list[User]:
    """`people` learners spread over `unit` and `sub_units` units beneath it, each with
    `courses` required courses in rotating states."""
    units = [unit] + [
        UnitFactory(agency=unit.agency, parent=unit, name=f"Sub {next(_serial)}")
        for _ in range(sub_units)
    ]
    made = [CourseFactory(status="published") for _ in range(courses)]
    profession = ProfessionFactory()
    batch = [
        User(
            email=f"bulk{next(_serial)}@ag.example",
            full_name=f"Bulk Person {n:05d}",
            agency=unit.agency,
            unit=units[n % len(units)],
            profession=profession,
            vetting_status=User.Vetting.APPROVED,
        )
        for n in range(people)
    ]
    users = User.objects.bulk_create(batch)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                user=user,
                course=course,
                source="rule" if j % 2 else "assigned",
                state=STATES[(i + j) % len(STATES)],
                due_on=timezone.localdate() + datetime.timedelta(days=(i + j) % 40 - 20),
            )
            for i, user in enumerate(users)
            for j, course in enumerate(made)
        ]
    )
    return users
