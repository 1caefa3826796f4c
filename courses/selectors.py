"""Reads for courses (DESIGN section 4). Every list is scoped to what the asking user may see,
and learner pages run a fixed number of queries whatever the data size (asserted in tests)."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

import rules
from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.roles import AGENCY_ADMIN, PLATFORM_ADMIN, TRAINER, user_roles

from .models import (
    Certificate,
    Course,
    CourseStaff,
    Drill,
    DrillAnswer,
    DrillAttempt,
    Enrolment,
    GlossaryTerm,
    LearnerPreference,
    Lesson,
    LessonProgress,
    LessonVersion,
    Module,
    ModuleProgress,
    ModuleVersion,
    PriorityLevel,
    QuizAttempt,
    QuizAttemptGrant,
    Refresher,
    RefresherLesson,
    ScenarioCard,
    normalise_jurisdiction,
)
from .permissions import user_audience_q

DUE_SOON_DAYS = 14
OUTLINE_FIELDS = (
    "id", "module_version_id", "lesson_id", "language", "jurisdiction", "position", "title",
    "exposure_level", "content_warnings", "estimated_minutes",
)  # fmt: skip


# --- Visibility ---------------------------------------------------------------------------


def _staffed_q(user: User) -> Exists:
    return Exists(CourseStaff.objects.filter(course_id=OuterRef("pk"), user_id=user.pk))


def course_list_visible_to(*, user: User) -> QuerySet[Course]:
    """Queryset twin of courses.view_course: published courses of the user's audience, plus
    courses they may edit (to preview them)."""
    if not (user.is_authenticated and user.is_approved and user.is_active):
        return Course.objects.none()
    roles = user_roles(user)
    if PLATFORM_ADMIN in roles:
        return Course.objects.all()
    visible = Q(status=Course.Status.PUBLISHED) & user_audience_q(user)
    if TRAINER in roles:
        visible |= Q(_staffed_q(user))
    return Course.objects.filter(visible)


def course_list_editable_by(*, user: User) -> QuerySet[Course]:
    """Queryset twin of courses.edit_course."""
    if not (user.is_authenticated and user.is_approved and user.is_active):
        return Course.objects.none()
    roles = user_roles(user)
    if PLATFORM_ADMIN in roles:
        return Course.objects.all()
    if TRAINER in roles:
        return Course.objects.filter(_staffed_q(user))
    return Course.objects.none()


# --- Drill authoring (the course's staff only) ---------------------------------------------


def drill_get_editable(*, user: User, pk: int) -> Drill | None:
    """A drill of a course `user` may edit, with its course; None otherwise (a 404)."""
    editable = course_list_editable_by(user=user)
    return Drill.objects.filter(course__in=editable, pk=pk).select_related("course").first()


def card_get_editable(*, user: User, pk: int) -> ScenarioCard | None:
    """A scenario card of a course `user` may edit, with how many answers it has."""
    editable = course_list_editable_by(user=user)
    return (
        ScenarioCard.objects.filter(drill__course__in=editable, pk=pk)
        .select_related("drill__course", "expert_level")
        .annotate(answer_count=Count("answers"))
        .first()
    )


def drill_list_for_authoring(*, course: Course) -> list[Drill]:
    """The course's drills with their number of cards and of learners who submitted one,
    each counted in a subquery (joining cards and attempts would multiply the rows)."""
    learners = (
        DrillAttempt.objects.filter(drill=OuterRef("pk"), submitted_at__isnull=False)
        .order_by()
        .values("drill")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    return list(
        course.drills.annotate(
            card_count=Count("cards"), learner_count=Coalesce(Subquery(learners), 0)
        ).order_by("title")
    )


def card_list_for_authoring(*, drill: Drill) -> list[ScenarioCard]:
    """The drill's cards in order, with their expert key and how many answers each has."""
    return list(
        drill.cards.select_related("expert_level")
        .prefetch_related("expert_actions")
        .annotate(answer_count=Count("answers"))
        .order_by("position", "pk")
    )


def course_list_catalogue(
    *, user: User, query: str = "", language: str = "", tag: str = ""
) -> QuerySet[Course]:
    """The learner's catalogue: published courses of their audience, searched and filtered,
    each annotated with the learner's enrolment state."""
    courses = Course.objects.filter(status=Course.Status.PUBLISHED).filter(user_audience_q(user))
    if language:
        courses = courses.filter(language=language)
    if tag:
        courses = courses.filter(topic_tags__slug=tag)
    query = " ".join(query.split())[:200]
    if query:
        courses = _course_search(courses, query)
    mine = Enrolment.objects.filter(course_id=OuterRef("pk"), user_id=user.pk)
    return (
        courses.annotate(
            is_enrolled=Exists(mine),
            is_completed=Exists(mine.filter(completed_at__isnull=False)),
        )
        .prefetch_related("topic_tags")
        .order_by(*(["-rank"] if query and settings.IS_POSTGRES else []), "title", "pk")
    )


def _course_search(courses: QuerySet[Course], query: str) -> QuerySet[Course]:
    if settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="simple")
            + SearchVector("summary", weight="B", config="simple")
            + SearchVector("description", weight="C", config="simple")
        )
        matched = SearchQuery(query, search_type="websearch", config="simple")
        # Prefixes too ("priorit" finds "prioritisation"), from plain words only: the raw
        # syntax must never see the searcher's operators.
        words = [w for w in query.split() if w.isalnum()]
        if words:
            prefix = " & ".join(f"{w}:*" for w in words)
            matched |= SearchQuery(prefix, search_type="raw", config="simple")
        # ts_rank alone is not a match test (a partial hit still scores), so filter on @@.
        return courses.annotate(search=vector, rank=SearchRank(vector, matched)).filter(
            Q(search=matched) | Q(title__icontains=query)
        )
    condition = Q()
    for word in query.split():
        condition &= (
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        )
    return courses.filter(condition)


# --- Course and lesson pages --------------------------------------------------------------


@dataclass(frozen=True)
class LessonProgressState:
    """Where the learner stands in one lesson (read with the course outline)."""

    completed_at: datetime | None
    warning_acknowledged_at: datetime | None


@dataclass
class OutlineLesson:
    version: LessonVersion
    completed: bool = False

    @property
    def lesson_id(self) -> int:
        return self.version.lesson_id


@dataclass
class OutlineModule:
    module: Module
    lessons: list[OutlineLesson] = field(default_factory=list)
    completed: bool = False
    quiz_passed: bool = False

    @property
    def version(self) -> ModuleVersion:
        return self.module.current_version  # type: ignore[return-value]

    @property
    def has_quiz(self) -> bool:
        return self.version.has_quiz

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.completed)


@dataclass
class CoursePage:
    course: Course
    modules: list[OutlineModule]
    enrolment: Enrolment | None
    certificate: Certificate | None = None
    drills: list[Drill] = field(default_factory=list)
    can_edit: bool = False
    progress_rows: dict[int, LessonProgressState] = field(default_factory=dict)

    @property
    def lessons(self) -> list[OutlineLesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def lesson_count(self) -> int:
        return len(self.lessons)

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.completed)

    @property
    def percent(self) -> int:
        total = self.lesson_count
        return round(100 * self.lessons_done / total) if total else 0

    @property
    def resume(self) -> OutlineLesson | None:
        """Where the learner left off: the first lesson not yet done."""
        return next((lesson for lesson in self.lessons if not lesson.completed), None)

    def neighbours(self, lesson_id: int) -> tuple[OutlineLesson | None, OutlineLesson | None]:
        lessons = self.lessons
        for index, lesson in enumerate(lessons):
            if lesson.lesson_id == lesson_id:
                before = lessons[index - 1] if index else None
                after = lessons[index + 1] if index + 1 < len(lessons) else None
                return before, after
        return None, None

    def module_of(self, lesson_id: int) -> OutlineModule | None:
        return next(
            (m for m in self.modules if any(le.lesson_id == lesson_id for le in m.lessons)), None
        )


def _variant_rank(version: LessonVersion, language: str, jurisdiction: str) -> int:
    """The most specific variant wins: language and jurisdiction > jurisdiction > language >
    base. Returns -1 when the variant does not apply."""
    if version.language and version.language != language:
        return -1
    if version.jurisdiction and normalise_jurisdiction(version.jurisdiction) != jurisdiction:
        return -1
    return (2 if version.jurisdiction else 0) + (1 if version.language else 0)


def lesson_versions_pick(
    versions: list[LessonVersion], *, language: str, jurisdiction: str
) -> list[LessonVersion]:
    """One LessonVersion per lesson: the best variant for the learner, in position order."""
    jurisdiction = normalise_jurisdiction(jurisdiction)
    best: dict[tuple[int, int], tuple[int, LessonVersion]] = {}
    for version in versions:
        rank = _variant_rank(version, language, jurisdiction)
        key = (version.module_version_id, version.lesson_id)
        if rank >= 0 and (key not in best or rank > best[key][0]):
            best[key] = (rank, version)
    return sorted((v for _r, v in best.values()), key=lambda v: (v.position, v.lesson_id))


def _variant_filter(user: User, language: str) -> Q:
    jurisdiction = " ".join((user.jurisdiction or "").split())
    by_place = Q(jurisdiction="")
    if jurisdiction:
        by_place |= Q(jurisdiction__iexact=jurisdiction)
    return Q(language__in=["", language]) & by_place


def _course_and_enrolment_get(*, user: User, slug: str) -> tuple[Course | None, Enrolment | None]:
    """The course by its slug and the person's enrolment in it. Most visitors of a course or
    lesson page are enrolled: one query finds both; otherwise a second finds the course."""
    enrolment = (
        Enrolment.objects.filter(user=user, course__slug=slug).select_related("course").first()
    )
    if enrolment is not None:
        return enrolment.course, enrolment
    return Course.objects.filter(slug=slug).first(), None


def course_page_get(
    *, user: User, slug: str, language: str, with_drills: bool = True
) -> CoursePage:
    """The course outline for `user`: published modules and lessons (in the learner's variant),
    their progress, enrolment, certificate and drills. Course.DoesNotExist when not visible.
    A fixed number of queries whatever the size of the course (see the tests)."""
    course, enrolment = _course_and_enrolment_get(user=user, slug=slug)
    # The audience is denormalised on the row, so the permission needs no further query.
    if course is None or not rules.has_perm("courses.view_course", user, course):
        raise Course.DoesNotExist
    modules_qs = (
        Module.objects.filter(course=course, current_version__isnull=False, is_retired=False)
        .select_related("current_version")
        .order_by("position", "pk")
    )
    if enrolment is not None:
        # The learner's progress per module comes with the modules (one row per person and
        # module), not in a query of its own.
        progress = ModuleProgress.objects.filter(user=user, module=OuterRef("pk"))
        modules_qs = modules_qs.annotate(
            progress_completed_at=Subquery(progress.values("completed_at")[:1]),
            progress_quiz_passed_at=Subquery(progress.values("quiz_passed_at")[:1]),
        )
    modules = list(modules_qs)
    version_ids = [m.current_version_id for m in modules]
    versions_qs = (
        LessonVersion.objects.filter(module_version_id__in=version_ids)
        .filter(_variant_filter(user, language))
        .only(*OUTLINE_FIELDS)
    )
    if enrolment is not None:
        # The learner's progress per lesson (one row per person and lesson) comes with the
        # outline too.
        lesson_progress = LessonProgress.objects.filter(user=user, lesson_id=OuterRef("lesson_id"))
        versions_qs = versions_qs.annotate(
            progress_completed_at=Subquery(lesson_progress.values("completed_at")[:1]),
            progress_acknowledged_at=Subquery(
                lesson_progress.values("warning_acknowledged_at")[:1]
            ),
        )
    versions = list(versions_qs)
    progress_rows = {
        v.lesson_id: LessonProgressState(v.progress_completed_at, v.progress_acknowledged_at)
        for v in versions
        if enrolment is not None
        and (v.progress_completed_at is not None or v.progress_acknowledged_at is not None)
    }
    done = {lesson_id for lesson_id, row in progress_rows.items() if row.completed_at}
    by_version: dict[int, list[LessonVersion]] = defaultdict(list)
    for version in versions:
        by_version[version.module_version_id].append(version)
    outline = []
    for module in modules:
        picked = lesson_versions_pick(
            by_version[module.current_version_id or 0],
            language=language,
            jurisdiction=user.jurisdiction,
        )
        outline.append(
            OutlineModule(
                module=module,
                lessons=[OutlineLesson(v, v.lesson_id in done) for v in picked],
                completed=getattr(module, "progress_completed_at", None) is not None,
                quiz_passed=getattr(module, "progress_quiz_passed_at", None) is not None,
            )
        )
    certificate = None
    if enrolment is not None and enrolment.completed_at:
        certificate = (
            Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True)
            .order_by("-issued_at")
            .first()
        )
    drills = list(Drill.objects.filter(course=course, is_published=True)) if with_drills else []
    return CoursePage(
        course=course,
        modules=outline,
        enrolment=enrolment,
        certificate=certificate,
        drills=drills,
        can_edit=rules.has_perm("courses.edit_course", user, course),
        progress_rows=progress_rows,
    )


@dataclass
class LessonPage:
    page: CoursePage
    version: LessonVersion
    module: OutlineModule
    previous: OutlineLesson | None
    next: OutlineLesson | None
    progress: LessonProgressState | None
    user: User

    @cached_property
    def preference(self) -> LearnerPreference:
        """Read only for lessons with a content warning (the only ones it changes), so most
        lessons cost one query less."""
        return learner_preference_get(user=self.user)

    @property
    def completed(self) -> bool:
        return bool(self.progress and self.progress.completed_at)

    @property
    def refresher_id(self) -> int | None:
        """An open refresher of the learner that still asks for this lesson."""
        return getattr(self.version, "pending_refresher_id", None)

    @property
    def acknowledged(self) -> bool:
        return bool(self.progress and self.progress.warning_acknowledged_at)

    def must_warn(self, *, proceed: bool) -> bool:
        """Show the content warning first? Once acknowledged it is not shown again, unless
        the learner chose "always warn" (then only a fresh "continue" lets them in)."""
        if not self.version.needs_warning:
            return False
        if not self.acknowledged:
            return True
        return self.preference.always_warn and not proceed

    @property
    def blur_images(self) -> bool:
        """Blur the lesson's images until revealed: in lessons with a warning, unless the
        learner turned blurring off."""
        return (
            self.version.needs_warning
            and self.preference.blur_images
            and "<img" in self.version.body_html
        )


def lesson_page_get(*, user: User, slug: str, lesson_id: int, language: str) -> LessonPage:
    """One lesson of the current version, in the learner's variant, with the outline for
    navigation. Lesson.DoesNotExist when the lesson is not published in a visible course."""
    page = course_page_get(user=user, slug=slug, language=language, with_drills=False)
    module = page.module_of(lesson_id)
    if module is None:
        raise Lesson.DoesNotExist
    outline = next(le for le in module.lessons if le.lesson_id == lesson_id)
    versions = LessonVersion.objects.filter(pk=outline.version.pk)
    if page.enrolment is not None:
        # Whether a refresher asks for this lesson comes with the lesson's text.
        versions = versions.annotate(
            pending_refresher_id=Subquery(
                _refresher_lessons_pending(user=user)
                .filter(lesson_id=OuterRef("lesson_id"))
                .order_by("pk")
                .values("refresher_id")[:1]
            )
        )
    version = versions.get()
    previous, following = page.neighbours(lesson_id)
    progress = page.progress_rows.get(lesson_id)
    return LessonPage(
        page=page,
        version=version,
        module=module,
        previous=previous,
        next=following,
        progress=progress,
        user=user,
    )


def learner_preference_get(*, user: User) -> LearnerPreference:
    return LearnerPreference.objects.filter(user=user).first() or LearnerPreference(user=user)


# --- Quizzes --------------------------------------------------------------------------------


def quiz_attempt_list_for(*, user: User, module: Module) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(user=user, module=module).order_by("-number")


@dataclass
class QuizItem:
    question: dict
    choices: list[dict]
    result: dict | None = None

    @property
    def key(self) -> str:
        return self.question["key"]

    @property
    def chosen(self) -> list[str]:
        answer = (self.result or {}).get("answer")
        return answer if isinstance(answer, list) else []

    @property
    def text_answer(self) -> str:
        answer = (self.result or {}).get("answer")
        return answer if isinstance(answer, str) else ""

    @property
    def correct_order(self) -> list[dict]:
        return sorted(self.question["choices"], key=lambda c: c.get("position", 0))

    @property
    def positions(self) -> list[int]:
        return list(range(1, len(self.choices) + 1))


def quiz_attempt_items(*, attempt: QuizAttempt) -> list[QuizItem]:
    """The questions of an attempt, in the order shown, with their options in the order
    shown and (once submitted) the learner's answers and the feedback."""
    by_key = {question["key"]: question for question in attempt.module_version.quiz}
    items = []
    for entry in attempt.layout:
        question = by_key[entry["key"]]
        options = {choice["key"]: choice for choice in question["choices"]}
        items.append(
            QuizItem(
                question=question,
                choices=[options[key] for key in entry["choices"]],
                result=attempt.answers.get(entry["key"]) if attempt.submitted_at else None,
            )
        )
    return items


# --- Dashboard and my learning ------------------------------------------------------------


@dataclass
class LearningSummary:
    assigned: list[Enrolment]
    in_progress: list[Enrolment]
    due_soon: list[Enrolment]
    completed: list[Enrolment]
    # Certificates in their renewal window or lapsed, soonest first.
    renewals: list[Enrolment] = field(default_factory=list)
    # Open refreshers (course updates to learn, renewals under way).
    refreshers: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.assigned or self.in_progress or self.completed or self.refreshers)


def learning_summary_for(*, user: User, completed_limit: int = 5) -> LearningSummary:
    """The learner's enrolments by state in one query, and their open refreshers in a
    second one when they have any."""
    today = timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    enrolments: list[Enrolment] = list(
        Enrolment.objects.filter(user=user)
        .exclude(course__status=Course.Status.DRAFT)
        .select_related("course")
        .only(
            "id",
            "course__slug",
            "course__title",
            "course__cpd_hours",
            "source",
            "due_on",
            "enrolled_at",
            "started_at",
            "completed_at",
            "course__status",
            "state",
            "expires_on",
            "window_opens_on",
        )
        # Most learners have no open refresher: this says so without a query of its own.
        .annotate(
            has_open_refresher=Exists(Refresher.objects.open().filter(enrolment=OuterRef("pk")))
        )
        .order_by("due_on", "-enrolled_at")
    )
    open_ones = [e for e in enrolments if not e.completed_at]
    # A course due soon is listed there only, not again under "assigned" or "in progress".
    due_soon = [e for e in open_ones if e.due_on and e.due_on <= soon]
    not_due_soon = [e for e in open_ones if e not in due_soon]
    renewing = (Enrolment.State.WINDOW_OPEN, Enrolment.State.EXPIRED)
    return LearningSummary(
        renewals=sorted(
            (e for e in enrolments if e.state in renewing),
            key=lambda e: e.expires_on or today,
        ),
        refreshers=(
            refresher_list_open_for(user=user)
            if any(getattr(e, "has_open_refresher", False) for e in enrolments)
            else []
        ),
        assigned=[e for e in not_due_soon if not e.started_at],
        in_progress=[e for e in not_due_soon if e.started_at],
        due_soon=due_soon,
        completed=sorted(
            (e for e in enrolments if e.completed_at),
            key=lambda e: e.completed_at or timezone.now(),
            reverse=True,
        )[:completed_limit],
    )


def certificate_list_for(*, user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).order_by("-issued_at")


def certificate_get_public(*, code: str) -> Certificate:
    """For the public verification page: DoesNotExist for an unknown code."""
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(code) != 12:
        raise Certificate.DoesNotExist
    return Certificate.objects.only(
        "code", "holder_name", "course_title", "issued_at", "expires_on", "revoked_at"
    ).get(code=f"{code[:4]}-{code[4:8]}-{code[8:]}")


# --- Authoring ----------------------------------------------------------------------------


def course_list_for_authoring(*, user: User) -> QuerySet[Course]:
    return (
        course_list_editable_by(user=user)
        .annotate(
            module_count=Count("modules", filter=Q(modules__is_retired=False), distinct=True),
            enrolment_count=Count("enrolments", distinct=True),
        )
        .order_by("title")
    )


def course_get_for_editing(*, user: User, pk: int) -> Course:
    return (
        course_list_editable_by(user=user)
        .prefetch_related(
            Prefetch(
                "modules",
                queryset=Module.objects.filter(is_retired=False)
                .select_related("current_version")
                .annotate(
                    lesson_count=Count("lessons", filter=Q(lessons__is_retired=False)),
                    question_count=Count("questions", distinct=True),
                ),
            ),
            Prefetch("staff", queryset=CourseStaff.objects.select_related("user")),
            "professions",
            "countries",
        )
        .get(pk=pk)
    )


def module_get_for_editing(*, user: User, pk: int) -> Module:
    return (
        Module.objects.filter(course__in=course_list_editable_by(user=user))
        .select_related("course", "current_version")
        .prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.filter(is_retired=False)),
            "questions__choices",
            "topic_tags",
        )
        .get(pk=pk)
    )


QUIZ_PEOPLE_SHOWN = 200


def quiz_people_not_passed(*, module: Module) -> QuerySet[User]:
    """People enrolled in the course who took the module's quiz and never passed it, with
    `used` (attempts submitted) and `extra` (attempts trainers gave), those out of attempts
    first. For the trainers of the course (the caller checks). One query."""
    taken = Q(quiz_attempts__module=module, quiz_attempts__submitted_at__isnull=False)
    given = (
        QuizAttemptGrant.objects.filter(user=OuterRef("pk"), module=module)
        .order_by()
        .values("user")
        .annotate(total=Sum("extra"))
        .values("total")
    )
    return (
        User.objects.filter(taken, enrolments__course_id=module.course_id)
        .exclude(pk__in=QuizAttempt.objects.filter(module=module, passed=True).values("user_id"))
        .annotate(used=Count("quiz_attempts", filter=taken), extra=Coalesce(Subquery(given), 0))
        .only("id", "full_name", "email")
        .order_by("-used", "full_name", "pk")
    )


def quiz_person_not_passed_get(*, module: Module, pk: int) -> User:
    return quiz_people_not_passed(module=module).get(pk=pk)


def lesson_get_for_editing(*, user: User, pk: int) -> Lesson:
    return (
        Lesson.objects.filter(module__course__in=course_list_editable_by(user=user))
        .select_related("module__course")
        .get(pk=pk, is_retired=False)
    )


def module_version_list(*, module: Module) -> QuerySet[ModuleVersion]:
    return module.versions.select_related("published_by").order_by("-number")


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed"
    old_number: int | None
    new_number: int | None
    text: str


@dataclass
class LessonDiff:
    title: str
    status: str  # "added", "removed", "changed", "unchanged"
    lines: list[DiffLine]


def module_version_diff(*, old: ModuleVersion, new: ModuleVersion) -> list[LessonDiff]:
    """Per lesson (base text), a line diff of the Markdown between two versions. The template
    escapes every line: a diff never renders author HTML."""

    def base(version: ModuleVersion) -> dict[int, LessonVersion]:
        rows = version.lesson_versions.filter(language="", jurisdiction="")
        return {row.lesson_id: row for row in rows.order_by("position")}

    before, after = base(old), base(new)
    order = list(after) + [pk for pk in before if pk not in after]
    diffs = []
    for lesson_id in order:
        a, b = before.get(lesson_id), after.get(lesson_id)
        a_lines = a.body_md.splitlines() if a else []
        b_lines = b.body_md.splitlines() if b else []
        if a and b and a.title != b.title:
            a_lines, b_lines = [f"# {a.title}", *a_lines], [f"# {b.title}", *b_lines]
        status = (
            "added"
            if a is None
            else "removed"
            if b is None
            else "unchanged"
            if a.content_hash == b.content_hash
            else "changed"
        )
        diffs.append(
            LessonDiff(
                title=(b or a).title,  # type: ignore[union-attr]
                status=status,
                lines=[] if status == "unchanged" else _line_diff(a_lines, b_lines),
            )
        )
    return diffs


def _line_diff(a: list[str], b: list[str], context: int = 2) -> list[DiffLine]:
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", None, None, "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(
                    DiffLine("same", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)
                )
                continue
            lines.extend(DiffLine("removed", i + 1, None, a[i]) for i in range(i1, i2))
            lines.extend(DiffLine("added", None, j + 1, b[j]) for j in range(j1, j2))
    return lines


# --- Reference library ------------------------------------------------------------------------


def priority_level_list() -> QuerySet[PriorityLevel]:
    return PriorityLevel.objects.filter(is_active=True).order_by("rank")


def glossary_term_list(*, query: str = "", status: str = "") -> QuerySet[GlossaryTerm]:
    terms = GlossaryTerm.objects.all()
    query = " ".join(query.split())[:100]
    if query:
        terms = terms.filter(
            Q(term__icontains=query)
            | Q(preferred_term__icontains=query)
            | Q(explanation__icontains=query)
            | Q(variants__icontains=query)
        )
    if status in GlossaryTerm.Status.values:
        terms = terms.filter(status=status)
    return terms.order_by("term")


# --- Supervision --------------------------------------------------------------------------


def person_list_assignable_by(*, actor: User) -> QuerySet[User]:
    """Queryset twin of courses.assign_course: the people `actor` may assign courses to."""
    roles = user_roles(actor)
    people = User.objects.filter(is_active=True, vetting_status=User.Vetting.APPROVED)
    if PLATFORM_ADMIN in roles:
        return people.select_related("agency", "unit", "profession")
    from accounts.selectors import unit_list_supervised_by

    scope = Q(pk__in=[])
    if AGENCY_ADMIN in roles and actor.agency_id:
        scope |= Q(agency_id=actor.agency_id)
    scope |= Q(unit__in=unit_list_supervised_by(user=actor))
    return people.filter(scope).select_related("agency", "unit", "profession")


def enrolment_overview_for(*, actor: User, query: str = "") -> QuerySet[User]:
    """The people `actor` supervises with counts of their enrolments by state."""
    today = timezone.localdate()
    people = person_list_assignable_by(actor=actor)
    query = " ".join(query.split())
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return people.annotate(
        n_assigned=Count("enrolments", distinct=True),
        n_completed=Count(
            "enrolments", filter=Q(enrolments__completed_at__isnull=False), distinct=True
        ),
        n_overdue=Count(
            "enrolments",
            filter=Q(enrolments__completed_at__isnull=True, enrolments__due_on__lt=today),
            distinct=True,
        ),
    ).order_by("full_name", "email")


def enrolment_list_for_person(*, actor: User, person_pk: int) -> tuple[User, list[Enrolment]]:
    person = person_list_assignable_by(actor=actor).get(pk=person_pk)
    enrolments = list(
        Enrolment.objects.filter(user=person).select_related("course").order_by("-enrolled_at")
    )
    return person, enrolments


# --- Drills -------------------------------------------------------------------------------


def drill_get_visible(*, user: User, pk: int) -> Drill:
    return (
        Drill.objects.filter(course__in=course_list_visible_to(user=user), is_published=True)
        .select_related("course")
        .get(pk=pk)
    )


def drill_latest_answers(*, drill: Drill) -> QuerySet[DrillAnswer]:
    """Every learner's answers from their latest submitted attempt at the drill."""
    latest = (
        DrillAttempt.objects.filter(
            drill=drill, user_id=OuterRef("attempt__user_id"), submitted_at__isnull=False
        )
        .order_by("-submitted_at")
        .values("pk")[:1]
    )
    return DrillAnswer.objects.filter(
        attempt__drill=drill, attempt__submitted_at__isnull=False, attempt_id=Subquery(latest)
    )


@dataclass
class CardAgreement:
    card: object
    counts: list[int]  # per level, in level order
    answers: int
    agreement: float | None  # P_i: share of learner pairs who agree
    expert_share: float | None  # share of learners who chose the expert level
    adjacent_share: float | None


@dataclass
class DrillAgreement:
    levels: list[PriorityLevel]
    cards: list[CardAgreement]
    kappa: float | None
    by_country: list[tuple[str, int, float | None]]  # (country, learners, kappa)
    learners: int


def drill_agreement(*, drill: Drill) -> DrillAgreement:
    """Per-scenario agreement across learners and Fleiss' kappa, overall and per country,
    from each learner's latest submitted attempt. Three queries."""
    from .agreement import counts_table, fleiss_kappa, subject_agreement

    levels = list(PriorityLevel.objects.order_by("rank"))
    level_ids = [level.pk for level in levels]
    rank_of = {level.pk: level.rank for level in levels}
    cards = list(drill.cards.select_related("expert_level").order_by("position", "pk"))
    rows = list(
        drill_latest_answers(drill=drill).values_list(
            "card_id", "level_id", "attempt__user_id", "attempt__user__agency__country__name"
        )
    )
    by_card: dict[int, list[int]] = defaultdict(list)
    by_country: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    country_people: dict[str, set[int]] = defaultdict(set)
    for card_id, level_id, user_id, country in rows:
        by_card[card_id].append(level_id)
        name = country or "—"
        by_country[name][card_id].append(level_id)
        country_people[name].add(user_id)
    stats = []
    for card in cards:
        chosen = by_card.get(card.pk, [])
        counts = [chosen.count(pk) for pk in level_ids]
        n = len(chosen)
        expert_rank = card.expert_level.rank
        stats.append(
            CardAgreement(
                card=card,
                counts=counts,
                answers=n,
                agreement=subject_agreement(counts),
                expert_share=(chosen.count(card.expert_level_id) / n) if n else None,
                adjacent_share=(sum(1 for pk in chosen if abs(rank_of[pk] - expert_rank) == 1) / n)
                if n
                else None,
            )
        )
    kappa = fleiss_kappa(counts_table({c.pk: by_card.get(c.pk, []) for c in cards}, level_ids))
    countries = [
        (name, len(country_people[name]), fleiss_kappa(counts_table(ratings, level_ids)))
        for name, ratings in sorted(by_country.items())
    ]
    return DrillAgreement(
        levels=levels,
        cards=stats,
        kappa=kappa,
        by_country=countries,
        learners=len({user_id for _c, _l, user_id, _n in rows}),
    )


def drill_attempt_result(*, attempt: DrillAttempt) -> list[DrillAnswer]:
    from .models import FollowUpAction

    names = {action.code: str(action) for action in FollowUpAction.objects.all()}
    answers = list(
        attempt.answers.select_related("card__expert_level", "level")
        .prefetch_related("card__expert_actions")
        .order_by("card__position", "card_id")
    )
    for answer in answers:
        answer.action_names = [names.get(code, code) for code in answer.actions]  # type: ignore[attr-defined]
    return answers


# --- Recertification ----------------------------------------------------------------------


def refresher_list_open_for(*, user: User) -> list[Refresher]:
    """The learner's open refreshers, soonest due first, with `lessons_done` and
    `lessons_total` (one query)."""
    return list(
        Refresher.objects.open()
        .filter(user=user)
        .select_related("course")
        # The panel shows the kind, due date and course title: not the whole course row.
        .only("id", "kind", "due_on", "course", "course__title", "course__slug")
        .annotate(
            lessons_total=Count("items"),
            lessons_done=Count("items", filter=Q(items__completed_at__isnull=False)),
        )
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def refresher_get(*, user: User, pk: int) -> Refresher:
    """One of the learner's own refreshers with its lessons; DoesNotExist for anyone
    else's."""
    return (
        Refresher.objects.select_related("course", "module_version")
        .prefetch_related(
            Prefetch("items", queryset=RefresherLesson.objects.select_related("lesson__module"))
        )
        .get(user=user, pk=pk)
    )


def _refresher_lessons_pending(*, user: User) -> QuerySet[RefresherLesson]:
    """Lessons that open refreshers of the learner still ask for."""
    return RefresherLesson.objects.filter(
        refresher__user=user,
        refresher__completed_at__isnull=True,
        refresher__cancelled_at__isnull=True,
        completed_at__isnull=True,
    )


@dataclass(frozen=True)
class ExpiryCounts:
    within_30: int
    within_90: int
    expired: int


def course_expiry_counts(*, course_ids: list[int]) -> dict[int, ExpiryCounts]:
    """Per course, how many current certificates expire within 30 and 90 days, and how many
    have lapsed (one indexed GROUP BY over enrolment states)."""
    today = timezone.localdate()
    soon = Q(state__in=[Enrolment.State.CERTIFIED, Enrolment.State.WINDOW_OPEN])
    rows = (
        Enrolment.objects.filter(course_id__in=course_ids)
        .values("course_id")
        .annotate(
            within_30=Count("pk", filter=soon & Q(expires_on__lte=today + timedelta(days=30))),
            within_90=Count("pk", filter=soon & Q(expires_on__lte=today + timedelta(days=90))),
            expired=Count("pk", filter=Q(state=Enrolment.State.EXPIRED)),
        )
        .order_by()
    )
    counts = {cid: ExpiryCounts(0, 0, 0) for cid in course_ids}
    for row in rows:
        counts[row["course_id"]] = ExpiryCounts(row["within_30"], row["within_90"], row["expired"])
    return counts


@dataclass(frozen=True)
class SupervisorExpiryPanel:
    upcoming: list[Enrolment]
    overdue: list[Enrolment]
    upcoming_total: int
    overdue_total: int
    # Course updates (change-driven refreshers) past their due date.
    updates_overdue: list[Refresher] = field(default_factory=list)


SUPERVISOR_PANEL_ROWS = 8


def supervisor_expiry_panel_for(*, user: User) -> SupervisorExpiryPanel | None:
    """For a supervisor: certificates of their units expiring within 30 days, and overdue
    or expired training, and course updates past their due date (the first few of each and
    totals; four queries). None for someone who supervises nobody."""
    from accounts.selectors import unit_list_supervised_by

    units = list(unit_list_supervised_by(user=user).values_list("pk", flat=True))
    if not units:
        return None
    today = timezone.localdate()
    mine = Enrolment.objects.filter(user__unit_id__in=units, user__is_active=True).exclude(
        user=user
    )
    upcoming_q = Q(
        state__in=[Enrolment.State.CERTIFIED, Enrolment.State.WINDOW_OPEN],
        expires_on__lte=today + timedelta(days=30),
    )
    overdue_q = Q(state__in=[Enrolment.State.OVERDUE, Enrolment.State.EXPIRED])
    totals = mine.aggregate(
        upcoming=Count("pk", filter=upcoming_q), overdue=Count("pk", filter=overdue_q)
    )
    fields = ("user", "course")
    return SupervisorExpiryPanel(
        upcoming=list(
            mine.filter(upcoming_q)
            .select_related(*fields)
            .order_by("expires_on", "pk")[:SUPERVISOR_PANEL_ROWS]
        ),
        overdue=list(
            mine.filter(overdue_q)
            .select_related(*fields)
            .order_by(Coalesce("expires_on", "due_on").asc(), "pk")[:SUPERVISOR_PANEL_ROWS]
        ),
        upcoming_total=totals["upcoming"],
        overdue_total=totals["overdue"],
        updates_overdue=list(
            Refresher.objects.filter(
                kind=Refresher.Kind.CHANGE,  # renewals past due are already under "overdue"
                user__unit_id__in=units,
                user__is_active=True,
                completed_at__isnull=True,
                cancelled_at__isnull=True,
                due_on__lt=today,
            )
            .exclude(user=user)
            .select_related("user", "course")
            .order_by("due_on", "pk")[:SUPERVISOR_PANEL_ROWS]
        ),
    )
