"""The monthly report to supervisors: once per (supervisor, month), opt-out by preference."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django_celery_beat.models import PeriodicTask

from notifications.models import EmailOutbox, Notification, NotificationPreference
from reporting import tasks
from reporting.services import monthly_report_plan, monthly_report_send, previous_month
from tests.courses.factories import CourseFactory
from tests.factories import UserFactory

from .helpers import required

NOV = datetime.date(2026, 11, 3)


def test_previous_month_crosses_the_year():
    assert previous_month(datetime.date(2027, 1, 1)) == "2026-12"
    assert previous_month(NOV) == "2026-10"


def test_plan_claims_the_month_once(supervisor):
    first = monthly_report_plan(today=NOV)
    second = monthly_report_plan(today=NOV + datetime.timedelta(days=1))

    assert first == ("2026-10", [supervisor.pk])
    assert second is None


def test_report_is_sent_once_per_supervisor_and_month(supervisor, unit):
    required(UserFactory(unit=unit, agency=unit.agency), CourseFactory(), state="overdue")

    assert monthly_report_send(supervisor_ids=[supervisor.pk], month="2026-10") == 1
    assert monthly_report_send(supervisor_ids=[supervisor.pk], month="2026-10") == 0

    note = Notification.objects.get(user=supervisor, kind="reporting.monthly")
    assert "2026-10" in note.title
    assert "1 are expired or overdue" in note.body
    assert EmailOutbox.objects.filter(user=supervisor).count() == 1


def test_a_failed_send_leaves_no_claim_so_the_retry_sends_the_report(supervisor, unit):
    required(UserFactory(unit=unit, agency=unit.agency), CourseFactory())
    with (
        mock.patch(
            "notifications.services.notification_send", side_effect=RuntimeError("mail down")
        ),
        pytest.raises(RuntimeError),
    ):
        monthly_report_send(supervisor_ids=[supervisor.pk], month="2026-10")

    assert monthly_report_send(supervisor_ids=[supervisor.pk], month="2026-10") == 1
    assert Notification.objects.filter(user=supervisor, kind="reporting.monthly").count() == 1


def test_opting_out_keeps_the_report_out_of_email(supervisor):
    NotificationPreference.objects.create(user=supervisor, kind="reporting.monthly", delivery="off")

    monthly_report_send(supervisor_ids=[supervisor.pk], month="2026-10")

    assert Notification.objects.filter(user=supervisor, kind="reporting.monthly").exists()
    assert not EmailOutbox.objects.filter(user=supervisor).exists()


def test_people_who_no_longer_supervise_get_nothing(supervisor, learner):
    supervisor.supervisions.update(
        starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 2, 1)
    )

    assert monthly_report_send(supervisor_ids=[supervisor.pk, learner.pk], month="2026-10") == 0


def test_plan_task_wakes_one_sender_per_chunk(supervisor):
    with mock.patch.object(tasks.monthly_reports_send_task, "delay") as delay:
        assert tasks.monthly_reports_plan_task() == 1
        assert tasks.monthly_reports_plan_task() == 0

    delay.assert_called_once()
    assert delay.call_args.kwargs["supervisor_ids"] == [supervisor.pk]


def test_send_task_calls_the_service(supervisor):
    assert tasks.monthly_reports_send_task(supervisor_ids=[supervisor.pk], month="2026-09") == 1


def test_beat_row_points_at_a_registered_task(db):
    from lms.celery import app

    row = PeriodicTask.objects.get(name="Monthly training report to supervisors")

    assert row.task in app.tasks
    assert row.enabled
