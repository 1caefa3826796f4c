"""Refresher reminders for 100,000 enrolments (DESIGN section 9, issue 4), in one process.

20,000 learners x 5 courses with refresher policies: certificates spread over the year
(some in their renewal window, some expired) and assignments with due dates. One enrolment
in BENCH_EVERY (default 30) is due a reminder today (a step before expiry or the due date,
or a weekly overdue step): a pessimistic ordinary day, since a 12-month cycle with steps at
30, 7, 1 and 0 days puts about 1.1% of certificates on a step, plus a seventh of the lapsed
ones. Supervisors of the units (a team and headquarters) get escalations.

Dispatch cost is dominated by rendering each email (three templates, ~0.75 ms), so it grows
with the reminders of the day, not with the enrolments: BENCH_EVERY=10 (24,000 rows) took
11.5 s here. The per-reminder cost is printed to extrapolate.

Prints, in the same run:
- a plain indexed count over the enrolment table: the baseline;
- planning (the daily states pass and the reminder rows, set-based), as time and as a
  ratio to the baseline, its query count and the reminder rows it wrote;
- dispatch (claiming chunks of 500 and sending each reminder through the notifications
  service into the inbox and the email outbox; no mail transport), as time, ratio, queries
  and the number of chunk tasks (at most one per 500 rows);
- last line `second pass: N sent` for planning and dispatching the same day again (N must
  be 0).

Targets: planning under 2 s, dispatch under 5 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/reminders.py

Set BENCH_ENROLMENTS for another size (a multiple of 5).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta

from _common import Report, bench_django, count_queries

ENROLMENTS = int(os.environ.get("BENCH_ENROLMENTS", "100000"))
EVERY = int(os.environ.get("BENCH_EVERY", "30"))
COURSES = 5
UNITS = 50
PLAN_BUDGET_S = 2.0
DISPATCH_BUDGET_S = 5.0


def _build(today):
    """Learners, units with supervisors, courses with policies, enrolments and
    certificates, written in bulk."""
    from accounts.models import Agency, Country, Profession, Supervision, Unit, User
    from courses.models import Certificate, Course, Enrolment, RefresherPolicy
    from courses.services import reminder_steps

    country = Country.objects.create(code="ZB", name="Benchland")
    agency = Agency.objects.create(name="Bench agency", country=country)
    profession = Profession.objects.create(code="bench", name="Bench")
    top = Unit.objects.create(agency=agency, name="Headquarters")
    units = [Unit.objects.create(agency=agency, parent=top, name=f"Team {n}") for n in range(UNITS)]
    bosses = User.objects.bulk_create(
        [
            User(
                email=f"boss{n}@bench.x",
                full_name=f"Supervisor {n}",
                agency=agency,
                unit=top,
                profession=profession,
                vetting_status=User.Vetting.APPROVED,
                password="!",  # noqa: S106 - unusable, never signs in
            )
            for n in range(UNITS + 1)
        ]
    )
    Supervision.objects.bulk_create(
        [Supervision(supervisor=bosses[n], unit=units[n]) for n in range(UNITS)]
        + [Supervision(supervisor=bosses[UNITS], unit=top)]
    )
    learners = ENROLMENTS // COURSES
    User.objects.bulk_create(
        [
            User(
                email=f"learner{n}@bench.x",
                full_name=f"Learner {n:06d}",
                agency=agency,
                unit=units[n % UNITS],
                profession=profession,
                vetting_status=User.Vetting.APPROVED,
                preferred_language="fr" if n % 3 == 0 else "en",
                password="!",  # noqa: S106 - unusable, never signs in
            )
            for n in range(learners)
        ],
        batch_size=5000,
    )
    people = list(User.objects.filter(email__startswith="learner").values_list("pk", flat=True))
    courses = Course.objects.bulk_create(
        [
            Course(slug=f"bench-{n}", title=f"Bench course {n}", status="published")
            for n in range(COURSES)
        ]
    )
    RefresherPolicy.objects.bulk_create(
        [RefresherPolicy(course=c, validity_months=12, window_days=30) for c in courses]
    )
    steps = reminder_steps()
    rows, certified = [], []
    for n in range(ENROLMENTS):
        user_id, course = people[n // COURSES], courses[n % COURSES]
        # One in EVERY lands on a reminder step today; the rest on days between steps.
        offset = steps[(n // EVERY) % len(steps)] if n % EVERY == 0 else 2 + n % 300
        if n % 4 == 0:  # an assignment with a due date
            due = today + timedelta(days=offset)
            rows.append(
                Enrolment(
                    user_id=user_id,
                    course=course,
                    source="assigned",
                    due_on=due,
                    state="overdue" if due < today else "assigned",
                )
            )
        else:  # certified, expiring `offset` days from today (negative: expired)
            expires = today + timedelta(days=offset)
            state = (
                "expired" if expires < today else ("window_open" if offset <= 30 else "certified")
            )
            rows.append(
                Enrolment(
                    user_id=user_id,
                    course=course,
                    source="self",
                    state=state,
                    completed_at=now_minus_a_year(),
                    certified_on=expires - timedelta(days=365),
                    expires_on=expires,
                    window_opens_on=expires - timedelta(days=30),
                )
            )
            certified.append(len(rows) - 1)
    Enrolment.objects.bulk_create(rows, batch_size=5000)
    made = {
        (e.user_id, e.course_id): e.pk
        for e in Enrolment.objects.filter(expires_on__isnull=False).only("user_id", "course_id")
    }
    Certificate.objects.bulk_create(
        [
            Certificate(
                user_id=rows[i].user_id,
                course_id=rows[i].course_id,
                enrolment_id=made[(rows[i].user_id, rows[i].course_id)],
                code=f"B{i:09d}",
                holder_name="Bench",
                course_title="Bench",
                issued_at=now_minus_a_year(),
                expires_on=rows[i].expires_on,
            )
            for i in certified
        ],
        batch_size=5000,
    )


def now_minus_a_year():
    from django.utils import timezone

    return timezone.now() - timedelta(days=365)


class TaskCounter:
    """Counts chunk tasks enqueued and runs them in this process, one after the other
    (the work a worker would do; no broker in the measurement)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args, **kwargs) -> None:
        self.count += 1


def main() -> None:
    with bench_django():
        from unittest import mock

        from django.db import connection
        from django.utils import timezone

        from courses.models import Enrolment, Reminder
        from courses.services import (
            enrolment_states_advance,
            reminder_claim,
            reminders_deliver,
            reminders_plan,
        )
        from courses.tasks import reminders_send_chunk
        from notifications.models import EmailOutbox, Notification
        from notifications.tasks import outbox_send_chunk

        today = timezone.localdate()
        start = time.perf_counter()
        _build(today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        report = Report(
            f"Refresher reminders: {ENROLMENTS:,} enrolments ({connection.vendor}, "
            f"built in {time.perf_counter() - start:.1f} s)"
        )

        def baseline():
            return Enrolment.objects.filter(state="window_open").count()

        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            baseline()
            times.append(time.perf_counter() - t0)
        base_s = statistics.median(times)
        report.note(
            f"baseline: indexed count over the enrolment table: {base_s * 1e3:.2f} ms "
            f"({baseline():,} rows counted)"
        )

        counter = TaskCounter()

        def plan():
            enrolment_states_advance(today=today)
            return reminders_plan(today=today)

        with mock.patch.object(reminders_send_chunk, "delay", counter):
            t0 = time.perf_counter()
            plan_queries = count_queries(plan)
            plan_s = time.perf_counter() - t0
        rows = Reminder.objects.count()
        escalations = Reminder.objects.filter(is_escalation=True).count()
        report._line(
            f"planning: {plan_s:.2f} s (budget < {PLAN_BUDGET_S:.0f} s), "
            f"{plan_s / base_s:,.0f}x the indexed count, {plan_queries} queries, "
            f"{rows:,} reminder rows ({escalations:,} escalations)",
            plan_s < PLAN_BUDGET_S,
        )
        planned_tasks = counter.count

        def dispatch():
            for _ in range(planned_tasks):
                reminders_deliver(ids=reminder_claim())

        # The email senders the outbox wakes are not part of dispatch (no mail transport).
        with mock.patch.object(outbox_send_chunk, "delay", TaskCounter()):
            t0 = time.perf_counter()
            dispatch_queries = count_queries(dispatch)
            dispatch_s = time.perf_counter() - t0
        sent = Reminder.objects.filter(outcome="sent").count()
        waiting = Reminder.objects.filter(sent_at__isnull=True).count()
        report._line(
            f"dispatch: {dispatch_s:.2f} s (budget < {DISPATCH_BUDGET_S:.0f} s), "
            f"{dispatch_s / base_s:,.0f}x the indexed count, {dispatch_queries:,} queries, "
            f"{planned_tasks} chunk tasks for {rows:,} rows (at most one per 500), "
            f"{sent:,} sent ({dispatch_s / max(sent, 1) * 1e3:.2f} ms each), "
            f"{waiting} left waiting",
            dispatch_s < DISPATCH_BUDGET_S and planned_tasks <= -(-rows // 500) and not waiting,
        )
        report.note(
            f"inbox rows: {Notification.objects.count():,}, emails queued: "
            f"{EmailOutbox.objects.count():,}"
        )

        counter.count = 0
        notes_before = Notification.objects.count()
        with mock.patch.object(reminders_send_chunk, "delay", counter):
            again = plan()
        with mock.patch.object(outbox_send_chunk, "delay", TaskCounter()):
            for _ in range(counter.count):
                reminders_deliver(ids=reminder_claim())
        second = Notification.objects.count() - notes_before
        report._line(
            f"second pass: planned {sum(again['planned'].values())} rows, "
            f"{counter.count} chunk tasks",
            second == 0,
        )
        report.finish()
        print(f"second pass: {second} sent")


if __name__ == "__main__":
    main()
