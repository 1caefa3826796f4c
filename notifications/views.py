"""The inbox and the email settings. Every lookup is scoped to the signed-in person, so another
person's notification is a 404, the same as one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import PreferencesForm
from .models import Notification
from .selectors import (
    notification_get,
    notification_list_visible_to,
    notification_settings_for,
    notification_unread_count,
)
from .services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
    notification_url_is_local,
)

PAGE_SIZE = 25


def _own_notification(request, pk: int) -> Notification:
    try:
        return notification_get(user=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back_url(request) -> str:
    """Where the person was in the inbox (page and filter kept), never another site."""
    inbox_url = reverse("notifications:inbox")
    target = request.POST.get("next", "")
    if target.startswith(inbox_url) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return inbox_url


@login_required
@require_GET
def inbox(request):
    unread_only = request.GET.get("show") == "unread"
    notifications = notification_list_visible_to(user=request.user, unread_only=unread_only)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_count": notification_unread_count(user=request.user),
            "back_url": request.get_full_path(),
        },
    )


@login_required
@require_GET
def open_notification(request, pk: int):
    """Opening a notification marks it read and follows its link, if it is a local one."""
    notification = _own_notification(request, pk)
    notification_mark_read(actor=request.user, notification=notification)
    if notification_url_is_local(notification.url):
        return HttpResponseRedirect(notification.url)
    return HttpResponseRedirect(f"{reverse('notifications:inbox')}#notification-{pk}")


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = _own_notification(request, pk)
    notification_mark_read(actor=request.user, notification=notification)
    if _is_htmx(request):
        return render(
            request,
            "notifications/_item_marked_read.html",
            {
                "notification": notification,
                "unread_count": notification_unread_count(user=request.user),
                "back_url": _back_url(request),
            },
        )
    return HttpResponseRedirect(_back_url(request))


@login_required
@require_POST
def mark_all_read(request):
    count = notification_mark_all_read(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There was nothing unread."))
    return HttpResponseRedirect(_back_url(request))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    kind_settings = notification_settings_for(user=request.user)
    form = PreferencesForm(request.POST or None, settings=kind_settings)
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(actor=request.user, deliveries=form.deliveries())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
