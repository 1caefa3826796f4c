"""Admin for the trends feed. Sources, items and rules are edited through the app's own pages
(which check permissions and audit); the admin lists them, and its actions call services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Source, SourceFetch, TagRule, TrendItem


class SourceFetchInline(admin.TabularInline):
    model = SourceFetch
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("started_at", "outcome", "http_status", "added", "duplicates", "ignored", "error")
    readonly_fields = (
        "started_at",
        "outcome",
        "http_status",
        "added",
        "duplicates",
        "ignored",
        "error",
    )
    ordering = ["-started_at"]


def _each(modeladmin, request, queryset, service, done: str) -> None:
    count = 0
    for obj in queryset:
        try:
            service(actor=request.user, source=obj)
        except (PermissionDenied, ValidationError) as error:
            modeladmin.message_user(request, f"{obj}: {error}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done % {"n": count}, messages.SUCCESS)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "is_paused",
        "consecutive_failures",
        "last_success_at",
        "next_fetch_at",
    ]
    list_filter = ["kind", "is_paused"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "is_paused",
        "paused_at",
        "pause_reason",
        "last_attempt_at",
        "last_success_at",
        "last_error",
        "last_error_at",
        "consecutive_failures",
        "created_by",
        "created_at",
    ]
    filter_horizontal = ["owners"]
    inlines = [SourceFetchInline]
    actions = ["fetch_now", "pause", "resume"]

    def has_add_permission(self, request):
        return False  # through the Sources page, which checks the address and audits

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # items point at their source; pause a source instead

    @admin.action(description=_("Fetch the selected sources now"))
    def fetch_now(self, request, queryset):
        _each(self, request, queryset, services.source_fetch_now, _("%(n)s source(s) queued."))

    @admin.action(description=_("Pause the selected sources"))
    def pause(self, request, queryset):
        _each(self, request, queryset, services.source_pause, _("%(n)s source(s) paused."))

    @admin.action(description=_("Resume the selected sources"))
    def resume(self, request, queryset):
        _each(self, request, queryset, services.source_resume, _("%(n)s source(s) resumed."))


@admin.register(TrendItem)
class TrendItemAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "kind", "status", "severity", "dated_at"]
    list_filter = ["status", "severity", "kind", "source"]
    search_fields = ["title", "summary"]
    date_hierarchy = "dated_at"
    list_select_related = ["source"]
    readonly_fields = [
        f.name for f in TrendItem._meta.get_fields() if f.concrete and not f.many_to_many
    ] + ["tags", "suggested_tags"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # triage happens on the triage page (audited)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(TagRule)
class TagRuleAdmin(admin.ModelAdmin):
    list_display = ["tag", "keywords", "whole_word", "is_active"]
    list_filter = ["is_active", "tag__dimension"]
    list_select_related = ["tag"]

    def has_add_permission(self, request):
        return False  # through the Tag rules page (audited)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
