"""notification_send is the one way every app tells a person something: an inbox row at once,
and an email through the outbox according to the person's preference for that kind.

The outbox (DESIGN section 6): an email is first an EmailOutbox row with a unique key. Chunk
tasks claim rows (a lease in `claimed_until`, taken under SELECT ... FOR UPDATE SKIP LOCKED),
send them over one connection and mark each one sent at once. A sweeper re-enqueues rows left
unsent, so a lost broker message or a killed worker delays an email but never loses it, and a
retried task, a second beat or a re-run never sends a row twice once it is marked sent.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User
from accounts.services import audit_record, job_run_claim, job_run_finish

from .kinds import notification_kind_get
from .models import Delivery, EmailOutbox, Notification, NotificationPreference
from .selectors import (
    notification_deliveries_for,
    notification_delivery_for,
    notification_unread_count_forget,
)

logger = logging.getLogger(__name__)

DIGEST_JOB = "notifications.digest_send"
# People per digest task (DESIGN 6: bulk work in chunks of about 500 rows).
DIGEST_CHUNK_SIZE = 500
# Items listed in one digest email; the rest are counted and wait in the inbox.
DIGEST_MAX_ITEMS = 50
BODY_MAX_CHARS = 5000
# SMTP answers that will not change on a retry: give up at once.
_PERMANENT_SMTP_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


# --- Links --------------------------------------------------------------------------------


def notification_url_is_local(url: str) -> bool:
    """True only for a path on this site ("/courses/3/?tab=a#b").

    Anything a browser could resolve to another site is refused: "https://...", "//host",
    "/\\host", "javascript:", control characters.
    """
    if not url or not url.startswith("/") or url.startswith("//"):
        return False
    if "\\" in url or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _notification_link(notification: Notification) -> str:
    """The link an email gives: through "open" (marks it read) when it has a link of its
    own, else the inbox."""
    if notification.url:
        return _absolute(reverse("notifications:open", args=[notification.pk]))
    return _absolute(reverse("notifications:inbox"))


# --- Email rendering and the outbox -------------------------------------------------------


@dataclass(frozen=True)
class DigestEntry:
    title: str
    body: str
    open_url: str


@dataclass(frozen=True)
class OutgoingEmail:
    key: str
    user_id: int
    to_email: str
    subject: str
    text: str
    html: str = ""


def _email_templates_render(*, user, template: str, context: dict) -> tuple[str, str, str]:
    """The three templates of `template` in the recipient's language, the subject as it
    comes out of its template."""
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        ctx = {
            "user": user,
            "site_url": settings.SITE_URL,
            "LANGUAGE_CODE": language,
            "inbox_url": _absolute(reverse("notifications:inbox")),
            "preferences_url": _absolute(reverse("notifications:preferences")),
            **context,
        }
        subject = str(render_to_string(f"{template}_subject.txt", ctx))
        text = render_to_string(f"{template}.txt", ctx)
        html = render_to_string(f"{template}.html", ctx)
    return subject, text, html


def _subject_line(subject: str) -> str:
    # One line, no header injection, within the column.
    return " ".join((settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject).split())[:250]


def outbox_email_render(*, user, template: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of an email, rendered in the recipient's language.

    `template` names three files: `<template>_subject.txt`, `<template>.txt`, `<template>.html`.
    """
    subject, text, html = _email_templates_render(user=user, template=template, context=context)
    return _subject_line(subject), text, html


NOTIFICATION_EMAIL = "notifications/email/notification"
# What the notification email's templates show of a person's values, and how: in the text
# parts as they are, in the HTML escaped (the body also with its line breaks as <br>).
_SLOTS = {
    "name": (lambda n: n.user.get_short_name(), escape),
    "title": (lambda n: n.title, escape),
    "body": (lambda n: n.body, lambda body: linebreaksbr(body, autoescape=True)),
    "open": (None, escape),  # _notification_link's, reversed once a batch
}
_SLOT = re.compile("\x00(" + "|".join(_SLOTS) + ")\x00")
_SOME_PK = "9081726354"


class _NotificationEmails:
    """The notification email for a batch of notifications, exactly as the templates write
    it, at a fraction of the cost: the templates are rendered once per (language, with a
    body, with a link) with placeholders for the person's values, and each email fills in
    its own (rendering three templates per email was most of a reminder chunk's time)."""

    def __init__(self) -> None:
        self._skeletons: dict[tuple, tuple[str, str, str]] = {}
        link = _notification_link(Notification(pk=int(_SOME_PK), url="/"))
        self._open_head, _pk, self._open_tail = link.rpartition(_SOME_PK)
        self._inbox = _notification_link(Notification(url=""))

    def _link(self, notification: Notification) -> str:
        """_notification_link without a reverse() per email."""
        if notification.url:
            return f"{self._open_head}{notification.pk}{self._open_tail}"
        return self._inbox

    def _skeleton(self, language: str, has_body: bool, has_url: bool) -> tuple[str, str, str]:
        key = (language, has_body, has_url)
        if key not in self._skeletons:
            slot = {name: f"\x00{name}\x00" for name in _SLOTS}
            stand_in = SimpleNamespace(
                title=slot["title"],
                body=slot["body"] if has_body else "",
                url="/" if has_url else "",
            )
            person = SimpleNamespace(
                preferred_language=language, get_short_name=lambda: slot["name"]
            )
            self._skeletons[key] = _email_templates_render(
                user=person,
                template=NOTIFICATION_EMAIL,
                context={"notification": stand_in, "open_url": slot["open"]},
            )
        return self._skeletons[key]

    def render(self, notification: Notification) -> tuple[str, str, str]:
        language = notification.user.preferred_language or settings.LANGUAGE_CODE
        subject, text, html = self._skeleton(
            language, bool(notification.body), bool(notification.url)
        )
        plain = {
            name: str(value(notification) if value else self._link(notification))
            for name, (value, _html) in _SLOTS.items()
        }
        marked = {name: str(to_html(plain[name])) for name, (_value, to_html) in _SLOTS.items()}
        # One pass each: a value that looks like a placeholder is left as it is.
        return (
            _subject_line(_SLOT.sub(lambda m: plain[m[1]], subject)),
            _SLOT.sub(lambda m: plain[m[1]], text),
            _SLOT.sub(lambda m: marked[m[1]], html),
        )


class _OutboxWake:
    """An on-commit callback that wakes enough chunk senders for the rows written in this
    transaction. One per transaction, however many emails were queued (see _outbox_wake)."""

    is_outbox_wake = True

    def __init__(self, rows: int) -> None:
        self.rows = rows

    def __call__(self) -> None:
        from .tasks import outbox_send_chunk

        chunks = max(1, -(-self.rows // settings.OUTBOX_CHUNK_SIZE))
        for _ in range(chunks):
            outbox_send_chunk.delay()


def _outbox_wake(*, rows: int) -> None:
    """Enqueue chunk senders after commit, like Task.delay_on_commit, but once per
    transaction: 2,000 notifications sent in one transaction wake 4 tasks, not 2,000.

    Django drops the callback if its savepoint rolls back, and a rolled-back row only makes a
    sender find nothing, so sharing one callback is safe.
    """
    connection = transaction.get_connection()
    for _sids, func, _robust in getattr(connection, "run_on_commit", []):
        if getattr(func, "is_outbox_wake", False):
            func.rows += rows
            return
    transaction.on_commit(_OutboxWake(rows))


@transaction.atomic
def outbox_email_enqueue_many(*, emails: Sequence[OutgoingEmail]) -> None:
    """Put emails in the outbox; a key that already exists is skipped (idempotent)."""
    if not emails:
        return
    EmailOutbox.objects.bulk_create(
        [
            EmailOutbox(
                key=email.key,
                user_id=email.user_id,
                to_email=email.to_email,
                subject=email.subject[:250],
                body_text=email.text,
                body_html=email.html,
            )
            for email in emails
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    _outbox_wake(rows=len(emails))


@transaction.atomic
def outbox_email_enqueue(*, user, key: str, subject: str, text: str, html: str = "") -> bool:
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
        _outbox_wake(rows=1)
    return created


def _claim_lease() -> timedelta:
    # Longer than the hard time limit: a task still sending is killed before its lease ends,
    # so two workers never hold the same row.
    return timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)


# The rules every outbox table follows: this app's EmailOutbox, and the outboxes of apps
# above it (courses.Reminder). Such a table has `claimed_until`, `attempts`, `sent_at`,
# `dead_at` and `last_error` columns; a row is waiting until it is sent or given up.


def outbox_waiting(now: datetime) -> Q:
    """Rows a sender may claim now: not sent, not given up, no live lease."""
    return Q(sent_at__isnull=True, dead_at__isnull=True) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def outbox_rows_claim(
    model, *, limit: int, lease: timedelta, order_by: Sequence[str] = ("pk",), label: str
) -> list[int]:
    """Claim up to `limit` waiting rows of the outbox table `model` for this worker (a lease
    of `lease`, one more attempt) and return their ids, in `order_by` order.

    Concurrent claimers skip each other's locked rows (PostgreSQL); SQLite serialises write
    transactions. Each claim counts as an attempt, so a row that kills its worker every time
    is given up ("dead") at its next claim after OUTBOX_MAX_ATTEMPTS; `label` names the
    outbox in the log line that says so.
    """
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(outbox_waiting(now))
            .order_by(*order_by)
            .values_list("pk", "attempts")[:limit]
        )
        spent = [pk for pk, attempts in rows if attempts >= settings.OUTBOX_MAX_ATTEMPTS]
        live = [pk for pk, attempts in rows if attempts < settings.OUTBOX_MAX_ATTEMPTS]
        if spent:
            model.objects.filter(pk__in=spent).update(dead_at=now, claimed_until=None)
            model.objects.filter(pk__in=spent, last_error="").update(
                last_error="gave up: no attempt finished (the worker stopped while sending?)"
            )
            logger.error("%s: gave up on %s row(s) after repeated attempts", label, len(spent))
        if live:
            model.objects.filter(pk__in=live).update(
                claimed_until=now + lease, attempts=F("attempts") + 1
            )
    return live


def outbox_rows_release(model, *, ids: Iterable[int]) -> int:
    """Give back claimed rows of `model` that are still unsent (a task stopping early)."""
    return model.objects.filter(pk__in=list(ids), sent_at__isnull=True).update(claimed_until=None)


def outbox_rows_revive(model, *, ids: Iterable[int]) -> int:
    """Put given-up rows of `model` back in the queue with fresh attempts; returns how many.
    The caller checks the actor's permission, wakes its senders and audits."""
    return model.objects.filter(
        pk__in=list(ids), dead_at__isnull=False, sent_at__isnull=True
    ).update(dead_at=None, attempts=0, claimed_until=None, last_error="")


def outbox_claim(*, limit: int) -> list[int]:
    """Claim up to `limit` waiting emails for this worker, oldest first (outbox_rows_claim)."""
    return outbox_rows_claim(
        EmailOutbox,
        limit=limit,
        lease=_claim_lease(),
        order_by=("created_at", "pk"),
        label="outbox",
    )


def outbox_release(*, ids: Iterable[int]) -> int:
    """Give back claimed emails that are still unsent (a task stopping early)."""
    return outbox_rows_release(EmailOutbox, ids=ids)


def _outbox_failed(row: EmailOutbox, exc: Exception) -> None:
    now = timezone.now()
    permanent = isinstance(exc, _PERMANENT_SMTP_ERRORS)
    give_up = permanent or row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    EmailOutbox.objects.filter(pk=row.pk).update(
        last_error=f"{type(exc).__name__}: {exc}"[:500],
        dead_at=now if give_up else None,
        # Back off before the next attempt: 1, 4, 16 minutes...
        claimed_until=None if give_up else now + timedelta(minutes=4 ** (row.attempts - 1)),
    )
    logger.warning(
        "outbox: email %s failed (attempt %s%s): %s",
        row.pk,
        row.attempts,
        ", giving up" if give_up else "",
        type(exc).__name__,
    )


def outbox_deliver(*, ids: list[int]) -> int:
    """Send rows claimed by outbox_claim over one mail connection; returns how many were sent.

    Each row is marked sent as soon as it is handed to the mail server, so a crash can repeat
    at most the one email in flight; nothing marked sent is ever sent again.
    """
    rows = list(
        EmailOutbox.objects.filter(pk__in=ids, sent_at__isnull=True, dead_at__isnull=True).order_by(
            "pk"
        )
    )
    if not rows:
        return 0
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # the mail server is down: every row waits for a retry
        for row in rows:
            _outbox_failed(row, exc)
        return 0
    try:
        for row in rows:
            message = EmailMultiAlternatives(
                row.subject,
                row.body_text,
                to=[row.to_email],
                connection=connection,
                headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
            )
            if row.body_html:
                message.attach_alternative(row.body_html, "text/html")
            try:
                message.send()
            except Exception as exc:  # record any transport failure on its row
                _outbox_failed(row, exc)
                continue
            EmailOutbox.objects.filter(pk=row.pk).update(
                sent_at=timezone.now(), claimed_until=None, last_error=""
            )
            sent += 1
    finally:
        connection.close()
    return sent


def outbox_sweep_count(*, older_than: timedelta) -> int:
    """Rows waiting longer than `older_than` that a sender could claim now."""
    now = timezone.now()
    return EmailOutbox.objects.filter(outbox_waiting(now), created_at__lt=now - older_than).count()


@transaction.atomic
def outbox_dead_retry(*, actor, ids: Iterable[int]) -> int:
    """Put dead (given-up) emails back in the queue with fresh attempts; returns how many."""
    if not actor.has_perm("notifications.retry_email"):
        raise PermissionDenied
    count = outbox_rows_revive(EmailOutbox, ids=ids)
    if count:
        _outbox_wake(rows=count)
        audit_record(actor=actor, action="notifications.outbox_retry", details={"emails": count})
    return count


# --- Sending notifications ----------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One notification for notification_send_many: notification_send's arguments."""

    user: User
    kind: str
    title: Any
    body: Any = ""
    url: str = ""
    key: str | None = None


def _notice_check(*, kind: str, url: str, key: str | None) -> None:
    """The preconditions of a send: a registered kind (LookupError), a local link and a key
    of 1-200 characters when given (ValueError)."""
    notification_kind_get(kind)
    if url and not notification_url_is_local(url):
        raise ValueError(f"notification url must be a local path, not {url!r}")
    if key is not None and not 0 < len(key) <= 200:
        raise ValueError("notification key must be 1-200 characters")


def _clean_text(value, *, limit: int) -> str:
    return str(value).replace("\x00", "").strip()[:limit]


def _notice_texts(user: User, title, body) -> tuple[str, str]:
    """Title and body as stored: lazy translations in the person's language, no NULs, the
    title on one line within 200 characters. ValueError for a blank title."""

    def clean() -> tuple[str, str]:
        title_text = " ".join(_clean_text(title, limit=1000).split())[:200]
        return title_text, _clean_text(body, limit=BODY_MAX_CHARS)

    if isinstance(title, str) and isinstance(body, str):
        title_text, body_text = clean()  # already text: no language to switch to
    else:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            title_text, body_text = clean()
    if not title_text:
        raise ValueError("notification title must not be blank")
    return title_text, body_text


def _notification_keys_taken(pairs: Collection[tuple[int, str]]) -> set[tuple[int, str]]:
    """The (person id, key) pairs that already have a notification (one query)."""
    if not pairs:
        return set()
    found = Notification.objects.filter(
        user_id__in={user_id for user_id, _key in pairs}, key__in={key for _uid, key in pairs}
    ).values_list("user_id", "key")
    return set(found) & set(pairs)


def _notification_emails_queue(notifications: Sequence[Notification]) -> None:
    """Queue the email of each saved notification whose person chose "immediately" and has
    an address: rendered in their language, keyed by the notification (sent once)."""
    emails, renderer = [], _NotificationEmails()
    for notification in notifications:
        user = notification.user
        if notification.delivery != Delivery.IMMEDIATE or not user.email:
            continue
        subject, text, html = renderer.render(notification)
        emails.append(
            OutgoingEmail(
                key=f"notification:{notification.pk}",
                user_id=user.pk,
                to_email=user.email,
                subject=subject,
                text=text,
                html=html,
            )
        )
    outbox_email_enqueue_many(emails=emails)


@transaction.atomic
def notification_send(
    *,
    user: User,
    kind: str,
    title,
    body="",
    url: str = "",
    key: str | None = None,
) -> Notification | None:
    """Tell `user` something: an inbox row, plus an email now if they chose "immediately" for
    this kind (the daily digest picks up "digest"; "off" stays in the inbox).

    Preconditions: `kind` is registered (LookupError otherwise); `url` is empty or a local
    path (ValueError otherwise); `title` is not blank. `title` and `body` may be lazy
    translations: they are stored in the recipient's language.

    With `key` (unique per person, at most 200 characters) a second call with the same key
    does nothing and returns None, so retries and re-runs are safe. Inactive people get
    nothing (None).
    """
    _notice_check(kind=kind, url=url, key=key)
    if not user.is_active:
        return None
    title_text, body_text = _notice_texts(user, title, body)
    if key and _notification_keys_taken({(user.pk, key)}):
        return None
    notification = Notification(
        user=user,
        kind=kind,
        title=title_text,
        body=body_text,
        url=url,
        key=key or "",
        delivery=notification_delivery_for(user=user, kind=kind),
    )
    try:
        notification.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValueError(f"invalid notification: {exc.message_dict}") from exc
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # The same key, sent at the same moment by another transaction that committed first.
        if key and _notification_keys_taken({(user.pk, key)}):
            return None
        raise
    _notification_emails_queue([notification])
    return notification


def notification_send_many(notices: Sequence[Notice]) -> int:
    """notification_send for a batch (a chunk task's worth), with its rules, in a handful of
    queries for the whole batch instead of about eight per notice. Returns how many inbox
    rows were written.

    Every notice needs a key (ValueError otherwise): bulk senders are jobs, and their retries
    must send nothing twice. A key the person already has, or a repeat within the batch, is
    skipped. Every notice is checked before anything is written: one that notification_send
    would refuse makes the whole batch fail.
    """
    for notice in notices:
        if not notice.key:
            raise ValueError("notification_send_many needs a key on every notice")
        _notice_check(kind=notice.kind, url=notice.url, key=notice.key)
    live = [notice for notice in notices if notice.user.is_active]
    if not live:
        return 0
    texts = [_notice_texts(notice.user, notice.title, notice.body) for notice in live]
    # Checked: now the writes, atomic, but without a savepoint inside a caller's transaction
    # (two queries a batch); a failure there undoes the caller's transaction whole.
    with transaction.atomic(savepoint=False):
        return _notifications_write(live, texts)


def _notifications_write(live: Sequence[Notice], texts: Sequence[tuple[str, str]]) -> int:
    skip = _notification_keys_taken({(notice.user.pk, str(notice.key)) for notice in live})
    deliveries = notification_deliveries_for(pairs={(n.user.pk, n.kind) for n in live})
    rows = []
    for notice, (title, body) in zip(live, texts, strict=True):
        key = str(notice.key)
        if (notice.user.pk, key) in skip:
            continue
        skip.add((notice.user.pk, key))
        rows.append(
            Notification(
                user=notice.user,
                kind=notice.kind,
                title=title,
                body=body,
                url=notice.url,
                key=key,
                delivery=deliveries[(notice.user.pk, notice.kind)],
            )
        )
    # A concurrent sender of the same key (a duplicated task) makes its row the only one.
    Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    emailed = [row for row in rows if row.delivery == Delivery.IMMEDIATE and row.user.email]
    if emailed:
        # ignore_conflicts leaves the new rows without their ids: read them back by key.
        ids = {
            (user_id, key): pk
            for pk, user_id, key in Notification.objects.filter(
                user_id__in={row.user_id for row in emailed}, key__in=[row.key for row in emailed]
            ).values_list("pk", "user_id", "key")
        }
        for row in emailed:
            row.pk = ids[(row.user_id, row.key)]
        _notification_emails_queue(emailed)
    return len(rows)


# --- The inbox ----------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> bool:
    """Mark one of the actor's notifications read; False when it already was."""
    if not actor.has_perm("notifications.open_notification", notification):
        raise PermissionDenied
    if notification.read_at is not None:
        return False
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now
    )
    notification.read_at = now
    notification_unread_count_forget(user=actor)
    return bool(changed)


@transaction.atomic
def notification_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    count = Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification_unread_count_forget(user=actor)
    return count


@transaction.atomic
def notification_preferences_set(*, actor, deliveries: Mapping[str, str]) -> int:
    """Save the actor's own email choice per kind; returns how many choices changed.

    Every kind must be registered and every value a Delivery (ValueError otherwise, nothing
    saved). Choices apply to notifications sent from now on.
    """
    for kind, delivery in deliveries.items():
        try:
            notification_kind_get(kind)
        except LookupError as exc:
            raise ValueError(str(exc)) from exc
        if delivery not in Delivery.values:
            raise ValueError(f"unknown delivery {delivery!r} for {kind!r}")
    before = dict(NotificationPreference.objects.filter(user=actor).values_list("kind", "delivery"))
    changed = sum(
        before.get(kind, notification_kind_get(kind).default_delivery) != delivery
        for kind, delivery in deliveries.items()
    )
    # An upsert: a double submit from two tabs cannot trip the unique constraint. Every
    # choice is stored, defaults included: the person confirmed them.
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=actor, kind=kind, delivery=delivery)
            for kind, delivery in deliveries.items()
        ],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery"],
    )
    return changed


# --- The daily digest ---------------------------------------------------------------------


def _digest_key(user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def notification_digest_plan(*, day: date) -> dict | None:
    """Start the digest run for `day`: record (job, day) first, then enqueue one chunk task
    per DIGEST_CHUNK_SIZE people with something waiting. None when `day` already ran (a
    second beat, a retried task).

    The claim and the enqueue commit together, so a crash before commit leaves the day free
    for the redelivered task. Whatever a run misses stays waiting for the next day's run.
    """
    from .tasks import digest_send_chunk

    with transaction.atomic():
        run = job_run_claim(job=DIGEST_JOB, period=day.isoformat())
        if run is None:
            return None
        cutoff = run.started_at
        user_ids = sorted(
            Notification.objects.filter(
                delivery=Delivery.DIGEST, digested_at__isnull=True, created_at__lte=cutoff
            )
            .order_by()
            .values_list("user_id", flat=True)
            .distinct()
        )
        chunks = [
            user_ids[i : i + DIGEST_CHUNK_SIZE] for i in range(0, len(user_ids), DIGEST_CHUNK_SIZE)
        ]
        for chunk in chunks:
            digest_send_chunk.delay_on_commit(
                user_ids=chunk, day=day.isoformat(), cutoff=cutoff.isoformat()
            )
        result = {"people": len(user_ids), "chunks": len(chunks)}
        job_run_finish(run=run, result=result)
    return result


@transaction.atomic
def notification_digest_deliver(*, user_ids: Sequence[int], day: date, cutoff: datetime) -> int:
    """Write one digest email per person in `user_ids` for `day`, covering their digest
    notifications created up to `cutoff`; returns how many emails were queued.

    Set-based: a handful of queries for the whole chunk (plus one update per 900 notifications
    handled). The newest DIGEST_MAX_ITEMS unread notifications are listed and the rest
    counted; read ones, kinds the person has since turned off and inactive people are marked
    handled without an email. A re-run (same day) finds nothing left and queues nothing.
    """
    keys = [_digest_key(uid, day) for uid in user_ids]
    already = set(EmailOutbox.objects.filter(key__in=keys).values_list("user_id", flat=True))
    todo = [uid for uid in user_ids if uid not in already]
    if not todo:
        return 0
    people = {
        u.pk: u
        for u in User.objects.filter(pk__in=todo).only(
            "pk", "email", "full_name", "preferred_language", "is_active"
        )
    }
    turned_off = set(
        NotificationPreference.objects.filter(user_id__in=todo, delivery=Delivery.OFF).values_list(
            "user_id", "kind"
        )
    )
    pending = (
        Notification.objects.filter(
            user_id__in=todo,
            delivery=Delivery.DIGEST,
            digested_at__isnull=True,
            created_at__lte=cutoff,
        )
        .order_by("user_id", "-created_at", "-pk")
        .only("pk", "user_id", "kind", "title", "body", "url", "created_at", "read_at")
    )
    handled: list[int] = []
    items: dict[int, list[Notification]] = defaultdict(list)
    totals: dict[int, int] = defaultdict(int)
    # Streamed: someone with thousands waiting costs an id each, not a model instance each.
    for notification in pending.iterator(chunk_size=2000):
        handled.append(notification.pk)
        person = people.get(notification.user_id)
        if (
            person is None
            or not person.is_active
            or not person.email
            or notification.read_at is not None
            or (notification.user_id, notification.kind) in turned_off
        ):
            continue
        totals[notification.user_id] += 1
        if len(items[notification.user_id]) < DIGEST_MAX_ITEMS:
            items[notification.user_id].append(notification)

    emails = []
    for uid, shown in items.items():
        person = people[uid]
        entries = [DigestEntry(n.title, n.body, _notification_link(n)) for n in shown]
        subject, text, html = outbox_email_render(
            user=person,
            template="notifications/email/digest",
            context={
                "notifications": entries,
                "total": totals[uid],
                "more": totals[uid] - len(shown),
                "day": day,
            },
        )
        emails.append(
            OutgoingEmail(
                key=_digest_key(uid, day),
                user_id=uid,
                to_email=person.email,
                subject=subject,
                text=text,
                html=html,
            )
        )
    outbox_email_enqueue_many(emails=emails)
    now = timezone.now()
    for i in range(0, len(handled), 900):
        Notification.objects.filter(pk__in=handled[i : i + 900]).update(digested_at=now)
    return len(emails)


# --- Retention ----------------------------------------------------------------------------

RETENTION_JOB = "notifications.retention_purge"
# Emails hold personal data: keep a sent one long enough to answer "did it go out?", a
# given-up one long enough for an admin to notice and retry it. Read inbox rows go after a
# year. Override in settings with NOTIFICATIONS_KEEP_SENT_EMAIL_DAYS and friends.
KEEP_SENT_EMAIL_DAYS = 30
KEEP_DEAD_EMAIL_DAYS = 90
KEEP_READ_NOTIFICATION_DAYS = 365


def notification_retention_purge(*, now: datetime | None = None) -> dict | None:
    """Once a day: delete old sent and given-up emails and old read notifications.

    None when today's run already happened. Unsent emails and unread notifications are never
    deleted here, and neither is a digest-delivery notification the digest has not handled.
    """
    now = now or timezone.now()
    run = job_run_claim(job=RETENTION_JOB, period=now.date().isoformat())
    if run is None:
        return None

    def days(name: str, default: int) -> timedelta:
        return timedelta(days=getattr(settings, name, default))

    sent_before = now - days("NOTIFICATIONS_KEEP_SENT_EMAIL_DAYS", KEEP_SENT_EMAIL_DAYS)
    dead_before = now - days("NOTIFICATIONS_KEEP_DEAD_EMAIL_DAYS", KEEP_DEAD_EMAIL_DAYS)
    read_before = now - days("NOTIFICATIONS_KEEP_READ_DAYS", KEEP_READ_NOTIFICATION_DAYS)
    emails, _ = EmailOutbox.objects.filter(
        Q(sent_at__lt=sent_before) | Q(sent_at__isnull=True, dead_at__lt=dead_before)
    ).delete()
    notifications, _ = (
        Notification.objects.filter(read_at__lt=read_before)
        .exclude(delivery=Delivery.DIGEST, digested_at__isnull=True)
        .delete()
    )
    result = {"emails": emails, "notifications": notifications}
    job_run_finish(run=run, result=result)
    return result


# --- Privacy ------------------------------------------------------------------------------


def notification_data_export(user) -> dict:
    """The notifications part of "download my data"."""
    return {
        "inbox": [
            {
                "kind": n.kind,
                "title": n.title,
                "text": n.body,
                "link": n.url,
                "created": n.created_at.isoformat(),
                "read": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "email_preferences": dict(
            NotificationPreference.objects.filter(user=user)
            .order_by("kind")
            .values_list("kind", "delivery")
        ),
        "emails": [
            {
                "to": e.to_email,
                "subject": e.subject,
                "created": e.created_at.isoformat(),
                "sent": e.sent_at.isoformat() if e.sent_at else None,
            }
            for e in EmailOutbox.objects.filter(user=user).order_by("created_at", "pk")
        ],
    }


def notification_data_erase(user) -> None:
    """Delete the person's inbox, email choices and emails (sent or waiting: an erased
    person must not be written to)."""
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    EmailOutbox.objects.filter(user=user).delete()
