"""Two people taking the last place at the same moment (PostgreSQL: real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from mentoring import services
from mentoring.models import EventRegistration
from tests.factories import UserFactory

from .factories import EventFactory

# serialized_rollback: the flush after a transactional test would otherwise remove the rows
# data migrations made (role groups, beat jobs) for the tests that run after it.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _in_threads(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_only_one_of_many_people_gets_the_last_place():
    event = EventFactory(capacity=1)
    people = [UserFactory() for _ in range(6)]

    _in_threads(*[lambda p=p: services.event_register(actor=p, event=event) for p in people])

    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count(EventRegistration.Status.CONFIRMED) == 1
    assert statuses.count(EventRegistration.Status.WAITLISTED) == 5


def test_two_cancellations_at_once_promote_exactly_two_people_in_order():
    event = EventFactory(capacity=2)
    placed = [UserFactory() for _ in range(2)]
    waiting = [UserFactory() for _ in range(3)]
    for person in placed + waiting:
        services.event_register(actor=person, event=event)

    _in_threads(
        *[lambda p=p: services.event_registration_cancel(actor=p, event=event) for p in placed]
    )

    confirmed = set(
        event.registrations.filter(status="confirmed").values_list("user_id", flat=True)
    )
    assert confirmed == {waiting[0].pk, waiting[1].pk}
