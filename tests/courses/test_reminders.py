"""The reminder outbox: set-based planning, chunked dispatch, exactly once, nothing to
someone who renewed, escalations to the supervisors of the learner's units."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Certificate, Enrolment, Reminder
from courses.tasks import refreshers_daily_task, reminders_send_chunk, reminders_sweep_task
from notifications.models import Notification
from tests.factories import SupervisionFactory, UnitFactory, UserFactory

from .factories import CourseFactory

State = Enrolment.State
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def course(db):
    return CourseFactory(title="Online grooming")


def certified(user, course, *, expires_on):
    """An enrolment certified until `expires_on`, with its certificate."""
    enrolment = Enrolment.objects.create(
        user=user,
        course=course,
        source="self",
        started_at=timezone.now(),
        completed_at=timezone.now(),
    )
    Certificate.objects.create(
        user=user,
        course=course,
        enrolment=enrolment,
        code=f"C-{user.pk}-{course.pk}",
        holder_name="x",
        course_title=course.title,
        expires_on=expires_on,
        issued_at=timezone.now() - datetime.timedelta(days=300),
    )
    services.enrolment_state_refresh(enrolments=[enrolment])
    return enrolment


def assigned(user, course, *, due_on):
    enrolment = Enrolment.objects.create(user=user, course=course, source="assigned", due_on=due_on)
    services.enrolment_state_refresh(enrolments=[enrolment])
    return enrolment


def send_all():
    total = {"sent": 0, "not_needed": 0}
    while ids := services.reminder_claim():
        for key, value in services.reminders_deliver(ids=ids).items():
            total[key] += value
    return total


def test_steps_default_to_30_7_1_on_the_day_then_weekly(settings):
    settings.REMINDER_OVERDUE_MAX_WEEKS = 3
    assert services.reminder_steps() == [30, 7, 1, 0, -1, -8, -15]


@pytest.mark.parametrize("offset", [30, 7, 1, 0])
def test_an_expiring_certificate_is_planned_on_each_offset(learner, course, offset):
    certified(learner, course, expires_on=days(offset))

    services.reminders_plan(today=TODAY)

    row = Reminder.objects.get()
    assert (row.kind, row.step, row.due_on, row.recipient, row.learner) == (
        "expiry",
        offset,
        days(offset),
        learner,
        learner,
    )


def test_nothing_is_planned_between_offsets(learner, course):
    certified(learner, course, expires_on=days(12))

    services.reminders_plan(today=TODAY)

    assert not Reminder.objects.exists()


def test_a_second_plan_adds_nothing(learner, course):
    certified(learner, course, expires_on=days(7))
    services.reminders_plan(today=TODAY)

    again = services.reminders_plan(today=TODAY)

    assert Reminder.objects.count() == 1
    assert sum(again["planned"].values()) == 0


def test_a_reminder_is_sent_once_in_the_inbox(learner, course):
    certified(learner, course, expires_on=days(7))
    services.reminders_plan(today=TODAY)

    assert send_all() == {"sent": 1, "not_needed": 0}
    assert send_all() == {"sent": 0, "not_needed": 0}

    note = Notification.objects.get(user=learner, kind="courses.reminder")
    assert "Online grooming" in note.title and "7 days" in note.title


def test_delivering_the_same_rows_twice_sends_once(learner, course):
    certified(learner, course, expires_on=days(7))
    services.reminders_plan(today=TODAY)
    ids = services.reminder_claim()

    services.reminders_deliver(ids=ids)
    again = services.reminders_deliver(ids=ids)

    assert again == {"sent": 0, "not_needed": 0}
    assert Notification.objects.filter(kind="courses.reminder").count() == 1


def test_nothing_goes_to_someone_who_renewed_after_planning(learner, course):
    enrolment = certified(learner, course, expires_on=days(7))
    services.reminders_plan(today=TODAY)
    Certificate.objects.create(
        user=learner,
        course=course,
        enrolment=enrolment,
        code="RENEWED",
        holder_name="x",
        course_title="x",
        expires_on=days(400),
        cycle=2,
    )
    services.enrolment_state_refresh(enrolments=[enrolment])

    assert send_all() == {"sent": 0, "not_needed": 1}
    assert not Notification.objects.filter(kind="courses.reminder").exists()


def test_completing_before_the_due_date_cancels_the_due_reminder(learner, course):
    enrolment = assigned(learner, course, due_on=days(1))
    services.reminders_plan(today=TODAY)
    Certificate.objects.create(
        user=learner,
        course=course,
        enrolment=enrolment,
        code="DONE",
        holder_name="x",
        course_title="x",
    )
    services.enrolment_state_refresh(enrolments=[enrolment])

    assert send_all() == {"sent": 0, "not_needed": 1}


def test_due_dates_get_reminders_and_weekly_overdue_ones(learner, course):
    assigned(learner, course, due_on=days(-8))
    services.enrolment_states_advance(today=TODAY)

    services.reminders_plan(today=TODAY)

    row = Reminder.objects.get(is_escalation=False)
    assert (row.kind, row.step) == ("due", -8)


def test_overdue_escalates_to_supervisors_of_the_unit_and_the_units_above(learner, course, unit):
    child = UnitFactory(agency=unit.agency, parent=unit)
    person = UserFactory(unit=child, agency=unit.agency)
    direct, above, elsewhere = (UserFactory(agency=unit.agency) for _ in range(3))
    # Supervisions from a month before TODAY (the module's date): the model's default, the
    # real today, is a day later when the suite runs across midnight.
    since = days(-30)
    SupervisionFactory(supervisor=direct, unit=child, starts_on=since)
    SupervisionFactory(supervisor=above, unit=unit, starts_on=since)
    SupervisionFactory(supervisor=elsewhere, unit=UnitFactory(agency=unit.agency), starts_on=since)
    assigned(person, course, due_on=days(-1))
    certified(person, CourseFactory(title="Other"), expires_on=days(-1))
    services.enrolment_states_advance(today=TODAY)

    services.reminders_plan(today=TODAY)
    send_all()

    escalated = set(Reminder.objects.filter(is_escalation=True).values_list("recipient", flat=True))
    assert escalated == {direct.pk, above.pk}
    notes = Notification.objects.filter(kind="courses.escalation")
    assert sorted(notes.values_list("user", flat=True)) == sorted([direct.pk, above.pk])
    body = notes.get(user=direct).body
    assert "Online grooming" in body and "Other" in body  # one digest, both courses
    assert notes.get(user=direct).delivery == "digest"


def test_an_escalation_is_dropped_when_the_supervision_ended(learner, course, unit):
    boss = UserFactory(agency=unit.agency)
    grant = SupervisionFactory(supervisor=boss, unit=unit, starts_on=days(-30))
    assigned(learner, course, due_on=days(-1))
    services.enrolment_states_advance(today=TODAY)
    services.reminders_plan(today=TODAY)
    grant.ends_on = TODAY - datetime.timedelta(days=1)
    grant.starts_on = TODAY - datetime.timedelta(days=10)
    grant.save()

    send_all()

    assert not Notification.objects.filter(user=boss).exists()


def test_a_row_that_keeps_failing_is_given_up_after_three_claims(learner, course, settings):
    certified(learner, course, expires_on=days(7))
    services.reminders_plan(today=TODAY)
    settings.REMINDER_CLAIM_LEASE_SECONDS = -1  # every claim is stale at once: a dead worker

    for _ in range(settings.OUTBOX_MAX_ATTEMPTS):
        assert services.reminder_claim()
    assert services.reminder_claim() == []

    assert Reminder.objects.get().dead_at is not None


def test_a_claimed_row_is_skipped_by_another_sender_until_its_lease_ends(learner, course):
    certified(learner, course, expires_on=days(7))
    services.reminders_plan(today=TODAY)

    assert services.reminder_claim()
    assert services.reminder_claim() == []


def test_the_daily_task_enqueues_one_chunk_per_500_rows(
    learner, course, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_CHUNK_SIZE = 2
    for _n in range(5):
        certified(UserFactory(), CourseFactory(), expires_on=days(7))

    with (
        mock.patch.object(reminders_send_chunk, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = refreshers_daily_task(day=TODAY.isoformat())

    assert result["planned"]["expiry"] == 5
    assert result["chunks"] == 3
    assert delay.call_count == 3


def test_the_sweeper_wakes_senders_for_stale_rows_only(
    learner, course, settings, django_capture_on_commit_callbacks
):
    certified(learner, course, expires_on=days(7))
    services.reminders_plan(today=TODAY)
    with mock.patch.object(reminders_send_chunk, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_sweep_task() == 0  # fresh: the planner's own task will send it
        Reminder.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_sweep_task() == 1
    assert delay.call_count == 1


def test_the_chunk_task_sends(learner, course):
    certified(learner, course, expires_on=days(1))
    services.reminders_plan(today=TODAY)

    assert reminders_send_chunk() == {"sent": 1, "not_needed": 0}


def test_planning_is_a_handful_of_queries_whatever_the_size(
    course, trainer, django_assert_max_num_queries
):
    for _ in range(30):
        certified(UserFactory(), CourseFactory(), expires_on=days(7))
        assigned(UserFactory(), course, due_on=days(-1))
    services.enrolment_states_advance(today=TODAY)

    with django_assert_max_num_queries(12):
        services.reminders_plan(today=TODAY)

    assert Reminder.objects.filter(is_escalation=False).count() == 60


# --- Admin --------------------------------------------------------------------------------


@pytest.fixture
def site_admin(platform_admin):
    platform_admin.is_staff = True
    platform_admin.is_superuser = True
    platform_admin.save()
    return platform_admin


@pytest.mark.parametrize("model", ["refresherpolicy", "refresher", "reminder"])
def test_admin_changelists_open(client, site_admin, model):
    client.force_login(site_admin)

    assert client.get(reverse(f"admin:courses_{model}_changelist")).status_code == 200


def _dead_row(learner, course):
    certified(learner, course, expires_on=days(7))
    services.reminders_plan(today=TODAY)
    Reminder.objects.update(dead_at=timezone.now(), attempts=3)
    return Reminder.objects.get()


def test_admin_retry_puts_a_given_up_reminder_back(client, site_admin, learner, course):
    row = _dead_row(learner, course)
    client.force_login(site_admin)

    client.post(
        reverse("admin:courses_reminder_changelist"),
        {"action": "reminders_retry", "_selected_action": [row.pk]},
    )

    row.refresh_from_db()
    assert row.dead_at is None and row.attempts == 0
    assert send_all() == {"sent": 1, "not_needed": 0}


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("platform_admin", True), ("trainer", False), ("supervisor", False), ("learner", False)],
)
def test_retry_permission_matrix(request, learner, course, who, allowed):
    row = _dead_row(learner, course)
    actor = request.getfixturevalue(who)

    if allowed:
        assert services.reminders_retry(actor=actor, ids=[row.pk]) == 1
    else:
        with pytest.raises(PermissionDenied):
            services.reminders_retry(actor=actor, ids=[row.pk])


def test_nothing_goes_to_someone_whose_account_was_disabled(learner, course):
    certified(learner, course, expires_on=days(7))
    services.reminders_plan(today=TODAY)
    learner.is_active = False
    learner.save(update_fields=["is_active"])

    assert send_all() == {"sent": 0, "not_needed": 1}
    assert not Notification.objects.exists()
