"""The report totals' last rebuild, read-only, with an action to recount now. The counts
themselves are derived data (rebuilt as a whole), so they are not edited here; the beat
jobs are edited under django-celery-beat's periodic tasks."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import StatusCountRefresh
from .services import status_counts_refresh


@admin.register(StatusCountRefresh)
class StatusCountRefreshAdmin(admin.ModelAdmin):
    list_display = ("refreshed_at", "seconds")
    actions = ["recount_now"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Recount the report totals now"))
    def recount_now(self, request, queryset) -> None:
        result = status_counts_refresh()
        self.message_user(
            request,
            _("Report totals recounted: %(rows)s counts in %(seconds)s s.") % result,
            messages.SUCCESS,
        )
