"""A REAL Celery worker process for integration tests (DESIGN section 8).

    from tests.worker import celery_worker_process  # noqa: F401  (the fixture)

    @pytest.mark.worker
    def test_something(celery_worker_process):   # implies transactional_db
        ...commit work that enqueues a task...
        celery_worker_process.wait_for(lambda: Row.objects.filter(done=True).exists())
        celery_worker_process.emails()           # messages the worker sent

The worker runs `celery -A lms worker --pool=solo` on the test's own database (pytest-django's
test database: the SQLite file var/test-db.sqlite3 or PostgreSQL's test_<name>) and on the
configured broker (CELERY_BROKER_URL: Redis in CI, the filesystem transport under the same
LMS_VAR_DIR locally). Its email goes to files in a temporary folder the test can read.
Waiting tasks are purged when it starts, so it only runs what the test enqueues.
If the worker cannot start, the test is skipped (or fails under LMS_REQUIRE_FULL_STACK=1).
"""

from __future__ import annotations

import contextlib
import email
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import skip_or_fail

BASE_DIR = Path(settings.BASE_DIR)
READY_TIMEOUT = 60
STOP_TIMEOUT = 15


def _database_url() -> str:
    """A URL for the database this test process uses now (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    if "postgresql" in db["ENGINE"]:
        configured = os.environ.get("DATABASE_URL", "")
        parts = urlsplit(configured)
        return urlunsplit(parts._replace(path="/" + quote(db["NAME"])))
    raise RuntimeError(f"no worker database URL for engine {db['ENGINE']}")


def _redis_reachable(url: str) -> bool:
    from lms.celery import app

    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=2
            )
        return True
    except Exception:
        return False


class WorkerProcess:
    """A running worker: its log, its mail folder, and helpers to wait on its work."""

    def __init__(self, process: subprocess.Popen, log_path: Path, email_dir: Path) -> None:
        self.process = process
        self.log_path = log_path
        self.email_dir = email_dir

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_for(
        self, condition: Callable[[], object], *, timeout: float = 30, what: str = ""
    ) -> object:
        """Poll `condition` until it returns something truthy; fail with the worker's log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            if not self.alive():
                pytest.fail(f"the worker died while waiting for {what}:\n{self.log()[-4000:]}")
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout}s waiting for {what}:\n{self.log()[-4000:]}")

    def drain(self, *, timeout: float = 30) -> None:
        """Wait until the worker has run everything enqueued before this call.

        The worker takes one message at a time in order (solo pool, prefetch 1), so when a
        heartbeat enqueued now has been recorded, every earlier message has been handled.
        """
        from accounts.health import HEARTBEAT_JOB
        from accounts.models import JobRun
        from accounts.tasks import beat_heartbeat

        JobRun.objects.filter(job=HEARTBEAT_JOB).delete()
        beat_heartbeat.delay()
        self.wait_for(
            lambda: JobRun.objects.filter(job=HEARTBEAT_JOB).exists(),
            timeout=timeout,
            what="the worker to drain its queue",
        )

    def emails(self) -> list[Message]:
        """Messages the worker sent, parsed (Django's file backend: one file per connection,
        messages separated by a line of dashes)."""
        messages = []
        for path in sorted(self.email_dir.glob("*.log")):
            for chunk in path.read_text().split("-" * 79 + "\n"):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk))
        return messages


@contextlib.contextmanager
def run_celery_worker(*, env: dict[str, str] | None = None) -> Iterator[WorkerProcess]:
    """Start a worker on the current test database and the configured broker; stop it after.

    Call it only when the test's data is committed (transactional_db), or the worker
    cannot see it.
    """
    broker_url = settings.CELERY_BROKER_URL
    if broker_url.startswith("redis") and not _redis_reachable(broker_url):
        skip_or_fail(f"the Redis broker at {broker_url} is not reachable")
    workdir = Path(tempfile.mkdtemp(prefix="lms-worker-"))
    email_dir = workdir / "mail"
    email_dir.mkdir()
    log_path = workdir / "worker.log"
    worker_env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "LMS_VAR_DIR": str(settings.VAR_DIR),
        "CELERY_BROKER_URL": broker_url,
        # filemail:// + an absolute path: Django's file-based email backend writes there.
        "EMAIL_URL": f"filemail:///{email_dir}",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "lms",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        "celery",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--purge",
        "--loglevel=INFO",
        "--hostname",
        f"test-{os.getpid()}@%h",
    ]
    log_file = log_path.open("w")
    try:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=worker_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        log_file.close()
        skip_or_fail(f"could not start a Celery worker: {exc}")
    worker = WorkerProcess(process, log_path, email_dir)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while " ready." not in worker.log():
            if not worker.alive() or time.monotonic() > deadline:
                skip_or_fail(
                    "the Celery worker did not start "
                    f"(exit code {process.poll()}):\n{worker.log()[-4000:]}"
                )
            time.sleep(0.2)
        yield worker
    finally:
        _stop(process)
        log_file.close()


def _stop(process: subprocess.Popen) -> None:
    """Warm shutdown first (finish the task in hand), then kill the process group."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def celery_worker_process(transactional_db) -> Iterator[WorkerProcess]:
    """A real worker for this test (see the module docstring)."""
    with run_celery_worker() as worker:
        yield worker
