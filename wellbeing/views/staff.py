"""Pages for wellbeing leads (the review queue, cases, a person's history, self-care pages),
agency administrators (settings, aggregates) and supervisors (their team's flags).

Every read of a person's wellbeing data by a lead writes an audit row the person can see.
"""

from __future__ import annotations

import csv
from datetime import timedelta

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.exports import spreadsheet_safe
from accounts.models import Agency, User
from accounts.roles import SUPERVISOR, user_roles
from accounts.selectors import agency_list_administered_by

from .. import interpret, selectors, services
from ..chart import chart_for, charts_by_instrument
from ..forms import (
    AgencySettingsForm,
    AggregatesForm,
    CaseFollowUpForm,
    CaseNoteForm,
    CaseStatusForm,
    ResourcePageForm,
    SupportContactForm,
)
from ..models import ResourcePage, ReviewCase, SupportContact
from .common import form_errors_from, int_or_404, page_of, require_lead

# The review queue --------------------------------------------------------------------------


@never_cache
@login_required
def queue(request):
    require_lead(request.user)
    status = request.GET.get("status", "open")
    if status not in selectors.QUEUE_FILTERS:
        status = "open"
    agencies = list(selectors.resource_agency_list_for(user=request.user))
    agency_id = request.GET.get("agency")
    agency_id = int(agency_id) if agency_id and agency_id.isdigit() else None
    page = page_of(
        request, selectors.review_queue_for(user=request.user, status=status, agency_id=agency_id)
    )
    cases = list(page.object_list)
    services.review_queue_view_record(actor=request.user, cases=cases, request=request)
    rows = [
        {
            "case": case,
            "flags": interpret.flag_labels(case.flags),
            "severity": interpret.SEVERITY_LABELS.get(case.severity, ""),
        }
        for case in cases
    ]
    return render(
        request,
        "wellbeing/queue.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": [
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                *ReviewCase.Status.choices,
                ("all", _("All")),
            ],
            "agencies": agencies,
            "agency_id": agency_id,
            "counts": selectors.review_queue_counts(user=request.user),
            "today": timezone.localdate(),
        },
    )


def _case_or_404(user, pk) -> ReviewCase:
    try:
        return selectors.review_case_get_visible(user=user, pk=int_or_404(pk))
    except ReviewCase.DoesNotExist:
        raise Http404 from None


@never_cache
@login_required
def case(request, pk: int):
    return _case_page(request, _case_or_404(request.user, pk))


def _case_page(request, item: ReviewCase, *, status_form=None, note_form=None, follow_form=None):
    # Every showing of the case is a read of it, also when a form comes back with errors.
    services.review_case_view_record(actor=request.user, case=item, request=request)
    checkin = item.checkin
    person = item.person
    others = [c for c in selectors.review_case_list_for_person(person=person) if c.pk != item.pk]
    history = list(selectors.checkin_list_own(person=person)[:50])
    chart = None
    if checkin.instrument is not None:
        code = checkin.instrument.code
        same = [c for c in history if c.instrument is not None and c.instrument.code == code]
        chart = chart_for(checkin.instrument, same)
    return render(
        request,
        "wellbeing/case.html",
        {
            "case": item,
            "checkin": checkin,
            "person": person,
            "scale_rows": interpret.scale_rows(checkin),
            "answers": interpret.answer_rows(checkin),
            "flags": interpret.flag_labels(item.flags),
            "severity": interpret.SEVERITY_LABELS.get(item.severity, ""),
            "entries": list(item.entries.all()),
            "others": others,
            "chart": chart,
            "adjustment": selectors.adjustment_active_for(person=person),
            "status_form": status_form or CaseStatusForm(initial={"status": item.status}),
            "note_form": note_form or CaseNoteForm(),
            "follow_form": follow_form
            or CaseFollowUpForm(initial={"follow_up_on": item.follow_up_on}),
        },
        status=400 if any(f is not None for f in (status_form, note_form, follow_form)) else 200,
    )


def _case_action(request, pk, *, form_class, form_name: str, act, done: str):
    """POST on a case: validate, call one service, redirect; or show the case with errors."""
    item = _case_or_404(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(item, form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, done)
            return redirect("wellbeing:case", pk=item.pk)
    return _case_page(request, item, **{form_name: form})


@login_required
@require_POST
def case_status(request, pk: int):
    def act(item, data):
        services.review_case_status_set(
            actor=request.user, case=item, status=data["status"], request=request
        )

    return _case_action(
        request, pk, form_class=CaseStatusForm, form_name="status_form", act=act,
        done=_("Status updated."),
    )  # fmt: skip


@login_required
@require_POST
def case_note(request, pk: int):
    def act(item, data):
        services.review_note_add(actor=request.user, case=item, text=data["note"], request=request)

    return _case_action(
        request, pk, form_class=CaseNoteForm, form_name="note_form", act=act,
        done=_("Note added."),
    )  # fmt: skip


@login_required
@require_POST
def case_follow_up(request, pk: int):
    def act(item, data):
        services.review_follow_up_set(
            actor=request.user, case=item, follow_up_on=data["follow_up_on"], request=request
        )

    return _case_action(
        request, pk, form_class=CaseFollowUpForm, form_name="follow_form", act=act,
        done=_("Follow-up date saved."),
    )  # fmt: skip


def _covered_person_or_404(user, pk) -> User:
    try:
        return selectors.person_get_covered(user=user, pk=int_or_404(pk))
    except User.DoesNotExist:
        raise Http404 from None


@never_cache
@login_required
def person(request, pk: int):
    """A covered person's wellbeing history, for their lead (audited)."""
    subject = _covered_person_or_404(request.user, pk)
    services.person_view_record(actor=request.user, person=subject, request=request)
    checkins = list(selectors.checkin_list_own(person=subject)[:200])
    charts = charts_by_instrument(checkins)
    today = timezone.localdate()
    return render(
        request,
        "wellbeing/person.html",
        {
            "person": subject,
            "charts": charts,
            "rows": [
                {
                    "checkin": c,
                    "rows": interpret.scale_rows(c),
                    "flags": interpret.flag_labels(c.flags),
                }
                for c in checkins[:25]
            ],
            "cases": selectors.review_case_list_for_person(person=subject),
            "week": selectors.exposure_week(
                person=subject, week_start=today - timedelta(days=today.weekday())
            ),
            "adjustment": selectors.adjustment_active_for(person=subject),
        },
    )


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def adjustment(request, pk: int):
    subject = _covered_person_or_404(request.user, pk)
    case_id = request.POST.get("case")
    related = None
    if case_id and case_id.isdigit():
        related = (
            selectors.review_case_list_visible_to(user=request.user)
            .filter(pk=int(case_id), person=subject)
            .first()
        )
    if request.POST.get("action") == "clear":
        services.adjustment_clear(actor=request.user, person=subject, case=related, request=request)
        messages.success(request, _("The adjustment recommendation was removed."))
    else:
        services.adjustment_recommend(
            actor=request.user, person=subject, case=related, request=request
        )
        messages.success(
            request,
            _("Adjustment recommended. The person and their supervisors can now see the flag."),
        )
    return redirect(_safe_next(request, reverse("wellbeing:person", args=[subject.pk])))


# Self-care pages and contacts ------------------------------------------------------------


def _agency_for_edit(request) -> Agency:
    require_lead(request.user)
    agencies = list(selectors.resource_agency_list_for(user=request.user))
    wanted = request.GET.get("agency") or request.POST.get("agency")
    if wanted and wanted.isdigit():
        for agency in agencies:
            if agency.pk == int(wanted):
                return agency
        raise Http404
    return agencies[0]


@never_cache
@login_required
def resources_manage(request):
    agency = _agency_for_edit(request)
    pages, contacts = selectors.resource_list_for_agency(agency_id=agency.pk)
    return render(
        request,
        "wellbeing/resources_manage.html",
        {
            "agency": agency,
            "agencies": selectors.resource_agency_list_for(user=request.user),
            "pages": pages,
            "contacts": contacts,
        },
    )


def _edit(request, *, model, pk, form_class, save, fields, headings):
    agency = _agency_for_edit(request)
    instance = None
    if pk is not None:
        instance = model.objects.filter(pk=int_or_404(pk), agency=agency).first()
        if instance is None:
            raise Http404
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(instance, agency, form.cleaned_data)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(reverse("wellbeing:resources_manage") + f"?agency={agency.pk}")
    else:
        initial = {f: getattr(instance, f) for f in fields} if instance else {}
        form = form_class(initial=initial)
    return render(
        request,
        "wellbeing/resource_edit.html",
        {
            "form": form,
            "agency": agency,
            "instance": instance,
            "heading": headings[0] if instance else headings[1],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def page_edit(request, pk: int | None = None):
    def save(instance, agency, data):
        services.resource_page_save(actor=request.user, agency=agency, page=instance, **data)

    return _edit(
        request,
        model=ResourcePage,
        pk=pk,
        form_class=ResourcePageForm,
        save=save,
        fields=["title", "summary", "body", "ordering"],
        headings=(_("Edit a self-care page"), _("Add a self-care page")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int | None = None):
    def save(instance, agency, data):
        services.support_contact_save(actor=request.user, agency=agency, contact=instance, **data)

    return _edit(
        request,
        model=SupportContact,
        pk=pk,
        form_class=SupportContactForm,
        save=save,
        fields=["name", "description", "phone", "email", "availability", "ordering"],
        headings=(_("Edit a contact"), _("Add a contact")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_delete(request, kind: str, pk: int):
    agency = _agency_for_edit(request)
    if kind not in ("page", "contact"):
        raise Http404
    model = ResourcePage if kind == "page" else SupportContact
    instance = model._default_manager.filter(pk=int_or_404(pk), agency=agency).first()
    if instance is None:
        raise Http404
    if request.method == "POST":
        if isinstance(instance, ResourcePage):
            services.resource_page_delete(actor=request.user, page=instance)
        elif isinstance(instance, SupportContact):
            services.support_contact_delete(actor=request.user, contact=instance)
        messages.success(request, _("Deleted."))
        return redirect(reverse("wellbeing:resources_manage") + f"?agency={agency.pk}")
    return render(
        request, "wellbeing/resource_delete.html", {"instance": instance, "agency": agency}
    )


# Agency settings (agency administrators) --------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agency_settings(request):
    agencies = [
        a
        for a in agency_list_administered_by(actor=request.user)
        if rules.has_perm("wellbeing.manage_agency_settings", request.user, a)
    ]
    if not agencies:
        raise Http404
    wanted = request.GET.get("agency") or request.POST.get("agency")
    agency = agencies[0]
    if wanted and wanted.isdigit():
        agency = next((a for a in agencies if a.pk == int(wanted)), None)
        if agency is None:
            raise Http404
    instruments = list(selectors.instrument_list_current())
    current = selectors.agency_settings_for(agency_id=agency.pk)
    schedules = {
        s.instrument.code: s for s in selectors.schedule_list_for_agency(agency_id=agency.pk)
    }
    if request.method == "POST":
        form = AgencySettingsForm(request.POST, instruments=instruments)
        if form.is_valid():
            try:
                services.agency_settings_update(
                    actor=request.user,
                    agency=agency,
                    exposure_limit_hours=form.cleaned_data["exposure_limit_hours"],
                    retention_months=form.cleaned_data["retention_months"],
                    instruments=form.instrument_choices(),
                    request=request,
                )
            except ValidationError as error:
                form_errors_from(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(
                    request, _("Wellbeing settings saved for %(agency)s.") % {"agency": agency}
                )
                return redirect(reverse("wellbeing:agency_settings") + f"?agency={agency.pk}")
    else:
        initial = {
            "exposure_limit_hours": current.exposure_limit_hours,
            "retention_months": current.retention_months,
        }
        for instrument in instruments:
            schedule = schedules.get(instrument.code)
            initial[f"enabled_{instrument.code}"] = schedule is not None
            initial[f"cadence_{instrument.code}"] = (
                schedule.cadence_days if schedule else instrument.default_cadence_days
            )
        form = AgencySettingsForm(initial=initial, instruments=instruments)
    return render(
        request,
        "wellbeing/agency_settings.html",
        {"form": form, "agency": agency, "agencies": agencies},
        status=400 if request.method == "POST" else 200,
    )


# Aggregates (leads and agency administrators) ----------------------------------------------


def _aggregates(request):
    agencies = list(selectors.aggregate_agency_list_for(user=request.user))
    instruments = list(selectors.instrument_list_current())
    if not agencies or not instruments:
        raise Http404
    form = AggregatesForm(request.GET or None, agencies=agencies, instruments=instruments)
    agency, instrument, days = agencies[0], instruments[0], 90
    if form.is_bound and form.is_valid():
        agency = next(a for a in agencies if a.pk == form.cleaned_data["agency"])
        instrument = next(i for i in instruments if i.code == form.cleaned_data["instrument"])
        days = int(form.cleaned_data["period"])
    elif not form.is_bound:
        form = AggregatesForm(
            initial={"agency": agency.pk, "instrument": instrument.code, "period": "90"},
            agencies=agencies,
            instruments=instruments,
        )
    since = timezone.localdate() - timedelta(days=days)
    rows, total = selectors.aggregates_for(agency=agency, instrument=instrument, since=since)
    scale = next(s for s in instrument.spec["scales"] if s["code"] == instrument.primary_scale)
    from ..models.instruments import localised

    bands = [(b["code"], localised(b["label"])) for b in scale.get("bands") or []]
    return form, agency, instrument, since, rows, total, bands


@never_cache
@login_required
def aggregates(request):
    form, agency, instrument, since, rows, total, bands = _aggregates(request)
    services.aggregates_view_record(actor=request.user, agency=agency, request=request)
    codes = [code for code, _label in bands]
    return render(
        request,
        "wellbeing/aggregates.html",
        {
            "form": form,
            "agency": agency,
            "instrument": instrument,
            "since": since,
            "bands": bands,
            "rows": [(row, row.band_percentages(codes)) for row in rows],
            "total": (total, total.band_percentages(codes)),
            "k": selectors.K_THRESHOLD,
        },
    )


@login_required
def aggregates_export(request):
    _form, agency, instrument, since, rows, total, bands = _aggregates(request)
    services.aggregates_view_record(actor=request.user, agency=agency, export=True, request=request)
    codes = [code for code, _label in bands]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="wellbeing-{agency.pk}-{instrument.code}-{since.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [_("Unit"), _("People"), _("Answered"), _("Participation %")]
        + [f"{label} %" for _code, label in bands]
    )
    for row in [*rows, total]:
        name = row.unit.name if row.unit else (_("All units") if row is total else _("No unit"))
        name = spreadsheet_safe(name)  # unit names are typed by admins
        if row.withheld:
            writer.writerow([name, "", "", _("withheld: it would reveal a small unit")])
            continue
        if not row.enough:
            writer.writerow([name, "", "", _("not enough responses")])
            continue
        writer.writerow(
            [name, row.members, row.answered, row.participation, *row.band_percentages(codes)]
        )
    return response


# Supervisors --------------------------------------------------------------------------------


@never_cache
@login_required
def team(request):
    if SUPERVISOR not in user_roles(request.user):
        raise Http404
    page = page_of(request, selectors.team_status_for(supervisor=request.user))
    return render(request, "wellbeing/team.html", {"page": page, "window_days": 14})
