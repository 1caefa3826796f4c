"""The person's own wellbeing pages. Everything here reads only the signed-in person's data,
except the check-in page, which a covering lead may also open (audited)."""

from __future__ import annotations

import contextlib
import json
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import interpret, selectors, services
from ..chart import charts_by_instrument
from ..forms import CheckInForm, ExposureForm, PersonSettingsForm
from ..models import CheckIn, ExposureEntry
from ..permissions import lead_covers
from .common import error_text, form_errors_from, int_or_404, page_of


@never_cache
@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    last = selectors.checkin_list_own(person=user).first()
    return render(
        request,
        "wellbeing/home.html",
        {
            "due": selectors.due_list_for(person=user),
            "last": last,
            "summary": interpret.summary_for(last) if last else None,
            "week": selectors.exposure_week(person=user, week_start=_monday(today)),
            "adjustment": selectors.adjustment_active_for(person=user),
            "has_agency": bool(user.agency_id),
        },
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _choose(due: list, code: str | None):
    """The instrument to show: the one asked for, else the first that may be answered now."""
    if code:
        for item in due:
            if item.schedule.instrument.code == code:
                return item
        return None
    ready = [d for d in due if d.can_answer]
    ready.sort(key=lambda d: d.due_on)
    return ready[0] if ready else None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkin(request):
    """The check-in: an instrument when one may be answered, always free text and the
    request to talk. `?prompt=lesson` is the link the courses app offers after a lesson at
    exposure level 2-3; `?instrument=who5` picks a questionnaire."""
    user = request.user
    due = selectors.due_list_for(person=user)
    source = request.POST if request.method == "POST" else request.GET
    code = (source.get("instrument") or "").strip() or None
    chosen = _choose(due, code)
    instrument = chosen.schedule.instrument if chosen and chosen.can_answer else None
    prompt = source.get("prompt") or CheckIn.Prompt.SELF
    if prompt not in CheckIn.Prompt.values:
        prompt = CheckIn.Prompt.SELF
    if request.method == "POST":
        already = selectors.checkin_get_by_submission(
            person=user, key=request.POST.get("submission_key", "")
        )
        if already is not None:
            messages.info(request, _("This check-in was already saved."))
            return redirect("wellbeing:checkin_detail", pk=already.pk)
        form = CheckInForm(request.POST, instrument=instrument)
        if form.is_valid():
            try:
                saved, created = services.checkin_submit(
                    actor=user,
                    instrument_code=instrument.code if instrument else None,
                    answers=form.answers(),
                    free_text=form.cleaned_data["free_text"],
                    wants_to_talk=form.cleaned_data["wants_to_talk"],
                    prompted_by=prompt,
                    submission_key=form.cleaned_data["submission_key"],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                if created:
                    messages.success(request, _("Thank you. Your check-in is saved."))
                else:
                    messages.info(request, _("This check-in was already saved."))
                return redirect("wellbeing:checkin_detail", pk=saved.pk)
    else:
        form = CheckInForm(
            instrument=instrument,
            initial={
                "submission_key": services.new_submission_key(),
                "prompt": prompt,
                "wants_to_talk": request.GET.get("talk") == "1",
            },
        )
    others = [
        d
        for d in due
        if d.can_answer and (instrument is None or d.schedule.instrument != instrument)
    ]
    waiting = [d for d in due if not d.can_answer]
    return render(
        request,
        "wellbeing/checkin.html",
        {
            "form": form,
            "instrument": instrument,
            "others": others,
            "waiting": waiting,
            "prompt": prompt,
            "asked_unknown": bool(code) and chosen is None,
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
def checkin_detail(request, pk: int):
    """The person's own check-in, or (audited) a covering lead reading it; 404 for
    everyone else, whatever their role."""
    try:
        item = selectors.checkin_get_visible(user=request.user, pk=pk)
    except CheckIn.DoesNotExist:
        raise Http404 from None
    is_lead = item.person_id != request.user.pk
    if is_lead:
        if not lead_covers(request.user, item.person):
            raise Http404
        services.checkin_view_record(actor=request.user, checkin=item, request=request)
    case = getattr(item, "review_case", None)
    return render(
        request,
        "wellbeing/checkin_detail.html",
        {
            "checkin": item,
            "is_lead": is_lead,
            "summary": interpret.summary_for(item),
            "scale_rows": interpret.scale_rows(item),
            "answers": interpret.answer_rows(item),
            "flags": interpret.flag_labels(item.flags),
            "case": case,
            "status_help": interpret.STATUS_HELP.get(case.status) if case else None,
        },
    )


@never_cache
@login_required
def history(request):
    user = request.user
    checkins = list(selectors.checkin_list_own(person=user))
    charts = charts_by_instrument(checkins)
    page = page_of(request, checkins)
    rows = [
        {"checkin": c, "summary": interpret.summary_for(c), "rows": interpret.scale_rows(c)}
        for c in page.object_list
    ]
    return render(
        request,
        "wellbeing/history.html",
        {"charts": charts, "page": page, "rows": rows},
    )


def _week_start(request) -> date:
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    return _monday(min(day, today))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def exposure(request):
    user = request.user
    if request.method == "POST":
        form = ExposureForm(request.POST)
        if form.is_valid():
            try:
                entry, went_over = services.exposure_log(
                    actor=user,
                    day=form.cleaned_data["day"],
                    hours=form.cleaned_data["hours"],
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Exposure logged."))
                url = reverse("wellbeing:exposure") + f"?week={_monday(entry.day).isoformat()}"
                if went_over:
                    url += f"&over={entry.day.isoformat()}"
                return redirect(url)
        status = 400
    else:
        form = ExposureForm()
        status = 200
    week_start = _week_start(request)
    week = selectors.exposure_week(person=user, week_start=week_start)
    over_day = None
    with contextlib.suppress(ValueError):
        over_day = date.fromisoformat(request.GET.get("over", ""))
    if (
        over_day is not None
        and selectors.exposure_day_total(person=user, day=over_day) <= week["limit"]
    ):
        over_day = None
    preferences = selectors.person_settings_for(person=user)
    today = timezone.localdate()
    return render(
        request,
        "wellbeing/exposure.html",
        {
            "form": form,
            "week": week,
            "week_start": week_start,
            "previous_week": week_start - timedelta(days=7),
            "next_week": week_start + timedelta(days=7)
            if week_start + timedelta(days=7) <= today
            else None,
            "over_day": over_day,
            "lead_told": preferences.notify_lead_over_limit,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def exposure_delete(request, pk: int):
    try:
        entry = selectors.exposure_get_own(person=request.user, pk=int_or_404(pk))
    except ExposureEntry.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        services.exposure_delete(actor=request.user, entry=entry)
        messages.success(request, _("The exposure record was deleted."))
        return redirect(reverse("wellbeing:exposure") + f"?week={_monday(entry.day).isoformat()}")
    return render(request, "wellbeing/exposure_delete.html", {"entry": entry})


@never_cache
@login_required
def resources(request):
    user = request.user
    pages, contacts = selectors.resource_list_for_agency(agency_id=user.agency_id)
    return render(
        request,
        "wellbeing/resources.html",
        {
            "pages": pages,
            "contacts": contacts,
            "may_edit": bool(user.agency_id)
            and user.agency_id in selectors.covered_agency_ids(user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.person_settings_for(person=request.user)
    if request.method == "POST":
        form = PersonSettingsForm(request.POST)
        if form.is_valid():
            services.person_settings_update(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Your wellbeing settings are saved."))
            return redirect("wellbeing:preferences")
    else:
        form = PersonSettingsForm(
            initial={
                "notify_lead_over_limit": current.notify_lead_over_limit,
                "reminders_enabled": current.reminders_enabled,
            }
        )
    return render(
        request,
        "wellbeing/preferences.html",
        {
            "form": form,
            "limit": selectors.agency_settings_for(
                agency_id=request.user.agency_id
            ).exposure_limit_hours,
        },
    )


ACTION_LABELS = {
    "wellbeing.checkin_viewed": _("Opened one of your check-ins"),
    "wellbeing.case_viewed": _("Opened the review of one of your check-ins"),
    "wellbeing.person_viewed": _("Opened your wellbeing history"),
    "wellbeing.queue_listed": _("Saw your check-in in the review queue"),
    "wellbeing.case_status_changed": _("Changed the status of a review"),
    "wellbeing.note_added": _("Added a confidential note"),
    "wellbeing.follow_up_set": _("Planned a follow-up"),
    "wellbeing.adjustment_set": _("Recommended an adjustment"),
    "wellbeing.adjustment_cleared": _("Removed the adjustment recommendation"),
}


@never_cache
@login_required
def access(request):
    page = page_of(request, selectors.access_list_for(person=request.user))
    for row in page.object_list:
        row["label"] = ACTION_LABELS.get(row["action"], row["action"])
        row["who"] = row["actor__full_name"] or row["actor_label"]
    return render(request, "wellbeing/access.html", {"page": page})


@never_cache
@login_required
def my_data(request):
    return render(
        request,
        "wellbeing/my_data.html",
        {"count": selectors.checkin_list_own(person=request.user).count()},
    )


@login_required
@require_POST
def my_data_export(request):
    try:
        data = services.wellbeing_own_export(actor=request.user, request=request)
    except PermissionDenied:
        raise Http404 from None
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-wellbeing-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_data_erase(request):
    error = None
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = _("Tick the box to confirm.")
        else:
            try:
                services.wellbeing_own_erase(actor=request.user, request=request)
            except (PermissionDenied, ValidationError) as exc:
                error = error_text(exc) if isinstance(exc, ValidationError) else _("Not allowed.")
            else:
                messages.success(request, _("Your wellbeing data has been deleted."))
                return redirect("wellbeing:home")
    return render(
        request,
        "wellbeing/my_data_erase.html",
        {"error": error, "count": selectors.checkin_list_own(person=request.user).count()},
        status=400 if error else 200,
    )


@login_required
def instruments(request):
    return render(
        request,
        "wellbeing/instruments.html",
        {"instruments": selectors.instrument_list_current()},
    )
