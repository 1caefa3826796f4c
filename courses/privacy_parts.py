"""What courses holds about a person, and how it is exported and erased (DESIGN section 10).
Registered in CoursesConfig.ready()."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import (
    Certificate,
    CourseStaff,
    DrillAttempt,
    Enrolment,
    LearnerPreference,
    LessonProgress,
    ModuleProgress,
    QuizAttempt,
    QuizAttemptGrant,
    Refresher,
    Reminder,
)

DESCRIBES = _(
    "Your enrolments and due dates, lesson and module progress, quiz attempts and answers, "
    "triage drill answers, certificates and their renewals, refreshers, reminders sent to "
    "you or about you, content preferences, and the courses you are staff on. Course "
    "content you wrote or published stays, with your name as its author."
)


def _when(value) -> str | None:
    return value.isoformat() if value else None


def courses_data_export(user) -> dict:
    return {
        "enrolments": [
            {
                "course": e.course.title,
                "how": e.source,
                "state": e.state,
                "due_on": _when(e.due_on),
                "enrolled_at": _when(e.enrolled_at),
                "started_at": _when(e.started_at),
                "completed_at": _when(e.completed_at),
            }
            for e in Enrolment.objects.filter(user=user).select_related("course")
        ],
        "lessons_completed": LessonProgress.objects.filter(
            user=user, completed_at__isnull=False
        ).count(),
        "modules_completed": ModuleProgress.objects.filter(
            user=user, completed_at__isnull=False
        ).count(),
        "quiz_attempts": [
            {
                "module": a.module_version.title,
                "version": a.module_version.number,
                "attempt": a.number,
                "started_at": _when(a.started_at),
                "submitted_at": _when(a.submitted_at),
                "score": a.score,
                "passed": a.passed,
                "answers": a.answers,
            }
            for a in QuizAttempt.objects.filter(user=user).select_related("module_version")
        ],
        "extra_quiz_attempts": [
            {"module": g.module.title, "extra": g.extra, "granted_at": _when(g.granted_at)}
            for g in QuizAttemptGrant.objects.filter(user=user).select_related("module")
        ],
        "drill_attempts": [
            {
                "drill": a.drill.title,
                "submitted_at": _when(a.submitted_at),
                "score": a.score,
                "answers": [
                    {"card": ans.card.title, "level": ans.level.rank, "actions": ans.actions}
                    for ans in a.answers.select_related("card", "level")
                ],
            }
            for a in DrillAttempt.objects.filter(user=user).select_related("drill")
        ],
        "certificates": [
            {
                "course": c.course_title,
                "code": c.code,
                "issued_at": _when(c.issued_at),
                "expires_on": _when(c.expires_on),
                "cycle": c.cycle,
                "revoked_at": _when(c.revoked_at),
            }
            for c in Certificate.objects.filter(user=user)
        ],
        "refreshers": [
            {
                "course": r.course.title,
                "kind": r.kind,
                "what_changed": r.summary,
                "due_on": _when(r.due_on),
                "completed_at": _when(r.completed_at),
            }
            for r in Refresher.objects.filter(user=user).select_related("course")
        ],
        "reminders": [
            {
                "course": r.course.title,
                "kind": r.kind,
                "about_you": r.learner_id == user.pk,
                "due_on": _when(r.due_on),
                "sent_at": _when(r.sent_at),
            }
            for r in Reminder.objects.filter(Q(learner=user) | Q(recipient=user))
            .select_related("course")
            .order_by("pk")
        ],
        "preferences": [
            {"always_warn": p.always_warn, "blur_images": p.blur_images}
            for p in LearnerPreference.objects.filter(user=user)
        ],
        "course_staff": [
            {"course": s.course.title, "role": s.role}
            for s in CourseStaff.objects.filter(user=user).select_related("course")
        ],
    }


def courses_data_erase(user) -> None:
    """Erase the person's learning records. Certificates go too: after erasure their codes
    no longer verify, which is what the person asked for."""
    Reminder.objects.filter(Q(learner=user) | Q(recipient=user)).delete()
    for model in (
        Refresher,
        QuizAttempt,
        QuizAttemptGrant,
        DrillAttempt,
        LessonProgress,
        ModuleProgress,
        Certificate,
        Enrolment,
        LearnerPreference,
        CourseStaff,
    ):
        model.objects.filter(user=user).delete()
