"""The version a completed change refresher records as learnt (what the next change is
compared with), also when a later version left it open: the version its lessons were
presented in, unless that later version changed other lessons too."""

from __future__ import annotations

import pytest
import time_machine

from courses import services
from courses.models import Enrolment, ModuleProgress, Refresher

from .test_recertification import (
    D,
    _take_refresher,
    at,
    certify,
    course_with_policy,
    publish_change,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(trainer):
    return course_with_policy(trainer)


NEW_TEXT = "The rule changed: new text."


def learnt(learner, module):
    return ModuleProgress.objects.get(user=learner, module=module).module_version


def test_a_change_refresher_left_open_by_a_later_version_records_the_version_presented(
    learner, course, trainer
):
    """v2 changes a lesson; v3 puts back the text the learner learnt, so their v2 refresher
    stays open and they take it in v3. What they learnt is v3 (the text they were shown), not
    v2: a v4 bringing back v2's text must give them a refresher again."""
    module = course.modules.order_by("position").first()
    lesson = module.lessons.order_by("position").first()
    certify(learner, course)
    v2 = publish_change(trainer, module, body=NEW_TEXT, add_lesson=False)
    pending = Refresher.objects.get(user=learner, module_version=v2)
    v3 = publish_change(trainer, module, body=lesson.body_md, add_lesson=False)
    pending.refresh_from_db()
    assert pending.is_open and not Refresher.objects.filter(module_version=v3).exists()

    _take_refresher(learner, pending)

    assert pending.completed_at is not None
    assert learnt(learner, module) == v3
    v4 = publish_change(trainer, module, body=NEW_TEXT, add_lesson=False)
    again = Refresher.objects.get(user=learner, module_version=v4)
    assert [item.lesson for item in again.items.all()] == [lesson]


def test_a_change_refresher_taken_in_its_own_version_records_that_version(learner, course, trainer):
    module = course.modules.order_by("position").first()
    certify(learner, course)
    v2 = publish_change(trainer, module)

    _take_refresher(learner, Refresher.objects.get(user=learner))

    assert learnt(learner, module) == v2


def test_a_later_version_that_changed_other_lessons_is_not_recorded_as_learnt(
    learner, course, trainer
):
    """Lapsed in between, the learner got no refresher for a later version's other change
    (a new lesson): taking the old refresher must not count that lesson as learnt."""
    module = course.modules.order_by("position").first()
    with time_machine.travel(at(D(2027, 3, 1)), tick=False):
        certify(learner, course)
        v2 = publish_change(trainer, module, add_lesson=False)
        pending = Refresher.objects.get(user=learner, module_version=v2)
    with time_machine.travel(at(D(2028, 3, 10)), tick=False):
        services.enrolment_states_advance()
        assert Enrolment.objects.get(user=learner).state == Enrolment.State.EXPIRED
        v3 = publish_change(trainer, module, touch_first=False)
        assert not Refresher.objects.filter(module_version=v3).exists()
        _take_refresher(learner, pending)

    assert pending.completed_at is not None
    assert learnt(learner, module) == v2
