"""Django admin: configuration only. Check-ins, reviews, notes, exposure records, adjustment
flags and personal preferences are content and are deliberately not registered, so no
administrator (not even a superuser) can read them here (DESIGN section 5)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AgencyInstrument,
    AgencyWellbeingSettings,
    Instrument,
    ResourcePage,
    SupportContact,
)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Read-only: an instrument's wording may not be changed; load a new version instead
    (manage.py load_instrument / load_proqol)."""

    list_display = (
        "code",
        "version",
        "name",
        "recall_days",
        "is_current",
        "is_active",
        "loaded_at",
    )
    list_filter = ("is_current", "is_active")
    readonly_fields = ("code", "version", "name", "recall_days", "default_cadence_days",
                       "is_current", "source", "loaded_at", "checksum", "spec")  # fmt: skip
    fields = ("is_active", *readonly_fields)
    actions = ["withdraw", "offer"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Stop offering the selected instruments (answers are kept)"))
    def withdraw(self, request, queryset):
        queryset.update(is_active=False)

    @admin.action(description=_("Offer the selected instruments again"))
    def offer(self, request, queryset):
        queryset.update(is_active=True)


@admin.register(AgencyWellbeingSettings)
class AgencyWellbeingSettingsAdmin(admin.ModelAdmin):
    list_display = ("agency", "exposure_limit_hours", "retention_months", "updated_at")
    readonly_fields = ("updated_at", "updated_by")
    autocomplete_fields = ()


@admin.register(AgencyInstrument)
class AgencyInstrumentAdmin(admin.ModelAdmin):
    list_display = ("agency", "instrument_code", "enabled", "cadence_days")
    list_filter = ("instrument_code", "enabled")


@admin.register(ResourcePage)
class ResourcePageAdmin(admin.ModelAdmin):
    list_display = ("title", "agency", "ordering", "updated_at")
    list_filter = ("agency",)
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request) -> bool:
        # Written by wellbeing leads in the app, where the Markdown is rendered and sanitised.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupportContact)
class SupportContactAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "phone", "email", "ordering")
    list_filter = ("agency",)
