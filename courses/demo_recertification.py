"""Demo data for recertification (issue 4): refresher policies on the demo courses, and
demo learners with certificates in every state, so that `make run` shows them:

- officer@nps.example: "Encrypted and anonymising services" expires in 20 days (window open,
  the refresher path is offered) and "Self-care" is overdue;
- undercover@nps.example: "Case prioritisation" lapsed 12 days ago, with an earlier cycle
  in the history;
- examiner@nps.example: certified on "Encrypted and anonymising services" and overdue on a
  course update (a change-driven refresher);
- investigator@wfp.example: certified, valid for months.

The supervisor (supervisor@nps.example) sees the first two in the dashboard panel.
Idempotent: certificates have fixed codes, and nothing is created twice.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User

from .models import (
    Certificate,
    Course,
    Enrolment,
    LessonProgress,
    LessonVersion,
    Module,
    ModuleProgress,
    Refresher,
    RefresherLesson,
    RefresherPolicy,
    published_modules_q,
)

ENCRYPTED = "encrypted-and-anonymising-services"
TRIAGE = "case-prioritisation-shared-levels"
FOUNDATIONS = "foundations-online-child-protection"
SELF_CARE = "self-care-and-secondary-trauma"

POLICIES = {
    # slug: (validity months, window days, basis, refresher path = the last module)
    ENCRYPTED: (12, 60, "previous_expiry", True),
    TRIAGE: (24, 30, "completion", False),
    FOUNDATIONS: (36, 90, "completion", False),
}


def _policies(trainer: User, courses: dict[str, Course]) -> None:
    from .services import refresher_policy_save

    for slug, (months, window, basis, short_path) in POLICIES.items():
        course = courses.get(slug)
        if course is None or RefresherPolicy.objects.filter(course=course).exists():
            continue
        modules = list(Module.objects.filter(published_modules_q(), course=course))
        refresher_policy_save(
            actor=trainer,
            course=course,
            validity_months=months,
            window_days=window,
            expiry_basis=basis,
            refresher_modules=modules[-1:] if short_path else [],
        )


def _learnt(user: User, course: Course, when: datetime.datetime) -> Enrolment:
    """Everything of the course done at `when` (progress rows in bulk, no notifications)."""
    enrolment, _created = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"source": Enrolment.Source.SELF}
    )
    enrolment.started_at = enrolment.started_at or when
    enrolment.completed_at = enrolment.completed_at or when
    enrolment.save(update_fields=["started_at", "completed_at"])
    modules = list(
        Module.objects.filter(published_modules_q(), course=course).select_related(
            "current_version"
        )
    )
    lessons = LessonVersion.objects.filter(
        module_version__in=[m.current_version for m in modules], language="", jurisdiction=""
    ).values_list("lesson_id", "module_version_id")
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(user=user, lesson_id=lid, module_version_id=vid, completed_at=when)
            for lid, vid in lessons
        ],
        ignore_conflicts=True,
    )
    ModuleProgress.objects.bulk_create(
        [
            ModuleProgress(
                user=user,
                module=m,
                module_version=m.current_version,
                completed_at=when,
                quiz_passed_at=when if m.current_version and m.current_version.has_quiz else None,
            )
            for m in modules
        ],
        ignore_conflicts=True,
    )
    return enrolment


def _certificate(
    code: str, enrolment: Enrolment, *, issued: datetime.date, expires: datetime.date, cycle=1
) -> None:
    if Certificate.objects.filter(code=code).exists():
        return
    user, course = enrolment.user, enrolment.course
    Certificate.objects.create(
        user=user,
        course=course,
        enrolment=enrolment,
        code=code,
        holder_name=user.get_full_name(),
        course_title=course.title,
        cpd_hours=course.cpd_hours,
        issued_at=datetime.datetime.combine(issued, datetime.time(10), tzinfo=datetime.UTC),
        expires_on=expires,
        cycle=cycle,
    )


def _change_refresher(user: User, course: Course, enrolment: Enrolment, due: datetime.date):
    module = (
        Module.objects.filter(published_modules_q(), course=course)
        .select_related("current_version")
        .first()
    )
    if module is None or Refresher.objects.filter(user=user, kind="change").exists():
        return
    refresher = Refresher.objects.create(
        user=user,
        course=course,
        enrolment=enrolment,
        kind=Refresher.Kind.CHANGE,
        module_version=module.current_version,
        summary=(
            "Fictional demo update: providers now keep fewer logs by default, so the "
            "lesson on preservation requests has a new first step."
        ),
        due_on=due,
        created_at=timezone.now() - datetime.timedelta(days=35),
    )
    lesson_id = (
        LessonVersion.objects.filter(module_version=module.current_version, language="")
        .order_by("position")
        .values_list("lesson_id", flat=True)
        .first()
    )
    if lesson_id:
        RefresherLesson.objects.create(refresher=refresher, lesson_id=lesson_id, position=1)


def seed_recertification(trainer: User, courses: dict[str, Course]) -> None:
    from .services import enrolment_state_refresh

    _policies(trainer, courses)
    people = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    today = timezone.localdate()
    days = datetime.timedelta
    touched: list[Enrolment] = []

    def at(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)

    officer = people.get("officer@nps.example")
    if officer and ENCRYPTED in courses:
        expires = today + days(20)
        enrolment = _learnt(officer, courses[ENCRYPTED], at(expires - days(365)))
        _certificate("DEMO-SOON-0001", enrolment, issued=expires - days(365), expires=expires)
        touched.append(enrolment)
    if officer and SELF_CARE in courses:
        late, _ = Enrolment.objects.get_or_create(
            user=officer,
            course=courses[SELF_CARE],
            defaults={"source": Enrolment.Source.ASSIGNED, "due_on": today - days(4)},
        )
        touched.append(late)
    undercover = people.get("undercover@nps.example")
    if undercover and TRIAGE in courses:
        expired = today - days(12)
        enrolment = _learnt(undercover, courses[TRIAGE], at(expired - days(730)))
        first = expired - days(730)
        _certificate("DEMO-LAPS-0001", enrolment, issued=first - days(730), expires=first)
        _certificate("DEMO-LAPS-0002", enrolment, issued=first, expires=expired, cycle=2)
        touched.append(enrolment)
    examiner = people.get("examiner@nps.example")
    if examiner and ENCRYPTED in courses:
        enrolment = _learnt(examiner, courses[ENCRYPTED], at(today - days(100)))
        _certificate(
            "DEMO-CHNG-0001", enrolment, issued=today - days(100), expires=today + days(265)
        )
        _change_refresher(examiner, courses[ENCRYPTED], enrolment, today - days(5))
        touched.append(enrolment)
    investigator = people.get("investigator@wfp.example")
    if investigator and TRIAGE in courses:
        enrolment = _learnt(investigator, courses[TRIAGE], at(today - days(60)))
        _certificate(
            "DEMO-VALD-0001", enrolment, issued=today - days(60), expires=today + days(670)
        )
        touched.append(enrolment)
    enrolment_state_refresh(enrolments=touched)
