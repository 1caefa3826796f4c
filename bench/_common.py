"""Helpers for the benchmarks under bench/ (DESIGN section 9).

Absolute times on shared 2-core machines are noise, so every benchmark compares against
baselines measured in the same process, in the same run, interleaved with it:

- a trivial Django view (`HttpResponse("ok")`) served through the full middleware stack by
  the test client, signed in as the same person, and
- a plain indexed query (a user by primary key).

Usage in a script (`python bench/<name>.py`, or `make bench` for all of them):

    from _common import bench_django, Report

    with bench_django():                 # settings, a throw-away test database
        from tests.factories import UserFactory
        ...
        report = Report("home page")
        client = signed_in_client(user)
        report.ratio_vs_trivial_view("home page", lambda: get(client, "/"), client=client,
                                     budget=0.25)
        report.queries("home page", lambda: get(client, "/"), budget=12)
        report.finish()

Set DATABASE_URL to measure on PostgreSQL; BENCH_STRICT=1 makes a missed budget exit 1.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TRIVIAL_PATH = "/__bench__/trivial"


def _environment() -> None:
    """Production-like settings (DEBUG off: no query log, cached templates), throw-away keys."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("LMS_TESTING", "1")  # fast password hasher, mail kept in memory
    os.environ.setdefault("DJANGO_HTTPS", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-" + "x" * 40)
    os.environ.setdefault(
        "LMS_FIELD_ENCRYPTION_KEYS", "YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU="
    )
    os.environ.setdefault("CACHE_URL", "locmem://")
    os.environ.setdefault("LMS_VAR_DIR", tempfile.mkdtemp(prefix="lms-bench-"))


# The URLconf used while benchmarking: the project's, plus the trivial baseline view.
urlpatterns: list = []


def _trivial_view(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


@contextlib.contextmanager
def bench_django() -> Iterator[None]:
    """Set Django up on a fresh test database (SQLite file or PostgreSQL), torn down after."""
    _environment()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.urls import clear_url_caches, path

    from lms.urls import urlpatterns as project_urls

    urlpatterns[:] = [*project_urls, path(TRIVIAL_PATH.lstrip("/"), _trivial_view)]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get(client, path: str, status: int = 200):
    response = client.get(path)
    if response.status_code != status:
        raise AssertionError(f"GET {path}: {response.status_code}, expected {status}")
    return response


def per_call_seconds(fn: Callable[[], object], *, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def interleaved(
    subject: Callable[[], object],
    baseline: Callable[[], object],
    *,
    number: int = 20,
    rounds: int = 9,
) -> tuple[float, float, float]:
    """Seconds per call of subject and baseline (medians), and the median of the per-round
    ratios baseline/subject. Each round times both back to back, so a noisy neighbour slows
    both alike; the ratio of each round cancels what the medians of separate rounds keep."""
    for fn in (subject, baseline):  # warm caches, template loaders, connections
        per_call_seconds(fn, number=max(3, number // 10))
    subject_times, baseline_times, ratios = [], [], []
    for _ in range(rounds):
        subject_s = per_call_seconds(subject, number=number)
        baseline_s = per_call_seconds(baseline, number=number)
        subject_times.append(subject_s)
        baseline_times.append(baseline_s)
        ratios.append(baseline_s / subject_s)
    return (
        statistics.median(subject_times),
        statistics.median(baseline_times),
        statistics.median(ratios),
    )


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def peak_memory_bytes(fn: Callable[[], object]) -> int:
    """Peak Python memory allocated while fn runs (tracemalloc), above what was there before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(0, peak - base)


def indexed_query(user_id: int) -> Callable[[], object]:
    """The baseline query: one row by primary key."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    return lambda: model.objects.filter(pk=user_id).first()


class Report:
    """Prints each measurement as one line, with its budget when it has one."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.missed: list[str] = []
        print(f"\n{title}")
        print("-" * len(title))

    def _line(self, text: str, ok: bool | None) -> None:
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        print(f"  {text}{mark}")
        if ok is False:
            self.missed.append(text)

    def ratio_vs_trivial_view(
        self,
        name: str,
        subject: Callable[[], object],
        *,
        client,
        budget: float | None = None,
        number: int = 20,
    ) -> float:
        """Throughput of subject as a fraction of the trivial view's (1.0 = as fast)."""
        subject_s, trivial_s, ratio = interleaved(
            subject, lambda: get(client, TRIVIAL_PATH), number=number
        )
        goal = f" (budget >= {budget:.2f}x)" if budget is not None else ""
        self._line(
            f"{name}: {ratio:.3f}x the trivial view's throughput{goal}"
            f"  [{subject_s * 1e3:.2f} ms vs {trivial_s * 1e3:.2f} ms]",
            None if budget is None else ratio >= budget,
        )
        return ratio

    def ratio_vs_indexed_query(
        self,
        name: str,
        subject: Callable[[], object],
        *,
        user_id: int,
        budget: float | None = None,
        number: int = 50,
    ) -> float:
        """Time of subject in units of one indexed query (lower is better)."""
        subject_s, query_s, inverse = interleaved(subject, indexed_query(user_id), number=number)
        ratio = 1 / inverse
        goal = f" (budget <= {budget:.1f}x)" if budget is not None else ""
        self._line(
            f"{name}: {ratio:.1f}x the time of one indexed query{goal}"
            f"  [{subject_s * 1e6:.0f} us vs {query_s * 1e6:.0f} us]",
            None if budget is None else ratio <= budget,
        )
        return ratio

    def queries(self, name: str, fn: Callable[[], object], *, budget: int | None = None) -> int:
        count = count_queries(fn)
        goal = f" (budget <= {budget})" if budget is not None else ""
        self._line(f"{name}: {count} queries{goal}", None if budget is None else count <= budget)
        return count

    def memory(self, name: str, fn: Callable[[], object], *, budget_mb: float | None = None):
        peak_mb = peak_memory_bytes(fn) / 1e6
        goal = f" (budget <= {budget_mb:.1f} MB)" if budget_mb is not None else ""
        self._line(
            f"{name}: {peak_mb:.2f} MB peak{goal}",
            None if budget_mb is None else peak_mb <= budget_mb,
        )
        return peak_mb

    def note(self, text: str) -> None:
        self._line(text, None)

    def finish(self) -> None:
        if self.missed:
            print(f"  {len(self.missed)} budget(s) missed")
            if os.environ.get("BENCH_STRICT") == "1":
                sys.exit(1)
