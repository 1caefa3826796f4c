"""Report pages: parse filters -> scope of the signed-in person (404 outside it) -> one
selector -> render. Exports stream; every export and every learner record read is audited."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import rules
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import get_language

from accounts.models import Agency, User
from accounts.registries import training_record_parts_for
from accounts.services import audit_record

from . import selectors, services
from .chart import percent_line_chart
from .forms import ReportFilterForm
from .presenters import matrix_rows_html, unit_totals_html
from .statuses import STATUS_LABELS, STATUSES


def _scope_or_404(request) -> selectors.ReportScope:
    if not rules.has_perm("reporting.view_reports", request.user):
        raise Http404
    return selectors.report_scope_for(actor=request.user)


def _filters(request, scope, **kwargs) -> tuple[ReportFilterForm, selectors.ReportFilters]:
    form = ReportFilterForm(request.GET or None, scope=scope, **kwargs)
    return form, form.filters()


FILTER_PARAMS = ("q", "unit", "profession", "course", "status", "country", "sort")


def _filter_form_html(
    request, setup: selectors.ReportSetup, form: Callable[[], ReportFilterForm], **controls
) -> str:
    """The filter form's HTML, cached with the viewer's setup (the same generation, so the
    same signals forget it) per language and filter values. Building seven controls with a
    hundred options cost as much as the matrix's own queries. The key holds the viewer (a
    name searched is their own) and a digest of the filter values only."""
    values = "&".join(f"{name}={request.GET.get(name, '')}" for name in FILTER_PARAMS)
    parts = (
        "filter-form",
        *setup.cache_parts,
        get_language(),
        request.path,
        *(f"{name}={value}" for name, value in sorted(controls.items())),
        hashlib.sha256(values.encode()).hexdigest(),
    )

    def render_form() -> str:
        context = {"controls": form().controls(**controls), "path": request.path}
        return render_to_string("reporting/_filters.html", context)

    return selectors.REPORT_SETUP.get_or_set(parts, render_form)


def _querystring(filters: selectors.ReportFilters, **extra) -> str:
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params.update(filters.as_params())
    for key, value in extra.items():
        if value:
            params[key] = value
    return params.urlencode()


def _context(request, tab: str) -> dict:
    return {
        "tab": tab,
        "can_see_units": rules.has_perm("reporting.view_unit_rollup", request.user),
        "can_see_agencies": rules.has_perm("reporting.view_agency_rollup", request.user),
        "can_assign": rules.has_perm("courses.view_reports", request.user),
        "status_labels": [(s, STATUS_LABELS[s]) for s in STATUSES],
        "counts_current": selectors.counts_kept_current(),
    }


@login_required
def matrix(request):
    if not rules.has_perm("reporting.view_reports", request.user):
        raise Http404
    # The scope and the filter's choices (also the names of the per-unit totals and the
    # columns), cached per viewer until units, supervisions or courses change.
    setup = selectors.report_setup_for(actor=request.user)
    scope = setup.scope

    def form() -> ReportFilterForm:
        return ReportFilterForm(
            request.GET or None,
            scope=scope,
            units=setup.units,
            courses=setup.courses,
            professions=setup.professions,
            countries=setup.countries,
        )

    # No filters asked (the first page): the defaults, without validating an empty form.
    filters = form().filters() if request.GET else selectors.ReportFilters()
    report = selectors.matrix_get(
        scope=scope,
        filters=filters,
        page_number=request.GET.get("page"),
        units=setup.units,
        courses=setup.courses,
    )
    return render(
        request,
        "reporting/matrix.html",
        {
            **_context(request, "matrix"),
            "filter_form": _filter_form_html(
                request, setup, form, with_sort=True, with_status=True
            ),
            "filters": filters,
            "status_label": STATUS_LABELS.get(filters.status),
            "report": report,
            "rows_html": matrix_rows_html(report.rows),
            "unit_totals_html": unit_totals_html(report.unit_totals),
            "page_obj": report.page,
            "querystring": _querystring(
                filters, sort=filters.sort if filters.sort != "name" else ""
            ),
            "export_query": _querystring(filters),
        },
    )


@login_required
def learner(request, pk: int):
    if not rules.has_perm("reporting.view_reports", request.user):
        raise Http404
    try:
        record = selectors.learner_record_get(actor=request.user, person_pk=pk)
    except User.DoesNotExist:
        raise Http404 from None
    audit_record(
        actor=request.user,
        action="reporting.learner_record_view",
        target=record.person,
        subject_user=record.person,
        request=request,
    )
    return render(
        request,
        "reporting/learner.html",
        {
            **_context(request, "matrix"),
            "record": record,
            "today": timezone.localdate(),
            # Parts other apps hold (competencies observed, event CPD), through the registry.
            "other_parts": training_record_parts_for(record.person),
        },
    )


@login_required
def units(request):
    if not rules.has_perm("reporting.view_unit_rollup", request.user):
        raise Http404
    agencies = Agency.objects.select_related("country").order_by("name")
    if not rules.has_perm("reporting.view_agency_rollup", request.user):
        agencies = agencies.filter(pk=request.user.agency_id)
    wanted = request.GET.get("agency") or request.user.agency_id
    try:
        agency = agencies.get(pk=int(wanted)) if wanted else agencies.first()
    except (ValueError, TypeError, Agency.DoesNotExist):
        raise Http404 from None
    if agency is None:
        raise Http404
    as_of = selectors.status_counts_as_of()
    rows = selectors.unit_rollup(agency=agency, as_of=as_of)
    return render(
        request,
        "reporting/units.html",
        {**_context(request, "units"), "agency": agency, "rows": rows, "as_of": as_of},
    )


@login_required
def agencies(request):
    if not rules.has_perm("reporting.view_agency_rollup", request.user):
        raise Http404
    as_of = selectors.status_counts_as_of()
    rollup = selectors.platform_rollup(as_of=as_of)
    return render(
        request,
        "reporting/agencies.html",
        {**_context(request, "agencies"), "rollup": rollup, "as_of": as_of},
    )


@login_required
def trends(request):
    scope = _scope_or_404(request)
    form, filters = _filters(request, scope)
    months = selectors.completion_trend(scope=scope, filters=filters)
    chart = percent_line_chart(
        [(formats.date_format(point.month, "M y"), point.rate) for point in months]
    )
    load = selectors.training_load(scope=scope, filters=filters)
    return render(
        request,
        "reporting/trends.html",
        {
            **_context(request, "trends"),
            "filter_controls": form.controls(with_sort=False, with_status=False),
            "filters": filters,
            "months": months,
            "chart": chart,
            "load": load,
        },
    )


def _export_name(extension: str) -> str:
    return f"training-report-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
def export_csv(request):
    scope = _scope_or_404(request)
    _form, filters = _filters(request, scope)
    services.report_export_audit(actor=request.user, kind="csv", filters=filters, request=request)
    response = StreamingHttpResponse(
        services.report_csv_iter(scope=scope, filters=filters),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_xlsx(request):
    scope = _scope_or_404(request)
    _form, filters = _filters(request, scope)
    services.report_export_audit(actor=request.user, kind="xlsx", filters=filters, request=request)
    workbook = services.report_xlsx_write(scope=scope, filters=filters)
    response = FileResponse(
        workbook,
        as_attachment=True,
        filename=_export_name("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response
