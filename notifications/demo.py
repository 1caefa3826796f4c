"""Demo inbox content for `manage.py seed_demo`: a few illustrative notifications for each
demo person, so the inbox and its unread badge show something real. Idempotent (keys)."""

from __future__ import annotations

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.demo import PEOPLE
from accounts.models import User

from .services import notification_mark_read, notification_send


def _url(name: str) -> str:
    # Higher apps are linked by URL name only; their pages may not exist yet.
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@transaction.atomic
def notification_demo_seed(stdout=None) -> None:
    emails = [row[0] for row in PEOPLE]
    for user in User.objects.filter(email__in=emails, is_active=True):
        welcome = notification_send(
            user=user,
            kind="account",
            key="demo:welcome",
            title=_("Your account is ready"),
            body=_(
                "Your agency approved your account. Choose how you want to hear about new "
                "courses, reminders and messages in your notification settings."
            ),
            url=reverse("notifications:preferences"),
        )
        if welcome is not None:
            notification_mark_read(actor=user, notification=welcome)
        notification_send(
            user=user,
            kind="general",
            key="demo:languages",
            title=_("The platform is now available in English and French"),
            body=_("Switch language from the menu at the top of any page."),
            url="/",
        )
        notification_send(
            user=user,
            kind="general",
            key="demo:wellbeing",
            title=_("Looking after yourself is part of the job"),
            body=_(
                "This work is demanding. Short check-ins and confidential support contacts "
                "are in the wellbeing section, whenever you need them."
            ),
            url=_url("wellbeing:home"),
        )
