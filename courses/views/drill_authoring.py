"""Trainer pages for triage drills: a course's drills, each drill's scenario cards with their
expert key, publishing. Only the course's trainers (and platform admins) reach them; anyone
else gets a 404. Writes go through courses.services.drills, which audits them."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..forms import DrillForm, ScenarioCardForm
from ..models import Course, Drill, ScenarioCard
from ..services import drills as drill_services
from ._common import error_messages, form_errors


def _course(request, pk) -> Course:
    course = selectors.course_list_editable_by(user=request.user).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def _drill(request, pk) -> Drill:
    drill = selectors.drill_get_editable(user=request.user, pk=pk)
    if drill is None:
        raise Http404
    return drill


def _card(request, pk) -> ScenarioCard:
    card = selectors.card_get_editable(user=request.user, pk=pk)
    if card is None:
        raise Http404
    return card


def _form_page(request, form, save, *, done: str, then, template: str, context: dict):
    """The create/edit pattern: on a valid POST call `save(cleaned_data)`; a ValidationError
    from the service shows on the form (nothing saved), success says `done` and goes `then`."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        except ObjectDoesNotExist:  # deleted by a request that came just before
            raise Http404 from None
        else:
            messages.success(request, done)
            return redirect(then(saved))
    return render(request, template, {"form": form, **context})


# --- Drills ---------------------------------------------------------------------------------


@login_required
def drill_list(request, pk):
    course = _course(request, pk)
    drills = selectors.drill_list_for_authoring(course=course)
    return render(
        request, "courses/authoring/drill_list.html", {"course": course, "drills": drills}
    )


@login_required
def drill_create(request, pk):
    course = _course(request, pk)
    return _form_page(
        request,
        DrillForm(request.POST or None),
        lambda data: drill_services.drill_create(actor=request.user, course=course, **data),
        done=_("Drill created. Add its scenario cards."),
        then=lambda drill: reverse("courses:authoring_drill", args=[drill.pk]),
        template="courses/authoring/drill_form.html",
        context={"course": course, "drill": None},
    )


@login_required
def drill_manage(request, pk):
    drill = _drill(request, pk)
    cards = selectors.card_list_for_authoring(drill=drill)
    return render(
        request,
        "courses/authoring/drill_manage.html",
        {
            "drill": drill,
            "course": drill.course,
            "cards": cards,
            "order": ",".join(str(card.pk) for card in cards),
            # The agreement across learners means something once someone has answered.
            "answered": any(card.answer_count for card in cards),
        },
    )


@login_required
def drill_edit(request, pk):
    drill = _drill(request, pk)
    return _form_page(
        request,
        DrillForm(request.POST or None, instance=copy.copy(drill)),
        lambda data: drill_services.drill_update(actor=request.user, drill=drill, **data),
        done=_("Drill saved."),
        then=lambda _saved: reverse("courses:authoring_drill", args=[pk]),
        template="courses/authoring/drill_form.html",
        context={"course": drill.course, "drill": drill},
    )


@login_required
@require_POST
def drill_status(request, pk):
    drill = _drill(request, pk)
    action = request.POST.get("action")
    if action not in ("publish", "unpublish"):
        messages.error(request, _("Unknown action. Nothing was changed."))
        return redirect("courses:authoring_drill", pk=pk)
    try:
        drill_services.drill_publish(actor=request.user, drill=drill, publish=action == "publish")
    except ValidationError as error:
        error_messages(request, error)
    else:
        if action == "publish":
            messages.success(request, _("The drill is open to the course's learners."))
        else:
            messages.success(
                request,
                _("The drill is closed: learners no longer see it. Their results stay."),
            )
    return redirect("courses:authoring_drill", pk=pk)


# --- Scenario cards -------------------------------------------------------------------------


def _card_fields(cleaned_data) -> dict:
    return {**cleaned_data, "expert_actions": list(cleaned_data["expert_actions"])}


@login_required
def card_create(request, pk):
    drill = _drill(request, pk)
    return _form_page(
        request,
        ScenarioCardForm(request.POST or None),
        lambda data: drill_services.scenario_card_create(
            actor=request.user, drill=drill, **_card_fields(data)
        ),
        done=_("Scenario card added."),
        then=lambda _saved: reverse("courses:authoring_drill", args=[pk]),
        template="courses/authoring/card_form.html",
        context={"drill": drill, "course": drill.course, "card": None},
    )


@login_required
def card_edit(request, pk):
    card = _card(request, pk)
    return _form_page(
        request,
        ScenarioCardForm(request.POST or None, instance=copy.copy(card)),
        lambda data: drill_services.scenario_card_update(
            actor=request.user, card=card, **_card_fields(data)
        ),
        done=_("Scenario card saved."),
        then=lambda _saved: reverse("courses:authoring_drill", args=[card.drill_id]),
        template="courses/authoring/card_form.html",
        context={"drill": card.drill, "course": card.drill.course, "card": card},
    )


@login_required
@require_POST
def card_move(request, pk):
    card = _card(request, pk)
    action = request.POST.get("action")
    try:
        seen = [int(part) for part in request.POST.get("order", "").split(",") if part]
    except ValueError:
        seen = []
    if action not in ("up", "down") or not seen:
        messages.error(request, _("Unknown action. Nothing was changed."))
    else:
        try:
            drill_services.scenario_card_move(
                actor=request.user,
                card=card,
                offset=-1 if action == "up" else 1,
                seen_order=seen,
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            words = _("“%(title)s” moved up.") if action == "up" else _("“%(title)s” moved down.")
            messages.success(request, words % {"title": card.title})
    # Back to the card moved (its list item takes the fragment), not the top of the page.
    drill_page = reverse("courses:authoring_drill", args=[card.drill_id])
    return redirect(f"{drill_page}#card-{card.pk}")


def _delete_after_confirmation(
    request, *, delete, missing, done: str, then: str, refused: str, template: str, context
):
    """The delete pattern: a GET shows the confirmation page (or why it cannot be done),
    with `context()` read for the page only; a POST calls `delete()`. A refusal
    (ValidationError) says why and goes to `refused`; an object a request just before
    deleted (`missing`, a double submit) is a 404."""
    if request.method != "POST":
        return render(request, template, context())
    try:
        delete()
    except ValidationError as error:
        error_messages(request, error)
        return redirect(refused)
    except missing:
        raise Http404 from None
    messages.success(request, done)
    return redirect(then)


@login_required
def card_delete(request, pk):
    """A card learners answered is never deleted: the page says why."""
    card = _card(request, pk)
    drill_page = reverse("courses:authoring_drill", args=[card.drill_id])
    return _delete_after_confirmation(
        request,
        delete=lambda: drill_services.scenario_card_delete(actor=request.user, card=card),
        missing=ScenarioCard.DoesNotExist,
        done=_("Scenario card deleted."),
        then=drill_page,
        refused=drill_page,
        template="courses/authoring/card_delete.html",
        context=lambda: {
            "card": card,
            "drill": card.drill,
            "course": card.drill.course,
            "blocker": drill_services.scenario_card_delete_blocker(card),
        },
    )


@login_required
def drill_delete(request, pk):
    """A drill learners have taken is never deleted: the page says why and offers to
    unpublish it."""
    drill = _drill(request, pk)
    return _delete_after_confirmation(
        request,
        delete=lambda: drill_services.drill_delete(actor=request.user, drill=drill),
        missing=Drill.DoesNotExist,
        done=_("Drill deleted."),
        then=reverse("courses:authoring_drills", args=[drill.course_id]),
        refused=reverse("courses:authoring_drill", args=[drill.pk]),
        template="courses/authoring/drill_delete.html",
        context=lambda: {
            "drill": drill,
            "course": drill.course,
            "card_count": drill.cards.count(),
            "blocker": drill_services.drill_delete_blocker(drill),
        },
    )
