"""Learner pages: catalogue, course, lessons (with content warnings), quizzes, my learning,
preferences, certificates."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import CatalogueFilterForm, PreferenceForm
from ..models import Certificate, Course, Enrolment, Lesson, QuizAttempt, Refresher
from ._common import error_messages, paginate, querystring_without_page, url_or_none


@login_required
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    courses = selectors.course_list_catalogue(
        user=request.user,
        query=data.get("q", ""),
        language=data.get("language", ""),
    )
    page = paginate(request, courses)
    return render(
        request,
        "courses/catalogue.html",
        {
            "form": form,
            "page_obj": page,
            "query": data.get("q", ""),
            "querystring": querystring_without_page(request),
        },
    )


def _course_page(request, slug):
    try:
        return selectors.course_page_get(user=request.user, slug=slug, language=get_language())
    except Course.DoesNotExist:
        raise Http404 from None


@login_required
def course_detail(request, slug):
    page = _course_page(request, slug)
    return render(
        request,
        "courses/course_detail.html",
        {
            "page": page,
            "course": page.course,
            "can_enrol": page.enrolment is None
            and rules.has_perm("courses.enrol_course", request.user, page.course),
        },
    )


@login_required
@require_POST
def course_enrol(request, slug):
    page = _course_page(request, slug)
    try:
        services.enrolment_self_create(actor=request.user, course=page.course)
    except PermissionDenied:
        messages.error(request, _("This course is assigned by supervisors; you cannot join it."))
        return redirect("courses:course", slug=slug)
    messages.success(request, _("You are enrolled. Start whenever you are ready."))
    first = page.resume
    if first is not None:
        return redirect("courses:lesson", slug=slug, lesson_id=first.lesson_id)
    return redirect("courses:course", slug=slug)


def _lesson_page(request, slug, lesson_id):
    try:
        return selectors.lesson_page_get(
            user=request.user, slug=slug, lesson_id=lesson_id, language=get_language()
        )
    except (Course.DoesNotExist, Lesson.DoesNotExist):
        raise Http404 from None


@login_required
def lesson_detail(request, slug, lesson_id):
    lp = _lesson_page(request, slug, lesson_id)
    enrolled = lp.page.enrolment is not None
    if not enrolled and not lp.page.can_edit:
        messages.info(request, _("Enrol in the course to open its lessons."))
        return redirect("courses:course", slug=slug)
    context = {"lp": lp, "page": lp.page, "course": lp.page.course, "version": lp.version}
    if enrolled and lp.must_warn(proceed=request.GET.get("proceed") == "1"):
        return render(request, "courses/lesson_warning.html", context)
    context["reveal"] = request.GET.get("reveal") == "1"
    context["refresher_id"] = lp.refresher_id
    return render(request, "courses/lesson_detail.html", context)


@login_required
@require_POST
def lesson_continue(request, slug, lesson_id):
    lp = _lesson_page(request, slug, lesson_id)
    try:
        services.lesson_warning_acknowledge(actor=request.user, lesson_version=lp.version)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("courses:course", slug=slug)
    return redirect(reverse("courses:lesson", args=[slug, lesson_id]) + "?proceed=1")


@login_required
@require_POST
def lesson_postpone(request, slug, lesson_id):
    lp = _lesson_page(request, slug, lesson_id)
    try:
        services.lesson_postpone(actor=request.user, lesson_version=lp.version)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("courses:course", slug=slug)
    messages.info(request, _("Lesson postponed. It will be here when you are ready."))
    return redirect("courses:course", slug=slug)


@login_required
@require_POST
def lesson_complete(request, slug, lesson_id):
    lp = _lesson_page(request, slug, lesson_id)
    refresher_id = lp.refresher_id  # read before completing the lesson changes it
    try:
        outcome = services.lesson_complete(actor=request.user, lesson_version=lp.version)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("courses:lesson", slug=slug, lesson_id=lesson_id)
    if outcome.refreshers_completed:
        messages.success(request, _("Refresher complete. Your certificate is up to date."))
    if outcome.course_completed:
        messages.success(request, _("Course complete. Your certificate is ready."))
    elif outcome.module_completed:
        messages.success(request, _("Module complete."))
    if outcome.suggest_pause:
        return redirect("courses:lesson_pause", slug=slug, lesson_id=lesson_id)
    if outcome.certificate is not None:
        return redirect("courses:certificate", code=outcome.certificate.code)
    if refresher_id is not None:
        return redirect("courses:refresher", pk=refresher_id)
    return redirect(_after_lesson_url(lp, slug))


@login_required
def lesson_pause(request, slug, lesson_id):
    """After a lesson at exposure level 2-3: a moment to pause, with the wellbeing resources."""
    lp = _lesson_page(request, slug, lesson_id)
    return render(
        request,
        "courses/lesson_pause.html",
        {
            "lp": lp,
            "page": lp.page,
            "course": lp.page.course,
            "checkin_url": url_or_none("wellbeing:checkin"),
            "wellbeing_url": url_or_none("wellbeing:resources") or url_or_none("wellbeing:home"),
            "next_url": _after_lesson_url(lp, slug),
        },
    )


def _after_lesson_url(lp, slug) -> str:
    if (
        lp.module.has_quiz
        and not lp.module.quiz_passed
        and (lp.next is None or lp.next.version.module_version_id != lp.version.module_version_id)
    ):
        return reverse("courses:quiz", args=[slug, lp.module.module.pk])
    if lp.next is not None:
        return reverse("courses:lesson", args=[slug, lp.next.lesson_id])
    return reverse("courses:course", args=[slug])


# --- Quizzes --------------------------------------------------------------------------------


def _quiz_module(request, slug, module_id):
    page = _course_page(request, slug)
    module = next((m for m in page.modules if m.module.pk == module_id), None)
    if module is None or not module.has_quiz:
        raise Http404
    return page, module


@login_required
def quiz(request, slug, module_id):
    page, module = _quiz_module(request, slug, module_id)
    attempts = list(selectors.quiz_attempt_list_for(user=request.user, module=module.module))
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    return render(
        request,
        "courses/quiz.html",
        {
            "page": page,
            "course": page.course,
            "module": module,
            "version": module.version,
            "attempts": [a for a in attempts if a.submitted_at],
            "open_attempt": open_attempt,
            "blocker": None
            if open_attempt
            else services.quiz_attempt_blocker(user=request.user, module=module.module),
            "enrolled": page.enrolment is not None,
        },
    )


@login_required
@require_POST
def quiz_start(request, slug, module_id):
    _page, module = _quiz_module(request, slug, module_id)
    try:
        attempt = services.quiz_attempt_start(actor=request.user, module=module.module)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("courses:quiz", slug=slug, module_id=module_id)
    return redirect("courses:quiz_attempt", pk=attempt.pk)


def _attempt(request, pk) -> QuizAttempt:
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("module_version", "module__course"),
        pk=pk,
        user=request.user,
    )
    return attempt


@login_required
def quiz_attempt(request, pk):
    attempt = _attempt(request, pk)
    course = attempt.module.course
    return render(
        request,
        "courses/quiz_attempt.html",
        {
            "attempt": attempt,
            "course": course,
            "module": attempt.module,
            "items": selectors.quiz_attempt_items(attempt=attempt),
            "passed": attempt.passed,
        },
    )


def _answers_from(post, attempt: QuizAttempt) -> dict:
    """Read the answers as sent, without judging them: the service rejects anything the form
    could not have offered. Ordering questions arrive as one place number per option
    ("<question>-place-<option>")."""
    kinds = {question["key"]: question["kind"] for question in attempt.module_version.quiz}
    answers: dict[str, object] = {}
    for name in post:
        if name == "csrfmiddlewaretoken":
            continue
        key, marker, option = name.partition("-place-")
        if marker and kinds.get(key) == "ordering":
            answers.setdefault(key, {})[option] = post.get(name, "")  # type: ignore[index]
        elif kinds.get(name) == "short_text":
            answers[name] = post.get(name, "")
        else:
            answers[name] = post.getlist(name)
    return answers


@login_required
@require_POST
def quiz_submit(request, pk):
    attempt = _attempt(request, pk)
    answers = _answers_from(request.POST, attempt)
    try:
        attempt = services.quiz_attempt_submit(actor=request.user, attempt=attempt, answers=answers)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("courses:quiz_attempt", pk=pk)
    if attempt.passed:
        messages.success(request, _("Passed with %(score)s%%.") % {"score": attempt.score})
    else:
        messages.warning(
            request,
            _("Not passed this time (%(score)s%%; %(mark)s%% needed). Read the feedback below.")
            % {"score": attempt.score, "mark": attempt.module_version.pass_mark},
        )
    return redirect("courses:quiz_attempt", pk=pk)


# --- My learning, preferences, certificates -------------------------------------------------


@login_required
def my_learning(request):
    summary = selectors.learning_summary_for(user=request.user, completed_limit=100)
    return render(
        request,
        "courses/my_learning.html",
        {
            "summary": summary,
            "certificates": selectors.certificate_list_for(user=request.user).select_related(
                "course"
            ),
        },
    )


@login_required
def preferences(request):
    current = selectors.learner_preference_get(user=request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.learner_preference_set(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Your preferences are saved."))
            return redirect("courses:preferences")
    else:
        form = PreferenceForm(
            initial={"always_warn": current.always_warn, "blur_images": current.blur_images}
        )
    return render(request, "courses/preferences.html", {"form": form})


@login_required
def certificate_detail(request, code):
    """The holder's printable certificate, with its expiry, the renewal action when the
    window is open, and the earlier cycles."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("course", "enrolment"), code=code, user=request.user
    )
    history = list(
        Certificate.objects.filter(user=request.user, course_id=certificate.course_id).order_by(
            "-issued_at", "-pk"
        )
    )
    enrolment = certificate.enrolment
    renewal = None
    if enrolment is not None:
        renewal = (
            Refresher.objects.filter(
                enrolment=enrolment,
                kind=Refresher.Kind.RENEWAL,
                completed_at__isnull=True,
                cancelled_at__isnull=True,
            )
            .only("pk")
            .first()
        )
    is_current = bool(history) and history[0].pk == certificate.pk
    return render(
        request,
        "courses/certificate.html",
        {
            "certificate": certificate,
            "enrolment": enrolment,
            "is_current": is_current,
            "can_renew": is_current
            and enrolment is not None
            and enrolment.state in (Enrolment.State.WINDOW_OPEN, Enrolment.State.EXPIRED),
            "renewal": renewal,
            "history": history if len(history) > 1 else [],
            "verify_url": request.build_absolute_uri(
                reverse("courses:verify_code", args=[certificate.code])
            ),
        },
    )


@login_required
@require_POST
def certificate_renew(request, slug):
    """Start (or resume) renewing the learner's certificate for a course."""
    course = _course_for_learner(request, slug)
    try:
        refresher = services.refresher_renewal_start(actor=request.user, course=course)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("courses:course", slug=slug)
    return redirect("courses:refresher", pk=refresher.pk)


def _course_for_learner(request, slug) -> Course:
    course = Course.objects.filter(slug=slug).first()
    if course is None or not rules.has_perm("courses.view_course", request.user, course):
        raise Http404
    return course


@login_required
def refresher_detail(request, pk):
    """A refresher: what changed, the due date, and the lessons to take (the learner's own;
    404 for anyone else's)."""
    try:
        refresher = selectors.refresher_get(user=request.user, pk=pk)
    except Refresher.DoesNotExist:
        raise Http404 from None
    items = list(refresher.items.all())
    return render(
        request,
        "courses/refresher.html",
        {
            "refresher": refresher,
            "items": items,
            "done": sum(1 for item in items if item.completed_at),
            "quizzes": services.refresher_quizzes_pending(refresher) if refresher.is_open else [],
        },
    )


@login_required
def image_serve(request, uuid):
    """A diagram, only to signed-in people who may see its course (a 404 otherwise)."""
    from django.http import FileResponse

    from ..models import LessonImage

    image = (
        LessonImage.objects.select_related("module__course")
        .filter(uuid=uuid, module__course__in=selectors.course_list_visible_to(user=request.user))
        .first()
    )
    if image is None:
        raise Http404
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["Content-Disposition"] = f'inline; filename="{image.uuid}.{image.extension}"'
    # Immutable once uploaded (a new upload has a new id); private: never in shared caches.
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
