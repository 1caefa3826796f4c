"""Reminders about certificate expiry, assignment due dates and refreshers, and escalations
to supervisors, through the reminder outbox (courses.Reminder, DESIGN section 6).

- Planning (`reminders_plan`, daily): a few INSERT ... SELECT statements write one row per
  reminder due today, unique by (recipient, learner, course, kind, due date, step); a
  re-run inserts nothing. Escalation rows fan out to the supervisors of the learner's unit
  and of every unit above it.
- Dispatch (`reminder_claim` + `reminders_deliver`, in chunk tasks of about 500 rows):
  rows are claimed under SELECT ... FOR UPDATE SKIP LOCKED with a lease and an attempt
  count, checked again (nothing goes to someone who renewed or completed since), sent as
  notifications keyed by the row (`notifications.services.notification_send_many`), and
  marked handled in the same transaction. A sweeper re-enqueues rows left waiting; a row
  that keeps killing its worker is given up ("dead") after OUTBOX_MAX_ATTEMPTS. Claim,
  release and retry follow the notifications outbox's rules (`outbox_rows_*`).
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Supervision, Unit, User
from notifications.services import (
    Notice,
    notification_send_many,
    outbox_rows_claim,
    outbox_rows_release,
    outbox_rows_revive,
    outbox_waiting,
)

from ..models import Enrolment, Refresher, Reminder

logger = logging.getLogger(__name__)

State = Enrolment.State
Kind = Reminder.Kind
# Which enrolment states still need a reminder of each kind; checked at planning and again
# at send time.
EXPIRY_STATES = (State.CERTIFIED, State.WINDOW_OPEN, State.EXPIRED)
DUE_STATES = (State.ASSIGNED, State.IN_PROGRESS, State.OVERDUE)


# --- Steps --------------------------------------------------------------------------------


def reminder_steps() -> list[int]:
    """Days relative to a due date on which a reminder goes: the offsets before it (30, 7,
    1 and 0 = the day itself by default), then the day after and weekly while overdue, at
    most REMINDER_OVERDUE_MAX_WEEKS times. Negative = days overdue."""
    before = sorted({int(d) for d in settings.REMINDER_OFFSETS_DAYS if int(d) >= 0}, reverse=True)
    every = max(1, settings.REMINDER_OVERDUE_EVERY_DAYS)
    after = [-(1 + every * n) for n in range(settings.REMINDER_OVERDUE_MAX_WEEKS)]
    return before + after


def _dates_by_step(today: date) -> dict[date, int]:
    return {today + timedelta(days=step): step for step in reminder_steps()}


# --- Planning -----------------------------------------------------------------------------


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


_REMINDER_COLUMNS = (
    "recipient",
    "learner",
    "course",
    "kind",
    "is_escalation",
    "due_on",
    "step",
    "refresher",
    "planned_for",
    "created_at",
    "attempts",
    "outcome",
    "last_error",
)


def _insert_select(
    *,
    table: str,
    user: str,
    course: str,
    due: str,
    refresher: str,
    where: str,
    where_params: list,
    kind: str,
    today: date,
) -> int:
    """INSERT INTO reminder (...) SELECT ... FROM `table` WHERE `where` AND `due` IN (the
    dates of today's steps), the step computed by a CASE over the same dates; keys that
    already exist are skipped. Identifiers come from model metadata (quoted), every value
    is a parameter."""
    ops = connection.ops
    by_date = _dates_by_step(today)
    days = [ops.adapt_datefield_value(day) for day in by_date]
    case = " ".join("WHEN %s THEN %s" for _day in by_date)
    case_params = [
        value for day, step in zip(days, by_date.values(), strict=True) for value in (day, step)
    ]
    columns = ", ".join(_column(Reminder, name) for name in _REMINDER_COLUMNS)
    # Identifiers come from model metadata and are quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {ops.quote_name(Reminder._meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608
        f"SELECT t.{user}, t.{user}, t.{course}, %s, %s, t.{due}, CASE t.{due} {case} END, "
        f"{refresher}, %s, %s, 0, '', '' FROM {ops.quote_name(table)} t "
        f"WHERE {where} AND t.{due} IN ({', '.join('%s' for _day in days)}) "
        "ON CONFLICT DO NOTHING"
    )
    params = [
        kind,
        False,
        *case_params,
        ops.adapt_datefield_value(today),
        ops.adapt_datetimefield_value(timezone.now()),
        *where_params,
        *days,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _learner_rows_plan(*, today: date) -> dict[str, int]:
    """One INSERT ... SELECT per kind: certificate expiry, assignment due date, change
    refresher due date."""
    counts = {}
    for kind, due_field, allowed in (
        (Kind.EXPIRY, "expires_on", EXPIRY_STATES),
        (Kind.DUE, "due_on", DUE_STATES),
    ):
        counts[str(kind)] = _insert_select(
            table=Enrolment._meta.db_table,
            user=_column(Enrolment, "user"),
            course=_column(Enrolment, "course"),
            due=_column(Enrolment, due_field),
            refresher="NULL",
            where=f"t.{_column(Enrolment, 'state')} IN ({', '.join('%s' for _s in allowed)})",
            where_params=[str(state) for state in allowed],
            kind=kind,
            today=today,
        )
    counts[str(Kind.REFRESHER)] = _insert_select(
        table=Refresher._meta.db_table,
        user=_column(Refresher, "user"),
        course=_column(Refresher, "course"),
        due=_column(Refresher, "due_on"),
        refresher="t.id",
        where=(
            f"t.{_column(Refresher, 'kind')} = %s"
            f" AND t.{_column(Refresher, 'completed_at')} IS NULL"
            f" AND t.{_column(Refresher, 'cancelled_at')} IS NULL"
        ),
        where_params=[str(Refresher.Kind.CHANGE)],
        kind=Kind.REFRESHER,
        today=today,
    )
    return counts


def supervisors_by_unit(unit_ids: Iterable[int], *, today: date) -> dict[int, set[int]]:
    """For each unit, the people who supervise it today directly or through a unit above
    it (two queries)."""
    paths = dict(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"))
    ancestors = {
        uid: {int(part) for part in path.strip("/").split("/") if part} | {uid}
        for uid, path in paths.items()
    }
    everyone = set().union(*ancestors.values()) if ancestors else set()
    direct: dict[int, set[int]] = defaultdict(set)
    for unit_id, supervisor_id in (
        Supervision.objects.filter(unit_id__in=everyone, supervisor__is_active=True)
        .filter(Q(starts_on__lte=today), Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("unit_id", "supervisor_id")
    ):
        direct[unit_id].add(supervisor_id)
    return {
        uid: set().union(*(direct.get(a, set()) for a in chain)) for uid, chain in ancestors.items()
    }


def _escalations_plan(*, today: date) -> int:
    """Overdue learner rows planned for today fan out to their supervisors (set-based: the
    overdue rows, the supervisors of their units, one bulk insert)."""
    overdue = list(
        Reminder.objects.filter(planned_for=today, is_escalation=False, step__lt=0).values_list(
            "learner_id", "learner__unit_id", "course_id", "kind", "due_on", "step", "refresher_id"
        )
    )
    if not overdue:
        return 0
    supervisors = supervisors_by_unit({row[1] for row in overdue if row[1]}, today=today)
    now = timezone.now()
    rows = [
        Reminder(
            recipient_id=boss,
            learner_id=learner,
            course_id=course,
            kind=kind,
            is_escalation=True,
            due_on=due_on,
            step=step,
            refresher_id=refresher,
            planned_for=today,
            created_at=now,
        )
        for learner, unit, course, kind, due_on, step, refresher in overdue
        for boss in supervisors.get(unit, ())
        if boss != learner
    ]
    Reminder.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # ignore_conflicts hides which rows were new: those carry this run's timestamp.
    return Reminder.objects.filter(planned_for=today, is_escalation=True, created_at=now).count()


def reminders_plan(*, today: date | None = None) -> dict:
    """Write today's reminder rows (learners, then escalations) and enqueue the chunk tasks
    that send them, after commit. Idempotent: a second run the same day adds nothing and
    only wakes senders for rows still waiting."""
    today = today or timezone.localdate()
    with transaction.atomic():
        planned = _learner_rows_plan(today=today)
        planned["escalation"] = _escalations_plan(today=today)
        waiting = reminders_wake()
    return {"planned": {str(k): v for k, v in planned.items()}, "chunks": waiting}


def refresher_notices_plan(*, refresher_ids: list[int]) -> int:
    """A notice row for each new change refresher (its first reminder, step = days until
    due); sent by the same chunk tasks. Precondition: inside the creating transaction."""
    if not refresher_ids:
        return 0
    today = timezone.localdate()
    now = timezone.now()
    rows = [
        Reminder(
            recipient_id=user_id,
            learner_id=user_id,
            course_id=course_id,
            kind=Kind.REFRESHER,
            due_on=due_on,
            step=(due_on - today).days,
            refresher_id=pk,
            planned_for=today,
            created_at=now,
        )
        for pk, user_id, course_id, due_on in Refresher.objects.filter(
            pk__in=refresher_ids
        ).values_list("pk", "user_id", "course_id", "due_on")
        if due_on
    ]
    Reminder.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    reminders_wake(rows=len(rows))
    return len(rows)


# --- Waking senders -----------------------------------------------------------------------


def reminders_wake(*, rows: int | None = None) -> int:
    """Enqueue, after commit, one chunk task per REMINDER_CHUNK_SIZE waiting rows (counted
    when `rows` is not given). Returns how many tasks."""
    from ..tasks import reminders_send_chunk

    if rows is None:
        rows = Reminder.objects.filter(outbox_waiting(timezone.now())).count()
    chunks = -(-rows // settings.OUTBOX_CHUNK_SIZE)
    for _chunk in range(chunks):
        reminders_send_chunk.delay_on_commit()
    return chunks


def reminders_sweep() -> int:
    """Re-enqueue senders for rows waiting longer than OUTBOX_SWEEP_AFTER (a lost broker
    message, a killed worker whose lease ran out). Returns how many tasks."""
    now = timezone.now()
    stale = (
        Reminder.objects.filter(outbox_waiting(now))
        .filter(Q(created_at__lt=now - settings.OUTBOX_SWEEP_AFTER) | Q(claimed_until__lt=now))
        .count()
    )
    if stale:
        logger.info("reminder sweep: %s waiting reminder(s)", stale)
    return reminders_wake(rows=stale)


# --- Dispatch -----------------------------------------------------------------------------


def reminder_claim(*, limit: int | None = None) -> list[int]:
    """Claim up to `limit` waiting rows for this worker (a lease, one more attempt) and
    return their ids; rows out of attempts are given up instead (the outbox rules of
    notifications.services.outbox_rows_claim)."""
    return outbox_rows_claim(
        Reminder,
        limit=limit or settings.OUTBOX_CHUNK_SIZE,
        lease=timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS),
        label="reminders",
    )


def _language(user: User) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def _still_needed(row: Reminder, enrolment: tuple | None) -> bool:
    """Checked at send time: nothing goes to someone who renewed, completed or got a new
    due date since the row was planned."""
    if row.kind == Kind.REFRESHER:
        refresher = row.refresher
        return bool(refresher and refresher.is_open and refresher.due_on == row.due_on)
    if enrolment is None:
        return False
    state, expires_on, due_on = enrolment
    if row.kind == Kind.EXPIRY:
        return state in EXPIRY_STATES and expires_on == row.due_on
    return state in DUE_STATES and due_on == row.due_on


_PLACEHOLDER = "0000000001"


@functools.lru_cache(maxsize=64)
def _url_pattern(name: str, language: str) -> str:
    return reverse(name, args=[_PLACEHOLDER])


def _url(name: str, arg) -> str:
    """reverse() for one argument, resolved once per URL name and language: a chunk builds
    hundreds of links, and reverse costs a fraction of a millisecond each."""
    return _url_pattern(name, translation.get_language() or "").replace(_PLACEHOLDER, str(arg))


def _learner_message(row: Reminder) -> tuple:
    """Title, body and link of a learner's reminder."""
    course = row.course.title
    when = row.due_on.isoformat()
    if row.kind == Kind.EXPIRY:
        url = _url("courses:course", row.course.slug)
        if row.step > 0:
            title = ngettext(
                "Your certificate for %(course)s expires in %(days)d day",
                "Your certificate for %(course)s expires in %(days)d days",
                row.step,
            ) % {"course": course, "days": row.step}
        elif row.step == 0:
            title = _("Your certificate for %(course)s expires today") % {"course": course}
        else:
            title = _("Your certificate for %(course)s has expired") % {"course": course}
        body = _("Valid until %(date)s. Renew it from the course page.") % {"date": when}
        return title, body, url
    if row.kind == Kind.REFRESHER:
        url = _url("courses:refresher", row.refresher_id)
        if row.step >= 0:
            title = _("Course update to learn: %(course)s") % {"course": course}
        else:
            title = _("Course update overdue: %(course)s") % {"course": course}
        summary = row.refresher.summary if row.refresher else ""
        body = _("Due %(date)s. What changed: %(summary)s") % {"date": when, "summary": summary}
        return title, body, url
    url = _url("courses:course", row.course.slug)
    if row.step >= 0:
        title = _("Reminder: complete %(course)s by %(date)s") % {"course": course, "date": when}
    else:
        title = _("Overdue: %(course)s was due on %(date)s") % {"course": course, "date": when}
    return title, "", url


def _escalation_notice(recipient: User, rows: list[Reminder]) -> Notice:
    """One notification for a supervisor, listing the overdue people of this chunk; its key
    holds the first row's id, so a retry of the same rows is deduplicated while rows handled
    later the same day make a new notification."""
    lines = []
    for row in sorted(rows, key=lambda r: (r.learner.get_full_name(), r.course.title)):
        what = {
            Kind.EXPIRY: _("certificate expired on %(date)s"),
            Kind.DUE: _("course overdue since %(date)s"),
            Kind.REFRESHER: _("course update overdue since %(date)s"),
        }[Reminder.Kind(row.kind)] % {"date": row.due_on.isoformat()}
        lines.append(f"- {row.learner.get_full_name()} · {row.course.title}: {what}")
    people = len({row.learner_id for row in rows})
    title = ngettext(
        "%(count)d person in your units needs a nudge",
        "%(count)d people in your units need a nudge",
        people,
    ) % {"count": people}
    return Notice(
        user=recipient,
        kind="courses.escalation",
        title=title,
        body="\n".join(lines),
        url=reverse("home"),
        key=f"courses.escalation:{min(row.pk for row in rows)}",
    )


def reminders_deliver(*, ids: Sequence[int]) -> dict[str, int]:
    """Send the claimed rows `ids`: learners one notification per row, supervisors one per
    chunk. Rows no longer needed are marked so, sent ones marked sent, in the same
    transaction as the notifications: a crash leaves both undone, for a retry."""
    with transaction.atomic():
        rows = list(
            Reminder.objects.filter(pk__in=list(ids), sent_at__isnull=True, dead_at__isnull=True)
            .select_related("learner", "recipient", "course", "refresher")
            .order_by("pk")
        )
        if not rows:
            return {"sent": 0, "not_needed": 0}
        enrolments = {
            (user_id, course_id): (state, expires_on, due_on)
            for user_id, course_id, state, expires_on, due_on in Enrolment.objects.filter(
                user_id__in={r.learner_id for r in rows},
                course_id__in={r.course_id for r in rows},
            ).values_list("user_id", "course_id", "state", "expires_on", "due_on")
        }
        escalated = [r for r in rows if r.is_escalation]
        bosses = supervisors_by_unit(
            {r.learner.unit_id for r in escalated if r.learner.unit_id},
            today=timezone.localdate(),
        )
        sent, not_needed, notices = [], [], []
        groups: dict[int, list[Reminder]] = defaultdict(list)
        for row in rows:
            needed = _still_needed(row, enrolments.get((row.learner_id, row.course_id)))
            unit_id = row.learner.unit_id
            if row.is_escalation and row.recipient_id not in bosses.get(unit_id or 0, set()):
                needed = False  # no longer their supervisor
            if not row.recipient.is_active:
                needed = False
            if not needed:
                not_needed.append(row.pk)
            elif row.is_escalation:
                groups[row.recipient_id].append(row)
            else:
                with translation.override(_language(row.recipient)):
                    title, body, url = _learner_message(row)
                notices.append(
                    Notice(row.recipient, "courses.reminder", str(title), str(body), url, row.key)
                )
                sent.append(row.pk)
        for group in groups.values():
            with translation.override(_language(group[0].recipient)):
                notices.append(_escalation_notice(group[0].recipient, group))
            sent += [row.pk for row in group]
        notification_send_many(notices)
        now = timezone.now()
        outcomes = ((sent, Reminder.Outcome.SENT), (not_needed, Reminder.Outcome.NOT_NEEDED))
        for pks, outcome in outcomes:
            if pks:
                Reminder.objects.filter(pk__in=pks).update(
                    sent_at=now, outcome=outcome, claimed_until=None
                )
    return {"sent": len(sent), "not_needed": len(not_needed)}


def reminder_release(*, ids: Iterable[int]) -> int:
    """Give claimed rows back (a task out of time)."""
    return outbox_rows_release(Reminder, ids=ids)


@transaction.atomic
def reminders_retry(*, actor: User, ids: Iterable[int]) -> int:
    """Put given-up reminders back in the outbox with fresh attempts (they are checked
    again at send time, so nothing stale goes out). Returns how many."""
    from accounts.services import audit_record

    from ._common import require

    require(actor, "courses.retry_reminders")
    count = outbox_rows_revive(Reminder, ids=ids)
    if count:
        reminders_wake(rows=count)
        audit_record(actor=actor, action="courses.reminders_retry", details={"reminders": count})
    return count
