"""Chaos for the reminder outbox (issue 4, DESIGN section 6): during a 10,000-reminder
dispatch by a real Celery worker, `kill -9` the worker (then start a new one), and
separately `kill -9` Redis (then start it again empty, no persistence). The sweeper
re-enqueues what was lost. Prints, for each, how many reminders were lost and how many were
delivered twice; both must be 0.

It starts its OWN redis-server on a private port (CHAOS_REDIS_PORT, default 6391) and its own
worker, and kills only those. Needs PostgreSQL (the worker must see the bench database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_chaos \
        .venv/bin/python bench/chaos_reminders.py

Takes about a minute. CHAOS_REMINDERS sets the size (default 10,000).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

REDIS_PORT = int(os.environ.get("CHAOS_REDIS_PORT", "6391"))
REMINDERS = int(os.environ.get("CHAOS_REMINDERS", "10000"))
BROKER_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
# Set before Django reads its settings: this process publishes to the private Redis too.
os.environ["CELERY_BROKER_URL"] = BROKER_URL

from _common import ROOT, bench_django  # noqa: E402

LEASE_SECONDS = 5
TIMEOUT = 120


class Redis:
    """A private redis-server without persistence (what a crash of an unpersisted broker
    loses is exactly what the sweeper must make up for)."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="lms-chaos-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if not shutil.which("redis-server"):
            print("chaos_reminders: skipped, redis-server is not installed")
            sys.exit(0)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True
            )
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        sys.exit(f"redis-server did not start on port {REDIS_PORT}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Worker:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.mkdtemp(prefix="lms-chaos-worker-")) / "worker.log"

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": BROKER_URL,
            "EMAIL_URL": "dummymail://",
            "LMS_REMINDER_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
                "--hostname",
                f"chaos-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _database_url() -> str:
    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + quote(connection.settings_dict["NAME"])))


def _build(today) -> None:
    """REMINDERS learners, each certified on one course expiring in 7 days."""
    from accounts.models import Agency, Country, Profession, Unit, User
    from courses.models import Certificate, Course, Enrolment

    country = Country.objects.create(code="ZC", name="Chaosland")
    agency = Agency.objects.create(name="Chaos agency", country=country)
    profession = Profession.objects.create(code="chaos", name="Chaos")
    unit = Unit.objects.create(agency=agency, name="Team")
    User.objects.bulk_create(
        [
            User(
                email=f"c{n}@chaos.x",
                full_name=f"Learner {n}",
                agency=agency,
                unit=unit,
                profession=profession,
                vetting_status=User.Vetting.APPROVED,
                password="!",  # noqa: S106 - unusable, never signs in
            )
            for n in range(REMINDERS)
        ],
        batch_size=5000,
    )
    course = Course.objects.create(slug="chaos", title="Chaos course", status="published")
    expires = today + timedelta(days=7)
    people = list(User.objects.filter(email__endswith="@chaos.x").values_list("pk", flat=True))
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                user_id=pk,
                course=course,
                source="self",
                state="certified",
                expires_on=expires,
                window_opens_on=expires - timedelta(days=30),
            )
            for pk in people
        ],
        batch_size=5000,
    )
    enrolments = dict(Enrolment.objects.values_list("user_id", "pk"))
    Certificate.objects.bulk_create(
        [
            Certificate(
                user_id=pk,
                course=course,
                enrolment_id=enrolments[pk],
                code=f"X{pk:010d}",
                holder_name="x",
                course_title="Chaos course",
                expires_on=expires,
            )
            for pk in people
        ],
        batch_size=5000,
    )


def _handled() -> int:
    from courses.models import Reminder

    return Reminder.objects.filter(sent_at__isnull=False).count()


def _scenario(name: str, today, redis: Redis, worker: Worker, crash) -> tuple[int, int]:
    """Plan, start dispatching, crash something a third of the way, recover, sweep until
    every row is handled. Returns (lost, duplicated)."""
    from django.conf import settings

    from courses.models import Reminder
    from courses.services import reminders_plan, reminders_sweep
    from notifications.models import EmailOutbox, Notification

    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    EmailOutbox.objects.all().delete()
    settings.OUTBOX_SWEEP_AFTER = timedelta(seconds=LEASE_SECONDS)
    start = time.monotonic()
    worker.start()
    reminders_plan(today=today)
    planned = Reminder.objects.count()
    while _handled() < planned // 3:
        if time.monotonic() - start > TIMEOUT:
            break
        time.sleep(0.05)
    at_crash = _handled()
    crash()
    while _handled() < planned and time.monotonic() - start < TIMEOUT:
        with contextlib.suppress(Exception):  # the broker may still be coming back
            reminders_sweep()
        time.sleep(1)
    worker.stop()
    sent_keys = Notification.objects.filter(kind="courses.reminder")
    delivered = sent_keys.values("key").distinct().count()
    inbox = sent_keys.count()
    emails = EmailOutbox.objects.count()
    lost = planned - delivered
    duplicated = (inbox - delivered) + max(0, emails - delivered)
    print(
        f"  {name}: {planned:,} reminders, crashed after {at_crash:,} handled, "
        f"all handled in {time.monotonic() - start:.1f} s; lost {lost}, duplicated {duplicated}"
    )
    return lost, duplicated


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # `make bench` on the embedded default: say why, do not fail the other benchmarks.
        print("chaos_reminders: skipped, needs PostgreSQL (DATABASE_URL=postgres://...)")
        return
    import logging

    logging.getLogger("courses").setLevel(logging.WARNING)  # the sweeper's notes
    redis = Redis()
    redis.start()
    try:
        with bench_django():
            from django.db import connection
            from django.utils import timezone

            today = timezone.localdate()
            _build(today)
            print(f"\nReminder outbox under chaos ({connection.vendor}, Redis on :{REDIS_PORT})")
            print("-" * 60)
            worker = Worker(_database_url())

            def kill_worker():
                worker.kill()
                worker.start()

            def kill_redis():
                redis.kill()
                redis.start()

            results = [
                _scenario("worker kill -9", today, redis, worker, kill_worker),
                _scenario("redis kill -9 (no persistence)", today, redis, worker, kill_redis),
            ]
            worker.stop()
    finally:
        redis.kill()
    print(f"lost: {sum(r[0] for r in results)}")
    print(f"duplicated: {sum(r[1] for r in results)}")


if __name__ == "__main__":
    main()
