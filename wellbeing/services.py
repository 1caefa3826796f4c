"""Writes for wellbeing. Each service acting for a person takes `actor` and checks the
permission itself (rules.has_perm, never user.has_perm: a superuser is not a lead).

Notifications never carry content: no names, answers, scores or notes; only "something needs
your attention" and a link that checks permission again when followed.
"""

from __future__ import annotations

import calendar
import logging
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Agency, User, WellbeingCoverage
from accounts.services import audit_record, job_run_claim, job_run_finish
from notifications.services import notification_send

from . import scoring
from .models import (
    AdjustmentFlag,
    AgencyInstrument,
    AgencyWellbeingSettings,
    CheckIn,
    ExposureEntry,
    ExposureKind,
    Instrument,
    PersonWellbeingSettings,
    ResourcePage,
    ReviewCase,
    ReviewEntry,
    SupportContact,
)
from .selectors import (
    agency_settings_for,
    checkin_last_for_instrument,
    exposure_day_total,
    schedule_list_for_agency,
)

logger = logging.getLogger(__name__)

# Days a lead has to respond, by the highest severity among a check-in's flags.
DUE_DAYS_BY_SEVERITY = {
    scoring.SEVERITY_HIGH: 2,
    scoring.SEVERITY_MEDIUM: 5,
    scoring.SEVERITY_LOW: 10,
}
FREE_TEXT_MAX = 4000
NOTE_MAX = 8000
REMINDER_JOB = "wellbeing.reminders"
FOLLOW_UP_JOB = "wellbeing.follow_ups"
RETENTION_JOB = "wellbeing.retention"
REMINDER_CHUNK_SIZE = 500
KIND_REMINDER = "wellbeing.reminder"
KIND_REVIEW = "wellbeing.review"
KIND_ADJUSTMENT = "wellbeing.adjustment"


def _require(actor: User, perm: str, obj=None) -> None:
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(perm)


def _require_member(actor: User) -> None:
    """Own wellbeing data needs a signed-in, approved, active account."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.is_approved):
        raise PermissionDenied("wellbeing")


def _clean_text(value: str | None, *, limit: int, field: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise ValidationError(
            {field: _("Please keep this under %(limit)s characters.") % {"limit": limit}}
        )
    return text


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


def _leads_covering(person: User) -> list[User]:
    if not person.agency_id:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            wellbeing_coverages__in=WellbeingCoverage.objects.current().filter(
                agency_id=person.agency_id
            ),
        )
        .exclude(pk=person.pk)
        .distinct()
    )


def _tell(user: User, *, kind: str, title: str, body: str, url: str, key: str) -> None:
    """Notify in the recipient's language; title and body are gettext message ids."""
    with translation.override(user.preferred_language or "en"):
        notification_send(user=user, kind=kind, title=_(title), body=_(body), url=url, key=key)


# Check-ins -------------------------------------------------------------------------------


def _previous_scales(person: User, instrument: Instrument) -> dict[str, int] | None:
    last = (
        CheckIn.objects.filter(person=person, instrument__code=instrument.code)
        .order_by("-submitted_at", "-pk")
        .only("result")
        .first()
    )
    return last.scales if last is not None else None


def checkin_record(
    *,
    person: User,
    instrument: Instrument | None,
    answers: dict,
    free_text: str = "",
    wants_to_talk: bool = False,
    prompted_by: str = CheckIn.Prompt.SELF,
    submission_key: str,
    submitted_at: datetime | None = None,
) -> CheckIn:
    """Score and store a check-in and open a review case when it is flagged. No permission
    check and no recall-period check: callers are checkin_submit and the demo seeder."""
    result = scoring.ScoreResult(scales={}, bands={})
    clean_answers: dict = {}
    if instrument is not None:
        try:
            clean = scoring.answers_clean(instrument.spec, answers)
            result = scoring.score(
                instrument.spec, clean, previous=_previous_scales(person, instrument)
            )
        except scoring.ScoringError as exc:
            raise ValidationError(_("Please answer every statement.")) from exc
        clean_answers = {str(k): v for k, v in sorted(clean.items())}
    elif not (free_text or wants_to_talk):
        raise ValidationError(_("Write something, or tick that you would like to talk."))
    flags = list(result.flags)
    severity = result.severity
    if wants_to_talk:
        flags.append(scoring.TALK_REQUEST_FLAG)
        severity = scoring.SEVERITY_HIGH
    result = scoring.ScoreResult(
        scales=result.scales,
        bands=result.bands,
        flags=flags,
        severity=severity,
        change=result.change,
    )
    checkin = CheckIn(
        person=person,
        instrument=instrument,
        answers=clean_answers,
        result=result.as_dict(),
        primary_band=result.bands.get(instrument.primary_scale, "") if instrument else "",
        free_text=free_text,
        wants_to_talk=wants_to_talk,
        prompted_by=prompted_by,
        submission_key=submission_key,
        submitted_at=submitted_at or timezone.now(),
    )
    checkin.full_clean(exclude=["person", "instrument"])
    checkin.save()
    if flags:
        _review_case_open(checkin, flags=flags, severity=severity)
    return checkin


def _review_case_open(checkin: CheckIn, *, flags: list[str], severity: int) -> ReviewCase:
    opened = checkin.submitted_at
    due = timezone.localtime(opened).date() + timedelta(days=DUE_DAYS_BY_SEVERITY[severity])
    case = ReviewCase.objects.create(
        checkin=checkin,
        person=checkin.person,
        severity=severity,
        flags=flags,
        due_on=due,
        opened_at=opened,
        updated_at=opened,
    )
    url = reverse("wellbeing:case", args=[case.pk])
    for lead in _leads_covering(checkin.person):
        _tell(
            lead,
            kind=KIND_REVIEW,
            title=gettext_noop("A check-in needs review"),
            body=gettext_noop(
                "A check-in in your review queue needs a response. Open it on the platform."
            ),
            url=url,
            key=f"wellbeing-case:{case.pk}",
        )
    return case


@transaction.atomic
def checkin_submit(
    *,
    actor: User,
    instrument_code: str | None,
    answers: dict,
    free_text: str = "",
    wants_to_talk: bool = False,
    prompted_by: str = CheckIn.Prompt.SELF,
    submission_key: str,
) -> tuple[CheckIn, bool]:
    """The person checks in. Returns (check-in, created); a second submit of the same form
    (same `submission_key`) returns the first check-in and changes nothing.

    An instrument is refused when the person's agency does not offer it, or while its recall
    period since their last answer has not passed (the questions would overlap).
    """
    _require_member(actor)
    submission_key = (submission_key or "").strip()[:64]
    if not submission_key:
        raise ValidationError(_("This form is incomplete. Please reload the page."))
    existing = CheckIn.objects.filter(person=actor, submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    if prompted_by not in CheckIn.Prompt.values:
        prompted_by = CheckIn.Prompt.SELF
    free_text = _clean_text(free_text, limit=FREE_TEXT_MAX, field="free_text")
    instrument = None
    if instrument_code:
        offered = {
            s.instrument.code: s for s in schedule_list_for_agency(agency_id=actor.agency_id)
        }
        if instrument_code not in offered:
            raise ValidationError(_("This questionnaire is not offered in your agency."))
        instrument = offered[instrument_code].instrument
        last = checkin_last_for_instrument(person=actor, code=instrument_code)
        if last is not None:
            again = timezone.localtime(last.submitted_at).date() + timedelta(
                days=instrument.recall_days
            )
            if again > timezone.localdate():
                raise ValidationError(
                    _(
                        "You answered this questionnaire recently. It asks about the last "
                        "%(days)s days, so it can be answered again from %(date)s."
                    )
                    % {"days": instrument.recall_days, "date": again.isoformat()}
                )
    try:
        with transaction.atomic():
            checkin = checkin_record(
                person=actor,
                instrument=instrument,
                answers=answers,
                free_text=free_text,
                wants_to_talk=wants_to_talk,
                prompted_by=prompted_by,
                submission_key=submission_key,
            )
    except IntegrityError:
        # The same form submitted twice at the same moment: the first one won.
        return CheckIn.objects.get(person=actor, submission_key=submission_key), False
    return checkin, True


def _lead_read(*, actor: User, action: str, target, person: User, request=None) -> None:
    """One audit row for a lead reading a person's wellbeing data (never the content)."""
    audit_record(actor=actor, action=action, target=target, subject_user=person, request=request)


def checkin_view_record(*, actor: User, checkin: CheckIn, request=None) -> None:
    """Audit a lead reading a check-in (the person reading their own is not recorded)."""
    _require(actor, "wellbeing.view_checkin", checkin)
    if checkin.person_id != actor.pk:
        _lead_read(
            actor=actor,
            action="wellbeing.checkin_viewed",
            target=checkin,
            person=checkin.person,
            request=request,
        )


# Review ----------------------------------------------------------------------------------


def review_case_view_record(*, actor: User, case: ReviewCase, request=None) -> None:
    _require(actor, "wellbeing.review_case", case)
    _lead_read(
        actor=actor,
        action="wellbeing.case_viewed",
        target=case,
        person=case.person,
        request=request,
    )


def review_queue_view_record(*, actor: User, cases, request=None) -> None:
    """One audit row per person listed on a queue page (a page holds at most 25)."""
    for case in cases:
        _lead_read(
            actor=actor,
            action="wellbeing.queue_listed",
            target=case,
            person=case.person,
            request=request,
        )


def person_view_record(*, actor: User, person: User, request=None) -> None:
    _require(actor, "wellbeing.view_person", person)
    _lead_read(
        actor=actor, action="wellbeing.person_viewed", target=person, person=person, request=request
    )


def _locked_case(actor: User, case: ReviewCase) -> ReviewCase:
    _require(actor, "wellbeing.review_case", case)
    return ReviewCase.objects.select_for_update().select_related("person").get(pk=case.pk)


@transaction.atomic
def review_case_status_set(
    *, actor: User, case: ReviewCase, status: str, request=None
) -> ReviewCase:
    locked = _locked_case(actor, case)
    if status not in ReviewCase.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    if status == locked.status:
        return locked
    now = timezone.now()
    locked.status = status
    locked.updated_at = now
    locked.closed_at = now if status == ReviewCase.Status.CLOSED else None
    locked.save(update_fields=["status", "updated_at", "closed_at"])
    ReviewEntry.objects.create(
        case=locked, author=actor, kind=ReviewEntry.Kind.STATUS, status=status, at=now
    )
    audit_record(
        actor=actor,
        action="wellbeing.case_status_changed",
        target=locked,
        subject_user=locked.person,
        request=request,
        details={"status": status},
    )
    return locked


@transaction.atomic
def review_note_add(*, actor: User, case: ReviewCase, text: str, request=None) -> ReviewEntry:
    """A confidential note (encrypted at rest). Notes are never edited: add another."""
    locked = _locked_case(actor, case)
    text = _clean_text(text, limit=NOTE_MAX, field="note")
    if not text:
        raise ValidationError({"note": _("Write the note first.")})
    now = timezone.now()
    entry = ReviewEntry.objects.create(
        case=locked, author=actor, kind=ReviewEntry.Kind.NOTE, note=text, at=now
    )
    locked.updated_at = now
    locked.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="wellbeing.note_added",
        target=locked,
        subject_user=locked.person,
        request=request,
    )
    return entry


@transaction.atomic
def review_follow_up_set(
    *, actor: User, case: ReviewCase, follow_up_on: date | None, request=None
) -> ReviewCase:
    """Plan (or clear, with None) a follow-up; the lead who sets it is reminded that day."""
    locked = _locked_case(actor, case)
    if follow_up_on is not None and follow_up_on < timezone.localdate():
        raise ValidationError({"follow_up_on": _("Choose today or a later date.")})
    if follow_up_on is not None and follow_up_on > timezone.localdate() + timedelta(days=366):
        raise ValidationError({"follow_up_on": _("Choose a date within the next year.")})
    now = timezone.now()
    locked.follow_up_on = follow_up_on
    locked.follow_up_by = actor if follow_up_on else None
    locked.updated_at = now
    locked.save(update_fields=["follow_up_on", "follow_up_by", "updated_at"])
    ReviewEntry.objects.create(
        case=locked,
        author=actor,
        kind=ReviewEntry.Kind.FOLLOW_UP,
        follow_up_on=follow_up_on,
        at=now,
    )
    audit_record(
        actor=actor,
        action="wellbeing.follow_up_set",
        target=locked,
        subject_user=locked.person,
        request=request,
    )
    return locked


@transaction.atomic
def adjustment_recommend(
    *, actor: User, person: User, case: ReviewCase | None = None, request=None
) -> AdjustmentFlag:
    """Set the non-clinical "adjustment recommended" flag. The person is told; their
    supervisors see the flag (and are told that there is one), nothing else."""
    _require(actor, "wellbeing.recommend_adjustment", person)
    active = (
        AdjustmentFlag.objects.select_for_update()
        .filter(person=person, cleared_at__isnull=True)
        .first()
    )
    if active is not None:
        return active
    flag = AdjustmentFlag.objects.create(person=person, set_by=actor)
    if case is not None and case.person_id == person.pk:
        ReviewEntry.objects.create(
            case=case, author=actor, kind=ReviewEntry.Kind.ADJUSTMENT, status="set"
        )
    audit_record(
        actor=actor,
        action="wellbeing.adjustment_set",
        target=flag,
        subject_user=person,
        request=request,
    )
    _tell(
        person,
        kind=KIND_ADJUSTMENT,
        title=gettext_noop("Your wellbeing lead recommends an adjustment"),
        body=gettext_noop(
            "Your wellbeing lead recommends an adjustment to your work. Your supervisors "
            "can see that an adjustment is recommended, and nothing else."
        ),
        url=reverse("wellbeing:home"),
        key=f"wellbeing-adjustment:{flag.pk}",
    )
    from accounts.models import Supervision

    supervisors = (
        User.objects.filter(
            is_active=True,
            supervisions__in=Supervision.objects.current().filter(
                unit__in=_unit_and_ancestors(person)
            ),
        )
        .exclude(pk=person.pk)
        .distinct()
    )
    for supervisor in supervisors:
        _tell(
            supervisor,
            kind=KIND_ADJUSTMENT,
            title=gettext_noop("An adjustment is recommended for someone you supervise"),
            body=gettext_noop(
                "A wellbeing lead recommends an adjustment to the work of someone in your "
                "team. Open your team's wellbeing flags on the platform to see who."
            ),
            url=reverse("wellbeing:team"),
            key=f"wellbeing-adjustment:{flag.pk}",
        )
    return flag


def _unit_and_ancestors(person: User) -> list[int]:
    if not person.unit_id:
        return []
    from accounts.models import Unit

    path = Unit.objects.filter(pk=person.unit_id).values_list("path", flat=True).first() or ""
    return [int(part) for part in path.strip("/").split("/") if part]


@transaction.atomic
def adjustment_clear(
    *, actor: User, person: User, case: ReviewCase | None = None, request=None
) -> AdjustmentFlag | None:
    _require(actor, "wellbeing.recommend_adjustment", person)
    active = (
        AdjustmentFlag.objects.select_for_update()
        .filter(person=person, cleared_at__isnull=True)
        .first()
    )
    if active is None:
        return None
    active.cleared_at = timezone.now()
    active.cleared_by = actor
    active.save(update_fields=["cleared_at", "cleared_by"])
    if case is not None and case.person_id == person.pk:
        ReviewEntry.objects.create(
            case=case, author=actor, kind=ReviewEntry.Kind.ADJUSTMENT, status="cleared"
        )
    audit_record(
        actor=actor,
        action="wellbeing.adjustment_cleared",
        target=active,
        subject_user=person,
        request=request,
    )
    return active


# Exposure --------------------------------------------------------------------------------

EXPOSURE_BACKDATE_DAYS = 31


@transaction.atomic
def exposure_log(
    *, actor: User, day: date, hours: Decimal, kind: str
) -> tuple[ExposureEntry, bool]:
    """Record hours of direct exposure. Returns (entry, went_over): went_over is True when
    this entry took the day over the agency's limit. Then, only if the person agreed, the
    leads covering their agency are told (once per day)."""
    _require_member(actor)
    today = timezone.localdate()
    if day > today:
        raise ValidationError({"day": _("You cannot log a day in the future.")})
    if day < today - timedelta(days=EXPOSURE_BACKDATE_DAYS):
        raise ValidationError(
            {"day": _("You can log up to %(days)s days back.") % {"days": EXPOSURE_BACKDATE_DAYS}}
        )
    if kind not in ExposureKind.values:
        raise ValidationError({"kind": _("Choose the kind of material.")})
    before = exposure_day_total(person=actor, day=day)
    if before + hours > 24:
        raise ValidationError(
            {
                "hours": _("That would make more than 24 hours on %(day)s.")
                % {"day": day.isoformat()}
            }
        )
    entry = ExposureEntry(person=actor, day=day, hours=hours, kind=kind)
    entry.full_clean(exclude=["person"])
    entry.save()
    limit = agency_settings_for(agency_id=actor.agency_id).exposure_limit_hours
    went_over = before <= limit < before + hours
    if went_over:
        preferences = PersonWellbeingSettings.objects.filter(person=actor).first()
        if preferences is not None and preferences.notify_lead_over_limit:
            url = reverse("wellbeing:person", args=[actor.pk])
            for lead in _leads_covering(actor):
                _tell(
                    lead,
                    kind=KIND_REVIEW,
                    title=gettext_noop("Someone you support went over the exposure limit"),
                    body=gettext_noop(
                        "Someone you support logged more hours of exposure than their "
                        "agency's daily limit, and asked that you be told. Open the platform "
                        "to see who."
                    ),
                    url=url,
                    key=f"wellbeing-exposure:{actor.pk}:{day.isoformat()}",
                )
    return entry, went_over


@transaction.atomic
def exposure_delete(*, actor: User, entry: ExposureEntry) -> None:
    if entry.person_id != actor.pk:
        raise PermissionDenied("not yours")
    entry.delete()


# Preferences and settings ----------------------------------------------------------------


@transaction.atomic
def person_settings_update(
    *, actor: User, notify_lead_over_limit: bool, reminders_enabled: bool
) -> PersonWellbeingSettings:
    _require_member(actor)
    row, _created = PersonWellbeingSettings.objects.get_or_create(person=actor)
    row.notify_lead_over_limit = notify_lead_over_limit
    row.reminders_enabled = reminders_enabled
    row.updated_at = timezone.now()
    row.save()
    return row


@transaction.atomic
def agency_settings_update(
    *,
    actor: User,
    agency: Agency,
    exposure_limit_hours: Decimal,
    retention_months: int,
    instruments: list[tuple[str, bool, int]],
    request=None,
) -> AgencyWellbeingSettings:
    """`instruments`: (code, offered, cadence_days) for current instruments. A cadence shorter
    than the instrument's recall period is refused."""
    _require(actor, "wellbeing.manage_agency_settings", agency)
    row = AgencyWellbeingSettings.objects.filter(agency=agency).first() or AgencyWellbeingSettings(
        agency=agency
    )
    row.exposure_limit_hours = exposure_limit_hours
    row.retention_months = retention_months
    row.updated_at = timezone.now()
    row.updated_by = actor
    row.full_clean()
    row.save()
    current = {i.code: i for i in Instrument.objects.filter(is_current=True)}
    for code, enabled, cadence in instruments:
        instrument = current.get(code)
        if instrument is None:
            raise ValidationError(_("Unknown questionnaire."))
        if cadence < instrument.recall_days:
            raise ValidationError(
                {
                    f"cadence_{code}": _(
                        "%(name)s asks about the last %(days)s days: invite people every "
                        "%(days)s days or less often."
                    )
                    % {"name": instrument.short_name, "days": instrument.recall_days}
                }
            )
        AgencyInstrument.objects.update_or_create(
            agency=agency,
            instrument_code=code,
            defaults={"enabled": enabled, "cadence_days": cadence},
        )
    audit_record(
        actor=actor,
        action="wellbeing.settings_changed",
        target=agency,
        request=request,
        details={
            "exposure_limit_hours": str(exposure_limit_hours),
            "retention_months": retention_months,
            "instruments": [[c, e, d] for c, e, d in instruments],
        },
    )
    return row


# Self-care pages and contacts --------------------------------------------------------------


def _render_markdown(text: str) -> str:
    from courses.rendering import markdown_render_safe

    return markdown_render_safe(text)


@transaction.atomic
def resource_page_save(
    *,
    actor: User,
    agency: Agency,
    title: str,
    body: str,
    summary: str = "",
    ordering: int = 100,
    page: ResourcePage | None = None,
) -> ResourcePage:
    _require(actor, "wellbeing.edit_resources", agency)
    if page is not None and page.agency_id != agency.pk:
        raise PermissionDenied("other agency")
    page = page or ResourcePage(agency=agency)
    page.title = title.strip()
    page.summary = summary.strip()
    page.body = body.replace("\x00", "")
    page.body_html = _render_markdown(page.body)
    page.ordering = ordering
    page.updated_at = timezone.now()
    page.updated_by = actor
    page.full_clean()
    page.save()
    return page


@transaction.atomic
def resource_page_delete(*, actor: User, page: ResourcePage) -> None:
    _require(actor, "wellbeing.edit_resources", page.agency)
    page.delete()


@transaction.atomic
def support_contact_save(
    *, actor: User, agency: Agency, contact: SupportContact | None = None, **fields
) -> SupportContact:
    _require(actor, "wellbeing.edit_resources", agency)
    if contact is not None and contact.agency_id != agency.pk:
        raise PermissionDenied("other agency")
    contact = contact or SupportContact(agency=agency)
    for name in ("name", "description", "phone", "email", "availability", "ordering"):
        if name in fields:
            value = fields[name]
            setattr(contact, name, value.strip() if isinstance(value, str) else value)
    contact.updated_at = timezone.now()
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def support_contact_delete(*, actor: User, contact: SupportContact) -> None:
    _require(actor, "wellbeing.edit_resources", contact.agency)
    contact.delete()


# Aggregates --------------------------------------------------------------------------------


def aggregates_view_record(*, actor: User, agency: Agency, export: bool = False, request=None):
    _require(actor, "wellbeing.view_aggregates", agency)
    audit_record(
        actor=actor,
        action="wellbeing.aggregates_exported" if export else "wellbeing.aggregates_viewed",
        target=agency,
        request=request,
    )


# Privacy -----------------------------------------------------------------------------------


def wellbeing_data_export(user: User) -> dict:
    """The wellbeing part of "download my data": everything held about the person,
    including what wellbeing leads wrote about them."""

    def day(value):
        return value.isoformat() if value else None

    checkins = (
        CheckIn.objects.filter(person=user)
        .select_related("instrument")
        .order_by("submitted_at", "pk")
    )
    cases = (
        ReviewCase.objects.filter(person=user)
        .prefetch_related("entries__author")
        .order_by("opened_at", "pk")
    )
    return {
        "check_ins": [
            {
                "id": c.pk,
                "submitted": c.submitted_at.isoformat(),
                "instrument": f"{c.instrument.code} {c.instrument.version}"
                if c.instrument
                else None,
                "answers": c.answers,
                "scores": c.result.get("scales", {}),
                "bands": c.result.get("bands", {}),
                "flags": c.result.get("flags", []),
                "free_text": c.free_text,
                "would_like_to_talk": c.wants_to_talk,
                "prompted_by": c.prompted_by,
            }
            for c in checkins
        ],
        "reviews": [
            {
                "check_in": case.checkin_id,
                "status": case.status,
                "opened": case.opened_at.isoformat(),
                "respond_by": day(case.due_on),
                "follow_up": day(case.follow_up_on),
                "closed": day(case.closed_at),
                "entries": [
                    {
                        "at": e.at.isoformat(),
                        "by": e.author.get_full_name() if e.author else None,
                        "kind": e.kind,
                        "status": e.status,
                        "follow_up": day(e.follow_up_on),
                        "note": e.note,
                    }
                    for e in case.entries.all()
                ],
            }
            for case in cases
        ],
        "exposure": [
            {"day": e.day.isoformat(), "hours": str(e.hours), "kind": e.kind}
            for e in ExposureEntry.objects.filter(person=user).order_by("day", "created_at")
        ],
        "adjustment_recommendations": [
            {"set": f.set_at.isoformat(), "cleared": day(f.cleared_at)}
            for f in AdjustmentFlag.objects.filter(person=user).order_by("set_at")
        ],
        "preferences": {
            "tell_lead_over_exposure_limit": bool(
                PersonWellbeingSettings.objects.filter(
                    person=user, notify_lead_over_limit=True
                ).exists()
            ),
            "reminders": not PersonWellbeingSettings.objects.filter(
                person=user, reminders_enabled=False
            ).exists(),
        },
    }


def wellbeing_data_erase(user: User) -> None:
    """Delete everything wellbeing holds about the person (check-ins with their reviews and
    notes, exposure, adjustment flags, preferences). Audit rows stay: they hold no content."""
    CheckIn.objects.filter(person=user).delete()
    ReviewCase.objects.filter(person=user).delete()
    ExposureEntry.objects.filter(person=user).delete()
    AdjustmentFlag.objects.filter(person=user).delete()
    PersonWellbeingSettings.objects.filter(person=user).delete()


def wellbeing_own_export(*, actor: User, request=None) -> dict:
    _require_member(actor)
    audit_record(actor=actor, action="wellbeing.exported", subject_user=actor, request=request)
    return {
        "exported_at": timezone.now().isoformat(),
        "person": actor.email,
        "wellbeing": wellbeing_data_export(actor),
    }


@transaction.atomic
def wellbeing_own_erase(*, actor: User, request=None) -> None:
    _require_member(actor)
    wellbeing_data_erase(actor)
    audit_record(actor=actor, action="wellbeing.erased", subject_user=actor, request=request)


# Periodic jobs -----------------------------------------------------------------------------


def checkin_reminders_plan(*, day: date) -> dict | None:
    """Once a day: enqueue reminder chunks (500 people each) for everyone who may have a
    check-in due. None when `day` already ran."""
    from .tasks import reminders_send_chunk

    with transaction.atomic():
        run = job_run_claim(job=REMINDER_JOB, period=day.isoformat())
        if run is None:
            return None
        opted_out = PersonWellbeingSettings.objects.filter(reminders_enabled=False).values(
            "person_id"
        )
        ids = list(
            User.objects.filter(
                is_active=True, vetting_status=User.Vetting.APPROVED, agency__isnull=False
            )
            .exclude(pk__in=opted_out)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        chunks = [ids[i : i + REMINDER_CHUNK_SIZE] for i in range(0, len(ids), REMINDER_CHUNK_SIZE)]
        for chunk in chunks:
            reminders_send_chunk.delay_on_commit(person_ids=chunk, day=day.isoformat())
        result = {"people": len(ids), "chunks": len(chunks)}
        job_run_finish(run=run, result=result)
    return result


def checkin_reminders_send(*, person_ids: list[int], day: date) -> int:
    """Remind each person whose check-in is due on `day`: on the due date, then once more
    every cadence while it stays undone. Idempotent (one key per person, instrument and
    window). Returns how many reminders were new."""
    people = list(
        User.objects.filter(pk__in=person_ids, is_active=True, agency__isnull=False).only(
            "pk", "agency_id", "date_joined", "preferred_language", "email", "is_active"
        )
    )
    last = {
        (row["person_id"], row["instrument__code"]): row["last"]
        for row in CheckIn.objects.filter(person_id__in=person_ids, instrument__isnull=False)
        .values("person_id", "instrument__code")
        .annotate(last=Max("submitted_at"))
    }
    schedules: dict[int | None, list] = {}
    sent = 0
    url = reverse("wellbeing:checkin")
    for person in people:
        if person.agency_id not in schedules:
            schedules[person.agency_id] = schedule_list_for_agency(agency_id=person.agency_id)
        for schedule in schedules[person.agency_id]:
            code = schedule.instrument.code
            previous = last.get((person.pk, code))
            if previous is not None:
                due_on = timezone.localtime(previous).date() + timedelta(days=schedule.cadence_days)
            else:
                due_on = timezone.localtime(person.date_joined).date()
            if due_on > day:
                continue
            window = (day - due_on).days // schedule.cadence_days
            key = f"wellbeing-due:{code}:{due_on.isoformat()}:{window}"
            with translation.override(person.preferred_language or "en"):
                made = notification_send(
                    user=person,
                    kind=KIND_REMINDER,
                    title=_("Time for your wellbeing check-in"),
                    body=_(
                        "Your %(name)s check-in is due. It takes a few minutes. Only you and "
                        "your wellbeing lead can see your answers."
                    )
                    % {"name": schedule.instrument.short_name},
                    url=f"{url}?prompt=reminder",
                    key=key,
                )
            sent += made is not None
    return sent


def review_follow_ups_remind(*, day: date) -> dict | None:
    """Once a day: remind leads of follow-ups that fall due. None when `day` already ran."""
    run = job_run_claim(job=FOLLOW_UP_JOB, period=day.isoformat())
    if run is None:
        return None
    cases = (
        ReviewCase.objects.exclude(status=ReviewCase.Status.CLOSED)
        .filter(follow_up_on__isnull=False, follow_up_on__lte=day)
        .select_related("person", "follow_up_by")
    )
    sent = 0
    for case in cases:
        if case.follow_up_on is None:
            continue
        leads = _leads_covering(case.person)
        owner = [lead for lead in leads if lead.pk == case.follow_up_by_id]
        for lead in owner or leads:
            _tell(
                lead,
                kind=KIND_REVIEW,
                title=gettext_noop("A follow-up you planned is due"),
                body=gettext_noop(
                    "A follow-up you planned in your review queue is due. Open it on the platform."
                ),
                url=reverse("wellbeing:case", args=[case.pk]),
                key=f"wellbeing-followup:{case.pk}:{case.follow_up_on.isoformat()}",
            )
            sent += 1
    result = {"reminded": sent}
    job_run_finish(run=run, result=result)
    return result


def months_before(moment: datetime, months: int) -> datetime:
    years, month_index = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month_index + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def checkins_purge_expired(*, now: datetime | None = None) -> dict | None:
    """Once a day: delete check-ins (with their reviews and notes), exposure records and
    cleared adjustment flags older than each agency's retention period. None when today's
    run already happened."""
    now = now or timezone.now()
    run = job_run_claim(job=RETENTION_JOB, period=now.date().isoformat())
    if run is None:
        return None
    months_by_agency = dict(
        AgencyWellbeingSettings.objects.values_list("agency_id", "retention_months")
    )
    default = AgencyWellbeingSettings._meta.get_field("retention_months").default
    counts = {"check_ins": 0, "exposure": 0, "adjustments": 0}
    groups: dict[int, list[int | None]] = {}
    for agency_id in Agency.objects.values_list("pk", flat=True):
        groups.setdefault(months_by_agency.get(agency_id, default), []).append(agency_id)
    groups.setdefault(default, []).append(None)
    for months, agency_ids in groups.items():
        cutoff = months_before(now, months)
        ids = [a for a in agency_ids if a is not None]
        people = Q(person__agency_id__in=ids)
        if None in agency_ids:
            people |= Q(person__agency__isnull=True)
        with transaction.atomic():
            counts["check_ins"] += (
                CheckIn.objects.filter(people, submitted_at__lt=cutoff)
                .delete()[1]
                .get("wellbeing.CheckIn", 0)
            )
            counts["exposure"] += ExposureEntry.objects.filter(
                people, day__lt=cutoff.date()
            ).delete()[0]
            counts["adjustments"] += AdjustmentFlag.objects.filter(
                people, cleared_at__lt=cutoff
            ).delete()[0]
    audit_record(actor=None, action="wellbeing.retention_purged", details=counts)
    job_run_finish(run=run, result=counts)
    return counts


# Key rotation ----------------------------------------------------------------------------

ENCRYPTED_FIELDS = ((CheckIn, "free_text"), (ReviewEntry, "note"))


def encrypted_texts_rotate(*, chunk: int = 500) -> dict[str, tuple[int, int]]:
    """Re-encrypt every stored token under the newest key; returns {label: (done,
    unreadable)}. Reads and writes the raw tokens, never the plaintext."""
    from cryptography.fernet import InvalidToken
    from django.db.models import TextField, Value
    from django.db.models.functions import Cast

    from .crypto import token_rotate

    counts = {}
    for model, field in ENCRYPTED_FIELDS:
        done = unreadable = 0
        last_pk = 0
        while True:
            rows = list(
                model.objects.filter(pk__gt=last_pk)
                .exclude(**{field: ""})
                .annotate(raw=Cast(field, TextField()))
                .order_by("pk")
                .values_list("pk", "raw")[:chunk]
            )
            if not rows:
                break
            with transaction.atomic():
                for pk, raw in rows:
                    try:
                        token = token_rotate(raw)
                    except InvalidToken:
                        unreadable += 1
                        continue
                    model.objects.filter(pk=pk).update(
                        **{field: Value(token, output_field=TextField())}
                    )
                    done += 1
            last_pk = rows[-1][0]
        counts[f"{model._meta.label}.{field}"] = (done, unreadable)
    return counts
