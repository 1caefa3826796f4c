"""The reference library (priority levels, glossary), triage drills, and the public
certificate verification page."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import DrillAnswerForm, VerifyForm
from ..models import Certificate, Drill, DrillAttempt, GlossaryTerm
from ._common import error_messages, paginate, querystring_without_page


def _require_reader(request) -> None:
    if not rules.has_perm("courses.view_reference", request.user):
        raise Http404


@login_required
def reference(request):
    _require_reader(request)
    return render(
        request,
        "courses/reference.html",
        {"levels": list(selectors.priority_level_list())},
    )


@login_required
def glossary(request):
    _require_reader(request)
    query = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    terms = selectors.glossary_term_list(query=query, status=status)
    return render(
        request,
        "courses/glossary.html",
        {
            "page_obj": paginate(request, terms),
            "query": query,
            "status": status,
            "statuses": GlossaryTerm.Status.choices,
            "querystring": querystring_without_page(request),
        },
    )


# --- Triage drills --------------------------------------------------------------------------


def _drill(request, pk) -> Drill:
    try:
        return selectors.drill_get_visible(user=request.user, pk=pk)
    except Drill.DoesNotExist:
        raise Http404 from None


def _open_attempt(request, drill) -> DrillAttempt | None:
    return DrillAttempt.objects.filter(
        user=request.user, drill=drill, submitted_at__isnull=True
    ).first()


@login_required
def drill_detail(request, pk):
    drill = _drill(request, pk)
    cards = list(drill.cards.all())
    attempt = _open_attempt(request, drill)
    answered = set(attempt.answers.values_list("card_id", flat=True)) if attempt else set()
    past = list(
        DrillAttempt.objects.filter(
            user=request.user, drill=drill, submitted_at__isnull=False
        ).order_by("-submitted_at")[:5]
    )
    return render(
        request,
        "courses/drill_detail.html",
        {
            "drill": drill,
            "course": drill.course,
            "cards": cards,
            "attempt": attempt,
            "answered": answered,
            "past": past,
            "next_card": next((c for c in cards if c.pk not in answered), None),
        },
    )


@login_required
@require_POST
def drill_start(request, pk):
    drill = _drill(request, pk)
    try:
        services.drill_attempt_start(actor=request.user, drill=drill)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("courses:drill", pk=pk)
    first = drill.cards.first()
    if first is None:
        return redirect("courses:drill", pk=pk)
    return redirect("courses:drill_card", pk=pk, card_id=first.pk)


@login_required
def drill_card(request, pk, card_id):
    drill = _drill(request, pk)
    attempt = _open_attempt(request, drill)
    if attempt is None:
        messages.info(request, _("Start the drill first."))
        return redirect("courses:drill", pk=pk)
    cards = list(drill.cards.all())
    card = next((c for c in cards if c.pk == card_id), None)
    if card is None:
        raise Http404
    existing = attempt.answers.filter(card=card).first()
    initial = {"level": existing.level_id, "actions": existing.actions} if existing else None
    form = DrillAnswerForm(request.POST or None, initial=initial)
    index = cards.index(card)
    if request.method == "POST" and form.is_valid():
        try:
            services.drill_answer_record(
                actor=request.user,
                attempt=attempt,
                card=card,
                level_id=form.cleaned_data["level"].pk,
                actions=form.cleaned_data["actions"],
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            if index + 1 < len(cards):
                return redirect("courses:drill_card", pk=pk, card_id=cards[index + 1].pk)
            return redirect("courses:drill", pk=pk)
    return render(
        request,
        "courses/drill_card.html",
        {
            "drill": drill,
            "course": drill.course,
            "card": card,
            "form": form,
            "number": index + 1,
            "total": len(cards),
            "previous": cards[index - 1] if index else None,
        },
    )


@login_required
@require_POST
def drill_submit(request, pk):
    drill = _drill(request, pk)
    attempt = _open_attempt(request, drill)
    if attempt is None:
        messages.error(request, _("This drill was already submitted. Nothing was changed."))
        return redirect("courses:drill", pk=pk)
    try:
        attempt = services.drill_attempt_submit(actor=request.user, attempt=attempt)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("courses:drill", pk=pk)
    return redirect("courses:drill_result", pk=attempt.pk)


@login_required
def drill_result(request, pk):
    attempt = get_object_or_404(
        DrillAttempt.objects.select_related("drill__course"),
        pk=pk,
        user=request.user,
        submitted_at__isnull=False,
    )
    return render(
        request,
        "courses/drill_result.html",
        {
            "attempt": attempt,
            "drill": attempt.drill,
            "course": attempt.drill.course,
            "answers": selectors.drill_attempt_result(attempt=attempt),
        },
    )


@login_required
def drill_agreement(request, pk):
    drill = get_object_or_404(Drill.objects.select_related("course"), pk=pk)
    if not rules.has_perm("courses.edit_course", request.user, drill.course):
        raise Http404
    from ..agreement import kappa_label

    agreement = selectors.drill_agreement(drill=drill)
    return render(
        request,
        "courses/authoring/drill_agreement.html",
        {
            "drill": drill,
            "course": drill.course,
            "agreement": agreement,
            "kappa_label": kappa_label(agreement.kappa),
            "countries": [
                (name, learners, kappa, kappa_label(kappa))
                for name, learners, kappa in agreement.by_country
            ],
        },
    )


# --- Public certificate verification --------------------------------------------------------


@never_cache
def verify(request):
    """Anyone (no sign-in) can check a certificate code."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("courses:verify_code", code=form.cleaned_data["code"].strip().upper())
    return render(request, "courses/verify.html", {"form": form})


@never_cache
def verify_code(request, code):
    """Shows only the holder's name, the course and whether the certificate is valid."""
    try:
        certificate = selectors.certificate_get_public(code=code)
    except Certificate.DoesNotExist:
        return render(
            request,
            "courses/verify_result.html",
            {"certificate": None, "code": code[:20]},
            status=404,
        )
    return render(
        request,
        "courses/verify_result.html",
        {"certificate": certificate, "status": certificate.status_on(timezone.localdate())},
    )
