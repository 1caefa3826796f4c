"""Learner pages of courses (dashboard, catalogue, course, lesson) against the trivial view,
with their query counts at two data sizes, in one process (DESIGN section 9).

Budgets: the same number of queries at both sizes, and at least 0.25x the trivial view's
throughput ("a plain implementation measures about 0.1x").

    .venv/bin/python bench/pages.py            # SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/pages.py
"""

from __future__ import annotations

from _common import Report, bench_django, get, signed_in_client

RATIO_BUDGET = 0.25


def _grow(trainer, learner, *, courses: int, modules: int, lessons: int, questions: int):
    """Published courses the learner is enrolled in, with some progress; returns the first."""
    from courses import services
    from courses.models import Enrolment, LessonVersion
    from tests.courses.factories import (
        CourseFactory,
        LessonFactory,
        ModuleFactory,
        QuestionFactory,
        staff,
    )

    made = []
    for _ in range(courses):
        course = CourseFactory()
        staff(course, trainer)
        for _ in range(modules):
            module = ModuleFactory(course=course)
            for n in range(lessons):
                LessonFactory(
                    module=module,
                    body_md=("A paragraph of lesson text with **emphasis**.\n\n" * 12)
                    + f"| a | b |\n|---|---|\n| {n} | x |\n\n[^1] note\n\n[^1]: The note.",
                )
            for _ in range(questions):
                QuestionFactory(module=module)
            services.module_publish(actor=trainer, module=module, change_summary="v1")
        Enrolment.objects.create(user=learner, course=course, source="assigned")
        first = LessonVersion.objects.filter(module_version__module__course=course).first()
        services.lesson_complete(actor=learner, lesson_version=first)
        made.append(course)
    return made[0]


def main() -> None:
    with bench_django():
        from courses.models import LessonVersion
        from tests.factories import UnitFactory, UserFactory, totp_enrol

        unit = UnitFactory()
        learner = UserFactory(unit=unit, agency=unit.agency)
        trainer = UserFactory(unit=unit, agency=unit.agency, roles=["trainer"])
        totp_enrol(trainer)
        course = _grow(trainer, learner, courses=1, modules=1, lessons=2, questions=1)
        lesson_id = (
            LessonVersion.objects.filter(module_version__module__course=course)
            .order_by("position")
            .last()
            .lesson_id
        )
        client = signed_in_client(learner)
        pages = {
            "dashboard": "/",
            "catalogue": "/courses/",
            "course page": f"/courses/c/{course.slug}/",
            "lesson page": f"/courses/c/{course.slug}/lessons/{lesson_id}/",
        }
        report = Report("Course pages vs the trivial view (one process, interleaved rounds)")
        small = {}
        for name, path in pages.items():
            get(client, path)  # warm
            small[name] = report.queries(
                f"{name}, 1 course of 2 lessons", lambda path=path: get(client, path)
            )
        _grow(trainer, learner, courses=12, modules=4, lessons=6, questions=5)
        for name, path in pages.items():
            report.queries(
                f"{name}, 13 courses, 290 lessons",
                lambda path=path: get(client, path),
                budget=small[name],
            )
        for name, path in pages.items():
            report.ratio_vs_trivial_view(
                name, lambda path=path: get(client, path), client=client, budget=RATIO_BUDGET
            )
        report.finish()


if __name__ == "__main__":
    main()
