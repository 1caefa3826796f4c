"""Django admin for mentoring. What a pair writes (goal text, agreed actions, session notes)
is never shown here; opening a pairing's records in the admin is written to the audit log.
Actions call services, so the admin obeys the same rules as the site."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.services import audit_record

from . import services
from .models import (
    CalendarFeed,
    CompetencyObservation,
    ContactRequest,
    DirectoryProfile,
    Event,
    EventAttendance,
    EventRegistration,
    MentorAssignment,
    MentoringGoal,
    MentoringSession,
    MentorProfile,
    MentorRequest,
)


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit row for every list or record opened: these hold mentoring data."""

    audit_action = "mentoring.admin_viewed"

    def changelist_view(self, request, extra_context=None):
        audit_record(
            actor=request.user,
            action=f"{self.audit_action}_list",
            request=request,
            details={"model": self.model._meta.label_lower},
        )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            audit_record(
                actor=request.user,
                action=self.audit_action,
                target=obj,
                subject_user=self.audit_subject(obj),
                request=request,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def audit_subject(self, obj):
        return None


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MentorProfile)
class MentorProfileAdmin(AuditedAdmin):
    list_display = ("user", "status", "capacity", "cross_border", "updated_at")
    list_filter = ("status", "cross_border")
    search_fields = ("user__full_name", "user__email")
    autocomplete_fields = ("user",)
    filter_horizontal = ("expertise",)

    def audit_subject(self, obj):
        return obj.user


@admin.register(MentorRequest)
class MentorRequestAdmin(ReadOnlyAdmin):
    list_display = ("mentee", "status", "preferred_language", "cross_border_ok", "created_at")
    list_filter = ("status",)
    search_fields = ("mentee__full_name", "mentee__email")
    exclude = ("goal_text",)

    def audit_subject(self, obj):
        return obj.mentee


@admin.action(description=_("End the selected active pairings"))
def end_pairings(modeladmin, request, queryset):
    ended = 0
    for assignment in queryset.filter(status=MentorAssignment.Status.ACTIVE):
        try:
            services.mentor_assignment_end(
                actor=request.user,
                assignment=assignment,
                reason=str(_("Ended by an administrator.")),
            )
        except (PermissionDenied, ValidationError) as error:
            modeladmin.message_user(request, f"{assignment}: {error}", messages.ERROR)
        else:
            ended += 1
    if ended:
        modeladmin.message_user(request, _("%(count)s pairings ended.") % {"count": ended})


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(ReadOnlyAdmin):
    """Who is paired with whom and the status: the same as a supervisor sees."""

    list_display = ("mentor", "mentee", "status", "origin", "proposed_at", "started_on", "ended_on")
    list_filter = ("status", "origin")
    search_fields = ("mentor__full_name", "mentor__email", "mentee__full_name", "mentee__email")
    fields = (
        "mentor",
        "mentee",
        "status",
        "origin",
        "proposed_by",
        "proposed_at",
        "responded_at",
        "started_on",
        "ended_on",
        "ended_by",
    )
    actions = [end_pairings]

    def audit_subject(self, obj):
        return obj.mentee


@admin.register(MentoringGoal)
class MentoringGoalAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "target_date", "created_at")
    list_filter = ("status",)
    fields = ("assignment", "status", "target_date", "created_at", "updated_at")

    def audit_subject(self, obj):
        return obj.assignment.mentee


@admin.register(MentoringSession)
class MentoringSessionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "assignment", "duration_minutes", "format")
    fields = ("assignment", "starts_at", "duration_minutes", "format", "created_at")

    def audit_subject(self, obj):
        return obj.assignment.mentee


@admin.register(CompetencyObservation)
class CompetencyObservationAdmin(ReadOnlyAdmin):
    list_display = ("learner", "competency", "observed_by", "observed_on")
    search_fields = ("learner__full_name", "learner__email")
    list_select_related = ("learner", "competency", "observed_by")

    def audit_subject(self, obj):
        return obj.learner


@admin.register(DirectoryProfile)
class DirectoryProfileAdmin(ReadOnlyAdmin):
    list_display = ("user", "languages", "updated_at")
    search_fields = ("user__full_name", "user__email")

    def has_delete_permission(self, request, obj=None):
        return True


@admin.register(ContactRequest)
class ContactRequestAdmin(ReadOnlyAdmin):
    list_display = ("requester", "peer", "status", "created_at", "responded_at")
    list_filter = ("status",)


class RegistrationInline(admin.TabularInline):
    model = EventRegistration
    extra = 0
    fields = ("user", "status", "queued_at", "confirmed_at", "cancelled_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Events are created and changed on the site (services keep the waiting list right);
    the admin is for looking and cancelling."""

    list_display = ("title", "kind", "mode", "status", "starts_at", "capacity", "organiser")
    list_filter = ("status", "kind", "mode", "scope")
    search_fields = ("title",)
    readonly_fields = [f.name for f in Event._meta.fields]
    inlines = [RegistrationInline]
    actions = ["cancel_events"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Cancel the selected events and tell people"))
    def cancel_events(self, request, queryset):
        for event in queryset:
            try:
                services.event_cancel(actor=request.user, event=event)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{event}: {error}", messages.ERROR)


@admin.register(EventAttendance)
class EventAttendanceAdmin(ReadOnlyAdmin):
    list_display = ("user", "event", "cpd_hours", "marked_at")
    list_select_related = ("user", "event")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "last_used_at")
    exclude = ("token_hash",)

    def has_delete_permission(self, request, obj=None):
        return True
