"""notification_send is the one way every app tells a person something (DESIGN section 6):
an inbox row at once, and an email through the outbox according to the person's preference.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .kinds import notification_kind_get
from .models import Delivery, EmailOutbox, Notification, NotificationPreference

logger = logging.getLogger(__name__)


def notification_delivery_for(*, user, kind: str) -> str:
    pref = NotificationPreference.objects.filter(user=user, kind=kind).values("delivery").first()
    return pref["delivery"] if pref else notification_kind_get(kind).default_delivery


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def email_render(*, user, template: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of an email, rendered in the recipient's language."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        ctx = {"user": user, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"{template}_subject.txt", ctx).strip()
        text = render_to_string(f"{template}.txt", ctx)
        html = render_to_string(f"{template}.html", ctx)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), text, html


@transaction.atomic
def email_enqueue(*, user, key: str, subject: str, text: str, html: str = "") -> bool:
    """Put one email in the outbox; False when an email with this key already exists."""
    _, created = EmailOutbox.objects.get_or_create(
        key=key,
        defaults={
            "user": user,
            "to_email": user.email,
            "subject": subject[:250],
            "body_text": text,
            "body_html": html,
        },
    )
    if created:
        from .tasks import outbox_send_chunk

        outbox_send_chunk.delay_on_commit()
    return created


@transaction.atomic
def notification_send(
    *,
    user,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str | None = None,
) -> Notification | None:
    """Tell `user` something: an inbox row, plus an email now if they chose "immediately"
    (a daily digest picks up the others). With `key`, a second call with the same key sends
    nothing (None), so retries and re-runs are safe.
    """
    if not user.is_active:
        return None
    if key and EmailOutbox.objects.filter(key=f"n:{key}").exists():
        return None
    notification = Notification.objects.create(
        user=user, kind=kind, title=title[:200], body=body, url=url
    )
    if notification_delivery_for(user=user, kind=kind) == Delivery.IMMEDIATE:
        subject, text, html = email_render(
            user=user,
            template="notifications/email/notification",
            context={"notification": notification, "absolute_url": _absolute(url)},
        )
        email_enqueue(
            user=user, key=f"n:{key or notification.pk}", subject=subject, text=text, html=html
        )
    elif key:
        # Keep the idempotency key even when no email goes out now.
        EmailOutbox.objects.create(
            key=f"n:{key}",
            user=user,
            to_email=user.email,
            subject="(inbox only)",
            body_text="",
            sent_at=timezone.now(),
        )
    return notification


def _claimable() -> Q:
    now = timezone.now()
    return (
        Q(sent_at__isnull=True, dead_at__isnull=True)
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def outbox_claim(*, limit: int) -> list[int]:
    """Claim up to `limit` unsent rows for this worker; concurrent workers skip locked rows."""
    with transaction.atomic():
        ids = list(
            EmailOutbox.objects.select_for_update(skip_locked=True)
            .filter(_claimable())
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
        EmailOutbox.objects.filter(pk__in=ids).update(
            claimed_until=timezone.now() + timedelta(minutes=5)
        )
    return ids


def outbox_deliver(*, ids: list[int]) -> int:
    """Send the claimed rows; each is marked sent on its own so a crash loses at most the
    one in flight (sent again by the sweeper, never twice once marked)."""
    sent = 0
    for row in EmailOutbox.objects.filter(pk__in=ids, sent_at__isnull=True):
        message = EmailMultiAlternatives(row.subject, row.body_text, to=[row.to_email])
        if row.body_html:
            message.attach_alternative(row.body_html, "text/html")
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - record any transport failure on the row
            attempts = row.attempts + 1
            EmailOutbox.objects.filter(pk=row.pk).update(
                attempts=attempts,
                last_error=f"{type(exc).__name__}: {exc}"[:500],
                claimed_until=None,
                dead_at=timezone.now() if attempts >= settings.OUTBOX_MAX_ATTEMPTS else None,
            )
            logger.warning("email %s failed (attempt %s): %s", row.pk, attempts, exc)
            continue
        EmailOutbox.objects.filter(pk=row.pk).update(
            sent_at=timezone.now(), attempts=row.attempts + 1
        )
        sent += 1
    return sent


def outbox_unsent_count(*, older_than: timedelta | None = None) -> int:
    qs = EmailOutbox.objects.filter(sent_at__isnull=True, dead_at__isnull=True)
    if older_than is not None:
        qs = qs.filter(created_at__lt=timezone.now() - older_than)
    return qs.count()
