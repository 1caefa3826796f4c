"""End to end on a real worker and the real broker: the daily refresher pass delivers each
reminder exactly once (inbox and email), and a second beat, a re-run and the sweeper add
nothing. Runs on SQLite + the filesystem broker and on PostgreSQL + Redis."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from courses.models import Certificate, Enrolment, Reminder
from courses.services import enrolment_state_refresh, reminders_sweep
from courses.tasks import refreshers_daily_task, reminders_send_chunk
from notifications.models import EmailOutbox, Notification
from tests.factories import UserFactory

from .factories import CourseFactory

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def test_a_daily_pass_delivers_each_reminder_exactly_once(celery_worker_process, settings):
    worker = celery_worker_process
    today = timezone.localdate()
    course = CourseFactory(title="Encrypted services")
    people = [UserFactory(email=f"reminded{n}@ag.example") for n in range(3)]
    for person in people:
        enrolment = Enrolment.objects.create(
            user=person, course=course, source="self", completed_at=timezone.now()
        )
        Certificate.objects.create(
            user=person,
            course=course,
            enrolment=enrolment,
            code=f"W-{person.pk}",
            holder_name=person.full_name,
            course_title=course.title,
            expires_on=today + datetime.timedelta(days=7),
        )
        enrolment_state_refresh(enrolments=[enrolment])

    refreshers_daily_task.delay(day=today.isoformat())
    worker.wait_for(
        lambda: EmailOutbox.objects.filter(sent_at__isnull=False).count() == 3,
        what="three reminder emails to be sent",
    )
    # A second beat, a re-run, a duplicated chunk message and a sweep: nothing more.
    refreshers_daily_task.delay(day=today.isoformat())
    reminders_send_chunk.delay()
    settings.OUTBOX_SWEEP_AFTER = datetime.timedelta(0)
    reminders_sweep()
    worker.drain()

    assert Reminder.objects.filter(outcome="sent").count() == 3
    assert Notification.objects.filter(kind="courses.reminder").count() == 3
    emails = worker.emails()
    assert sorted(m["To"] for m in emails) == sorted(p.email for p in people)
    assert all("Encrypted services" in m["Subject"] for m in emails)
