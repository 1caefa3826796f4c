"""Recertification: refresher policies, renewal and change-driven refreshers, and their
completion (a new certificate cycle, or a restored expiry).

Reminders about all of this live in courses.services.reminders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import audit_record

from ..models import (
    Certificate,
    Course,
    Enrolment,
    LessonVersion,
    Module,
    ModuleProgress,
    ModuleVersion,
    QuizAttempt,
    Refresher,
    RefresherLesson,
    RefresherPolicy,
    published_modules_q,
)
from ._common import require
from .enrolment_state import enrolment_state_refresh

State = Enrolment.State
CERTIFIED_STATES = (State.CERTIFIED, State.WINDOW_OPEN)
# States in which a learner may renew: the window is open, or the certificate has lapsed.
RENEWABLE_STATES = (State.WINDOW_OPEN, State.EXPIRED)


# --- Policy -------------------------------------------------------------------------------


@transaction.atomic
def refresher_policy_save(
    *,
    actor: User,
    course: Course,
    validity_months: int,
    window_days: int,
    expiry_basis: str,
    minimum_active_months: int = 0,
    refresher_modules: Iterable[Module] = (),
) -> RefresherPolicy:
    """Create or change a course's refresher policy. Certificates already issued keep their
    expiry; their renewal window follows the new policy at once."""
    require(actor, "courses.edit_course", course)
    modules = list(refresher_modules)
    if any(module.course_id != course.pk for module in modules):
        raise ValidationError({"refresher_modules": _("Choose modules of this course.")})
    policy = RefresherPolicy.objects.filter(course=course).first() or RefresherPolicy(course=course)
    policy.validity_months = validity_months
    policy.window_days = window_days
    policy.expiry_basis = expiry_basis
    policy.minimum_active_months = minimum_active_months
    policy.updated_at = timezone.now()
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    policy.refresher_modules.set(modules)
    course.refresher_policy = policy
    certified = Enrolment.objects.filter(course=course, expires_on__isnull=False)
    ids = list(certified.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        enrolment_state_refresh(ids=ids[start : start + 500])
    audit_record(
        actor=actor,
        action="courses.refresher_policy_save",
        target=course,
        details={
            "validity_months": validity_months,
            "window_days": window_days,
            "expiry_basis": expiry_basis,
            "minimum_active_months": minimum_active_months,
            "refresher_modules": [module.pk for module in modules],
        },
    )
    return policy


def refresher_policy_for(course: Course) -> RefresherPolicy | None:
    try:
        return course.refresher_policy
    except RefresherPolicy.DoesNotExist:
        return None


# --- Shared steps -------------------------------------------------------------------------


def _base_lessons(module_version_ids: Iterable[int]) -> list[LessonVersion]:
    return list(
        LessonVersion.objects.filter(
            module_version_id__in=list(module_version_ids), language="", jurisdiction=""
        )
        .select_related("module_version__module")
        .order_by("module_version__module__position", "position")
    )


def _current_certificate(enrolment: Enrolment) -> Certificate | None:
    return (
        Certificate.objects.filter(
            user_id=enrolment.user_id, course_id=enrolment.course_id, revoked_at__isnull=True
        )
        .order_by("-issued_at", "-pk")
        .first()
    )


def _reminders_wake_for(refresher_ids: list[int]) -> None:
    """Tell learners about new refreshers through the reminder outbox (one row each,
    dispatched in chunks after commit), never one email per learner inline."""
    from .reminders import refresher_notices_plan

    refresher_notices_plan(refresher_ids=refresher_ids)


# --- Renewal ------------------------------------------------------------------------------


@transaction.atomic
def refresher_renewal_start(*, actor: User, course: Course) -> Refresher:
    """Start renewing the actor's certificate for `course`. While the window is open and the
    course has a refresher path, the refresher covers that path's lessons; otherwise (the
    certificate has expired, or there is no shorter path) every lesson of the course.
    Starting twice returns the refresher already open."""
    require(actor, "courses.view_course", course)
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("course")
        .filter(user=actor, course=course)
        .first()
    )
    if enrolment is None:
        raise ValidationError(_("Enrol in the course first."))
    enrolment_state_refresh(enrolments=[enrolment])
    if enrolment.state not in RENEWABLE_STATES:
        raise ValidationError(_("This certificate cannot be renewed yet."))
    open_one = (
        Refresher.objects.open().filter(enrolment=enrolment, kind=Refresher.Kind.RENEWAL).first()
    )
    if open_one:
        return open_one
    policy = refresher_policy_for(course)
    modules = Module.objects.filter(published_modules_q(), course=course)
    short_path = enrolment.state == State.WINDOW_OPEN and policy is not None
    if short_path and policy is not None:
        chosen = modules.filter(pk__in=policy.refresher_modules.values("pk"))
        if chosen.exists():
            modules = chosen
        else:
            short_path = False
    lessons = _base_lessons(modules.values_list("current_version_id", flat=True))
    if not lessons:
        raise ValidationError(_("This course has nothing to take yet."))
    refresher = Refresher.objects.create(
        user=actor,
        course=course,
        enrolment=enrolment,
        kind=Refresher.Kind.RENEWAL,
        path=Certificate.Path.REFRESHER if short_path else Certificate.Path.FULL,
        due_on=enrolment.expires_on if enrolment.state == State.WINDOW_OPEN else None,
    )
    RefresherLesson.objects.bulk_create(
        [
            RefresherLesson(refresher=refresher, lesson_id=lv.lesson_id, position=n)
            for n, lv in enumerate(lessons, start=1)
        ]
    )
    return refresher


def _certificate_renew(*, refresher: Refresher, now) -> Certificate:
    """The next certificate cycle for a completed renewal; the earlier ones are kept."""
    from .learning import certificate_create

    enrolment = refresher.enrolment
    if enrolment.completed_at is None:
        enrolment.completed_at = now
        enrolment.save(update_fields=["completed_at"])
    return certificate_create(
        enrolment=enrolment,
        issued_at=now,
        title=gettext_lazy("Certificate renewed: %(title)s"),
        previous=_current_certificate(enrolment),
        path=refresher.path or Certificate.Path.FULL,
    )


# --- Change-driven refreshers -------------------------------------------------------------


def _changed_lessons(
    new: list[LessonVersion], old_hashes: dict[int, str] | None
) -> list[LessonVersion]:
    """Lessons of the new version whose text differs from the old one (or that are new).
    Without the old version (unknown), every lesson counts as changed."""
    if old_hashes is None:
        return new
    return [lv for lv in new if old_hashes.get(lv.lesson_id) != lv.content_hash]


@transaction.atomic
def module_version_refreshers_assign(*, actor: User, version: ModuleVersion) -> int:
    """Give everyone certified on an older version of a material change a refresher that
    covers only the lessons that changed, with the change summary and a due date
    (REFRESHER_CHANGE_DUE_DAYS). A critical change brings the certificate's expiry forward to
    that due date until the refresher is done. Idempotent: a second call adds nothing.
    Returns how many refreshers were created.

    Set-based: a few queries and bulk inserts whatever the number of learners."""
    module = version.module
    course = module.course
    require(actor, "courses.edit_course", course)
    if not version.is_material_change:
        return 0
    today = timezone.localdate()
    due_on = today + timedelta(days=settings.REFRESHER_CHANGE_DUE_DAYS)
    certified = dict(
        Enrolment.objects.filter(course=course, state__in=CERTIFIED_STATES).values_list(
            "user_id", "pk"
        )
    )
    if not certified:
        return 0
    already = set(
        Refresher.objects.filter(module_version=version, kind=Refresher.Kind.CHANGE).values_list(
            "user_id", flat=True
        )
    )
    learnt = dict(
        ModuleProgress.objects.filter(
            module=module, user_id__in=list(certified), completed_at__isnull=False
        ).values_list("user_id", "module_version_id")
    )
    # Everyone certified needs it, except whoever already learnt this version.
    todo = [uid for uid in certified if uid not in already and learnt.get(uid) != version.pk]
    if not todo:
        return 0
    new_lessons = _base_lessons([version.pk])
    old_ids = {learnt.get(uid) for uid in todo} - {None}
    old_hashes: dict[int, dict[int, str]] = defaultdict(dict)
    for lv in LessonVersion.objects.filter(
        module_version_id__in=old_ids, language="", jurisdiction=""
    ).only("module_version_id", "lesson_id", "content_hash"):
        old_hashes[lv.module_version_id][lv.lesson_id] = lv.content_hash
    lessons_by_user = {}
    for uid in todo:
        changed = _changed_lessons(
            new_lessons, old_hashes.get(learnt[uid]) if learnt.get(uid) else None
        )
        if changed:
            lessons_by_user[uid] = changed
    # Older change refreshers of this module still open are replaced by the new one (its
    # lessons are counted from what the learner last learnt, so they cover both changes) and
    # an expiry a critical one brought forward is carried over. Only for learners who get a
    # new one: whoever this version changes nothing for keeps theirs, and its expiry to give
    # back.
    replaced = Refresher.objects.open().filter(
        user_id__in=list(lessons_by_user),
        module_version__module=module,
        kind=Refresher.Kind.CHANGE,
    )
    carried = dict(
        replaced.filter(restore_expires_on__isnull=False).values_list(
            "user_id", "restore_expires_on"
        )
    )
    replaced.update(cancelled_at=timezone.now())
    rows = [
        Refresher(
            user_id=uid,
            course=course,
            enrolment_id=certified[uid],
            kind=Refresher.Kind.CHANGE,
            module_version=version,
            summary=version.change_summary,
            is_critical=version.is_critical_change,
            due_on=due_on,
            restore_expires_on=carried.get(uid),
        )
        for uid in lessons_by_user
    ]
    Refresher.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    made = list(
        Refresher.objects.filter(
            module_version=version, kind=Refresher.Kind.CHANGE, user_id__in=list(lessons_by_user)
        ).values_list("pk", "user_id")
    )
    RefresherLesson.objects.bulk_create(
        [
            RefresherLesson(refresher_id=pk, lesson_id=lv.lesson_id, position=n)
            for pk, uid in made
            for n, lv in enumerate(lessons_by_user[uid], start=1)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    if version.is_critical_change:
        _expiry_bring_forward(refresher_ids=[pk for pk, _uid in made], due_on=due_on)
    _reminders_wake_for([pk for pk, _uid in made])
    audit_record(
        actor=actor,
        action="courses.refreshers_assign",
        target=version,
        details={"refreshers": len(made), "critical": version.is_critical_change},
    )
    return len(made)


def _expiry_bring_forward(*, refresher_ids: list[int], due_on: date) -> None:
    """Critical change: the current certificate now expires on the refresher's due date
    (unless it expires sooner); the refresher remembers the date to give back."""
    refreshers = list(
        Refresher.objects.filter(pk__in=refresher_ids).select_related("enrolment__course")
    )
    enrolments = [r.enrolment for r in refreshers]
    from .enrolment_state import current_certificates_for

    current = current_certificates_for(enrolments)
    moved_certs, moved_refreshers = [], []
    for refresher in refreshers:
        certificate = current.get((refresher.user_id, refresher.course_id))
        if certificate is None or (certificate.expires_on and certificate.expires_on <= due_on):
            continue
        if refresher.restore_expires_on is None:
            # A certificate without expiry is given back as "no expiry" (the far sentinel).
            refresher.restore_expires_on = certificate.expires_on or date.max
            moved_refreshers.append(refresher)
        certificate.expires_on = due_on
        moved_certs.append(certificate)
    Certificate.objects.bulk_update(moved_certs, ["expires_on"], batch_size=500)
    Refresher.objects.bulk_update(moved_refreshers, ["restore_expires_on"], batch_size=500)
    enrolment_state_refresh(enrolments=enrolments)


# --- Progress and completion --------------------------------------------------------------


def _open_renewals(user: User) -> QuerySet[Refresher]:
    return Refresher.objects.open().filter(user=user, kind=Refresher.Kind.RENEWAL)


def renewal_started_for(*, user: User, module: Module) -> datetime | None:
    """When the learner's open renewal covering `module` started (its quiz is then taken
    again), or None."""
    return (
        _open_renewals(user)
        .filter(items__lesson__module=module)
        .values_list("created_at", flat=True)
        .first()
    )


def refresher_quizzes_pending(refresher: Refresher) -> list[Module]:
    """Modules of a renewal whose current quiz has not been passed since it started.
    Change refreshers cover lessons only."""
    if refresher.kind != Refresher.Kind.RENEWAL:
        return []
    modules = list(
        Module.objects.filter(
            pk__in=refresher.items.values("lesson__module"), current_version__isnull=False
        ).select_related("current_version")
    )
    passed = set(
        QuizAttempt.objects.filter(
            user_id=refresher.user_id,
            module__in=modules,
            passed=True,
            started_at__gte=refresher.created_at,
        ).values_list("module_id", flat=True)
    )
    return [
        m
        for m in modules
        if m.current_version is not None and m.current_version.has_quiz and m.pk not in passed
    ]


def _refreshers_finish(refresher_ids: list[int], now) -> list[Refresher]:
    """Complete those of `refresher_ids` with every lesson done (and, for a renewal, every
    quiz passed since it started)."""
    unfinished = set(
        RefresherLesson.objects.filter(
            refresher_id__in=refresher_ids, completed_at__isnull=True
        ).values_list("refresher_id", flat=True)
    )
    done = []
    for refresher in Refresher.objects.select_for_update().filter(
        pk__in=[pk for pk in refresher_ids if pk not in unfinished], completed_at__isnull=True
    ):
        if refresher_quizzes_pending(refresher):
            continue
        refresher_complete(refresher=refresher, now=now)
        done.append(refresher)
    return done


def refresher_lessons_record(*, user: User, lesson_id: int) -> list[Refresher]:
    """The learner finished `lesson_id`: tick it on their open refreshers and complete those
    that are now done. Returns the refreshers completed now. Precondition: in a transaction."""
    now = timezone.now()
    open_items = RefresherLesson.objects.filter(
        refresher__user=user,
        refresher__completed_at__isnull=True,
        refresher__cancelled_at__isnull=True,
        lesson_id=lesson_id,
        completed_at__isnull=True,
    )
    refresher_ids = list(open_items.values_list("refresher_id", flat=True))
    if not refresher_ids:
        return []
    open_items.update(completed_at=now)
    return _refreshers_finish(refresher_ids, now)


def refresher_quiz_record(*, user: User, module: Module) -> list[Refresher]:
    """The learner passed `module`'s quiz: complete their open renewals covering it that
    are now done. Precondition: in a transaction."""
    ids = list(
        _open_renewals(user).filter(items__lesson__module=module).values_list("pk", flat=True)
    )
    return _refreshers_finish(ids, timezone.now()) if ids else []


def _version_learnt(refresher: Refresher, version: ModuleVersion) -> int:
    """The version a completed change refresher leaves the learner knowing. Its lessons can
    only be taken in the module's current version, which is later than the refresher's
    when a later change left it open (that change differed in nothing the learner had not
    learnt, e.g. it put back the old text): then the current version is what was presented
    and learnt. Only when the current version also changed lessons outside the refresher
    (the learner, no longer certified then, got no refresher for them) does the refresher's
    own version stay recorded, so that those lessons still count as not learnt."""
    current_id = (
        Module.objects.filter(pk=version.module_id)
        .values_list("current_version_id", flat=True)
        .get()
    )
    if current_id is None or current_id == version.pk:
        return version.pk
    taken = set(refresher.items.values_list("lesson_id", flat=True))
    hashes: dict[int, dict[int, str]] = defaultdict(dict)
    for lv in _base_lessons([version.pk, current_id]):
        if lv.lesson_id not in taken:
            hashes[lv.module_version_id][lv.lesson_id] = lv.content_hash
    unchanged = all(
        hashes[version.pk].get(lesson_id) == content_hash
        for lesson_id, content_hash in hashes[current_id].items()
    )
    return current_id if unchanged else version.pk


def refresher_complete(*, refresher: Refresher, now=None) -> Certificate | None:
    """Close a refresher whose lessons are all done (a system step). A renewal issues the
    next certificate; a change refresher records the version learnt (see
    `_version_learnt`) and gives back an expiry a critical change had brought forward.
    Returns the new certificate, if any."""
    now = now or timezone.now()
    refresher.completed_at = now
    refresher.save(update_fields=["completed_at"])
    refresher = Refresher.objects.select_related("enrolment__course", "user", "course").get(
        pk=refresher.pk
    )
    if refresher.kind == Refresher.Kind.RENEWAL:
        return _certificate_renew(refresher=refresher, now=now)
    version = refresher.module_version
    if version is not None:
        ModuleProgress.objects.filter(
            user_id=refresher.user_id, module_id=version.module_id
        ).update(module_version_id=_version_learnt(refresher, version))
    if refresher.restore_expires_on is not None:
        certificate = _current_certificate(refresher.enrolment)
        if certificate is not None:
            restored = refresher.restore_expires_on
            certificate.expires_on = None if restored == date.max else restored
            certificate.save(update_fields=["expires_on"])
    enrolment_state_refresh(enrolments=[refresher.enrolment])
    return None
