"""Supervisors and agency admins: assign courses and assignment rules. The training reports
live in the reporting app; the old overview URLs redirect there."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.selectors import agency_list_administered_by

from .. import selectors, services
from ..forms import AssignForm, RuleForm
from ..models import AssignmentRule, Course
from ._common import error_messages


def _require_reports(request) -> None:
    if not rules.has_perm("courses.view_reports", request.user):
        raise Http404


def _published_courses():
    return Course.objects.filter(status=Course.Status.PUBLISHED).order_by("title")


@login_required
def reports(request):
    """The overview moved to the reporting app: its URL name is reversed, never imported
    (reporting sits above courses)."""
    _require_reports(request)
    target = reverse("reporting:matrix")
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)


@login_required
def report_person(request, pk):
    _require_reports(request)
    return redirect("reporting:learner", pk=pk)


@login_required
def assign(request):
    _require_reports(request)
    people = selectors.person_list_assignable_by(actor=request.user).order_by("full_name")
    form = AssignForm(request.POST or None, courses=_published_courses(), people=people)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.enrolment_assign(
                actor=request.user,
                course=form.cleaned_data["course"],
                people=form.cleaned_data["people"],
                due_on=form.cleaned_data["due_on"],
            )
        except PermissionDenied:
            form.add_error("people", _("You can only assign courses to people you supervise."))
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Course assigned to %(n)s person. They have been told.",
                    "Course assigned to %(n)s people. They have been told.",
                    len(done),
                )
                % {"n": len(done)},
            )
            return redirect("reporting:matrix")
    return render(request, "courses/assign.html", {"form": form})


@login_required
def rules_list(request):
    if not rules.has_perm("courses.manage_rules", request.user):
        raise Http404
    agencies = agency_list_administered_by(actor=request.user)
    form = RuleForm(request.POST or None, courses=_published_courses(), agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_rule_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                form.add_error("agency", _("You can only make rules for your own agency."))
            else:
                error_messages(request, error)
        else:
            messages.success(
                request,
                _("Rule saved: everyone it covers now has the course, and newcomers will."),
            )
            return redirect("courses:rules")
    current = (
        AssignmentRule.objects.filter(agency__in=agencies)
        .select_related("course", "agency", "profession")
        .order_by("-is_active", "agency__name", "profession__name")
    )
    return render(request, "courses/rules.html", {"form": form, "rules": current})


@login_required
@require_POST
def rule_deactivate(request, pk):
    if not rules.has_perm("courses.manage_rules", request.user):
        raise Http404
    rule = AssignmentRule.objects.filter(
        pk=pk, agency__in=agency_list_administered_by(actor=request.user)
    ).first()
    if rule is None:
        raise Http404
    services.assignment_rule_deactivate(actor=request.user, rule=rule)
    messages.success(request, _("Rule stopped. Existing enrolments stay."))
    return redirect("courses:rules")
