"""Writes for learning: enrolment, assignment (by hand and by rule), progress, completion,
certificates and learner preferences."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import audit_record
from notifications.services import notification_send

from ..models import (
    AssignmentRule,
    Certificate,
    Course,
    Enrolment,
    LearnerPreference,
    LessonProgress,
    LessonVersion,
    Module,
    ModuleProgress,
    published_modules_q,
)
from ._common import require
from .enrolment_state import enrolment_state_refresh

# --- Enrolment ----------------------------------------------------------------------------


@transaction.atomic
def enrolment_self_create(*, actor: User, course: Course) -> Enrolment:
    """Join an open, published course of your audience. Enrolling twice changes nothing."""
    existing = Enrolment.objects.filter(user=actor, course=course).first()
    if existing:
        return existing
    require(actor, "courses.enrol_course", course)
    return Enrolment.objects.create(user=actor, course=course, source=Enrolment.Source.SELF)


def _assignment_notify(enrolment: Enrolment) -> None:
    course = enrolment.course
    if enrolment.due_on:
        body = gettext_lazy("Please complete it by %(date)s.") % {
            "date": enrolment.due_on.isoformat()
        }
    else:
        body = ""
    notification_send(
        user=enrolment.user,
        kind="courses.assigned",
        title=gettext_lazy("New course for you: %(title)s") % {"title": course.title},
        body=body,
        url=reverse("courses:course", args=[course.slug]),
        key=f"courses.assigned:{enrolment.pk}:{enrolment.due_on or ''}",
    )


@transaction.atomic
def enrolment_assign(
    *, actor: User, course: Course, people: Iterable[User], due_on: date | None = None
) -> list[Enrolment]:
    """Assign a published course, with an optional due date, to people `actor` may assign to
    (their supervised units, their agency, or anyone for a platform admin). An existing
    enrolment keeps its progress and gets the new due date."""
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(_("Only published courses can be assigned."))
    if due_on and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date is in the past.")})
    people = list(people)
    if not people:
        raise ValidationError(_("Choose at least one person."))
    for person in people:
        if not rules.has_perm("courses.assign_course", actor, person):
            raise PermissionDenied("courses.assign_course")
    enrolments = []
    for person in people:
        enrolment, created = Enrolment.objects.get_or_create(
            user=person,
            course=course,
            defaults={"source": Enrolment.Source.ASSIGNED, "assigned_by": actor, "due_on": due_on},
        )
        if not created and (enrolment.due_on != due_on or enrolment.source == "self"):
            enrolment.due_on = due_on
            enrolment.assigned_by = actor
            enrolment.source = Enrolment.Source.ASSIGNED
            enrolment.save(update_fields=["due_on", "assigned_by", "source"])
        if not enrolment.completed_at:
            _assignment_notify(enrolment)
        audit_record(
            actor=actor,
            action="courses.assign",
            target=course,
            subject_user=person,
            details={"due_on": due_on.isoformat() if due_on else None},
        )
        enrolments.append(enrolment)
    enrolment_state_refresh(enrolments=enrolments)
    return enrolments


@transaction.atomic
def assignment_rule_create(
    *, actor: User, course: Course, agency, profession, due_in_days: int | None = None
) -> AssignmentRule:
    """Everyone of `profession` in `agency` is assigned `course`: the people there now at
    once, newcomers by the periodic courses.assignment_rules_apply job."""
    require(actor, "courses.manage_rules")
    if not rules.has_perm("accounts.manage_agency", actor, agency):
        raise PermissionDenied("accounts.manage_agency")
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(_("Only published courses can be assigned."))
    rule, _created = AssignmentRule.objects.update_or_create(
        course=course,
        agency=agency,
        profession=profession,
        defaults={"due_in_days": due_in_days, "is_active": True, "created_by": actor},
    )
    audit_record(actor=actor, action="courses.rule_create", target=rule)
    assignment_rules_apply(rule_ids=[rule.pk])
    return rule


@transaction.atomic
def assignment_rule_deactivate(*, actor: User, rule: AssignmentRule) -> AssignmentRule:
    """Stop assigning to newcomers; existing enrolments stay."""
    require(actor, "courses.manage_rules")
    if not rules.has_perm("accounts.manage_agency", actor, rule.agency):
        raise PermissionDenied("accounts.manage_agency")
    rule.is_active = False
    rule.save(update_fields=["is_active"])
    audit_record(actor=actor, action="courses.rule_deactivate", target=rule)
    return rule


def assignment_rules_apply(*, rule_ids: Iterable[int] | None = None) -> int:
    """Create the missing enrolments for active rules, set-based: one query finds who lacks
    an enrolment, one bulk insert adds them. Idempotent (the unique (user, course) pair makes
    a concurrent run harmless). Returns how many enrolments were created."""
    active = AssignmentRule.objects.filter(
        is_active=True, course__status=Course.Status.PUBLISHED
    ).select_related("course")
    if rule_ids is not None:
        active = active.filter(pk__in=list(rule_ids))
    today = timezone.localdate()
    created = 0
    for rule in active:
        people = (
            User.objects.filter(
                agency_id=rule.agency_id,
                profession_id=rule.profession_id,
                is_active=True,
                vetting_status=User.Vetting.APPROVED,
            )
            .exclude(enrolments__course_id=rule.course_id)
            .values_list("pk", flat=True)
        )
        due = today + timedelta(days=rule.due_in_days) if rule.due_in_days else None
        rows = [
            Enrolment(
                user_id=pk,
                course_id=rule.course_id,
                source=Enrolment.Source.RULE,
                rule=rule,
                due_on=due,
            )
            for pk in people.iterator(chunk_size=500)
        ]
        if not rows:
            continue
        with transaction.atomic():
            made = Enrolment.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        created += len(made)
        for enrolment in Enrolment.objects.filter(
            rule=rule, user_id__in=[r.user_id for r in rows], completed_at__isnull=True
        ).select_related("course", "user"):
            _assignment_notify(enrolment)
    return created


# --- Progress -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonOutcome:
    module_completed: bool
    course_completed: bool
    certificate: Certificate | None
    suggest_pause: bool
    refreshers_completed: int = 0


def _enrolment_for(actor: User, course: Course) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().filter(user=actor, course=course).first()
    if enrolment is None:
        raise ValidationError(_("Enrol in the course first."))
    return enrolment


@transaction.atomic
def lesson_warning_acknowledge(*, actor: User, lesson_version: LessonVersion) -> LessonProgress:
    """The learner read the content warning and chose to continue."""
    course = lesson_version.module_version.module.course
    require(actor, "courses.view_course", course)
    enrolment = _enrolment_for(actor, course)
    now = timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(
        user=actor, lesson_id=lesson_version.lesson_id
    )
    progress.warning_acknowledged_at = now
    progress.last_opened_at = now
    progress.save(update_fields=["warning_acknowledged_at", "last_opened_at"])
    _enrolment_touch(enrolment, lesson_version.lesson_id)
    return progress


@transaction.atomic
def lesson_postpone(*, actor: User, lesson_version: LessonVersion) -> LessonProgress:
    """The learner chose to come back to a lesson with a content warning later."""
    course = lesson_version.module_version.module.course
    require(actor, "courses.view_course", course)
    _enrolment_for(actor, course)
    progress, _created = LessonProgress.objects.get_or_create(
        user=actor, lesson_id=lesson_version.lesson_id
    )
    progress.postponed_at = timezone.now()
    progress.save(update_fields=["postponed_at"])
    return progress


def _enrolment_touch(enrolment: Enrolment, lesson_id: int | None) -> None:
    fields = ["last_lesson"]
    enrolment.last_lesson_id = lesson_id
    started = enrolment.started_at is None
    if started:
        enrolment.started_at = timezone.now()
        fields.append("started_at")
    enrolment.save(update_fields=fields)
    if started:
        enrolment_state_refresh(enrolments=[enrolment])


@transaction.atomic
def lesson_complete(*, actor: User, lesson_version: LessonVersion) -> LessonOutcome:
    """Mark a lesson done, then the module and the course when they are complete. Completing
    a lesson twice changes nothing."""
    module = lesson_version.module_version.module
    course = module.course
    require(actor, "courses.view_course", course)
    enrolment = _enrolment_for(actor, course)
    module = Module.objects.select_related("current_version").get(pk=module.pk)
    if lesson_version.module_version_id != module.current_version_id:
        raise ValidationError(_("This lesson has been updated. Open it again to continue."))
    progress, _created = LessonProgress.objects.get_or_create(
        user=actor, lesson_id=lesson_version.lesson_id
    )
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.module_version_id = lesson_version.module_version_id
        progress.save(update_fields=["completed_at", "module_version"])
    _enrolment_touch(enrolment, lesson_version.lesson_id)
    module_done = module_progress_refresh(user=actor, module=module)
    certificate = enrolment_completion_check(enrolment=enrolment)
    from .recertification import refresher_lessons_record

    refreshed = refresher_lessons_record(user=actor, lesson_id=lesson_version.lesson_id)
    return LessonOutcome(
        module_completed=module_done,
        course_completed=certificate is not None,
        certificate=certificate,
        suggest_pause=lesson_version.exposure_level >= 2,
        refreshers_completed=len(refreshed),
    )


def module_progress_refresh(*, user: User, module: Module) -> bool:
    """Complete the module when every lesson of its current version is done and its quiz (if
    any) is passed. Returns whether it is complete. Precondition: inside a transaction."""
    version = module.current_version
    if version is None:
        return False
    progress, _created = ModuleProgress.objects.get_or_create(user=user, module=module)
    if progress.completed_at:
        return True
    lesson_ids = set(
        LessonVersion.objects.filter(
            module_version=version, language="", jurisdiction=""
        ).values_list("lesson_id", flat=True)
    )
    done = set(
        LessonProgress.objects.filter(
            user=user, lesson_id__in=lesson_ids, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    if done != lesson_ids or (version.has_quiz and progress.quiz_passed_at is None):
        return False
    progress.completed_at = timezone.now()
    progress.module_version = version
    progress.save(update_fields=["completed_at", "module_version"])
    return True


def enrolment_completion_check(*, enrolment: Enrolment) -> Certificate | None:
    """Complete the enrolment (and issue the certificate) when every published module of the
    course is complete. Returns the certificate when the course became complete now."""
    if enrolment.completed_at:
        return None
    module_ids = set(
        Module.objects.filter(published_modules_q(), course_id=enrolment.course_id).values_list(
            "pk", flat=True
        )
    )
    if not module_ids:
        return None
    complete = set(
        ModuleProgress.objects.filter(
            user_id=enrolment.user_id, module_id__in=module_ids, completed_at__isnull=False
        ).values_list("module_id", flat=True)
    )
    if complete != module_ids:
        return None
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["completed_at"])
    return certificate_issue(enrolment=enrolment)


# --- Certificates -------------------------------------------------------------------------

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def certificate_code_new() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def certificate_expiry_for(
    *, course: Course, completed_at, previous_expires_on: date | None = None
) -> date | None:
    """The last valid day of a certificate completed at `completed_at` under the course's
    refresher policy (a renewal passes the expiry it renews), or None without a policy."""
    policy = getattr(course, "refresher_policy", None)
    if policy is None:
        return None
    return policy.expiry_for(completed_at=completed_at, previous_expires_on=previous_expires_on)


def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    """Issue the certificate for a completed enrolment (a system action; idempotent)."""
    existing = Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True).first()
    if existing:
        return existing
    if enrolment.completed_at is None:
        raise ValidationError(_("The course is not complete."))
    return certificate_create(
        enrolment=enrolment,
        issued_at=enrolment.completed_at,
        title=gettext_lazy("Certificate issued: %(title)s"),
    )


def certificate_create(
    *,
    enrolment: Enrolment,
    issued_at,
    title,
    previous: Certificate | None = None,
    path: str = Certificate.Path.FULL,
) -> Certificate:
    """Write a certificate with its expiry from the refresher policy (a renewal passes the
    current certificate as `previous`), refresh the enrolment's state and tell the holder.
    `title` is a lazy "...: %(title)s" message. A system step: callers check completion and
    hold the enrolment's lock (as lesson and quiz completion do).

    The cycle follows the highest one the person ever had for the course, revoked ones
    included, so cycles keep increasing after a revocation."""
    course, user = enrolment.course, enrolment.user
    last_cycle = Certificate.objects.filter(user=user, course=course).aggregate(n=Max("cycle"))
    cycle = (last_cycle["n"] or 0) + 1
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    user=user,
                    course=course,
                    enrolment=enrolment,
                    code=certificate_code_new(),
                    holder_name=user.get_full_name(),
                    course_title=course.title,
                    cpd_hours=course.cpd_hours,
                    issued_at=issued_at,
                    expires_on=certificate_expiry_for(
                        course=course,
                        completed_at=issued_at,
                        previous_expires_on=previous.expires_on if previous else None,
                    ),
                    cycle=cycle,
                    path=path,
                )
            break
        except IntegrityError:  # a code collision: 32^12 makes this vanishingly rare
            continue
    else:  # pragma: no cover
        raise RuntimeError("could not find a free certificate code")
    enrolment_state_refresh(enrolments=[enrolment])
    notification_send(
        user=user,
        kind="courses.certificate",
        title=title % {"title": course.title},
        url=reverse("courses:certificate", args=[certificate.code]),
        key=f"courses.certificate:{certificate.pk}",
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    require(actor, "courses.edit_course", certificate.course)
    if not reason.strip():
        raise ValidationError({"revoked_reason": _("Give a reason.")})
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()[:300]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    enrolment_state_refresh(
        enrolments=Enrolment.objects.filter(
            user_id=certificate.user_id, course_id=certificate.course_id
        ).select_related("course")
    )
    audit_record(
        actor=actor,
        action="courses.certificate_revoke",
        target=certificate,
        subject_user=certificate.user,
    )
    return certificate


# --- Preferences --------------------------------------------------------------------------


@transaction.atomic
def learner_preference_set(*, actor: User, always_warn: bool, blur_images: bool):
    preference, _created = LearnerPreference.objects.update_or_create(
        user=actor, defaults={"always_warn": always_warn, "blur_images": blur_images}
    )
    return preference
