from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Email at once")
    DIGEST = "digest", _("Daily digest email")
    OFF = "off", _("No email (inbox only)")


class Notification(models.Model):
    """An inbox row: what the person sees in the platform."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # A local path ("/courses/3/"), checked when sent and again when followed.
    url = models.CharField(_("link"), max_length=500, blank=True)
    # Set by the caller to make sending idempotent; unique per person when not blank.
    key = models.CharField(_("idempotency key"), max_length=200, blank=True, default="")
    # How the email goes out, decided from the person's preference when it was sent.
    delivery = models.CharField(
        _("email delivery"), max_length=10, choices=Delivery.choices, default=Delivery.OFF
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when a digest run has dealt with it (sent in a digest email, or skipped).
    digested_at = models.DateTimeField(_("digest handled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~Q(key=""),
                name="notification_key_unique_per_user",
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(
                fields=["user", "created_at"],
                condition=Q(delivery="digest", digested_at__isnull=True),
                name="notification_digest_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def kind_label(self) -> str:
        from .kinds import notification_kind_label

        return str(notification_kind_label(self.kind))


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_prefs",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    delivery = models.CharField(_("email delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}={self.delivery}"


class EmailOutbox(models.Model):
    """An email that must be sent: a row first, then claimed and sent by chunk tasks; a
    sweeper re-enqueues rows left unsent (DESIGN section 6). `key` makes it idempotent.

    A row is waiting (sent_at and dead_at null), sent, or dead (gave up; an admin can retry).
    `claimed_until` is a lease: while it lies in the future one worker owns the row.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outbox_emails",
        verbose_name=_("person"),
    )
    to_email = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    dead_at = models.DateTimeField(
        _("gave up"),
        null=True,
        blank=True,
        help_text=_("Set after the last failed attempt; not retried."),
    )

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, dead_at__isnull=True),
                name="outbox_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.dead_at:
            return "dead"
        return "waiting"
