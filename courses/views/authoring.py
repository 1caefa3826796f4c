"""Trainer pages: courses they staff, modules, lessons (Markdown with live preview and the
terminology lint), question banks, publishing, version history and diffs."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User

from .. import selectors, services
from ..forms import (
    ChoiceFormSet,
    CourseForm,
    ImageUploadForm,
    LessonForm,
    LessonPreviewForm,
    LessonVariantForm,
    ModuleForm,
    PublishForm,
    QuestionForm,
    RefresherPolicyForm,
    StaffAddForm,
)
from ..models import Course, CourseStaff, Lesson, Module, Question, QuizAttemptGrant
from ..rendering import markdown_render_safe
from ..terminology import glossary_lint_for
from ._common import error_messages, form_errors


def _require_author(request) -> None:
    if not rules.has_perm("courses.author", request.user):
        raise Http404


def _course(request, pk) -> Course:
    try:
        return selectors.course_get_for_editing(user=request.user, pk=pk)
    except Course.DoesNotExist:
        raise Http404 from None


def _module(request, pk) -> Module:
    try:
        return selectors.module_get_for_editing(user=request.user, pk=pk)
    except Module.DoesNotExist:
        raise Http404 from None


def _lesson(request, pk) -> Lesson:
    try:
        return selectors.lesson_get_for_editing(user=request.user, pk=pk)
    except Lesson.DoesNotExist:
        raise Http404 from None


# --- Courses --------------------------------------------------------------------------------


@login_required
def authoring_home(request):
    _require_author(request)
    courses = list(selectors.course_list_for_authoring(user=request.user))
    expiry = selectors.course_expiry_counts(course_ids=[course.pk for course in courses])
    for course in courses:
        course.expiry = expiry[course.pk]
    return render(request, "courses/authoring/home.html", {"courses": courses})


@login_required
def course_create(request):
    _require_author(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Course created. Add its first module."))
            return redirect("courses:authoring_course", pk=course.pk)
    return render(request, "courses/authoring/course_form.html", {"form": form, "course": None})


@login_required
def course_edit(request, pk):
    course = _course(request, pk)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(actor=request.user, course=course, **form.service_kwargs())
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Course details saved."))
            return redirect("courses:authoring_course", pk=course.pk)
    return render(request, "courses/authoring/course_form.html", {"form": form, "course": course})


@login_required
def course_manage(request, pk):
    course = _course(request, pk)
    return render(
        request,
        "courses/authoring/course_manage.html",
        {
            "course": course,
            "modules": list(course.modules.all()),
            "staff": list(course.staff.all()),
            "staff_form": StaffAddForm(),
            "drills": list(course.drills.all()),
            "policy": services.refresher_policy_for(course),
            "expiry": selectors.course_expiry_counts(course_ids=[course.pk])[course.pk],
        },
    )


@login_required
def refresher_policy_edit(request, pk):
    """The course's refresher policy: validity, renewal window, basis, refresher path."""
    course = _course(request, pk)
    policy = services.refresher_policy_for(course)
    form = RefresherPolicyForm(request.POST or None, instance=policy, course=course)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.refresher_policy_save(
                actor=request.user,
                course=course,
                validity_months=data["validity_months"],
                window_days=data["window_days"],
                expiry_basis=data["expiry_basis"],
                minimum_active_months=data["minimum_active_months"],
                refresher_modules=data["refresher_modules"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The refresher policy is saved."))
            return redirect("courses:authoring_course", pk=pk)
    return render(
        request,
        "courses/authoring/refresher_policy.html",
        {"course": course, "form": form, "policy": policy},
    )


@login_required
@require_POST
def course_status(request, pk):
    course = _course(request, pk)
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.course_publish(actor=request.user, course=course)
            messages.success(request, _("The course is open to its audience."))
        elif action == "archive":
            services.course_archive(actor=request.user, course=course)
            messages.success(request, _("The course is archived."))
        else:
            messages.error(request, _("Unknown action. Nothing was changed."))
    except ValidationError as error:
        error_messages(request, error)
    return redirect("courses:authoring_course", pk=pk)


@login_required
@require_POST
def course_staff(request, pk):
    course = _course(request, pk)
    remove = request.POST.get("remove")
    try:
        if remove:
            staff = CourseStaff.objects.filter(course=course, pk=remove).first()
            if staff is None:
                raise Http404
            services.course_staff_remove(actor=request.user, staff=staff)
            messages.success(request, _("Trainer removed from the course."))
        else:
            form = StaffAddForm(request.POST)
            person = (
                User.objects.filter(email__iexact=form.data.get("email", "").strip()).first()
                if form.is_valid()
                else None
            )
            if person is None:
                messages.error(request, _("No trainer with that email address."))
            else:
                services.course_staff_add(actor=request.user, course=course, person=person)
                messages.success(request, _("Trainer added to the course."))
    except ValidationError as error:
        error_messages(request, error)
    return redirect("courses:authoring_course", pk=pk)


# --- Modules ------------------------------------------------------------------------------


@login_required
def module_create(request, pk):
    course = _course(request, pk)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tags = data.pop("topic_tags")
        try:
            module = services.module_create(
                actor=request.user, course=course, topic_tags=tags, **data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Module created. Write its first lesson."))
            return redirect("courses:authoring_module", pk=module.pk)
    return render(
        request,
        "courses/authoring/module_form.html",
        {"form": form, "course": course, "module": None},
    )


@login_required
def module_manage(request, pk):
    module = _module(request, pk)
    return render(
        request,
        "courses/authoring/module_manage.html",
        {
            "module": module,
            "course": module.course,
            "lessons": list(module.lessons.all()),
            "questions": list(module.questions.all()),
            "versions": list(selectors.module_version_list(module=module)[:5]),
            "images": list(module.images.all()[:50]),
            "quiz_people": _quiz_people(module),
            "extra_choices": range(1, QuizAttemptGrant.MAX_EXTRA + 1),
        },
    )


def _quiz_people(module: Module) -> list[User] | None:
    """Learners who have not passed the quiz yet, when the quiz limits attempts (each with
    `allowed`: the course's attempts plus those trainers gave)."""
    version = module.current_version
    if version is None or not version.has_quiz or not version.attempt_limit:
        return None
    people = list(selectors.quiz_people_not_passed(module=module)[: selectors.QUIZ_PEOPLE_SHOWN])
    for person in people:
        person.allowed = version.attempt_limit + person.extra  # type: ignore[attr-defined]
    return people


@login_required
@require_POST
def quiz_attempts_grant(request, pk):
    """Give a learner more attempts at the module's quiz (trainers of the course)."""
    module = _module(request, pk)
    try:
        learner = selectors.quiz_person_not_passed_get(
            module=module, pk=int(request.POST.get("person", ""))
        )
        extra = int(request.POST.get("extra", ""))
        granted_before = int(request.POST.get("granted_before", ""))
    except (User.DoesNotExist, ValueError):
        raise Http404 from None
    try:
        services.quiz_attempts_grant(
            actor=request.user,
            module=module,
            learner=learner,
            extra=extra,
            granted_before=granted_before,
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("%(name)s can take the quiz again; they have been told.")
            % {"name": learner.get_full_name()},
        )
    return redirect(reverse("courses:authoring_module", args=[pk]) + "#quiz-people")


@login_required
def module_edit(request, pk):
    module = _module(request, pk)
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tags = data.pop("topic_tags")
        try:
            services.module_update(actor=request.user, module=module, topic_tags=tags, **data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Module saved."))
            return redirect("courses:authoring_module", pk=pk)
    return render(
        request,
        "courses/authoring/module_form.html",
        {"form": form, "course": module.course, "module": module},
    )


@login_required
@require_POST
def module_action(request, pk):
    module = _module(request, pk)
    action = request.POST.get("action")
    try:
        if action in ("up", "down"):
            services.module_move(
                actor=request.user, module=module, offset=-1 if action == "up" else 1
            )
        elif action == "reviewed":
            services.module_review_mark(actor=request.user, module=module)
            messages.success(request, _("Marked as reviewed today."))
        elif action == "retire":
            services.module_retire(actor=request.user, module=module)
            messages.success(request, _("Module removed from the course."))
            return redirect("courses:authoring_course", pk=module.course_id)
        else:
            messages.error(request, _("Unknown action. Nothing was changed."))
    except ValidationError as error:
        error_messages(request, error)
    if action in ("up", "down"):
        return redirect("courses:authoring_course", pk=module.course_id)
    return redirect("courses:authoring_module", pk=pk)


@login_required
def module_publish(request, pk):
    module = _module(request, pk)
    flags = services.module_terminology_flags(module=module)
    avoid = [flag.term for flag in flags if flag.is_avoid]
    form = PublishForm(request.POST or None, terms=avoid)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.module_publish(
                actor=request.user,
                module=module,
                change_summary=form.cleaned_data["change_summary"],
                is_material_change=form.cleaned_data["is_material_change"],
                is_critical_change=form.cleaned_data["is_critical_change"],
                acknowledged_terms=form.cleaned_data["acknowledged_terms"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("Version %(n)s is published. Learners see it from now on.")
                % {"n": version.number},
            )
            return redirect("courses:authoring_module", pk=pk)
    return render(
        request,
        "courses/authoring/module_publish.html",
        {"module": module, "course": module.course, "form": form, "flags": flags},
    )


@login_required
def module_versions(request, pk):
    module = _module(request, pk)
    versions = list(selectors.module_version_list(module=module))
    return render(
        request,
        "courses/authoring/module_versions.html",
        {"module": module, "course": module.course, "versions": versions},
    )


@login_required
def module_diff(request, pk):
    module = _module(request, pk)
    versions = {v.number: v for v in module.versions.all()}
    try:
        old = versions[int(request.GET.get("from", ""))]
        new = versions[int(request.GET.get("to", ""))]
    except (KeyError, ValueError):
        messages.error(request, _("Choose two versions of this module to compare."))
        return redirect("courses:authoring_versions", pk=pk)
    return render(
        request,
        "courses/authoring/module_diff.html",
        {
            "module": module,
            "course": module.course,
            "old": old,
            "new": new,
            "diffs": selectors.module_version_diff(old=old, new=new),
        },
    )


# --- Lessons ------------------------------------------------------------------------------


def _preview_context(body_md: str, language: str) -> dict:
    lint = glossary_lint_for(language=language)
    html = markdown_render_safe(body_md)
    return {"preview_html": lint.highlight(html), "flags": lint.check([("", body_md)])}


@login_required
def lesson_create(request, pk):
    module = _module(request, pk)
    form = LessonForm(request.POST or None)
    context = {"form": form, "module": module, "course": module.course, "lesson": None}
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            context.update(_preview_context(form.cleaned_data["body_md"], module.course.language))
        else:
            try:
                lesson = services.lesson_create(
                    actor=request.user, module=module, **form.cleaned_data
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Lesson saved as a draft."))
                return redirect("courses:authoring_lesson", pk=lesson.pk)
    return render(request, "courses/authoring/lesson_form.html", context)


@login_required
def lesson_edit(request, pk):
    lesson = _lesson(request, pk)
    module = lesson.module
    form = LessonForm(request.POST or None, instance=lesson)
    context = {"form": form, "module": module, "course": module.course, "lesson": lesson}
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            context.update(_preview_context(form.cleaned_data["body_md"], module.course.language))
        else:
            try:
                services.lesson_update(actor=request.user, lesson=lesson, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Lesson saved as a draft."))
                return redirect("courses:authoring_lesson", pk=pk)
    elif request.method == "GET":
        context.update(_preview_context(lesson.body_md, module.course.language))
    return render(request, "courses/authoring/lesson_form.html", context)


@login_required
@require_POST
def lesson_preview(request):
    """The live preview (htmx): rendered exactly as learners will see it, with terms to avoid
    marked. Renders only; saves nothing."""
    if not rules.has_perm("courses.author", request.user):
        raise PermissionDenied
    form = LessonPreviewForm(request.POST)
    if not form.is_valid():
        return render(request, "courses/authoring/_preview.html", {"preview_html": "", "flags": []})
    language = form.cleaned_data.get("language") or "en"
    return render(
        request,
        "courses/authoring/_preview.html",
        _preview_context(form.cleaned_data["body_md"], language),
    )


@login_required
@require_POST
def lesson_action(request, pk):
    lesson = _lesson(request, pk)
    action = request.POST.get("action")
    try:
        if action in ("up", "down"):
            services.lesson_move(
                actor=request.user, lesson=lesson, offset=-1 if action == "up" else 1
            )
        elif action == "retire":
            services.lesson_retire(actor=request.user, lesson=lesson)
            messages.success(request, _("Lesson removed from the draft."))
        else:
            messages.error(request, _("Unknown action. Nothing was changed."))
    except ValidationError as error:
        error_messages(request, error)
    return redirect("courses:authoring_module", pk=lesson.module_id)


# --- Questions ----------------------------------------------------------------------------


def _question_forms(request, question: Question | None):
    if question is not None:
        initial = [
            {"text": c.text, "is_correct": c.is_correct, "feedback": c.feedback}
            for c in question.choices.all()
        ]
    else:
        initial = []
    initial += [{}] * max(0, 5 - len(initial))
    form = QuestionForm(request.POST or None, instance=question)
    formset = ChoiceFormSet(request.POST or None, initial=initial, prefix="choice")
    return form, formset


def _question_page(request, module: Module, question: Question | None):
    form, formset = _question_forms(request, question)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        choices = [f.cleaned_data for f in formset.forms if f.cleaned_data]
        try:
            services.question_save(
                actor=request.user,
                module=module,
                question=question,
                choices=choices,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect("courses:authoring_module", pk=module.pk)
    return render(
        request,
        "courses/authoring/question_form.html",
        {
            "form": form,
            "formset": formset,
            "module": module,
            "course": module.course,
            "question": question,
        },
    )


@login_required
def question_create(request, pk):
    return _question_page(request, _module(request, pk), None)


@login_required
def question_edit(request, pk):
    question = (
        Question.objects.filter(
            module__course__in=selectors.course_list_editable_by(user=request.user)
        )
        .select_related("module__course")
        .filter(pk=pk)
        .first()
    )
    if question is None:
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.question_delete(actor=request.user, question=question)
        messages.success(request, _("Question deleted."))
        return redirect("courses:authoring_module", pk=question.module_id)
    return _question_page(request, question.module, question)


# --- Diagrams and localised variants -------------------------------------------------------


@login_required
@require_POST
def image_upload(request, pk):
    module = _module(request, pk)
    form = ImageUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            image = services.lesson_image_upload(
                actor=request.user,
                module=module,
                upload=form.cleaned_data["file"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(
                request,
                _("Diagram uploaded. Paste this line into a lesson: %(snippet)s")
                % {"snippet": f"![{image.alt_text}](/courses/images/{image.uuid}/)"},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("courses:authoring_module", pk=pk)


@login_required
@require_POST
def image_delete(request, pk, uuid):
    module = _module(request, pk)
    image = module.images.filter(uuid=uuid).first()
    if image is None:
        raise Http404
    services.lesson_image_delete(actor=request.user, image=image)
    messages.success(request, _("Diagram deleted."))
    return redirect("courses:authoring_module", pk=pk)


@login_required
def lesson_variants(request, pk):
    """Localised overlays of one lesson: per language and/or per jurisdiction."""
    lesson = _lesson(request, pk)
    variants = list(lesson.variants.all())
    editing = None
    if request.GET.get("edit"):
        editing = next((v for v in variants if str(v.pk) == request.GET["edit"]), None)
    if request.method == "POST" and request.POST.get("delete"):
        variant = next((v for v in variants if str(v.pk) == request.POST["delete"]), None)
        if variant is None:
            raise Http404
        services.lesson_variant_delete(actor=request.user, variant=variant)
        messages.success(request, _("Variant deleted from the draft."))
        return redirect("courses:authoring_variants", pk=pk)
    form = LessonVariantForm(request.POST or None, instance=editing)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_variant_save(
                actor=request.user,
                lesson=lesson,
                language=form.cleaned_data["language"],
                jurisdiction=form.cleaned_data["jurisdiction"],
                title=form.cleaned_data["title"],
                body_md=form.cleaned_data["body_md"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Variant saved to the draft."))
            return redirect("courses:authoring_variants", pk=pk)
    return render(
        request,
        "courses/authoring/lesson_variants.html",
        {
            "lesson": lesson,
            "module": lesson.module,
            "course": lesson.module.course,
            "variants": variants,
            "form": form,
            "editing": editing,
        },
    )
