"""The trends panel on the home page: the latest relevant items for everybody, plus what
waits for the person as an analyst or a trainer."""

from __future__ import annotations

import rules

from .selectors import (
    curriculum_review_open_count_for,
    trend_item_latest,
    trend_item_queue_counts,
)

PANEL_ITEMS = 4


def trend_dashboard_panel(request) -> dict | None:
    user = request.user
    if not (user.is_authenticated and rules.has_perm("threat_feed.view_feed", user)):
        return None
    panel: dict = {"items": trend_item_latest(user=user, limit=PANEL_ITEMS)}
    if rules.has_perm("threat_feed.triage_item", user):
        panel["to_triage"] = trend_item_queue_counts(user=user).get("new", 0)
    if rules.has_perm("courses.author", user):
        panel["open_reviews"] = curriculum_review_open_count_for(user=user)
    return panel
