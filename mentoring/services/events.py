"""Writes for events: creation and publication, registration with a waiting list that moves
up by itself, attendance with CPD hours, and the private calendar feed.

Places are counted under a lock on the event row (SELECT ... FOR UPDATE on PostgreSQL; a
SQLite write transaction is exclusive anyway), so two people can never take the last place
together, and a cancellation hands the place to exactly one person from the waiting list.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import CalendarFeed, Event, EventAttendance, EventRegistration
from .common import KIND_EVENT, lazy_format, notify, require, url

Reg = EventRegistration.Status

EVENT_FIELDS = (
    "title",
    "kind",
    "scope",
    "region",
    "mode",
    "description",
    "location",
    "online_details",
    "starts_at",
    "ends_at",
    "time_zone",
    "cpd_hours",
    "capacity",
)
# A change to one of these is news for people who registered (and for their calendars).
_NEWSWORTHY = ("starts_at", "ends_at", "location", "mode", "online_details", "title")


def _when(event: Event) -> str:
    local = event.local_starts_at
    return f"{local:%Y-%m-%d %H:%M} ({event.time_zone})"


def _fields(fields: dict) -> dict:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    return fields


@transaction.atomic
def event_create(*, actor: User, **fields) -> Event:
    """A draft event organised by the actor (trainers, agency admins, platform admins)."""
    require(actor, "mentoring.create_event")
    event = Event(organiser=actor, agency=actor.agency, **_fields(fields))
    event.full_clean()
    event.save()
    return event


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _registrants(event: Event, statuses=(Reg.CONFIRMED, Reg.WAITLISTED)):
    return User.objects.filter(
        event_registrations__event=event, event_registrations__status__in=statuses
    )


@transaction.atomic
def event_update(*, actor: User, event: Event, **fields) -> Event:
    """Change an event. People registered hear about a new time or place; a higher number of
    places moves people up from the waiting list; fewer places than people already
    confirmed is refused."""
    require(actor, "mentoring.manage_event", event)
    event = _locked(event)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be changed."))
    before = {name: getattr(event, name) for name in EVENT_FIELDS}
    for name, value in _fields(fields).items():
        setattr(event, name, value)
    event.full_clean()
    confirmed = event.registrations.filter(status=Reg.CONFIRMED).count()
    if event.capacity is not None and event.capacity < confirmed:
        raise ValidationError(
            {
                "capacity": lazy_format(
                    _("%(count)s people already have a place: keep at least that many places."),
                    {"count": confirmed},
                )
            }
        )
    changed = [name for name in EVENT_FIELDS if getattr(event, name) != before[name]]
    if not changed:
        return event
    newsworthy = [name for name in changed if name in _NEWSWORTHY]
    if newsworthy:
        event.sequence += 1
    event.updated_at = timezone.now()
    event.save()
    if event.status == Event.Status.PUBLISHED:
        if newsworthy:
            for person in _registrants(event):
                notify(
                    person,
                    kind=KIND_EVENT,
                    title=lazy_format(_("Changed: %(title)s"), {"title": event.title}),
                    body=lazy_format(_("It now starts %(when)s."), {"when": _when(event)}),
                    url=url("mentoring:event", event.pk),
                    key=f"mentoring:event-changed:{event.pk}:{event.sequence}:{person.pk}",
                )
        _promote(event)
    return event


@transaction.atomic
def event_publish(*, actor: User, event: Event) -> Event:
    require(actor, "mentoring.manage_event", event)
    event = _locked(event)
    if event.status != Event.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    if event.has_started:
        raise ValidationError(_("This event has already started: change its dates first."))
    event.status = Event.Status.PUBLISHED
    event.updated_at = timezone.now()
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: Event, reason: str = "") -> Event:
    """Cancel the event and tell everyone registered (their calendars drop it too)."""
    require(actor, "mentoring.manage_event", event)
    event = _locked(event)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event is already cancelled."))
    if event.is_past:
        raise ValidationError(_("This event is over and cannot be cancelled."))
    was_published = event.status == Event.Status.PUBLISHED
    event.status = Event.Status.CANCELLED
    event.sequence += 1
    event.updated_at = timezone.now()
    event.save(update_fields=["status", "sequence", "updated_at"])
    if was_published:
        for person in _registrants(event):
            notify(
                person,
                kind=KIND_EVENT,
                title=lazy_format(_("Cancelled: %(title)s"), {"title": event.title}),
                body=(reason or "").strip()[:1000],
                url=url("mentoring:event", event.pk),
                key=f"mentoring:event-cancelled:{event.pk}:{person.pk}",
            )
    return event


def _free_places(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return event.capacity - event.registrations.filter(status=Reg.CONFIRMED).count()


def _promote(event: Event) -> list[EventRegistration]:
    """Give free places to the waiting list in order. The caller holds the event lock."""
    free = _free_places(event)
    queue = (
        EventRegistration.objects.select_for_update(of=("self",))
        .filter(event=event, status=Reg.WAITLISTED)
        .select_related("user")
        .order_by("queued_at", "pk")
    )
    if free is not None:
        if free <= 0:
            return []
        queue = queue[:free]
    promoted = list(queue)
    now = timezone.now()
    for registration in promoted:
        registration.status = Reg.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        notify(
            registration.user,
            kind=KIND_EVENT,
            title=lazy_format(_("You have a place at %(title)s"), {"title": event.title}),
            body=lazy_format(
                _("A place became free and you were next on the waiting list. It starts %(when)s."),
                {"when": _when(event)},
            ),
            url=url("mentoring:event", event.pk),
            key=f"mentoring:event-promoted:{registration.pk}:{now:%Y%m%d%H%M%S%f}",
        )
    return promoted


@transaction.atomic
def event_register(*, actor: User, event: Event) -> EventRegistration:
    """A place if one is free, otherwise the end of the waiting list. Registering twice
    returns the existing registration unchanged."""
    event = _locked(event)
    require(actor, "mentoring.register_event", event)
    registration = (
        EventRegistration.objects.select_for_update().filter(event=event, user=actor).first()
    )
    if registration is not None and registration.status != Reg.CANCELLED:
        return registration
    free = _free_places(event)
    status = Reg.CONFIRMED if free is None or free > 0 else Reg.WAITLISTED
    now = timezone.now()
    if registration is None:
        registration = EventRegistration(event=event, user=actor)
    registration.status = status
    registration.queued_at = now
    registration.confirmed_at = now if status == Reg.CONFIRMED else None
    registration.cancelled_at = None
    registration.save()
    if status == Reg.CONFIRMED:
        title = lazy_format(_("Your place at %(title)s is confirmed"), {"title": event.title})
    else:
        title = lazy_format(_("You are on the waiting list for %(title)s"), {"title": event.title})
    notify(
        actor,
        kind=KIND_EVENT,
        title=title,
        url=url("mentoring:event", event.pk),
        key=f"mentoring:event-registered:{registration.pk}:{now:%Y%m%d%H%M%S%f}",
    )
    return registration


@transaction.atomic
def event_registration_cancel(*, actor: User, event: Event) -> EventRegistration | None:
    """Give up a place (or leave the waiting list); the next person waiting gets the place.
    None when the actor had nothing to cancel."""
    event = _locked(event)
    registration = (
        EventRegistration.objects.select_for_update()
        .filter(event=event, user=actor, status__in=[Reg.CONFIRMED, Reg.WAITLISTED])
        .first()
    )
    if registration is None:
        return None
    if event.has_started:
        raise ValidationError(_("This event has started: registrations can no longer change."))
    was_confirmed = registration.status == Reg.CONFIRMED
    registration.status = Reg.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if was_confirmed and event.status == Event.Status.PUBLISHED:
        _promote(event)
    return registration


@transaction.atomic
def event_attendance_set(*, actor: User, event: Event, user_ids: Iterable[int]) -> tuple[int, int]:
    """Record who attended (people with a confirmed place), each with the event's CPD hours;
    people left out lose an earlier mark. Returns (added, removed)."""
    require(actor, "mentoring.manage_event", event)
    event = _locked(event)
    if not event.has_started:
        raise ValidationError(_("Attendance can be marked once the event has started."))
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError(_("Attendance can be marked only for a published event."))
    wanted = {int(pk) for pk in user_ids}
    eligible = set(
        event.registrations.filter(status=Reg.CONFIRMED).values_list("user_id", flat=True)
    )
    if not wanted <= eligible:
        raise ValidationError(_("Only people with a confirmed place can be marked as attending."))
    existing = set(event.attendances.values_list("user_id", flat=True))
    added = wanted - existing
    removed = existing - wanted
    EventAttendance.objects.filter(event=event, user_id__in=removed).delete()
    EventAttendance.objects.bulk_create(
        [
            EventAttendance(event=event, user_id=uid, cpd_hours=event.cpd_hours, marked_by=actor)
            for uid in sorted(added)
        ],
        ignore_conflicts=True,
    )
    for person in User.objects.filter(pk__in=added):
        notify(
            person,
            kind=KIND_EVENT,
            title=lazy_format(
                _("%(hours)s CPD hours recorded for %(title)s"),
                {"hours": event.cpd_hours, "title": event.title},
            ),
            url=url("mentoring:home"),
            key=f"mentoring:event-attended:{event.pk}:{person.pk}",
        )
    return len(added), len(removed)


# --- The private calendar feed ------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_issue(*, actor: User) -> str:
    """A new secret feed address for the actor (any earlier one stops working). Returns the
    token: it is not stored, so show it now."""
    require(actor, "mentoring.use_calendar")
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=actor,
        defaults={"token_hash": _digest(token), "created_at": timezone.now(), "last_used_at": None},
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> bool:
    deleted, _counts = CalendarFeed.objects.filter(user=actor).delete()
    return bool(deleted)


def calendar_feed_mark_used(*, feed: CalendarFeed) -> None:
    """Remember when a calendar last fetched the feed (at most once an hour, to spare the
    database from every calendar's polling)."""
    now = timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 3600:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
