"""Demo content for `manage.py seed_demo` (idempotent): the reference library, four courses
with modules, lessons and quizzes, a localised variant, a triage drill, and some learner
activity so that dashboards are not empty. Registered from CoursesConfig.ready()."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .demo_courses import COURSES, DRILL, VARIANTS
from .demo_reference import (
    COMPETENCIES,
    FOLLOW_UP_ACTIONS,
    GLOSSARY,
    LUXEMBOURG,
    PRIORITY_LEVELS,
    TAGS,
)
from .models import (
    Competency,
    Course,
    CourseStaff,
    Drill,
    Enrolment,
    FollowUpAction,
    GlossaryTerm,
    Lesson,
    LessonVersion,
    Module,
    PriorityLevel,
    ScenarioCard,
    TopicTag,
)
from .rendering import markdown_render_safe

TRAINER = "trainer@nps.example"


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(f"  courses: {text}")


def _reference() -> None:
    for level in PRIORITY_LEVELS:
        PriorityLevel.objects.get_or_create(rank=level["rank"], defaults=level)
    for position, (code, name, name_fr) in enumerate(FOLLOW_UP_ACTIONS, start=1):
        FollowUpAction.objects.get_or_create(
            code=code, defaults={"name": name, "name_fr": name_fr, "position": position}
        )
    for term, status, preferred, explanation, variants in GLOSSARY:
        if not GlossaryTerm.objects.filter(term__iexact=term, language="en").exists():
            GlossaryTerm.objects.create(
                term=term,
                status=status,
                preferred_term=preferred,
                explanation=explanation,
                variants=variants,
                source_reference=LUXEMBOURG,
            )


def _vocabularies() -> tuple[dict, dict]:
    for slug, dimension, name, name_fr in TAGS:
        TopicTag.objects.get_or_create(
            slug=slug, defaults={"dimension": dimension, "name": name, "name_fr": name_fr}
        )
    for code, name, name_fr in COMPETENCIES:
        Competency.objects.get_or_create(code=code, defaults={"name": name, "name_fr": name_fr})
    return (
        {t.slug: t for t in TopicTag.objects.all()},
        {c.code: c for c in Competency.objects.all()},
    )


def _question(trainer, module, spec) -> None:
    from .services import question_save

    choices = [
        {"text": text, "is_correct": correct, "feedback": feedback}
        for text, correct, feedback in spec.get("choices", [])
    ]
    question_save(
        actor=trainer,
        module=module,
        kind=spec["kind"],
        prompt=spec["prompt"],
        explanation=spec.get("explanation", ""),
        correct_is_true=spec.get("true", True),
        accepted_answers=spec.get("accepted", ""),
        choices=choices,
    )


def _course(trainer, spec, tags, competencies) -> Course:
    from .services import course_publish, lesson_create, module_publish, module_terminology_flags

    course = Course.objects.filter(slug=spec["slug"]).first()
    if course is None:
        course = Course(
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            description=spec["description"],
            description_html=markdown_render_safe(spec["description"]),
            cpd_hours=spec["cpd_hours"],
            is_open=spec["is_open"],
            created_by=trainer,
        )
        course.full_clean()
        course.save()
        course.topic_tags.set([tags[s] for s in spec["tags"] if s in tags])
        course.competencies.set([competencies[c] for c in spec["competencies"]])
    CourseStaff.objects.get_or_create(course=course, user=trainer, defaults={"role": "lead"})
    trainer.__dict__.pop("_lms_staffed_course_ids", None)
    for position, module_spec in enumerate(spec["modules"], start=1):
        module = Module.objects.filter(course=course, title=module_spec["title"]).first()
        if module is None:
            module = Module.objects.create(
                course=course,
                position=position,
                title=module_spec["title"],
                summary=module_spec["summary"],
                cooldown_minutes=1,
            )
            module.topic_tags.set([tags[s] for s in module_spec["tags"] if s in tags])
            diagram = _diagram(trainer, module, module_spec.get("diagram"))
            for lesson in module_spec["lessons"]:
                lesson_create(
                    actor=trainer,
                    module=module,
                    title=lesson["title"],
                    body_md=lesson["body"].replace("{diagram}", diagram),
                    exposure_level=lesson.get("exposure", 0),
                    content_warnings=lesson.get("warnings", []),
                    warning_note=lesson.get("note", ""),
                    estimated_minutes=lesson["minutes"],
                )
            for question in module_spec["questions"]:
                _question(trainer, module, question)
        if module.current_version_id is None:
            _variants(trainer, course, module)
            # Deliberate quotations of treaty titles are confirmed, as a trainer would.
            quoted = [f.term for f in module_terminology_flags(module=module) if f.is_avoid]
            module_publish(
                actor=trainer,
                module=module,
                change_summary="First version, written for the demo.",
                acknowledged_terms=quoted,
            )
    if course.status != Course.Status.PUBLISHED:
        course_publish(actor=trainer, course=course)
    return course


def _diagram(trainer, module, alt_text: str | None) -> str:
    """Draw a plain flow diagram (boxes and arrows, text only) and upload it like a trainer
    would; returns the Markdown that shows it, or "" when the module has none."""
    if not alt_text:
        return ""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw, ImageFont

    from .services import lesson_image_upload

    steps = ["Referral", "Assess", "Level 1-5", "Act", "Re-assess"]
    width, height, box = 900, 160, 150
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=22)
    for index, step in enumerate(steps):
        left = 20 + index * 180
        draw.rectangle([left, 50, left + box, 110], outline=(11, 79, 108), width=3)
        draw.text((left + box / 2, 80), step, fill=(27, 31, 36), font=font, anchor="mm")
        if index < len(steps) - 1:
            draw.line([left + box, 80, left + 180, 80], fill=(27, 31, 36), width=3)
            draw.polygon([(left + 180, 80), (left + 170, 74), (left + 170, 86)], fill=(27, 31, 36))
    out = io.BytesIO()
    image.save(out, format="PNG")
    upload = SimpleUploadedFile("diagram.png", out.getvalue(), content_type="image/png")
    stored = lesson_image_upload(actor=trainer, module=module, upload=upload, alt_text=alt_text)
    return f"![{stored.alt_text}](/courses/images/{stored.uuid}/)"


def _variants(trainer, course, module) -> None:
    from .services import lesson_variant_save

    for spec in VARIANTS:
        if spec["course"] != course.slug:
            continue
        lesson = Lesson.objects.filter(module=module, title=spec["lesson"]).first()
        if lesson is not None:
            lesson_variant_save(
                actor=trainer,
                lesson=lesson,
                language=spec["language"],
                jurisdiction=spec["jurisdiction"],
                title=spec["title"],
                body_md=spec["body"],
            )


def _drill() -> None:
    course = Course.objects.get(slug=DRILL["course"])
    drill, created = Drill.objects.get_or_create(
        course=course,
        title=DRILL["title"],
        defaults={"introduction": DRILL["introduction"], "is_published": True},
    )
    if not created:
        return
    levels = {level.rank: level for level in PriorityLevel.objects.all()}
    actions = {action.code: action for action in FollowUpAction.objects.all()}
    for position, (title, text, rank, codes, rationale) in enumerate(DRILL["cards"], start=1):
        card = ScenarioCard.objects.create(
            drill=drill,
            position=position,
            title=title,
            text=text,
            expert_level=levels[rank],
            rationale=rationale,
        )
        card.expert_actions.set([actions[c] for c in codes])


def _activity(courses: dict[str, Course]) -> None:
    """A little learner activity: assignments with due dates, some progress."""
    from .services import enrolment_assign, lesson_complete

    supervisor = User.objects.filter(email="supervisor@nps.example").first()
    officer = User.objects.filter(email="officer@nps.example").first()
    undercover = User.objects.filter(email="undercover@nps.example").first()
    if not (supervisor and officer and undercover):
        return
    foundations = courses["foundations-online-child-protection"]
    triage = courses["case-prioritisation-shared-levels"]
    today = timezone.localdate()
    for person, course, days in (
        (officer, triage, 10),
        (undercover, foundations, 45),
        (undercover, triage, 20),
    ):
        if not Enrolment.objects.filter(user=person, course=course).exists():
            enrolment_assign(
                actor=supervisor,
                course=course,
                people=[person],
                due_on=today + datetime.timedelta(days=days),
            )
    enrolment = Enrolment.objects.get(user=undercover, course=foundations)
    if enrolment.started_at is None:
        first = (
            LessonVersion.objects.filter(
                module_version__module__course=foundations, language="", jurisdiction=""
            )
            .order_by("module_version__module__position", "position")
            .first()
        )
        if first is not None:
            lesson_complete(actor=undercover, lesson_version=first)


DRILL_LEARNERS = [
    "officer@nps.example",
    "undercover@nps.example",
    "examiner@nps.example",
    "prosecutor@nppo.example",
    "investigator@wfp.example",
    "childprotection@wfp.example",
]


def _drill_answers() -> None:
    """Submitted drill attempts from learners in two countries, so that the agreement page
    has something to show. Deterministic: most answers match the key, some are one level
    off in either direction."""
    from .services import drill_answer_record, drill_attempt_start, drill_attempt_submit

    drill = Drill.objects.filter(title=DRILL["title"]).first()
    if drill is None or drill.attempts.exists():
        return
    levels = {level.rank: level for level in PriorityLevel.objects.all()}
    cards = list(drill.cards.select_related("expert_level").prefetch_related("expert_actions"))
    people = User.objects.filter(email__in=DRILL_LEARNERS).order_by("email")
    for i, person in enumerate(people):
        attempt = drill_attempt_start(actor=person, drill=drill)
        for j, card in enumerate(cards):
            shift = {3: 1, 4: -1}.get((i * 7 + j * 3) % 5, 0)
            rank = min(max(card.expert_level.rank + shift, 1), 5)
            drill_answer_record(
                actor=person,
                attempt=attempt,
                card=card,
                level_id=levels[rank].pk,
                actions=[a.code for a in card.expert_actions.all()][: 2 + (i % 3)],
            )
        drill_attempt_submit(actor=person, attempt=attempt)


def seed_courses(stdout=None) -> None:
    trainer = User.objects.filter(email=TRAINER).first()
    if trainer is None:
        _say(stdout, f"{TRAINER} does not exist; run the accounts seeder first\n")
        return
    with transaction.atomic():
        _reference()
        tags, competencies = _vocabularies()
        courses = {spec["slug"]: _course(trainer, spec, tags, competencies) for spec in COURSES}
        _drill()
        _activity(courses)
        _drill_answers()
        from .demo_recertification import seed_recertification

        seed_recertification(trainer, courses)
    _say(stdout, f"{len(courses)} courses, {PriorityLevel.objects.count()} priority levels\n")
