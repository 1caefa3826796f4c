"""iCalendar (RFC 5545) for events: one .ics per event and a person's feed. Times are
written in UTC, which every calendar reads; the event's own time zone is named in the
description."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event

PRODID = "-//CSEA training//Events//EN"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{_host()}"


def _line(text: str) -> str:
    """One line: no CR/LF or other control characters can start a new property."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text or "").split())


def _text(text: str) -> str:
    """Multi-line text with plain line feeds (the library escapes them)."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_line(line) for line in lines).strip()


def _vevent(event: Event, *, waitlisted: bool = False) -> VEvent:
    item = VEvent()
    item.add("uid", event_uid(event))
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("sequence", event.sequence)
    title = _line(event.title)
    if waitlisted:
        title = _("%(title)s (waiting list)") % {"title": title}
    item.add("summary", title)
    page = settings.SITE_URL.rstrip("/") + reverse("mentoring:event", args=[event.pk])
    description = _text(event.description)
    lines = [description] if description else []
    local = event.local_starts_at
    lines.append(
        _("Local time: %(when)s (%(zone)s)")
        % {"when": f"{local:%Y-%m-%d %H:%M}", "zone": event.time_zone}
    )
    lines.append(page)
    item.add("description", "\n\n".join(lines))
    item.add("url", page)
    if event.location:
        item.add("location", _line(event.location))
    if event.status == Event.Status.CANCELLED:
        item.add("status", "CANCELLED")
    elif waitlisted:
        item.add("status", "TENTATIVE")
    else:
        item.add("status", "CONFIRMED")
    item.add("transp", "OPAQUE")
    return item


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def event_ics(event: Event) -> bytes:
    cal = _calendar(_line(event.title))
    cal.add("method", "PUBLISH")
    cal.add_component(_vevent(event))
    return cal.to_ical()


def calendar_feed_ics(events: Iterable[Event]) -> bytes:
    """A person's feed; each event may carry `my_status` ("waitlisted" marks it tentative)."""
    cal = _calendar(_("My training events"))
    for event in events:
        cal.add_component(
            _vevent(event, waitlisted=getattr(event, "my_status", "") == "waitlisted")
        )
    return cal.to_ical()
