"""Admin screens. Authoring happens in the app (courses:authoring); the admin holds the
reference data (priority levels, follow-up actions, glossary, triage drills) and read-only
views of published versions and learner records. Actions call services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdmin

from . import services
from .models import (
    AssignmentRule,
    Certificate,
    Choice,
    Competency,
    Course,
    CourseStaff,
    Drill,
    Enrolment,
    FollowUpAction,
    GlossaryTerm,
    Lesson,
    LessonVersion,
    Module,
    ModuleVersion,
    PriorityLevel,
    Question,
    QuizAttempt,
    QuizAttemptGrant,
    Refresher,
    RefresherLesson,
    RefresherPolicy,
    Reminder,
    ScenarioCard,
    TopicTag,
)
from .rendering import markdown_render_safe


@admin.register(TopicTag)
class TopicTagAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "dimension", "slug"]
    list_filter = ["dimension"]
    search_fields = ["name", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_practical"]
    list_filter = ["is_practical"]
    search_fields = ["name", "name_fr", "code"]
    prepopulated_fields = {"code": ["name"]}


class CourseStaffInline(admin.TabularInline):
    model = CourseStaff
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "language", "is_open", "cpd_hours", "updated_at"]
    list_filter = ["status", "language", "is_open"]
    search_fields = ["title", "summary", "slug"]
    filter_horizontal = ["professions", "countries", "competencies", "topic_tags"]
    inlines = [CourseStaffInline]
    readonly_fields = ["published_at", "created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # The stored HTML is what learners see: render it here as the services do.
        obj.description_html = markdown_render_safe(obj.description)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.course_audience_keys_refresh(course=form.instance)


@admin.action(description=_("Mark as reviewed today"))
def mark_reviewed(modeladmin, request, queryset):
    done = 0
    for module in queryset.select_related("course"):
        try:
            services.module_review_mark(actor=request.user, module=module)
            done += 1
        except PermissionDenied:
            messages.error(request, _("You may not edit “%(m)s”.") % {"m": module})
    messages.success(request, _("%(n)s modules marked as reviewed.") % {"n": done})


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "position", "current_version", "last_reviewed_on"]
    list_filter = ["course"]
    search_fields = ["title", "course__title"]
    readonly_fields = ["current_version", "draft_changed_at", "created_at"]
    filter_horizontal = ["topic_tags"]
    actions = [mark_reviewed]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    """Read-only: lessons are written in the app, where they are rendered and linted."""

    list_display = ["title", "module", "position", "exposure_level", "is_retired"]
    list_filter = ["exposure_level", "is_retired"]
    search_fields = ["title", "module__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ModuleVersion)
class ModuleVersionAdmin(ReadOnlyAdmin):
    list_display = ["module", "number", "published_at", "published_by", "is_material_change"]
    list_filter = ["is_material_change"]
    search_fields = ["title", "change_summary"]


@admin.register(LessonVersion)
class LessonVersionAdmin(ReadOnlyAdmin):
    list_display = ["title", "module_version", "language", "jurisdiction", "exposure_level"]
    list_filter = ["language", "exposure_level"]
    search_fields = ["title"]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["prompt", "module", "kind"]
    list_filter = ["kind"]
    inlines = [ChoiceInline]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "course", "source", "state", "due_on", "expires_on", "completed_at"]
    list_filter = ["state", "source", "course"]
    search_fields = ["user__email", "user__full_name", "course__title"]


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(ReadOnlyAdmin):
    list_display = ["course", "agency", "profession", "due_in_days", "is_active"]
    list_filter = ["is_active", "agency"]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdmin):
    list_display = ["user", "module", "number", "score", "passed", "submitted_at"]
    list_filter = ["passed"]
    exclude = ["answers", "layout"]


@admin.register(QuizAttemptGrant)
class QuizAttemptGrantAdmin(ReadOnlyAdmin):
    """Given on the module's authoring page by the course's trainers (audited there)."""

    list_display = ["user", "module", "extra", "granted_by", "granted_at"]
    list_select_related = ["user", "module", "granted_by"]


@admin.action(description=_("Revoke (issued in error)"))
def revoke_certificates(modeladmin, request, queryset):
    done = 0
    for certificate in queryset.filter(revoked_at__isnull=True).select_related("course"):
        try:
            services.certificate_revoke(
                actor=request.user,
                certificate=certificate,
                reason=str(_("Revoked by an administrator.")),
            )
            done += 1
        except (PermissionDenied, ValidationError):
            messages.error(request, _("Could not revoke %(c)s.") % {"c": certificate.code})
    messages.success(request, _("%(n)s certificates revoked.") % {"n": done})


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["code", "holder_name", "course_title", "issued_at", "expires_on", "revoked_at"]
    search_fields = ["code", "holder_name", "course_title"]
    actions = [revoke_certificates]


@admin.register(PriorityLevel)
class PriorityLevelAdmin(admin.ModelAdmin):
    list_display = ["rank", "name", "response_time", "is_active"]
    list_editable = ["is_active"]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "code", "position"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "status", "preferred_term", "language"]
    list_filter = ["status", "language"]
    search_fields = ["term", "preferred_term", "explanation", "variants"]


class ScenarioCardInline(admin.StackedInline):
    model = ScenarioCard
    extra = 0
    filter_horizontal = ["expert_actions"]


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    """Triage drills are edited here: cards with their expert key."""

    list_display = ["title", "course", "is_published"]
    list_filter = ["is_published"]
    inlines = [ScenarioCardInline]


# --- Recertification ----------------------------------------------------------------------


@admin.register(RefresherPolicy)
class RefresherPolicyAdmin(ReadOnlyAdmin):
    """Trainers edit policies on the course's authoring page (the service checks and
    audits); the admin shows them."""

    list_display = ["course", "validity_months", "window_days", "expiry_basis", "updated_at"]
    list_filter = ["expiry_basis"]
    search_fields = ["course__title"]


class RefresherLessonInline(admin.TabularInline):
    model = RefresherLesson
    extra = 0
    can_delete = False
    readonly_fields = ["lesson", "position", "completed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Refresher)
class RefresherAdmin(ReadOnlyAdmin):
    list_display = ["user", "course", "kind", "is_critical", "due_on", "completed_at"]
    list_select_related = ["user", "course"]
    show_full_result_count = False
    list_filter = ["kind", "is_critical"]
    search_fields = ["user__email", "user__full_name", "course__title"]
    inlines = [RefresherLessonInline]


@admin.action(description=_("Send again (clear a given-up reminder)"))
def reminders_retry(modeladmin, request, queryset):
    try:
        count = services.reminders_retry(
            actor=request.user, ids=queryset.values_list("pk", flat=True)
        )
    except PermissionDenied:
        messages.error(request, _("Only platform admins can send reminders again."))
        return
    messages.success(request, _("%(n)s reminder(s) queued again.") % {"n": count})


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """The reminder outbox: what went, what was no longer needed, what was given up."""

    list_select_related = ["learner", "recipient", "course"]
    show_full_result_count = False

    list_display = [
        "learner",
        "recipient",
        "course",
        "kind",
        "is_escalation",
        "due_on",
        "step",
        "planned_for",
        "sent_at",
        "outcome",
        "dead_at",
    ]
    list_filter = ["kind", "is_escalation", "outcome", "planned_for"]
    search_fields = ["learner__email", "recipient__email", "course__title"]
    actions = [reminders_retry]
