from __future__ import annotations

import io

import pytest

from accounts.demo import seed_people
from notifications.demo import notification_demo_seed
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_demo_seed_fills_each_demo_inbox_once(mocker_delay):
    people = seed_people(io.StringIO())
    notification_demo_seed(io.StringIO())
    first = Notification.objects.count()
    notification_demo_seed(io.StringIO())

    assert first > 0
    assert Notification.objects.count() == first
    officer = people["officer@nps.example"]
    assert officer.notifications.filter(read_at__isnull=True).count() == 2
