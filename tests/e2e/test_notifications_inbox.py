"""A learner's inbox in a real browser: read, open, mark all read, email settings."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.e2e


def _note(user, title, **fields) -> Notification:
    return Notification.objects.create(user=user, kind="general", title=title, **fields)


@pytest.mark.parametrize("width", [390, 1280])
def test_empty_inbox_and_settings_pass_axe(page, live_url, sign_in, axe_check, learner, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, learner)

    page.goto(f"{live_url}/inbox/")
    assert page.get_by_text("Your inbox is empty.").is_visible()
    axe_check(page, f"empty inbox at {width}px")

    page.goto(f"{live_url}/inbox/settings/")
    axe_check(page, f"email settings at {width}px")


def test_learner_reads_marks_and_opens_notifications(page, live_url, sign_in, axe_check, learner):
    _note(learner, "Refresher due soon", body="About 40 minutes.", url="/inbox/settings/")
    _note(learner, "New trend item")
    _note(learner, "Session confirmed", read_at=timezone.now())
    sign_in(page, learner)

    page.goto(f"{live_url}/inbox/")
    badge = page.locator(".inbox-link .badge")
    assert badge.inner_text() == "2"
    assert page.locator(".notification.is-unread").count() == 2
    axe_check(page, "inbox with items")

    # Mark one read in place (htmx): the item, the summary and the header badge update.
    item = page.locator(".notification", has_text="New trend item")
    item.get_by_role("button", name=re.compile("Mark as read")).click()
    page.locator(".notification:not(.is-unread)", has_text="New trend item").wait_for()
    assert badge.inner_text() == "1"
    assert page.locator("#inbox-summary").inner_text().startswith("You have 1 unread")
    assert page.evaluate("() => document.activeElement.classList.contains('notification')")
    axe_check(page, "inbox after marking one read")

    # Opening follows the notification's own link and marks it read.
    page.get_by_role("link", name="Refresher due soon").click()
    page.wait_for_url(f"{live_url}/inbox/settings/")
    assert page.locator(".inbox-link .badge").count() == 0
    assert not Notification.objects.filter(user=learner, read_at__isnull=True).exists()


def test_mark_all_read_without_javascript_features(page, live_url, sign_in, learner):
    _note(learner, "One")
    _note(learner, "Two")
    sign_in(page, learner)
    page.goto(f"{live_url}/inbox/")

    page.get_by_role("button", name="Mark all as read").click()

    page.get_by_text("2 notifications marked as read.").wait_for()
    assert page.get_by_text("You are all caught up.").is_visible()


def test_learner_changes_how_they_are_emailed(page, live_url, sign_in, learner):
    sign_in(page, learner)
    page.goto(f"{live_url}/inbox/settings/")

    page.get_by_role("group", name="General announcements").get_by_label(
        "No email (inbox only)"
    ).check()
    page.get_by_role("button", name="Save settings").click()

    page.get_by_text("Your notification settings are saved.").wait_for()
    assert NotificationPreference.objects.get(user=learner, kind="general").delivery == "off"
