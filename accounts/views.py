"""Views: parse -> user-scoped lookup (404 when not visible) -> one service or selector ->
render. Vetting decisions and role changes need a recent re-authentication (allauth)."""

from __future__ import annotations

import json
from functools import wraps

import rules
from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import forms, selectors, services
from .adapters import VETTING_SESSION_KEY
from .models import ErasureRequest, Supervision, User, WellbeingCoverage
from .permissions import roles_grantable_by
from .registries import dashboard_panels_for
from .roles import ROLE_LABELS, user_roles

PAGE_SIZE = 25


@login_required
def home(request):
    """The dashboard: later apps add their panels; until then it shows roles and next steps."""
    return render(
        request,
        "accounts/home.html",
        {"roles": user_roles(request.user), "panels": dashboard_panels_for(request)},
    )


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    """A page or object that is not yours is "not found", whether it exists or not (DESIGN
    section 10): a 403 would confirm that a role page or someone's record is there."""
    return not_found(request, exception)


def csrf_failure(request, reason=""):
    return render(
        request,
        "403_csrf.html",
        {"message": _("This form had expired or was not sent from this site. Nothing was saved.")},
        status=403,
    )


@never_cache
@require_GET
def pending(request):
    """Shown to a person who proved their password but whose account is not approved."""
    state = request.session.get(VETTING_SESSION_KEY)
    return render(request, "accounts/pending.html", {"state": state})


# Helpers -----------------------------------------------------------------------------------


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _require_view(perm: str):
    """403 for a role that has no business on these pages at all."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not rules.has_perm(perm, request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _person(request, pk: int) -> User:
    try:
        return selectors.user_get_vettable(actor=request.user, pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


def _back_to(person: User):
    return redirect("accounts:person", pk=person.pk)


def _person_first(view):
    """Look the person up before asking for re-authentication: someone else's person is a
    404 at once, not after a password prompt."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        _person(request, kwargs["pk"])
        return view(request, *args, **kwargs)

    return wrapper


def admin_view(view):
    """Signed in, an agency or platform admin."""
    return login_required(_require_view("accounts.view_vetting")(view))


def admin_action(view):
    """A POST-only admin action on a person that needs a recent re-authentication."""
    return admin_view(require_POST(_person_first(reauthentication_required(view))))


def admin_confirm(view):
    """GET shows a confirmation form; its POST needs a recent re-authentication."""
    return admin_view(
        require_http_methods(["GET", "POST"])(
            _person_first(reauthentication_required(allow_get=True)(view))
        )
    )


# Vetting -----------------------------------------------------------------------------------


@admin_view
@require_GET
def vetting(request):
    status = request.GET.get("status", "pending")
    if status not in selectors.VETTING_FILTERS:
        status = "pending"
    query = request.GET.get("q", "").strip()[:100]
    agencies = selectors.agency_list_administered_by(actor=request.user)
    agency_id = request.GET.get("agency", "")
    agency_id = int(agency_id) if agency_id.isdigit() else None
    people = selectors.user_list_for_vetting(
        actor=request.user, status=status, query=query, agency_id=agency_id
    )
    counts = selectors.vetting_counts(actor=request.user)
    tabs = [
        ("pending", _("Awaiting approval")),
        ("approved", _("Approved")),
        ("refused", _("Refused")),
        ("disabled", _("Disabled")),
        ("all", _("Everyone")),
    ]
    return render(
        request,
        "accounts/vetting_list.html",
        {
            "page": _page(request, people),
            "status": status,
            "query": query,
            "tabs": [(code, label, counts[code]) for code, label in tabs],
            "agencies": agencies if len(agencies) > 1 else [],
            "agency_id": agency_id,
            "pagination_query": _query_without_page(request),
            "open_erasures": selectors.erasure_request_list_visible_to(actor=request.user)
            .filter(status=ErasureRequest.Status.OPEN)
            .count(),
        },
    )


@admin_view
@require_GET
def person(request, pk: int):
    subject = _person(request, pk)
    may_act = rules.has_perm("accounts.vet_user", request.user, subject)
    grantable = roles_grantable_by(request.user)
    held = user_roles(subject)
    global_roles = [(r, ROLE_LABELS[r]) for r in sorted(held.names & grantable)]
    agencies = selectors.agency_list_administered_by(actor=request.user)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": subject,
            "may_act": may_act,
            "role_labels": held.labels(),
            "global_roles": global_roles,
            "grant_form": forms.RoleForm(grantable=grantable - held.names)
            if grantable - held.names
            else None,
            "approve_form": forms.ApproveForm(person=subject),
            "unit_form": forms.UnitAssignForm(person=subject),
            "supervision_form": forms.SupervisionForm(person=subject),
            "coverage_form": forms.CoverageForm(agencies=agencies),
            "supervisions": selectors.supervision_list_for(person=subject),
            "coverages": selectors.wellbeing_coverage_list_for(person=subject),
            "invitation_open": subject.is_active and not subject.has_usable_password(),
            "recent_events": selectors.audit_event_list_visible_to(actor=request.user).filter(
                subject_user=subject
            )[:10],
        },
    )


def _person_form_action(request, subject, form, *, invalid: str, run, success, then=None):
    """Validate `form`, run the service, say what happened; nothing changes on bad input."""
    if not form.is_valid():
        messages.error(request, invalid)
    else:
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, success(form.cleaned_data))
    return then or _back_to(subject)


@admin_action
def approve(request, pk: int):
    subject = _person(request, pk)
    return _person_form_action(
        request,
        subject,
        forms.ApproveForm(request.POST, person=subject),
        invalid=_("Choose a unit from the list."),
        run=lambda data: services.user_approve(
            actor=request.user, person=subject, unit=data["unit"], request=request
        ),
        success=lambda data: _("%(name)s is approved and has been told.") % {"name": subject},
        then=redirect(f"{reverse('accounts:vetting')}?status=pending"),
    )


def _confirm_page(request, subject, form, *, title, intro, button, danger=True):
    return render(
        request,
        "accounts/person_confirm.html",
        {
            "person": subject,
            "form": form,
            "title": title,
            "intro": intro,
            "button": button,
            "danger": danger,
        },
    )


@admin_confirm
def refuse(request, pk: int):
    subject = _person(request, pk)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_refuse(
                actor=request.user,
                person=subject,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return _back_to(subject)
        messages.success(request, _("The request from %(name)s is refused.") % {"name": subject})
        return redirect(f"{reverse('accounts:vetting')}?status=pending")
    return _confirm_page(
        request,
        subject,
        form,
        title=_("Refuse this account"),
        intro=_(
            "The person will not be able to use the platform. They see your reason when they "
            "try to sign in. You can still approve them later."
        ),
        button=_("Refuse the account"),
    )


@admin_confirm
def disable(request, pk: int):
    subject = _person(request, pk)
    form = forms.DisableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_disable(
                actor=request.user,
                person=subject,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("%(name)s is disabled and signed out everywhere.") % {"name": subject},
            )
        return _back_to(subject)
    return _confirm_page(
        request,
        subject,
        form,
        title=_("Disable this account"),
        intro=_(
            "The person is signed out on every device at once and cannot sign in until the "
            "account is enabled again. Their records are kept."
        ),
        button=_("Disable and sign out"),
    )


@admin_action
def enable(request, pk: int):
    subject = _person(request, pk)
    try:
        services.user_enable(actor=request.user, person=subject, request=request)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(name)s can sign in again.") % {"name": subject})
    return _back_to(subject)


@admin_action
def unit_assign(request, pk: int):
    subject = _person(request, pk)
    return _person_form_action(
        request,
        subject,
        forms.UnitAssignForm(request.POST, person=subject),
        invalid=_("Choose a unit from the list."),
        run=lambda data: services.user_unit_assign(
            actor=request.user, person=subject, unit=data["unit"], request=request
        ),
        success=lambda data: _("The unit is saved."),
    )


@admin_action
def role_change(request, pk: int):
    subject = _person(request, pk)
    grantable = roles_grantable_by(request.user)
    form = forms.RoleForm(request.POST, grantable=grantable)
    operation = request.POST.get("operation")
    if not form.is_valid() or operation not in ("grant", "revoke"):
        messages.error(request, _("Choose a role from the list."))
        return _back_to(subject)
    role = form.cleaned_data["role"]
    try:
        if operation == "grant":
            services.role_grant(actor=request.user, person=subject, role=role, request=request)
            messages.success(
                request,
                _(
                    "%(name)s is now %(role)s. They will be asked to set up two-step sign-in "
                    "on their next visit."
                )
                % {"name": subject, "role": ROLE_LABELS[role]},
            )
        else:
            services.role_revoke(actor=request.user, person=subject, role=role, request=request)
            messages.success(
                request,
                _("%(name)s is no longer %(role)s.") % {"name": subject, "role": ROLE_LABELS[role]},
            )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return _back_to(subject)


@admin_action
def supervision_add(request, pk: int):
    subject = _person(request, pk)
    return _person_form_action(
        request,
        subject,
        forms.SupervisionForm(request.POST, person=subject),
        invalid=_("Choose a unit from the list."),
        run=lambda data: services.supervision_grant(
            actor=request.user, person=subject, unit=data["unit"], request=request
        ),
        success=lambda data: (
            _("%(name)s now supervises %(unit)s.") % {"name": subject, "unit": data["unit"].name}
        ),
    )


def _grant_end(request, pk: int, queryset, owner_field: str, end, message: str):
    subject = _person(request, pk)
    grant = get_object_or_404(
        queryset, pk=request.resolver_match.kwargs["grant_pk"], **{owner_field: subject}
    )
    end(grant)
    messages.success(request, message)
    return _back_to(subject)


@admin_action
def supervision_remove(request, pk: int, grant_pk: int):
    return _grant_end(
        request,
        pk,
        Supervision.objects.current().select_related("unit__agency"),
        "supervisor",
        lambda grant: services.supervision_end(
            actor=request.user, supervision=grant, request=request
        ),
        _("The supervision has ended."),
    )


@admin_action
def coverage_add(request, pk: int):
    subject = _person(request, pk)
    agencies = selectors.agency_list_administered_by(actor=request.user)
    return _person_form_action(
        request,
        subject,
        forms.CoverageForm(request.POST, agencies=agencies),
        invalid=_("Choose an agency from the list."),
        run=lambda data: services.wellbeing_coverage_grant(
            actor=request.user, person=subject, agency=data["agency"], request=request
        ),
        success=lambda data: (
            _("%(name)s is now a wellbeing lead for %(agency)s.")
            % {"name": subject, "agency": data["agency"]}
        ),
    )


@admin_action
def coverage_remove(request, pk: int, grant_pk: int):
    return _grant_end(
        request,
        pk,
        WellbeingCoverage.objects.current().select_related("agency"),
        "lead",
        lambda grant: services.wellbeing_coverage_end(
            actor=request.user, coverage=grant, request=request
        ),
        _("The wellbeing coverage has ended."),
    )


@admin_action
def invitation_resend(request, pk: int):
    subject = _person(request, pk)
    try:
        services.user_invitation_resend(actor=request.user, person=subject, request=request)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("A new invitation is on its way to %(email)s.") % {"email": subject.email}
        )
    return _back_to(subject)


@admin_view
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def invite(request):
    agencies = selectors.agency_list_administered_by(actor=request.user)
    if not agencies.exists():
        raise PermissionDenied
    form = forms.InviteForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited = services.user_invite(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                agency=data["agency"],
                unit=data["unit"],
                profession=data["profession"],
                preferred_language=data["preferred_language"],
                request=request,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(email)s is invited. The invitation link works for a few days.")
                % {"email": invited.email},
            )
            return redirect("accounts:person", pk=invited.pk)
    return render(request, "accounts/invite.html", {"form": form})


# Audit -------------------------------------------------------------------------------------


@login_required
@_require_view("accounts.view_audit")
@require_GET
def audit(request):
    actions = selectors.audit_action_list_visible_to(actor=request.user)
    form = forms.AuditFilterForm(request.GET or None, actions=actions)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list_filtered(
        actor=request.user,
        action=filters.get("action", ""),
        actor_query=filters.get("actor", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    return render(
        request,
        "accounts/audit_list.html",
        {
            "form": form,
            "page": _page(request, events),
            "pagination_query": _query_without_page(request),
        },
    )


# Erasure requests (admins) -----------------------------------------------------------------


@admin_view
@require_GET
def erasure_queue(request):
    requests_ = selectors.erasure_request_list_visible_to(actor=request.user)
    show = request.GET.get("show", "open")
    if show == "open":
        requests_ = requests_.filter(status=ErasureRequest.Status.OPEN)
    return render(
        request,
        "accounts/erasure_queue.html",
        {
            "page": _page(request, requests_),
            "show": show,
            "pagination_query": _query_without_page(request),
        },
    )


@admin_view
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def erasure_decide(request, pk: int):
    erasure = get_object_or_404(
        selectors.erasure_request_list_visible_to(actor=request.user), pk=pk
    )
    form: forms.ErasureDecisionForm | None = forms.ErasureDecisionForm(request.POST or None)
    if erasure.status != ErasureRequest.Status.OPEN:
        form = None
    elif request.method == "POST" and form is not None and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "erase":
                services.erasure_request_complete(
                    actor=request.user, erasure_request=erasure, request=request
                )
                messages.success(request, _("The person's data is erased."))
            else:
                services.erasure_request_decline(
                    actor=request.user,
                    erasure_request=erasure,
                    note=form.cleaned_data["note"],
                    request=request,
                )
                messages.success(request, _("The request is declined; the person sees your note."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect("accounts:erasure_queue")
    return render(request, "accounts/erasure_decide.html", {"erasure": erasure, "form": form})


# Own profile -------------------------------------------------------------------------------


@login_required
@require_GET
def profile(request):
    user = request.user
    from allauth.mfa.models import Authenticator

    authenticators = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": user_roles(user),
            "has_totp": Authenticator.Type.TOTP in authenticators,
            "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in authenticators,
            "sessions": selectors.user_session_list(user=user)[:20],
            "current_session_key": request.session.session_key,
            "access_events": selectors.audit_event_list_about(person=user)[:5],
            "erasure": selectors.erasure_request_current_for(user=user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    form = forms.ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_profile_update(
                user=request.user,
                full_name=data["full_name"],
                preferred_language=data["preferred_language"],
                jurisdiction=data["jurisdiction"],
                profession=data["profession"],
                unit=data.get("unit"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your details are saved."))
            response = redirect("accounts:profile")
            # The language menu's cookie would otherwise win over the new preference.
            from django.conf import settings

            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@require_POST
def sessions_end(request):
    ended = services.user_sessions_end(
        user=request.user, keep_session_key=request.session.session_key
    )
    services.audit_record(
        actor=request.user,
        action="account.sessions_ended",
        subject_user=request.user,
        request=request,
        details={"sessions_ended": ended},
    )
    messages.success(
        request, _("You are signed out everywhere else (%(count)s sessions).") % {"count": ended}
    )
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required
def data_export(request):
    if request.method == "GET":
        from .privacy import privacy_parts

        return render(request, "accounts/data_export.html", {"parts": privacy_parts()})
    data = services.user_data_export(user=request.user, request=request)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def access_log(request):
    events = selectors.audit_event_list_about(person=request.user)
    return render(request, "accounts/access_log.html", {"page": _page(request, events)})


@login_required
@require_http_methods(["GET", "POST"])
def erasure_request(request):
    current = selectors.erasure_request_current_for(user=request.user)
    if current is not None and current.status == ErasureRequest.Status.OPEN:
        if request.method == "POST" and request.POST.get("withdraw"):
            services.erasure_request_withdraw(user=request.user, erasure_request=current)
            messages.success(request, _("Your erasure request is withdrawn."))
            return redirect("accounts:profile")
        return render(request, "accounts/erasure_request.html", {"current": current})
    form = forms.ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erasure_request_open(user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Your request is sent. Your agency's administrator will act on it."),
            )
        return redirect("accounts:profile")
    return render(request, "accounts/erasure_request.html", {"form": form, "current": current})
