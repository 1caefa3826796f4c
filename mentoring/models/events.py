"""Conferences, webinars and workshops: registration with a waiting list, attendance that
records CPD hours on the learner's training record, and a private calendar feed."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def timezone_is_known(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class Event(models.Model):
    """An event people register for. Times are stored in UTC; `time_zone` is where the event
    happens (or is run from), for showing and entering times the organiser's way."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        WEBINAR = "webinar", _("Webinar")
        WORKSHOP = "workshop", _("Workshop")

    class Scope(models.TextChoices):
        REGIONAL = "regional", _("Regional")
        GLOBAL = "global", _("Global")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Online and in person")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    scope = models.CharField(_("reach"), max_length=10, choices=Scope.choices)
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("For a regional event: the countries or region it is for."),
    )
    mode = models.CharField(_("format"), max_length=10, choices=Mode.choices)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    location = models.CharField(
        _("venue"), max_length=300, blank=True, help_text=_("Address of an in-person event.")
    )
    online_details = models.CharField(
        _("how to join online"),
        max_length=500,
        blank=True,
        help_text=_("Shown only to people with a confirmed place."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    cpd_hours = models.DecimalField(
        _("CPD hours"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99"))],
        help_text=_("Continuing professional development hours recorded for each attendee."),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="events_organised",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("The organiser's agency; its administrators may manage the event too."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Bumped on every change people should see in their calendar (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.time_zone and not timezone_is_known(self.time_zone):
            errors["time_zone"] = _("Choose a time zone from the list.")
        if self.mode in (self.Mode.IN_PERSON, self.Mode.HYBRID) and not self.location.strip():
            errors["location"] = _("Give the venue of an in-person event.")
        if self.scope == self.Scope.REGIONAL and not self.region.strip():
            errors["region"] = _("Say which region a regional event is for.")
        if errors:
            raise ValidationError(errors)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.tzinfo)

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at, self.tzinfo)

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_open_for_registration(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.has_started


class EventRegistration(models.Model):
    """One person's place (or place in the queue) at an event. Cancelling keeps the row, so a
    person who registers again joins the end of the waiting list like anyone else."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Place confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Position in the waiting list: the earliest time the person (re)joined.
    queued_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="eventregistration_once"),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event} ({self.status})"


class EventAttendance(models.Model):
    """The organiser confirmed the person attended: CPD hours on their training record
    (read with event_attendance_list_for)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_attendances"
    )
    cpd_hours = models.DecimalField(_("CPD hours"), max_digits=4, decimal_places=1)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-marked_at", "-pk"]
        verbose_name = _("event attendance")
        verbose_name_plural = _("event attendances")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="eventattendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"


class CalendarFeed(models.Model):
    """A person's private iCal feed. Only a SHA-256 of the token is stored: the address is
    shown once, and a lost or leaked one is replaced (which revokes the old one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"
