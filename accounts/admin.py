from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .models import (
    Agency,
    AgencyDomain,
    AuditEvent,
    Country,
    ErasureRequest,
    JobRun,
    Profession,
    Supervision,
    Unit,
    User,
    WellbeingCoverage,
)


def admin_login(request, extra_context=None):
    """The admin's own login form would sign people in with a password alone, around the
    two-step sign-in and the login throttle, even for someone already signed in as somebody
    else. This replacement never signs anyone in: the site's sign-in does."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.is_active and request.user.is_staff:
        return redirect("admin:index")
    raise Http404


admin.site.login = admin_login  # type: ignore[method-assign]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_fr"]
    search_fields = ["code", "name", "name_fr"]


class AgencyDomainInline(admin.TabularInline):
    model = AgencyDomain
    extra = 1


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "country", "is_active"]
    list_filter = ["country", "is_active"]
    search_fields = ["name", "short_name", "domains__domain"]
    inlines = [AgencyDomainInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "parent"]
    list_filter = ["agency"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "code", "ordering"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "agency", "unit", "vetting_status", "is_active"]
    list_filter = ["vetting_status", "is_active", "agency", "profession", "groups"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined", "vetted_at", "vetted_by", "enabled_at"]
    # Who may do what, and whether an account may sign in at all, change only through the
    # services (audited, never for yourself, sessions ended): the person page in the app and
    # the actions below. The change form shows them read-only.
    access_fields = ["vetting_status", "is_active", "groups", "is_staff", "is_superuser"]
    actions = ["approve_selected", "disable_selected"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Person"),
            {
                "fields": [
                    "full_name",
                    "agency",
                    "unit",
                    "profession",
                    "jurisdiction",
                    "preferred_language",
                ]
            },
        ),
        (
            _("Vetting"),
            {
                "fields": [
                    "vetting_status",
                    "vetted_at",
                    "vetted_by",
                    "is_active",
                    "disabled_reason",
                ]
            },
        ),
        (_("Global roles"), {"fields": ["groups", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = ["groups"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, *self.access_fields]

    def _each(self, request, queryset, action, done_message) -> None:
        done, refused = 0, []
        for person in queryset:
            try:
                action(person)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"{person}: {error}")
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Approve the selected accounts"))
    def approve_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda person: services.user_approve(
                actor=request.user, person=person, request=request
            ),
            _("%(count)s accounts approved."),
        )

    @admin.action(description=_("Disable the selected accounts and end their sessions"))
    def disable_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda person: services.user_disable(
                actor=request.user, person=person, reason="disabled in the admin", request=request
            ),
            _("%(count)s accounts disabled."),
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through services (audited, with their rules): the admin looks.
    Every app's read-only admin pages use this one. `deletable = True` keeps the admin's
    delete (for those with the model's delete permission) where rows may simply go."""

    deletable = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


# Supervision and wellbeing coverage open other people's records (training reports, wellbeing
# answers): they are granted on the person page of the app, through services that audit the
# grant and refuse to let anyone cover or supervise themself.
@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    list_display = ["supervisor", "unit", "starts_on", "ends_on"]
    list_filter = ["unit__agency"]


@admin.register(WellbeingCoverage)
class WellbeingCoverageAdmin(ReadOnlyAdmin):
    list_display = ["lead", "agency", "starts_on", "ends_on"]
    list_filter = ["agency"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Audit rows are append-only."""

    list_display = ["at", "actor_label", "action", "target_type", "target_label", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "target_label", "action"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return selectors.audit_event_list_without_confidential(super().get_queryset(request))


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    """Decisions are taken on the in-app page, which asks for confirmation and
    re-authentication and runs every app's eraser."""

    list_display = ["user", "agency", "status", "requested_at", "decided_at", "decided_by"]
    list_filter = ["status", "agency"]
    search_fields = ["user__email", "user__full_name"]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "period", "started_at", "finished_at"]
    list_filter = ["job"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
