from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import ReadOnlyAdmin

from .models import EmailOutbox, Notification, NotificationPreference
from .services import outbox_dead_retry


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("Unread")), ("yes", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Delivery bookkeeping only. A notification's body, link and key can say more than its
    title (a wellbeing lead's link names the person who went over the exposure limit), so
    the admin never shows them."""

    list_display = ["title", "user", "kind", "delivery", "created_at", "read_at", "digested_at"]
    list_filter = ["kind", "delivery", ReadFilter, "created_at"]
    search_fields = ["title", "user__email"]
    fields = ["user", "kind", "title", "delivery", "created_at", "read_at", "digested_at"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    deletable = True


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class OutboxStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting")), ("sent", _("Sent")), ("dead", _("Gave up"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(sent_at__isnull=True, dead_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "dead":
            return queryset.filter(dead_at__isnull=False, sent_at__isnull=True)
        return queryset


@admin.register(EmailOutbox)
class EmailOutboxAdmin(ReadOnlyAdmin):
    list_display = ["subject", "to_email", "status_label", "attempts", "created_at", "sent_at"]
    list_filter = [OutboxStatusFilter, "created_at"]
    search_fields = ["to_email", "subject"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry_dead"]
    deletable = True
    # What delivery needs, not what the email says (see NotificationAdmin).
    fields = [
        "user",
        "to_email",
        "subject",
        "created_at",
        "claimed_until",
        "attempts",
        "sent_at",
        "dead_at",
        "last_error",
    ]

    @admin.display(description=_("status"))
    def status_label(self, obj: EmailOutbox) -> str:
        return str({"sent": _("Sent"), "dead": _("Gave up"), "waiting": _("Waiting")}[obj.status])

    @admin.action(description=_("Retry the selected emails that were given up"))
    def retry_dead(self, request, queryset):
        count = outbox_dead_retry(actor=request.user, ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d email is back in the queue.",
                "%(count)d emails are back in the queue.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("notifications.retry_email"):
            actions.pop("retry_dead", None)
        return actions
