"""Writes for accounts: audit records, job-run claims, vetting, roles, sessions and privacy.

Every service acting for a person takes `actor` and checks the permission itself, so a view,
the admin, a task and the shell behave the same. `request` is passed only so the audit row
records where the action came from.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from importlib import import_module
from typing import Any

import rules
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Agency,
    AuditEvent,
    ErasureRequest,
    JobRun,
    Profession,
    Supervision,
    Unit,
    User,
    UserSession,
    WellbeingCoverage,
)
from .permissions import roles_grantable_by
from .registries import person_notify

logger = logging.getLogger(__name__)

INACTIVITY_JOB = "disable-inactive-accounts"
SESSION_PURGE_JOB = "session-purge-expired"


def _client_ip(request) -> str | None:
    if request is None:
        return None
    # The same address the login throttle uses: REMOTE_ADDR, or behind our proxies
    # (ALLAUTH_TRUSTED_PROXY_COUNT) the X-Forwarded-For entry the nearest of them added;
    # entries a client wrote itself are never trusted.
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: Any = None,
    subject_user: User | None = None,
    request=None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one audit row. `details` must never hold answers or other content."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else "system"),
        action=action,
        target_type=(target._meta.label_lower if target is not None else ""),
        target_id=(str(target.pk) if target is not None else ""),
        target_label=(str(target)[:254] if target is not None else ""),
        subject_user=subject_user,
        ip_address=_client_ip(request),
        details=details or {},
    )


def job_run_claim(*, job: str, period: str) -> JobRun | None:
    """Record that `job` runs for `period`; None when another beat or retry already did.

    The unique (job, period) row is written first, so two beats running by mistake, or a
    re-delivered task, do the work once (DESIGN section 6).
    """
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job, period=period)
    except IntegrityError:
        logger.info("job %s for %s already ran; skipping", job, period)
        return None


def job_run_finish(*, run: JobRun, result: dict | None = None) -> None:
    run.finished_at = timezone.now()
    run.result = result or {}
    run.save(update_fields=["finished_at", "result"])


# Permission helpers ------------------------------------------------------------------------


def _require(actor: User, perm: str, obj: Any = None) -> None:
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(perm)


def _forget_roles(user: User) -> None:
    user.__dict__.pop("_lms_roles", None)


# Sessions ----------------------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def user_session_track(*, user: User, session_key: str, user_agent: str = "") -> UserSession:
    """Remember that `session_key` belongs to `user` (so disabling can end it)."""
    tracked, _created = UserSession.objects.get_or_create(
        session_key=session_key, defaults={"user": user, "user_agent": user_agent[:200]}
    )
    return tracked


def user_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End every session of `user` (except `keep_session_key`); returns how many ended.

    Works with any session engine: each store deletes its own session.
    """
    tracked = UserSession.objects.filter(user=user)
    if keep_session_key:
        tracked = tracked.exclude(session_key=keep_session_key)
    keys = list(tracked.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _user_sessions_forget_ended(now) -> int:
    """Delete expired sessions and the tracking rows of sessions that no longer exist."""
    from django.contrib.sessions.models import Session

    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    Session.objects.filter(expire_date__lt=now).delete()
    live = Session.objects.values("session_key")
    deleted, _ = UserSession.objects.exclude(session_key__in=live).delete()
    return deleted


# Vetting -----------------------------------------------------------------------------------


def _unit_for(person: User, unit: Unit | None) -> Unit | None:
    if unit is not None and unit.agency_id != person.agency_id:
        raise ValidationError({"unit": _("Choose a unit of the person's own agency.")})
    return unit


@transaction.atomic
def user_approve(*, actor: User, person: User, unit: Unit | None = None, request=None) -> User:
    """Approve a pending (or previously refused) account, optionally placing it in a unit."""
    _require(actor, "accounts.vet_user", person)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.vetting_status == User.Vetting.APPROVED:
        raise ValidationError(_("This account is already approved."))
    person.unit = _unit_for(person, unit) or person.unit
    person.vetting_status = User.Vetting.APPROVED
    person.vetting_note = ""
    person.vetted_at = timezone.now()
    person.vetted_by = actor
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action="account.approved",
        target=person,
        subject_user=person,
        request=request,
        details={"unit": person.unit_id} if person.unit_id else {},
    )
    transaction.on_commit(lambda: _notify_approved(person))
    return person


def _notify_approved(person: User) -> None:
    from django.utils import translation

    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        person_notify(
            user=person,
            kind="account",
            title=_("Your account is approved"),
            body=_("Your agency's administrator approved your account. You can now sign in."),
            url="/",
            key=f"account-approved:{person.pk}:{person.vetted_at:%Y%m%d%H%M%S}",
        )


@transaction.atomic
def user_refuse(*, actor: User, person: User, reason: str, request=None) -> User:
    """Refuse a pending account. The person sees `reason` when they try to sign in."""
    _require(actor, "accounts.vet_user", person)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the person knows what to do next.")})
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.vetting_status != User.Vetting.PENDING:
        raise ValidationError(_("Only an account awaiting approval can be refused."))
    person.vetting_status = User.Vetting.REJECTED
    person.vetting_note = reason[:500]
    person.vetted_at = timezone.now()
    person.vetted_by = actor
    person.save(update_fields=["vetting_status", "vetting_note", "vetted_at", "vetted_by"])
    user_sessions_end(user=person)
    audit_record(
        actor=actor, action="account.refused", target=person, subject_user=person, request=request
    )
    return person


@transaction.atomic
def user_disable(*, actor: User | None, person: User, reason: str, request=None) -> User:
    """Disable an account and end all its sessions at once. `actor` None means the system
    (the inactivity job); every other caller is checked."""
    if actor is not None:
        _require(actor, "accounts.vet_user", person)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the account is disabled.")})
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(_("This account is already disabled."))
    person.is_active = False
    person.disabled_reason = reason[:200]
    person.save(update_fields=["is_active", "disabled_reason"])
    ended = user_sessions_end(user=person)
    audit_record(
        actor=actor,
        action="account.disabled",
        target=person,
        subject_user=person,
        request=request,
        details={"sessions_ended": ended},
    )
    return person


@transaction.atomic
def user_enable(*, actor: User | None, person: User, request=None) -> User:
    """Re-open a disabled account. `actor` None means an operator at the server console
    (`manage.py account_enable`), for example when the inactivity job locked out the only
    platform admin."""
    if actor is not None:
        _require(actor, "accounts.vet_user", person)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        raise ValidationError(_("This account is already active."))
    if person.email.endswith("@erased.invalid"):
        raise ValidationError(_("This account was erased at the person's request."))
    person.is_active = True
    person.disabled_reason = ""
    person.enabled_at = timezone.now()
    person.save(update_fields=["is_active", "disabled_reason", "enabled_at"])
    audit_record(
        actor=actor, action="account.enabled", target=person, subject_user=person, request=request
    )
    return person


@transaction.atomic
def user_unit_assign(*, actor: User, person: User, unit: Unit | None, request=None) -> User:
    _require(actor, "accounts.vet_user", person)
    person.unit = _unit_for(person, unit)
    person.save(update_fields=["unit"])
    audit_record(
        actor=actor,
        action="account.unit_assigned",
        target=person,
        subject_user=person,
        request=request,
        details={"unit": unit.pk if unit else None},
    )
    return person


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    agency: Agency,
    unit: Unit | None = None,
    profession: Profession | None = None,
    preferred_language: str = "en",
    request=None,
) -> User:
    """Create an approved account in `agency` and email the person a link to set their
    password (allauth's password-reset token, so the link dies once used)."""
    _require(actor, "accounts.manage_agency", agency)
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone already has an account with this email.")})
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationError({"unit": _("Choose a unit of the person's own agency.")})
    person = User(
        email=email,
        full_name=full_name.strip(),
        agency=agency,
        unit=unit,
        profession=profession,
        preferred_language=preferred_language,
        vetting_status=User.Vetting.APPROVED,
        vetted_at=timezone.now(),
        vetted_by=actor,
    )
    person.set_unusable_password()
    person.full_clean()
    person.save()
    # The link proves the address belongs to the person.
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    audit_record(
        actor=actor, action="account.invited", target=person, subject_user=person, request=request
    )
    from .tasks import invitation_send

    invitation_send.delay_on_commit(user_id=person.pk, inviter_id=actor.pk)  # type: ignore[attr-defined]
    return person


def user_invitation_resend(*, actor: User, person: User, request=None) -> None:
    _require(actor, "accounts.vet_user", person)
    if person.has_usable_password() or not person.is_active:
        raise ValidationError(_("This person has already set a password."))
    audit_record(
        actor=actor,
        action="account.invitation_resent",
        target=person,
        subject_user=person,
        request=request,
    )
    from .tasks import invitation_send

    invitation_send.delay_on_commit(user_id=person.pk, inviter_id=actor.pk)  # type: ignore[attr-defined]


def invitation_email_send(*, user_id: int, inviter_id: int | None = None) -> bool:
    """Email the set-your-password link; False when the invitation no longer applies."""
    from allauth.account.adapter import get_adapter
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse
    from django.utils import translation

    person = User.objects.select_related("agency").filter(pk=user_id, is_active=True).first()
    if person is None or person.has_usable_password():
        return False
    inviter = User.objects.filter(pk=inviter_id).first() if inviter_id else None
    key = f"{user_pk_to_url_str(person)}-{default_token_generator.make_token(person)}"
    path = reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"}
    ).replace("UID-KEY", key)
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        # render_mail, not send_mail: this runs in a worker, with no request or site.
        get_adapter().render_mail(
            "account/email/invitation",
            person.email,
            {
                "user": person,
                "inviter": inviter,
                "agency": person.agency,
                "invitation_url": settings.SITE_URL.rstrip("/") + path,
                "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            },
        ).send()
    return True


# Roles -------------------------------------------------------------------------------------


@transaction.atomic
def role_grant(*, actor: User, person: User, role: str, request=None) -> None:
    """Give `person` a global role (trainer, trends analyst; agency admin for platform admins).
    A privileged role means the person must set up two-step sign-in at their next request."""
    _require(actor, "accounts.vet_user", person)
    if role not in roles_grantable_by(actor):
        raise PermissionDenied(f"role {role}")
    if not (person.is_active and person.is_approved):
        raise ValidationError(_("Approve the account before giving it a role."))
    person.groups.add(Group.objects.get(name=role))
    _forget_roles(person)
    audit_record(
        actor=actor,
        action="role.granted",
        target=person,
        subject_user=person,
        request=request,
        details={"role": role},
    )


@transaction.atomic
def role_revoke(*, actor: User, person: User, role: str, request=None) -> None:
    _require(actor, "accounts.vet_user", person)
    if role not in roles_grantable_by(actor):
        raise PermissionDenied(f"role {role}")
    person.groups.remove(Group.objects.get(name=role))
    _forget_roles(person)
    audit_record(
        actor=actor,
        action="role.revoked",
        target=person,
        subject_user=person,
        request=request,
        details={"role": role},
    )


def _end_grant(grant: Supervision | WellbeingCoverage) -> None:
    """End a dated grant today: keep history unless it started today (then it never was)."""
    today = timezone.localdate()
    if grant.starts_on >= today:
        grant.delete()
    else:
        grant.ends_on = today - timedelta(days=1)
        grant.save(update_fields=["ends_on"])


def _dated_grant_start(
    *,
    actor: User,
    person: User,
    agency: Agency,
    model,
    fields: dict,
    action: str,
    details: dict,
    request,
):
    """Start a dated role grant today (idempotent: a current identical grant is returned)."""
    _require(actor, "accounts.vet_user", person)
    _require(actor, "accounts.manage_agency", agency)
    if not (person.is_active and person.is_approved):
        raise ValidationError(_("Approve the account before giving it a role."))
    existing = model.objects.current().filter(**fields).first()
    if existing is not None:
        return existing
    grant = model(**fields)
    grant.full_clean()
    grant.save()
    _forget_roles(person)
    audit_record(
        actor=actor,
        action=action,
        target=grant,
        subject_user=person,
        request=request,
        details=details,
    )
    return grant


def _dated_grant_stop(
    *, actor: User, grant, person: User, agency: Agency, action: str, details: dict, request
) -> None:
    _require(actor, "accounts.vet_user", person)
    _require(actor, "accounts.manage_agency", agency)
    audit_record(
        actor=actor,
        action=action,
        target=grant,
        subject_user=person,
        request=request,
        details=details,
    )
    _end_grant(grant)
    _forget_roles(person)


@transaction.atomic
def supervision_grant(*, actor: User, person: User, unit: Unit, request=None) -> Supervision:
    """`person` supervises `unit` (and every unit under it) from today."""
    if unit.agency_id != person.agency_id:
        raise ValidationError({"unit": _("Choose a unit of the person's own agency.")})
    return _dated_grant_start(
        actor=actor,
        person=person,
        agency=unit.agency,
        model=Supervision,
        fields={"supervisor": person, "unit": unit},
        action="supervision.granted",
        details={"unit": unit.pk},
        request=request,
    )


@transaction.atomic
def supervision_end(*, actor: User, supervision: Supervision, request=None) -> None:
    _dated_grant_stop(
        actor=actor,
        grant=supervision,
        person=supervision.supervisor,
        agency=supervision.unit.agency,
        action="supervision.ended",
        details={"unit": supervision.unit_id},
        request=request,
    )


@transaction.atomic
def wellbeing_coverage_grant(
    *, actor: User, person: User, agency: Agency, request=None
) -> WellbeingCoverage:
    """`person` becomes a wellbeing lead for everyone in `agency` from today."""
    return _dated_grant_start(
        actor=actor,
        person=person,
        agency=agency,
        model=WellbeingCoverage,
        fields={"lead": person, "agency": agency},
        action="wellbeing_coverage.granted",
        details={"agency": agency.pk},
        request=request,
    )


@transaction.atomic
def wellbeing_coverage_end(*, actor: User, coverage: WellbeingCoverage, request=None) -> None:
    _dated_grant_stop(
        actor=actor,
        grant=coverage,
        person=coverage.lead,
        agency=coverage.agency,
        action="wellbeing_coverage.ended",
        details={"agency": coverage.agency_id},
        request=request,
    )


# Own profile -------------------------------------------------------------------------------


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    full_name: str,
    preferred_language: str,
    jurisdiction: str,
    profession: Profession | None,
    unit: Unit | None = None,
) -> User:
    """A person edits their own details. The unit can be chosen only while none is set
    (after that, the agency admin moves people between units)."""
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    user.jurisdiction = jurisdiction.strip()
    user.profession = profession
    fields = ["full_name", "preferred_language", "jurisdiction", "profession"]
    if unit is not None and user.unit_id is None:
        user.unit = _unit_for(user, unit)
        fields.append("unit")
    user.full_clean()
    user.save(update_fields=fields)
    return user


def user_data_export(*, user: User, request=None) -> dict:
    """Everything the registered apps hold about `user` (the person asks for their own)."""
    from .privacy import privacy_export

    audit_record(actor=user, action="privacy.exported", subject_user=user, request=request)
    return {
        "exported_at": timezone.now().isoformat(),
        "person": user.email,
        "parts": privacy_export(user=user),
    }


@transaction.atomic
def erasure_request_open(*, user: User, reason: str = "") -> ErasureRequest:
    if ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.OPEN).exists():
        raise ValidationError(_("You already have an erasure request waiting."))
    erasure = ErasureRequest.objects.create(
        user=user, agency_id=user.agency_id, reason=(reason or "").strip()[:2000]
    )
    audit_record(actor=user, action="privacy.erasure_requested", target=erasure, subject_user=user)
    return erasure


@transaction.atomic
def erasure_request_withdraw(*, user: User, erasure_request: ErasureRequest) -> ErasureRequest:
    if erasure_request.user_id != user.pk:
        raise PermissionDenied("not yours")
    if erasure_request.status != ErasureRequest.Status.OPEN:
        raise ValidationError(_("This request has already been decided."))
    erasure_request.status = ErasureRequest.Status.WITHDRAWN
    erasure_request.decided_at = timezone.now()
    erasure_request.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=user, action="privacy.erasure_withdrawn", target=erasure_request, subject_user=user
    )
    return erasure_request


def _open_erasure(actor: User, erasure_request: ErasureRequest) -> ErasureRequest:
    _require(actor, "accounts.decide_erasure", erasure_request)
    locked = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
    if locked.status != ErasureRequest.Status.OPEN:
        raise ValidationError(_("This request has already been decided."))
    if locked.user_id == actor.pk:
        raise PermissionDenied("own request")
    return locked


@transaction.atomic
def erasure_request_complete(
    *, actor: User, erasure_request: ErasureRequest, request=None
) -> list[str]:
    """Erase the person's data in every registered app, end their sessions, and close the
    request. All or nothing."""
    from .privacy import privacy_erase

    locked = _open_erasure(actor, erasure_request)
    person = locked.user
    user_sessions_end(user=person)
    erased = privacy_erase(user=person)
    locked.status = ErasureRequest.Status.DONE
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="privacy.erased",
        target=locked,
        subject_user=person,
        request=request,
        details={"parts": erased},
    )
    return erased


@transaction.atomic
def erasure_request_decline(
    *, actor: User, erasure_request: ErasureRequest, note: str, request=None
) -> ErasureRequest:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Tell the person why, for example a legal hold.")})
    locked = _open_erasure(actor, erasure_request)
    locked.status = ErasureRequest.Status.DECLINED
    locked.decision_note = note[:500]
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decision_note", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="privacy.erasure_declined",
        target=locked,
        subject_user=locked.user,
        request=request,
    )
    return locked


# Periodic jobs -----------------------------------------------------------------------------


def user_list_inactive(*, now=None):
    """Active accounts whose last sign-in (or joining, or re-enabling) is older than
    ACCOUNT_INACTIVITY_DISABLE_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCOUNT_INACTIVITY_DISABLE_DAYS)
    last_activity = Greatest(
        Coalesce(F("last_login"), F("date_joined")),
        Coalesce(F("enabled_at"), F("date_joined")),
    )
    return (
        User.objects.filter(is_active=True)
        .alias(last_activity=last_activity)
        .filter(Q(last_activity__lt=cutoff))
    )


def users_disable_inactive(*, now=None) -> dict | None:
    """Disable every account unused for the configured number of days, once per day.

    None when this day's run already happened (a second beat or a retry)."""
    now = now or timezone.now()
    run = job_run_claim(job=INACTIVITY_JOB, period=now.date().isoformat())
    if run is None:
        return None
    days = settings.ACCOUNT_INACTIVITY_DISABLE_DAYS
    reason = f"not used for {days} days"
    disabled = 0
    for person_id in list(user_list_inactive(now=now).values_list("pk", flat=True)):
        with transaction.atomic():
            person = User.objects.select_for_update().get(pk=person_id)
            if not person.is_active:
                continue
            person.is_active = False
            person.disabled_reason = reason
            person.save(update_fields=["is_active", "disabled_reason"])
            user_sessions_end(user=person)
            audit_record(
                actor=None,
                action="account.disabled_inactive",
                target=person,
                subject_user=person,
                details={"days": days},
            )
            disabled += 1
    result = {"disabled": disabled}
    job_run_finish(run=run, result=result)
    logger.info("disabled %s accounts unused for %s days", disabled, days)
    return result


def user_sessions_purge_expired(*, now=None) -> dict | None:
    """Once a day: forget ended sessions. None when today's run already happened."""
    now = now or timezone.now()
    run = job_run_claim(job=SESSION_PURGE_JOB, period=now.date().isoformat())
    if run is None:
        return None
    result = {"forgotten": _user_sessions_forget_ended(now)}
    job_run_finish(run=run, result=result)
    return result


# Units -------------------------------------------------------------------------------------


@transaction.atomic
def unit_move(*, actor: User, unit: Unit, parent: Unit | None, request=None) -> Unit:
    """Put `unit` (with everything under it) under `parent`, rewriting the subtree's paths."""
    _require(actor, "accounts.manage_agency", unit.agency)
    if parent is not None and (
        parent.agency_id != unit.agency_id or parent.path.startswith(unit.path)
    ):
        raise ValidationError({"parent": _("A unit cannot sit under itself or another agency.")})
    old_path = unit.path
    unit.parent = parent
    unit.full_clean()
    unit.save()
    for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
        child.path = unit.path + child.path[len(old_path) :]
        child.save(update_fields=["path"])
    audit_record(actor=actor, action="unit.moved", target=unit, request=request)
    return unit
