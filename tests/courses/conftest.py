import pytest

from courses import services
from courses.models import Course
from tests.worker import celery_worker_process  # noqa: F401  (a real worker, for @worker tests)

from .factories import CourseFactory, LessonFactory, ModuleFactory, staff


@pytest.fixture
def quiz_module(trainer):
    """A published module whose quiz has one question of each kind, 3 attempts, no pause."""
    course = CourseFactory(status=Course.Status.PUBLISHED)
    staff(course, trainer)
    module = ModuleFactory(course=course, pass_mark=100, attempt_limit=3, cooldown_minutes=0)
    LessonFactory(module=module)
    kinds = [
        ("single", "Pick one", [("Right", True), ("Wrong", False)], {}),
        ("multiple", "Pick all", [("A", True), ("B", True), ("C", False)], {}),
        ("true_false", "It is true", [], {"correct_is_true": True}),
        ("ordering", "Order them", [("First", True), ("Second", True), ("Third", True)], {}),
        ("short_text", "Name it", [], {"accepted_answers": "Lanzarote Convention\nLanzarote"}),
    ]
    for kind, prompt, choices, extra in kinds:
        services.question_save(
            actor=trainer,
            module=module,
            kind=kind,
            prompt=prompt,
            choices=[{"text": t, "is_correct": c, "feedback": f"fb {t}"} for t, c in choices],
            **extra,
        )
    services.module_publish(actor=trainer, module=module, change_summary="v1")
    module.refresh_from_db()
    return module
