"""Supervisor reports at scale: 10,000 learners x 40 required courses (400,000 enrolments) on
PostgreSQL, in one process, against the trivial view measured in the same run (DESIGN 9).

Prints, each as time and as a ratio to the trivial view:
- the first page of the completion matrix (a supervisor of the whole agency), with its p95,
  with the roll-up table (reporting.StatusCount) and with totals counted live,
- the agency roll-up per unit (an agency admin),
- the CSV export of every row: rows/s, time to first byte, peak Python memory,
plus query counts at 100 and at 10,000 learners (they must be equal).

Budgets (issue 5): same queries at both sizes; first page p95 < 50 ms live, < 10 ms with the
roll-up table; export >= 50,000 rows/s, first byte < 100 ms, memory growth < 5 MB per
100,000 rows.

How the page budgets are read: as the page's own work, the page minus the trivial view.
On these shared 2-core machines the trivial view alone (the same middleware: session, user,
roles, second factor) takes 4-10 ms, so a whole request cannot be judged against 10 ms.
Each sample times one trivial view and then the page, back to back, so a noisy neighbour
slows both alike; "own work" is the page's time minus the trivial view's in the same sample,
and its p95 is what the budget checks. The page's whole time (median and p95) and the
trivial view's are printed beside it. For the live count, the line also prints the floor
any live count of every cell pays: one bare GROUP BY over the enrolment table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/supervision.py

Rows are loaded with COPY on PostgreSQL (bulk_create elsewhere), so setup takes seconds.
"""

from __future__ import annotations

import io
import os
import statistics
import time

from _common import (
    TRIVIAL_PATH,
    Report,
    bench_django,
    count_queries,
    get,
    peak_memory_bytes,
    per_call_seconds,
    signed_in_client,
)

COURSES = 40
SMALL = 100
# 10,000 on PostgreSQL (the size); 2,000 on the embedded SQLite so `make bench`
# stays short there. BENCH_LEARNERS overrides both.
LARGE = int(
    os.environ.get(
        "BENCH_LEARNERS",
        "10000" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "2000",
    )
)
UNITS = 20
STATES = ["assigned", "in_progress", "overdue", "certified", "window_open", "expired"]

P95_BUDGET_MS = 50
ROLLUP_P95_BUDGET_MS = 10
ROWS_PER_S_BUDGET = 50_000
FIRST_BYTE_BUDGET_MS = 100
MB_PER_100K_BUDGET = 5


def _people(agency, units, profession, start: int, count: int) -> None:
    from accounts.models import User

    User.objects.bulk_create(
        [
            User(
                email=f"learner{n}@bench.example",
                full_name=f"Learner {n:05d}",
                agency=agency,
                unit=units[n % len(units)],
                profession=profession,
                vetting_status=User.Vetting.APPROVED,
                password="!",  # noqa: S106 - unusable, never signs in
            )
            for n in range(start, start + count)
        ],
        batch_size=2000,
    )


def _enrolments(user_ids: list[int], course_ids: list[int]) -> int:
    """One required enrolment per (learner, course), states rotating; COPY on PostgreSQL."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from courses.models import Enrolment

    today = timezone.localdate()
    now = timezone.now()

    def rows():
        for i, user_id in enumerate(user_ids):
            for j, course_id in enumerate(course_ids):
                state = STATES[(i + j) % len(STATES)]
                due = today + datetime.timedelta(days=(i + j) % 60 - 30)
                yield user_id, course_id, "rule" if j % 2 else "assigned", state, due

    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for user_id, course_id, source, state, due in rows():
            buffer.write(f"{user_id}\t{course_id}\t{source}\t{state}\t{due}\t{now.isoformat()}\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                "COPY courses_enrolment (user_id, course_id, source, state, due_on, enrolled_at)"
                " FROM STDIN",
                buffer,
            )
            cursor.execute("ANALYZE courses_enrolment")
            cursor.execute("ANALYZE accounts_user")
            # The 20 units too: without statistics the planner guesses one unit matches a
            # path prefix and counts live with 10,000 index probes (about 3x slower).
            cursor.execute("ANALYZE accounts_unit")
    else:
        Enrolment.objects.bulk_create(
            [
                Enrolment(user_id=u, course_id=c, source=s, state=st, due_on=d, enrolled_at=now)
                for u, c, s, st, d in rows()
            ],
            batch_size=5000,
        )
    return len(user_ids) * len(course_ids)


def _privileged_client(user):
    """A signed-in client whose session has passed the second factor (roles above learner
    need it on every page)."""
    client = signed_in_client(user)
    try:
        from accounts.middleware import MFA_PASSED_SESSION_KEY
    except ImportError:  # an older tree without the per-session check
        return client
    session = client.session
    session[MFA_PASSED_SESSION_KEY] = True
    session.save()
    return client


def _p95_ms(fn, *, number: int = 40) -> float:
    for _ in range(3):
        fn()
    times = []
    for _ in range(number):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.quantiles(times, n=20)[-1] * 1e3


def _own_work_ms(page, trivial, *, number: int = 40) -> dict[str, float]:
    """p95 and median of the page, of the trivial view, and of the page minus the trivial
    view measured just before it (see the docstring), in ms."""
    for fn in (page, trivial, page, trivial, page, trivial):
        fn()
    pages, trivials, own = [], [], []
    for _ in range(number):
        start = time.perf_counter()
        trivial()
        middle = time.perf_counter()
        page()
        end = time.perf_counter()
        trivials.append(middle - start)
        pages.append(end - middle)
        own.append((end - middle) - (middle - start))

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1] * 1e3

    return {
        "page_p95": p95(pages),
        "page_median": statistics.median(pages) * 1e3,
        "trivial_median": statistics.median(trivials) * 1e3,
        "own_p95": p95(own),
        "own_median": statistics.median(own) * 1e3,
    }


def _own_work_line(name: str, t: dict[str, float], budget_ms: float) -> tuple[str, bool]:
    return (
        f"{name}: own work (page minus trivial view) p95 {t['own_p95']:.1f} ms, median "
        f"{t['own_median']:.1f} ms; whole page p95 {t['page_p95']:.1f} ms, median "
        f"{t['page_median']:.1f} ms; trivial view median {t['trivial_median']:.1f} ms "
        f"(budget own-work p95 < {budget_ms} ms)",
        t["own_p95"] < budget_ms,
    )


def _bare_group_by_ms(number: int = 5) -> float:
    """The least a live count of every cell costs: one GROUP BY over the enrolments, no join,
    no scope (median ms)."""
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute("SELECT state, COUNT(*) FROM courses_enrolment GROUP BY state")
            cursor.fetchall()

    run()
    return per_call_seconds(run, number=number) * 1e3


def _export(client, path: str = "/reports/export.csv") -> tuple[int, float, float]:
    """Rows, seconds to the first byte, seconds in all, for a CSV export (all rows)."""
    start = time.perf_counter()
    response = client.get(path)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_byte = time.perf_counter() - start
    lines = first.count(b"\n")
    for chunk in chunks:
        lines += chunk.count(b"\n")
    return lines - 1, first_byte, time.perf_counter() - start


def main() -> None:
    with bench_django():
        from django.db import connection

        from accounts.models import Supervision, Unit, User
        from courses.models import Course
        from reporting.models import StatusCountRefresh
        from reporting.services import status_counts_refresh
        from tests.factories import AgencyFactory, ProfessionFactory, UserFactory, totp_enrol

        agency = AgencyFactory()
        root = Unit.objects.create(agency=agency, name="Directorate")
        units = [root] + [
            Unit.objects.create(agency=agency, name=f"Team {n:02d}", parent=root)
            for n in range(UNITS - 1)
        ]
        profession = ProfessionFactory()
        courses = Course.objects.bulk_create(
            [
                Course(slug=f"bench-{n}", title=f"Course {n:02d}", status="published")
                for n in range(COURSES)
            ]
        )
        course_ids = [c.pk for c in courses]
        supervisor = UserFactory(unit=root, agency=agency)
        Supervision.objects.create(supervisor=supervisor, unit=root)
        admin = UserFactory(unit=root, agency=agency, roles=["agency_admin"])
        for person in (supervisor, admin):
            totp_enrol(person)
        clients = {
            "supervisor": _privileged_client(supervisor),
            "admin": _privileged_client(admin),
        }
        pages = {
            "matrix, first page (supervisor)": (clients["supervisor"], "/reports/"),
            "matrix filtered to overdue (supervisor)": (
                clients["supervisor"],
                "/reports/?status=overdue",
            ),
            "agency roll-up per unit (agency admin)": (clients["admin"], "/reports/units/"),
            "trends and training load (supervisor)": (clients["supervisor"], "/reports/trends/"),
        }
        report = Report(
            f"Supervisor reports: {LARGE:,} learners x {COURSES} courses "
            f"({connection.vendor}, one process)"
        )

        _people(agency, units, profession, 0, SMALL)
        learners = User.objects.filter(email__endswith="@bench.example")
        _enrolments(list(learners.values_list("pk", flat=True)), course_ids)
        status_counts_refresh()
        small = {}
        for name, (client, path) in pages.items():
            get(client, path)
            small[name] = count_queries(lambda c=client, p=path: get(c, p))
        small_export = count_queries(lambda: _export(clients["supervisor"]))

        started = time.perf_counter()
        _people(agency, units, profession, SMALL, LARGE - SMALL)
        new_ids = list(
            learners.exclude(pk__in=learners.order_by("pk")[:SMALL].values("pk")).values_list(
                "pk", flat=True
            )
        )
        made = _enrolments(new_ids, course_ids)
        report.note(
            f"setup: {LARGE - SMALL:,} learners and {made:,} enrolments in "
            f"{time.perf_counter() - started:.1f} s"
        )
        refreshed = status_counts_refresh()
        report.note(
            f"roll-up table rebuilt in {refreshed['seconds'] * 1e3:.0f} ms "
            f"({refreshed['rows']:,} status count rows; beat rebuilds every 10 minutes, and on"
            f" PostgreSQL triggers keep the counts current in between)"
        )

        for name, (client, path) in pages.items():
            report.queries(
                f"{name} at {LARGE:,} learners (at {SMALL}: {small[name]})",
                lambda c=client, p=path: get(c, p),
                budget=small[name],
            )
        report.queries(
            f"CSV export at {LARGE:,} learners (at {SMALL}: {small_export})",
            lambda: _export(clients["supervisor"]),
            budget=small_export,
        )

        matrix_client, matrix_path = pages["matrix, first page (supervisor)"]
        as_of = StatusCountRefresh.objects.get(pk=1)
        StatusCountRefresh.objects.all().delete()  # readers fall back to counting live
        live = _own_work_ms(
            lambda: get(matrix_client, matrix_path),
            lambda: get(matrix_client, TRIVIAL_PATH),
            number=20,
        )
        text, ok = _own_work_line(
            "matrix, first page, totals counted live (no roll-up)", live, P95_BUDGET_MS
        )
        report._line(
            f"{text}; floor: a bare GROUP BY over the enrolments takes "
            f"{_bare_group_by_ms():.1f} ms here",
            ok,
        )
        as_of.save()
        for name, (client, path) in pages.items():
            trivial = per_call_seconds(lambda c=client: get(c, TRIVIAL_PATH), number=50)
            median = per_call_seconds(lambda c=client, p=path: get(c, p), number=10)
            p95 = _p95_ms(lambda c=client, p=path: get(c, p))
            report._line(
                f"{name}: median {median * 1e3:.1f} ms, p95 {p95:.1f} ms "
                f"({trivial / median:.3f}x the trivial view's throughput, "
                f"trivial {trivial * 1e3:.2f} ms)",
                None,
            )
            if name.startswith("matrix, first"):
                own = _own_work_ms(
                    lambda c=client, p=path: get(c, p), lambda c=client: get(c, TRIVIAL_PATH)
                )
                report._line(*_own_work_line(f"{name}, roll-up", own, ROLLUP_P95_BUDGET_MS))
            report.memory(name, lambda c=client, p=path: get(c, p))

        trivial = per_call_seconds(lambda: get(clients["supervisor"], TRIVIAL_PATH), number=50)
        rows, first_byte, total = _export(clients["supervisor"])
        rate = rows / total
        report._line(
            f"CSV export of {rows:,} rows: {total:.2f} s = {rate:,.0f} rows/s, "
            f"{total / trivial:,.0f}x one trivial view (budget >= {ROWS_PER_S_BUDGET:,} rows/s)",
            rate >= ROWS_PER_S_BUDGET,
        )
        report._line(
            f"CSV export first byte: {first_byte * 1e3:.1f} ms "
            f"(budget < {FIRST_BYTE_BUDGET_MS} ms)",
            first_byte * 1e3 < FIRST_BYTE_BUDGET_MS,
        )
        # Growth, not the fixed cost: the peak for all rows against the peak for one team's.
        one_team = f"/reports/export.csv?unit={units[1].pk}"
        few_rows = _export(clients["supervisor"], one_team)[0]
        small_peak = peak_memory_bytes(lambda: _export(clients["supervisor"], one_team)) / 1e6
        peak = peak_memory_bytes(lambda: _export(clients["supervisor"])) / 1e6
        per_100k = max(0.0, peak - small_peak) / ((rows - few_rows) / 100_000)
        report._line(
            f"CSV export peak Python memory: {small_peak:.2f} MB for {few_rows:,} rows, "
            f"{peak:.2f} MB for {rows:,}: growth {per_100k:.2f} MB per 100,000 rows "
            f"(budget < {MB_PER_100K_BUDGET} MB)",
            per_100k < MB_PER_100K_BUDGET,
        )
        report.finish()


if __name__ == "__main__":
    main()
