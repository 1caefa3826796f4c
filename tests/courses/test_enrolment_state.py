"""The stored enrolment state: kept current by the services, moved by the daily pass."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from courses import services
from courses.models import Certificate, Enrolment, LessonVersion, Reminder
from courses.tasks import refreshers_daily_task
from tests.factories import UserFactory

from .factories import published_course

State = Enrolment.State
DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def course(trainer):
    return published_course(trainer=trainer, modules=1, lessons=2)


def _lessons(course):
    return list(
        LessonVersion.objects.filter(module_version__module__course=course, language="")
        .select_related("module_version__module__course")
        .order_by("position")
    )


def _certify(learner, course, *, expires_on=None):
    for version in _lessons(course):
        services.lesson_complete(actor=learner, lesson_version=version)
    certificate = Certificate.objects.get(user=learner, course=course)
    if expires_on:
        certificate.expires_on = expires_on
        certificate.save(update_fields=["expires_on"])
        services.enrolment_state_refresh(ids=[certificate.enrolment_id])
    return Enrolment.objects.get(user=learner, course=course)


def test_a_new_enrolment_is_assigned(learner, course):
    enrolment = services.enrolment_self_create(actor=learner, course=course)

    assert enrolment.state == State.ASSIGNED
    assert enrolment.expires_on is None


def test_opening_a_lesson_puts_the_enrolment_in_progress(learner, course):
    services.enrolment_self_create(actor=learner, course=course)

    services.lesson_complete(actor=learner, lesson_version=_lessons(course)[0])

    assert Enrolment.objects.get(user=learner, course=course).state == State.IN_PROGRESS


def test_completing_the_course_certifies_with_the_certificate_dates(learner, course):
    services.enrolment_self_create(actor=learner, course=course)

    enrolment = _certify(learner, course)

    assert enrolment.state == State.CERTIFIED
    assert enrolment.certified_on == timezone.localdate()
    assert enrolment.expires_on is None
    assert enrolment.window_opens_on is None


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_a_certificate_that_expires_sets_the_window_from_the_default(learner, course, settings):
    settings.REFRESHER_DEFAULT_WINDOW_DAYS = 30
    services.enrolment_self_create(actor=learner, course=course)

    enrolment = _certify(learner, course, expires_on=datetime.date(2026, 5, 1))

    assert enrolment.state == State.CERTIFIED
    assert enrolment.window_opens_on == datetime.date(2026, 4, 1)


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_revoking_the_certificate_expires_it_the_day_before(learner, course, trainer):
    services.enrolment_self_create(actor=learner, course=course)
    _certify(learner, course)

    services.certificate_revoke(
        actor=trainer, certificate=Certificate.objects.get(user=learner), reason="Error."
    )

    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert (enrolment.state, enrolment.certified_on, enrolment.expires_on) == (
        State.EXPIRED,
        None,
        DAY - datetime.timedelta(days=1),
    )


def test_a_revoked_certificate_is_earned_again_by_renewing_never_by_an_overdue_course(
    learner, course, trainer, supervisor
):
    """Revoked after completion: the course cannot be completed a second time, so the
    enrolment must not go overdue (due-date reminders to someone who cannot act); it is
    expired, the learner renews over the whole course, and expiry reminders say so."""
    revoked_on = timezone.localdate()  # the supervision starts today
    services.enrolment_assign(
        actor=supervisor,
        course=course,
        people=[learner],
        due_on=revoked_on + datetime.timedelta(days=5),
    )
    _certify(learner, course)
    services.certificate_revoke(
        actor=trainer, certificate=Certificate.objects.get(user=learner), reason="Error."
    )

    # Due date +5: overdue reminders would go on days 6 and 13. The last valid day is
    # yesterday: an expiry one went today (the day after), the next goes on day 7.
    for offset, step in ((6, None), (7, -8), (13, None)):
        today = revoked_on + datetime.timedelta(days=offset)
        services.enrolment_states_advance(today=today)
        services.reminders_plan(today=today)
        assert Enrolment.objects.get(user=learner).state == State.EXPIRED
        assert not Reminder.objects.filter(learner=learner, kind="due").exists()
        expiry = Reminder.objects.filter(learner=learner, kind="expiry", planned_for=today)
        assert [r.step for r in expiry.filter(is_escalation=False)] == ([step] if step else [])

    later = revoked_on + datetime.timedelta(days=14)
    with time_machine.travel(datetime.datetime.combine(later, datetime.time(12), datetime.UTC)):
        refresher = services.refresher_renewal_start(actor=learner, course=course)
        assert (refresher.path, refresher.lessons.count()) == ("full", 2)
        for version in _lessons(course):
            services.lesson_complete(actor=learner, lesson_version=version)

    refresher.refresh_from_db()
    assert refresher.completed_at is not None
    current = Certificate.objects.get(user=learner, revoked_at__isnull=True)
    enrolment = Enrolment.objects.get(user=learner)
    assert (enrolment.state, enrolment.certified_on) == (
        State.CERTIFIED,
        timezone.localdate(current.issued_at),
    )


def test_moving_the_due_date_forward_lifts_overdue(learner, course, supervisor):
    today = timezone.localdate()
    enrolment = services.enrolment_assign(
        actor=supervisor, course=course, people=[learner], due_on=today
    )[0]
    services.enrolment_states_advance(today=today + datetime.timedelta(days=1))
    assert Enrolment.objects.get(pk=enrolment.pk).state == State.OVERDUE

    services.enrolment_assign(
        actor=supervisor, course=course, people=[learner], due_on=today + datetime.timedelta(9)
    )

    assert Enrolment.objects.get(pk=enrolment.pk).state == State.ASSIGNED


def test_compute_is_pure_and_follows_the_calendar(learner, course):
    enrolment = Enrolment(user=learner, course=course, due_on=DAY)
    certificate = Certificate(
        issued_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        expires_on=datetime.date(2026, 3, 1),
    )

    def state(today, cert=None):
        return services.enrolment_state_compute(
            enrolment=enrolment, certificate=cert, window_days=30, today=today
        )["state"]

    assert state(DAY) == State.ASSIGNED
    assert state(DAY + datetime.timedelta(days=1)) == State.OVERDUE
    assert state(datetime.date(2026, 1, 29), certificate) == State.CERTIFIED
    assert state(datetime.date(2026, 1, 30), certificate) == State.WINDOW_OPEN  # 30 days before
    assert state(datetime.date(2026, 3, 1), certificate) == State.WINDOW_OPEN  # last valid day
    assert state(datetime.date(2026, 3, 2), certificate) == State.EXPIRED


def _row(learner, course, **fields):
    return Enrolment.objects.create(user=learner, course=course, source="self", **fields)


def test_daily_pass_moves_states_set_based_and_only_once(
    learner, course, trainer, django_assert_num_queries
):
    others = [published_course(trainer=trainer) for _ in range(4)]
    overdue = _row(learner, course, due_on=DAY - datetime.timedelta(days=1))
    started_overdue = _row(
        learner, others[0], due_on=DAY - datetime.timedelta(days=1), started_at=timezone.now()
    )
    # Completed (its certificate revoked, say): the due date was met, never overdue.
    completed = _row(
        UserFactory(),
        course,
        due_on=DAY - datetime.timedelta(days=1),
        started_at=timezone.now(),
        completed_at=timezone.now(),
    )
    window = _row(
        learner,
        others[1],
        state=State.CERTIFIED,
        expires_on=DAY + datetime.timedelta(days=5),
        window_opens_on=DAY - datetime.timedelta(days=25),
    )
    expired = _row(
        learner,
        others[2],
        state=State.WINDOW_OPEN,
        expires_on=DAY - datetime.timedelta(days=1),
        window_opens_on=DAY - datetime.timedelta(days=31),
    )
    still_certified = _row(
        learner,
        others[3],
        state=State.CERTIFIED,
        expires_on=DAY + datetime.timedelta(days=90),
        window_opens_on=DAY + datetime.timedelta(days=60),
    )

    with django_assert_num_queries(3):
        moved = services.enrolment_states_advance(today=DAY)

    assert moved == {"expired": 1, "window_open": 1, "overdue": 2}
    states = dict(Enrolment.objects.values_list("pk", "state"))
    assert states[overdue.pk] == State.OVERDUE
    assert states[started_overdue.pk] == State.OVERDUE
    assert states[completed.pk] == State.ASSIGNED
    assert states[window.pk] == State.WINDOW_OPEN
    assert states[expired.pk] == State.EXPIRED
    assert states[still_certified.pk] == State.CERTIFIED
    assert services.enrolment_states_advance(today=DAY) == {
        "expired": 0,
        "window_open": 0,
        "overdue": 0,
    }


def test_compute_gives_a_revoked_certificate_its_last_valid_day(learner, course):
    enrolment = Enrolment(
        user=learner, course=course, due_on=DAY, completed_at=timezone.now(), started_at=None
    )
    revoked = Certificate(
        issued_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        expires_on=datetime.date(2026, 3, 1),
        revoked_at=datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC),
    )

    def values(cert):
        return services.enrolment_state_compute(
            enrolment=enrolment,
            certificate=None,
            window_days=30,
            today=DAY + datetime.timedelta(days=1),
            revoked=cert,
        )

    assert values(revoked) == {
        "state": State.EXPIRED,
        "certified_on": None,
        "expires_on": datetime.date(2026, 1, 14),
        "window_opens_on": None,
    }
    revoked.revoked_at = datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC)
    assert values(revoked)["expires_on"] == datetime.date(2026, 3, 1)  # had expired already
    assert values(None)["expires_on"] is None


def test_a_certificate_expired_before_its_window_was_seen_goes_straight_to_expired(learner, course):
    row = _row(
        learner,
        course,
        state=State.CERTIFIED,
        expires_on=DAY - datetime.timedelta(days=3),
        window_opens_on=DAY - datetime.timedelta(days=33),
    )

    services.enrolment_states_advance(today=DAY)

    assert Enrolment.objects.get(pk=row.pk).state == State.EXPIRED


def test_refresh_by_ids_agrees_with_the_daily_pass(learner, course):
    row = _row(learner, course, due_on=DAY - datetime.timedelta(days=1))

    assert services.enrolment_state_refresh(ids=[row.pk], today=DAY) == 1
    assert services.enrolment_state_refresh(ids=[row.pk], today=DAY) == 0
    assert Enrolment.objects.get(pk=row.pk).state == State.OVERDUE


@time_machine.travel(datetime.datetime(2026, 3, 10, 6, 15, tzinfo=datetime.UTC), tick=False)
def test_daily_task_claims_the_day(learner, course):
    _row(learner, course, due_on=DAY - datetime.timedelta(days=1))

    first = refreshers_daily_task()
    second = refreshers_daily_task()

    assert first is not None and first["states"]["overdue"] == 1
    assert second is None


def test_the_daily_beat_row_exists(db, settings):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="courses.refreshers_daily")
    assert task.enabled
    assert task.crontab is not None
