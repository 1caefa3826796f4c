"""The history chart: time runs evenly along the axis, reference lines are labelled."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wellbeing.chart import chart_for

pytestmark = pytest.mark.django_db


def test_points_are_placed_by_date_not_by_position(learner, make_checkin, who5):
    checkins = [
        make_checkin(learner, [3, 3, 3, 3, 3], days_ago=30),
        make_checkin(learner, [3, 3, 3, 3, 3], days_ago=29),
        make_checkin(learner, [3, 3, 3, 3, 3], days_ago=0),
    ]

    chart = chart_for(who5, checkins)
    xs = [float(p["x"]) for p in chart["series"][0].points]

    left, right = chart["left"], chart["right"]
    # One day out of thirty: the second point sits near the first, not in the middle.
    assert xs[0] == pytest.approx(left)
    assert xs[1] - xs[0] == pytest.approx((right - left) / 30, rel=0.05)
    assert xs[2] == pytest.approx(right)


def test_the_history_chart_labels_its_band_lines(client_as, learner, make_checkin, who5):
    make_checkin(learner, [3, 3, 3, 3, 3], days_ago=10)
    make_checkin(learner, [4, 3, 3, 3, 3])

    page = client_as(learner).get(reverse("wellbeing:history")).text

    assert 'class="wb-chart-ref-label"' in page
