"""On PostgreSQL, concurrent claimers never take the same outbox row (SKIP LOCKED)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from notifications.models import EmailOutbox
from notifications.services import outbox_claim
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _rows(user, count: int) -> list[int]:
    EmailOutbox.objects.bulk_create(
        EmailOutbox(key=f"c{i}", user=user, to_email=user.email, subject="S", body_text="T")
        for i in range(count)
    )
    return list(EmailOutbox.objects.order_by("pk").values_list("pk", flat=True))


def _in_thread(fn):
    """Run fn on its own database connection, closed afterwards."""

    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        finally:
            connection.close()

    return run


def test_a_second_claimer_skips_rows_locked_by_the_first_instead_of_waiting():
    user = UserFactory()
    all_ids = _rows(user, 10)
    locked = threading.Event()
    release = threading.Event()

    @_in_thread
    def first_claimer() -> list[int]:
        # Holds the row locks of its claim open until told to finish.
        with transaction.atomic():
            ids = list(
                EmailOutbox.objects.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:4]
            )
            locked.set()
            release.wait(timeout=20)
        return ids

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(first_claimer)
        assert locked.wait(timeout=10)
        second = pool.submit(_in_thread(outbox_claim), limit=10)
        second_ids = second.result(timeout=5)  # does not block on the locked rows
        release.set()
        first_ids = first.result(timeout=10)

    assert first_ids == all_ids[:4]
    assert second_ids == all_ids[4:]


def test_many_concurrent_claimers_share_the_rows_without_overlap():
    user = UserFactory()
    all_ids = _rows(user, 200)
    start = threading.Barrier(4)

    @_in_thread
    def claimer() -> list[int]:
        start.wait(timeout=10)
        taken: list[int] = []
        while batch := outbox_claim(limit=7):
            taken.extend(batch)
        return taken

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [f.result(timeout=60) for f in [pool.submit(claimer) for _ in range(4)]]

    claimed = [pk for result in results for pk in result]
    assert len(claimed) == len(set(claimed))
    assert sorted(claimed) == all_ids
