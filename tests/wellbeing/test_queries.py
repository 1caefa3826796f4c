"""The queue and history pages run a fixed number of queries whatever the data size."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_history_queries_do_not_grow_with_check_ins(client_as, learner, make_checkin):
    client = client_as(learner)
    for days in (60, 40):
        make_checkin(learner, days_ago=days)
    few = count_queries(client, reverse("wellbeing:history"))

    for days in range(200, 400, 14):
        make_checkin(learner, days_ago=days)
    many = count_queries(client, reverse("wellbeing:history"))

    assert many == few


def test_queue_queries_are_fixed_for_a_full_page(client_as, unit, wellbeing_lead, make_checkin):
    client = client_as(wellbeing_lead)
    for _ in range(26):
        make_checkin(UserFactory(unit=unit, agency=unit.agency), wants_to_talk=True)
    full_page = count_queries(client, reverse("wellbeing:queue"))

    for _ in range(30):
        make_checkin(UserFactory(unit=unit, agency=unit.agency), wants_to_talk=True)
    bigger = count_queries(client, reverse("wellbeing:queue"))

    # 25 people listed, one audit row each, plus a fixed number of reads.
    assert bigger == full_page


def test_queue_page_query_budget(
    client_as, unit, wellbeing_lead, make_checkin, django_assert_max_num_queries
):
    client = client_as(wellbeing_lead)
    for _ in range(3):
        make_checkin(UserFactory(unit=unit, agency=unit.agency), wants_to_talk=True)

    with django_assert_max_num_queries(25):
        client.get(reverse("wellbeing:queue"))
