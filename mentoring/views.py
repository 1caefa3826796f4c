"""Views: parse -> user-scoped lookup (404 when not visible) -> one service or selector ->
render. "Not yours" and "does not exist" are the same 404. Goals, sessions and notes are
looked up only among the pairings the person is part of, so nobody else can reach them."""

from __future__ import annotations

from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.services import audit_record

from . import forms, selectors, services
from .ical import calendar_feed_ics, event_ics
from .models import Event, EventRegistration, MentorAssignment
from .timezones import time_zone_for

PAGE_SIZE = 25
GET_POST = require_http_methods(["GET", "POST"])


# --- Helpers ------------------------------------------------------------------------------


def _found(lookup, **kwargs):
    """Run a selector lookup; any DoesNotExist becomes the one 404."""
    try:
        return lookup(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _form_error(form, error: ValidationError, field_map: dict | None = None) -> None:
    """Put a service's ValidationError on the form: per field where the form has the field,
    otherwise at the top."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = field_map.get(name, name)
            target = name if name in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def in_user_zone(view):
    """Show times in the person's zone (their agency's country) on this page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        zone = time_zone_for(request.user)
        timezone.activate(zone)
        request.mentoring_zone = zone
        try:
            return view(request, *args, **kwargs)
        finally:
            timezone.deactivate()

    return wrapper


def member(view):
    """Signed in and approved (pending accounts cannot sign in, this is belt and braces)."""

    @login_required
    @in_user_zone
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_approved and request.user.is_active):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _done(request, text: str, to: str):
    messages.success(request, text)
    return redirect(to)


# --- My mentoring -------------------------------------------------------------------------


@member
@require_GET
def home(request):
    user = request.user
    overview = selectors.mentoring_overview_for(user=user)
    return render(
        request,
        "mentoring/home.html",
        {
            **overview,
            "zone": request.mentoring_zone,
            "profile": selectors.mentor_profile_get_for(user=user),
            "open_request": selectors.mentor_request_open_for(user=user),
            "observations": selectors.competency_observation_list_for(learner=user)[:20],
            "attendances": selectors.event_attendance_list_for(learner=user)[:20],
            "cpd_total": selectors.event_cpd_hours_total_for(learner=user),
            "upcoming_events": selectors.event_registration_list_upcoming_for(user=user, limit=5),
            "may_oversee": rules.has_perm("mentoring.oversee_mentoring", user),
        },
    )


@member
@GET_POST
def mentor_profile(request):
    profile = selectors.mentor_profile_get_for(user=request.user)
    initial = {}
    if profile is not None:
        initial = {
            "expertise": list(profile.expertise.all()),
            "languages": profile.language_codes,
            "capacity": profile.capacity,
            "availability": profile.availability,
            "cross_border": profile.cross_border,
            "status": profile.status,
        }
    else:
        initial = {"languages": [request.user.preferred_language]}
    form = forms.MentorProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_profile_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            return _done(request, _("Your mentor profile is saved."), reverse("mentoring:home"))
    return render(request, "mentoring/mentor_profile_form.html", {"form": form, "profile": profile})


@member
@GET_POST
def mentor_profile_stop(request):
    profile = selectors.mentor_profile_get_for(user=request.user)
    if profile is None:
        raise Http404
    if request.method == "POST":
        try:
            services.mentor_profile_delete(actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("mentoring:mentor_profile")
        return _done(request, _("You no longer offer to mentor."), reverse("mentoring:home"))
    return render(
        request,
        "mentoring/confirm.html",
        {
            "title": _("Stop offering to mentor"),
            "intro": _(
                "Your mentor profile is removed and you no longer appear in suggestions. "
                "To take a break instead, pause your profile."
            ),
            "button": _("Remove my mentor profile"),
            "cancel_url": reverse("mentoring:mentor_profile"),
        },
    )


# --- Asking for a mentor ------------------------------------------------------------------


@member
@GET_POST
def mentor_request(request):
    current = selectors.mentor_request_open_for(user=request.user)
    initial = {"preferred_language": request.user.preferred_language, "cross_border_ok": True}
    if current is not None:
        initial = {
            "goal_tags": list(current.goal_tags.all()),
            "goal_text": current.goal_text,
            "preferred_language": current.preferred_language,
            "cross_border_ok": current.cross_border_ok,
        }
    form = forms.MentorRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.mentor_request_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            return redirect("mentoring:request", pk=saved.pk)
    return render(request, "mentoring/mentor_request_form.html", {"form": form, "current": current})


@member
@require_GET
def mentor_request_detail(request, pk: int):
    mentor_request = _found(selectors.mentor_request_get_own, user=request.user, pk=pk)
    waiting = (
        mentor_request.assignments.filter(status=MentorAssignment.Status.PROPOSED)
        .select_related("mentor")
        .first()
    )
    declined = mentor_request.assignments.filter(
        status=MentorAssignment.Status.DECLINED
    ).select_related("mentor")
    suggestions = []
    if mentor_request.status == mentor_request.Status.OPEN and waiting is None:
        suggestions = selectors.mentor_suggestion_list_for(mentor_request=mentor_request)
    return render(
        request,
        "mentoring/mentor_request_detail.html",
        {
            "mentor_request": mentor_request,
            "suggestions": suggestions,
            "waiting": waiting,
            "declined": declined,
        },
    )


@member
@require_POST
def mentor_request_choose(request, pk: int, mentor_pk: int):
    mentor_request = _found(selectors.mentor_request_get_own, user=request.user, pk=pk)
    mentor = _found(
        User.objects.filter(mentor_profile__isnull=False, is_active=True).get, pk=mentor_pk
    )
    try:
        assignment = services.mentor_request_choose(
            actor=request.user, mentor_request=mentor_request, mentor=mentor
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("mentoring:request", pk=mentor_request.pk)
    return _done(
        request,
        _("Your request went to %(name)s. You will hear from us when they answer.")
        % {"name": mentor},
        reverse("mentoring:assignment", args=[assignment.pk]),
    )


@member
@require_POST
def mentor_request_withdraw(request, pk: int):
    mentor_request = _found(selectors.mentor_request_get_own, user=request.user, pk=pk)
    try:
        services.mentor_request_withdraw(actor=request.user, mentor_request=mentor_request)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("mentoring:request", pk=mentor_request.pk)
    return _done(request, _("Your request for a mentor is withdrawn."), reverse("mentoring:home"))


# --- A pairing ----------------------------------------------------------------------------


def _assignment(request, pk: int) -> MentorAssignment:
    return _found(selectors.mentor_assignment_get_visible, user=request.user, pk=pk)


def _own_assignment(request, pk: int) -> MentorAssignment:
    """Only for the pair: anyone else gets the same 404 as for a missing pairing."""
    return _found(selectors.mentor_assignment_list_for_pair(user=request.user).get, pk=pk)


@member
@require_GET
def assignment(request, pk: int):
    pairing = _assignment(request, pk)
    user = request.user
    if not rules.has_perm("mentoring.view_assignment_content", user, pairing):
        # Supervisors and admins: that it exists, its status and dates. Nothing else.
        audit_record(
            actor=user,
            action="mentoring.pairing_status_viewed",
            target=pairing,
            subject_user=pairing.mentee,
            request=request,
        )
        return render(request, "mentoring/assignment_summary.html", {"pairing": pairing})
    may_work = rules.has_perm("mentoring.work_in_assignment", user, pairing)
    sessions = list(selectors.mentoring_session_list_for(assignment=pairing))
    now = timezone.now()
    return render(
        request,
        "mentoring/assignment_detail.html",
        {
            "pairing": pairing,
            "other": pairing.other_party(user),
            "is_mentor": user.pk == pairing.mentor_id,
            "goals": selectors.mentoring_goal_list_for(assignment=pairing),
            "upcoming": sorted(
                (s for s in sessions if s.starts_at > now), key=lambda s: s.starts_at
            ),
            "held": [s for s in sessions if s.starts_at <= now],
            "observations": pairing.observations.select_related("competency").order_by(
                "-observed_on"
            ),
            "may_work": may_work,
            "may_respond": rules.has_perm("mentoring.respond_assignment", user, pairing),
            "may_withdraw": rules.has_perm("mentoring.withdraw_assignment", user, pairing),
            "may_close": rules.has_perm("mentoring.close_assignment", user, pairing),
            "may_sign_off": rules.has_perm("mentoring.sign_off_competency", user, pairing)
            and selectors.practical_competency_list().exists(),
            "zone": request.mentoring_zone,
        },
    )


@member
@require_POST
def assignment_accept(request, pk: int):
    pairing = _assignment(request, pk)
    try:
        services.mentor_assignment_accept(actor=request.user, assignment=pairing)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("mentoring:assignment", pk=pairing.pk)
    except PermissionDenied:
        # A double submit, or a proposal withdrawn meanwhile: nothing changed.
        messages.info(request, _("This request was already answered or withdrawn."))
        return redirect("mentoring:assignment", pk=pairing.pk)
    return _done(
        request,
        _("You are now mentoring %(name)s. Agree your first goals together.")
        % {"name": pairing.mentee},
        reverse("mentoring:assignment", args=[pairing.pk]),
    )


def _reason_step(request, pairing, *, form_class, perm, service, title, intro, button, done):
    if not rules.has_perm(perm, request.user, pairing):
        raise PermissionDenied
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, assignment=pairing, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            return _done(request, done, reverse("mentoring:assignment", args=[pairing.pk]))
    return render(
        request,
        "mentoring/confirm.html",
        {
            "title": title,
            "intro": intro,
            "form": form,
            "button": button,
            "cancel_url": reverse("mentoring:assignment", args=[pairing.pk]),
            "no_case_data": True,
        },
    )


@member
@GET_POST
def assignment_decline(request, pk: int):
    pairing = _assignment(request, pk)
    return _reason_step(
        request,
        pairing,
        form_class=forms.ReasonForm,
        perm="mentoring.respond_assignment",
        service=services.mentor_assignment_decline,
        title=_("Decline this mentoring request"),
        intro=_("%(name)s and whoever proposed the pairing see your reason.")
        % {"name": pairing.mentee},
        button=_("Decline"),
        done=_("You declined. Thank you for answering."),
    )


@member
@GET_POST
def assignment_complete(request, pk: int):
    pairing = _assignment(request, pk)
    return _reason_step(
        request,
        pairing,
        form_class=forms.OptionalNoteForm,
        perm="mentoring.close_assignment",
        service=lambda *, actor, assignment, reason: services.mentor_assignment_complete(
            actor=actor, assignment=assignment, note=reason
        ),
        title=_("Mark this mentoring as completed"),
        intro=_(
            "Do this when you have finished what you set out to do. Goals, sessions and "
            "notes stay visible to the two of you."
        ),
        button=_("Mark as completed"),
        done=_("The mentoring is marked as completed."),
    )


@member
@GET_POST
def assignment_end(request, pk: int):
    pairing = _assignment(request, pk)
    return _reason_step(
        request,
        pairing,
        form_class=forms.ReasonForm,
        perm="mentoring.close_assignment",
        service=services.mentor_assignment_end,
        title=_("End this mentoring early"),
        intro=_("Both people are told, with your reason."),
        button=_("End the mentoring"),
        done=_("The mentoring has ended."),
    )


@member
@require_POST
def assignment_withdraw(request, pk: int):
    pairing = _assignment(request, pk)
    try:
        services.mentor_assignment_withdraw(actor=request.user, assignment=pairing)
    except (ValidationError, PermissionDenied):
        messages.info(request, _("This request was already answered or withdrawn."))
        return redirect("mentoring:assignment", pk=pairing.pk)
    return _done(request, _("The proposal is withdrawn."), reverse("mentoring:home"))


@member
@GET_POST
def goal_edit(request, pk: int, goal_pk: int | None = None):
    pairing = _own_assignment(request, pk)
    goal = _found(selectors.mentoring_goal_get, assignment=pairing, pk=goal_pk) if goal_pk else None
    if not rules.has_perm("mentoring.work_in_assignment", request.user, pairing):
        raise PermissionDenied
    form = forms.GoalForm(request.POST or None, instance=goal)
    if goal is None:
        del form.fields["status"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if goal is None:
                services.mentoring_goal_add(
                    actor=request.user,
                    assignment=pairing,
                    text=data["text"],
                    target_date=data["target_date"],
                )
            else:
                services.mentoring_goal_update(
                    actor=request.user,
                    goal=goal,
                    text=data["text"],
                    target_date=data["target_date"],
                    status=data["status"],
                )
        except ValidationError as error:
            _form_error(form, error)
        else:
            return _done(
                request, _("The goal is saved."), reverse("mentoring:assignment", args=[pairing.pk])
            )
    return render(
        request, "mentoring/goal_form.html", {"form": form, "pairing": pairing, "goal": goal}
    )


def _session_initial(session, zone: str) -> dict:
    local = timezone.localtime(session.starts_at)
    return {
        "date": local.date(),
        "start_time": local.time(),
        "time_zone": zone,
        "duration_minutes": session.duration_minutes,
        "format": session.format,
        "agreed_actions": session.agreed_actions,
        "notes": session.notes,
    }


@member
@GET_POST
def session_edit(request, pk: int, session_pk: int | None = None):
    pairing = _own_assignment(request, pk)
    session = (
        _found(selectors.mentoring_session_get, assignment=pairing, pk=session_pk)
        if session_pk
        else None
    )
    if not rules.has_perm("mentoring.work_in_assignment", request.user, pairing):
        raise PermissionDenied
    zone = request.mentoring_zone
    initial = (
        _session_initial(session, zone)
        if session
        else {"time_zone": zone, "format": "video", "duration_minutes": 60}
    )
    form = forms.SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "format": data["format"],
            "agreed_actions": data["agreed_actions"],
            "notes": data["notes"],
        }
        try:
            if session is None:
                services.mentoring_session_log(actor=request.user, assignment=pairing, **fields)
            else:
                services.mentoring_session_update(actor=request.user, session=session, **fields)
        except ValidationError as error:
            _form_error(form, error, {"starts_at": "date"})
        else:
            return _done(
                request,
                _("The session is saved."),
                reverse("mentoring:assignment", args=[pairing.pk]),
            )
    return render(
        request,
        "mentoring/session_form.html",
        {"form": form, "pairing": pairing, "session": session},
    )


@member
@require_POST
def session_delete(request, pk: int, session_pk: int):
    pairing = _own_assignment(request, pk)
    session = _found(selectors.mentoring_session_get, assignment=pairing, pk=session_pk)
    try:
        services.mentoring_session_delete(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The planned session is removed."))
    return redirect("mentoring:assignment", pk=pairing.pk)


@member
@GET_POST
def observation_new(request, pk: int):
    pairing = _own_assignment(request, pk)
    if not rules.has_perm("mentoring.sign_off_competency", request.user, pairing):
        raise PermissionDenied
    form = forms.ObservationForm(
        request.POST or None,
        competencies=selectors.competency_list_observable_in(assignment=pairing),
        initial={"observed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.competency_observation_record(
                actor=request.user, assignment=pairing, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            return _done(
                request,
                _("Signed off. It now appears on %(name)s's training record.")
                % {"name": pairing.mentee},
                reverse("mentoring:assignment", args=[pairing.pk]),
            )
    return render(request, "mentoring/observation_form.html", {"form": form, "pairing": pairing})


# --- Oversight (supervisors and agency admins) --------------------------------------------


def _overseer(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not rules.has_perm("mentoring.oversee_mentoring", request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return member(wrapper)


@_overseer
@require_GET
def oversight(request):
    status = request.GET.get("status", "")
    if status not in MentorAssignment.Status.values:
        status = ""
    rows = selectors.mentor_assignment_list_overseen_by(user=request.user, status=status)
    return render(
        request,
        "mentoring/oversight.html",
        {
            "page": _page(request, rows),
            "status": status,
            "statuses": MentorAssignment.Status.choices,
            "pagination_query": urlencode({"status": status}) if status else "",
            "mentors": selectors.mentor_profile_list_available()[:50],
        },
    )


@_overseer
@GET_POST
def propose(request):
    mentees = selectors.user_list_mentorable_by(actor=request.user)
    mentors = (
        User.objects.filter(pk__in=selectors.mentor_profile_list_available().values("user_id"))
        .select_related("agency")
        .order_by("full_name", "email")
    )
    initial = {}
    if _int(request.GET.get("mentor")):
        initial["mentor"] = _int(request.GET.get("mentor"))
    if _int(request.GET.get("mentee")):
        initial["mentee"] = _int(request.GET.get("mentee"))
    form = forms.ProposeForm(
        request.POST or None, mentees=mentees, mentors=mentors, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pairing = services.mentor_assignment_propose(
                actor=request.user, mentor=data["mentor"], mentee=data["mentee"], note=data["note"]
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            return _done(
                request,
                _("Proposed. %(mentor)s is asked to accept or decline.")
                % {"mentor": pairing.mentor},
                reverse("mentoring:oversight"),
            )
    return render(request, "mentoring/propose_form.html", {"form": form})


# --- Peer directory -----------------------------------------------------------------------


@member
@require_GET
def directory(request):
    options = selectors.directory_filter_options()
    form = forms.DirectorySearchForm(request.GET or None, options=options)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "country": data["country"].pk if data["country"] else None,
            "profession": data["profession"].pk if data["profession"] else None,
            "language": data["language"],
            "tag": data["tag"].pk if data["tag"] else None,
            "text": data["q"],
        }
    rows = selectors.directory_profile_list_search(user=request.user, **filters)
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "mentoring/directory.html",
        {
            "form": form,
            "page": _page(request, rows),
            "filtered": bool(query),
            "pagination_query": urlencode(query),
            "own_profile": selectors.directory_profile_get_own(user=request.user),
            "pending_count": selectors.contact_request_pending_count(user=request.user),
        },
    )


@member
@GET_POST
def directory_profile(request):
    profile = selectors.directory_profile_get_own(user=request.user)
    initial = {"languages": [request.user.preferred_language]}
    if profile is not None:
        initial = {
            "expertise": list(profile.expertise.all()),
            "languages": profile.language_codes,
            "about": profile.about,
            "official_contact": profile.official_contact,
        }
    form = forms.DirectoryProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.directory_profile_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            return _done(
                request,
                _("Your directory entry is saved. Peers can find you now."),
                reverse("mentoring:directory"),
            )
    return render(
        request, "mentoring/directory_profile_form.html", {"form": form, "profile": profile}
    )


@member
@GET_POST
def directory_withdraw(request):
    if request.method == "POST":
        removed = services.directory_profile_withdraw(actor=request.user)
        text = (
            _("You are no longer in the peer directory.")
            if removed
            else _("You were not in the peer directory.")
        )
        return _done(request, text, reverse("mentoring:directory"))
    if selectors.directory_profile_get_own(user=request.user) is None:
        raise Http404
    return render(
        request,
        "mentoring/confirm.html",
        {
            "title": _("Leave the peer directory"),
            "intro": _(
                "Your entry disappears at once. Requests waiting for your answer are closed "
                "as not accepted. You can list yourself again at any time."
            ),
            "button": _("Leave the directory"),
            "cancel_url": reverse("mentoring:directory_profile"),
        },
    )


@member
@require_GET
def peer(request, pk: int):
    profile = _found(selectors.directory_profile_get_visible, user=request.user, pk=pk)
    previous = selectors.contact_request_between(requester=request.user, peer=profile.user)
    form = forms.ContactRequestForm(topics=profile.expertise.all())
    return render(
        request,
        "mentoring/peer_detail.html",
        {"profile": profile, "previous": previous, "form": form},
    )


@member
@require_POST
def peer_contact(request, pk: int):
    profile = _found(selectors.directory_profile_get_visible, user=request.user, pk=pk)
    form = forms.ContactRequestForm(request.POST, topics=profile.expertise.all())
    if not form.is_valid():
        messages.error(request, _("Choose a topic from the list."))
        return redirect("mentoring:peer", pk=profile.pk)
    try:
        services.contact_request_send(
            actor=request.user, profile=profile, topic=form.cleaned_data["topic"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("mentoring:peer", pk=profile.pk)
    return _done(
        request,
        _("Your request is sent. Your email is shared only if %(name)s accepts.")
        % {"name": profile.user},
        reverse("mentoring:contacts"),
    )


@member
@require_GET
def contacts(request):
    return render(
        request,
        "mentoring/contacts.html",
        {
            "received": selectors.contact_request_list_received(user=request.user)[:100],
            "sent": selectors.contact_request_list_sent(user=request.user)[:100],
        },
    )


def _contact_action(service, done_text: str):
    @member
    @require_POST
    def view(request, pk: int):
        contact = _found(selectors.contact_request_get_for, user=request.user, pk=pk)
        try:
            service(actor=request.user, contact_request=contact)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        except PermissionDenied:
            messages.error(request, _("This request was already answered."))
        else:
            messages.success(request, done_text)
        return redirect("mentoring:contacts")

    return view


contact_accept = _contact_action(
    services.contact_request_accept, _("Accepted. You can now see each other's official email.")
)
contact_decline = _contact_action(services.contact_request_decline, _("Declined."))
contact_withdraw = _contact_action(services.contact_request_withdraw, _("Request withdrawn."))


# --- Events -------------------------------------------------------------------------------


@member
@require_GET
def events(request):
    user = request.user
    view = request.GET.get("view", "upcoming")
    if view not in selectors.EVENT_VIEWS:
        view = "upcoming"
    kind = request.GET.get("kind", "")
    kind = kind if kind in Event.Kind.values else ""
    mode = request.GET.get("mode", "")
    mode = mode if mode in Event.Mode.values else ""
    rows = selectors.event_list_for(user=user, view=view, kind=kind, mode=mode)
    query = {k: v for k, v in {"view": view, "kind": kind, "mode": mode}.items() if v}
    may_create = rules.has_perm("mentoring.create_event", user)
    return render(
        request,
        "mentoring/events.html",
        {
            "page": _page(request, rows),
            "view": view,
            "kind": kind,
            "mode": mode,
            "kinds": Event.Kind.choices,
            "modes": Event.Mode.choices,
            "tabs": [
                ("upcoming", _("Upcoming")),
                ("mine", _("My registrations")),
                ("past", _("Past")),
                *([("drafts", _("Drafts"))] if may_create else []),
            ],
            "pagination_query": urlencode(query),
            "may_create": may_create,
            "zone": request.mentoring_zone,
        },
    )


def _event(request, pk: int) -> Event:
    return _found(selectors.event_get_visible, user=request.user, pk=pk)


def _managed_event(request, pk: int) -> Event:
    event = _event(request, pk)
    if not rules.has_perm("mentoring.manage_event", request.user, event):
        raise PermissionDenied
    return event


@member
@require_GET
def event_detail(request, pk: int):
    event = _event(request, pk)
    registration = selectors.event_registration_get(event=event, user=request.user)
    position = None
    if registration and registration.status == EventRegistration.Status.WAITLISTED:
        position = (
            event.registrations.filter(
                status=EventRegistration.Status.WAITLISTED, queued_at__lt=registration.queued_at
            ).count()
            + 1
        )
    places_left = None
    if event.capacity is not None:
        places_left = max(0, event.capacity - getattr(event, "confirmed_count", 0))
    return render(
        request,
        "mentoring/event_detail.html",
        {
            "event": event,
            "registration": registration,
            "position": position,
            "places_left": places_left,
            "may_manage": rules.has_perm("mentoring.manage_event", request.user, event),
            "may_register": rules.has_perm("mentoring.register_event", request.user, event),
            "zone": request.mentoring_zone,
        },
    )


@member
@GET_POST
def event_edit(request, pk: int | None = None):
    event = _managed_event(request, pk) if pk else None
    if event is None and not rules.has_perm("mentoring.create_event", request.user):
        raise PermissionDenied
    if event is not None and event.status == Event.Status.CANCELLED:
        messages.error(request, _("A cancelled event cannot be changed."))
        return redirect("mentoring:event", pk=event.pk)
    initial = {} if event else {"time_zone": request.mentoring_zone, "cpd_hours": 0}
    form = forms.EventForm(request.POST or None, instance=event, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if event is None:
                event = services.event_create(actor=request.user, **form.event_fields())
                text = _("The event is saved as a draft. Publish it when it is ready.")
            else:
                services.event_update(actor=request.user, event=event, **form.event_fields())
                text = _("The event is saved.")
        except ValidationError as error:
            _form_error(form, error, {"starts_at": "start_date", "ends_at": "end_time"})
        else:
            return _done(request, text, reverse("mentoring:event", args=[event.pk]))
    return render(request, "mentoring/event_form.html", {"form": form, "event": event})


@member
@require_POST
def event_publish(request, pk: int):
    event = _managed_event(request, pk)
    try:
        services.event_publish(actor=request.user, event=event)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The event is published: people can register now."))
    return redirect("mentoring:event", pk=event.pk)


@member
@GET_POST
def event_cancel(request, pk: int):
    event = _managed_event(request, pk)
    form = forms.OptionalNoteForm(request.POST or None)
    form.fields["reason"].label = _("Message to the people registered (optional)")
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(
                actor=request.user, event=event, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("mentoring:event", pk=event.pk)
        return _done(
            request,
            _("The event is cancelled and everyone registered has been told."),
            reverse("mentoring:event", args=[event.pk]),
        )
    return render(
        request,
        "mentoring/confirm.html",
        {
            "title": _("Cancel this event"),
            "intro": _(
                "Everyone with a place or on the waiting list is told, and the event is "
                "marked cancelled in their calendars. This cannot be undone."
            ),
            "form": form,
            "button": _("Cancel the event"),
            "cancel_url": reverse("mentoring:event", args=[event.pk]),
        },
    )


@member
@require_POST
def event_register(request, pk: int):
    event = _event(request, pk)
    try:
        registration = services.event_register(actor=request.user, event=event)
    except PermissionDenied:
        messages.error(request, _("Registration for this event is closed."))
        return redirect("mentoring:event", pk=event.pk)
    if registration.status == EventRegistration.Status.CONFIRMED:
        messages.success(request, _("Your place is confirmed."))
    else:
        messages.success(
            request,
            _(
                "The event is full: you are on the waiting list. If a place becomes free, "
                "it is yours automatically and we tell you."
            ),
        )
    return redirect("mentoring:event", pk=event.pk)


@member
@require_POST
def event_unregister(request, pk: int):
    event = _event(request, pk)
    try:
        cancelled = services.event_registration_cancel(actor=request.user, event=event)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if cancelled is None:
            messages.info(request, _("You were not registered for this event."))
        else:
            messages.success(request, _("Your registration is cancelled."))
    return redirect("mentoring:event", pk=event.pk)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@member
@require_GET
def event_ics_download(request, pk: int):
    event = _event(request, pk)
    return _ics_response(event_ics(event), f"{slugify(event.title)[:60] or 'event'}.ics")


@member
@GET_POST
def event_attendance(request, pk: int):
    event = _managed_event(request, pk)
    registrations = list(selectors.event_registration_list_for_event(event=event))
    confirmed = [r.user for r in registrations if r.status == EventRegistration.Status.CONFIRMED]
    form = forms.AttendanceForm(
        request.POST or None,
        people=confirmed,
        initial={"attended": [r.user_id for r in registrations if getattr(r, "attended", False)]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            added, removed = services.event_attendance_set(
                actor=request.user, event=event, user_ids=form.cleaned_data["attended"]
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            return _done(
                request,
                _("Attendance saved: %(added)s added, %(removed)s removed.")
                % {"added": added, "removed": removed},
                reverse("mentoring:event_attendance", args=[event.pk]),
            )
    return render(
        request,
        "mentoring/event_attendance.html",
        {"event": event, "registrations": registrations, "form": form},
    )


# --- The calendar feed --------------------------------------------------------------------


@member
@GET_POST
def calendar(request):
    token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            token = services.calendar_feed_issue(actor=request.user)
            messages.success(
                request,
                _("Your new calendar address is below. Any earlier address stopped working."),
            )
        elif action == "revoke":
            services.calendar_feed_revoke(actor=request.user)
            return _done(
                request, _("Your calendar address no longer works."), reverse("mentoring:calendar")
            )
        else:
            messages.error(request, _("Choose an action."))
            return redirect("mentoring:calendar")
    feed_url = (
        request.build_absolute_uri(reverse("mentoring:calendar_feed", args=[token]))
        if token
        else None
    )
    response = render(
        request,
        "mentoring/calendar.html",
        {
            "feed": selectors.calendar_feed_get_for(user=request.user),
            "feed_url": feed_url,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def calendar_feed(request, token: str):
    """The private feed: no sign-in (calendar apps cannot), the secret address is the key."""
    feed = selectors.calendar_feed_lookup(token=token) if len(token) <= 100 else None
    if feed is None:
        raise Http404
    services.calendar_feed_mark_used(feed=feed)
    body = calendar_feed_ics(selectors.calendar_feed_events_for(user=feed.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
