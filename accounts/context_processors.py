"""Navigation by role. Links whose page does not exist (yet) are left out, so each app adds
its pages by URL name without editing the base template."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import roles as r

# (url name, label, roles that see it; None = every signed-in user). One entry per section:
# pages inside a section (peers, events, trend sources, the audit log...) are in the
# section's own tabs, so the menu stays one line on a laptop for every role.
NAVIGATION = [
    ("home", _("Home"), None),
    ("courses:catalogue", _("Courses"), None),
    ("courses:reference", _("Priority levels & glossary"), None),
    ("mentoring:home", _("Mentoring and peers"), None),
    ("wellbeing:home", _("Wellbeing"), None),
    ("threat_feed:feed", _("Trends"), None),
    ("courses:authoring", _("Authoring"), {r.TRAINER}),
    ("threat_feed:reviews", _("Curriculum reviews"), {r.TRAINER}),
    ("reporting:matrix", _("Training reports"), {r.SUPERVISOR, r.AGENCY_ADMIN, r.PLATFORM_ADMIN}),
    ("wellbeing:queue", _("Review queue"), {r.WELLBEING_LEAD}),
    ("wellbeing:aggregates", _("Wellbeing overview"), {r.AGENCY_ADMIN}),
    ("accounts:vetting", _("People"), {r.AGENCY_ADMIN, r.PLATFORM_ADMIN}),
]


def _safe_reverse(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _current_item(items: list[dict], path: str) -> dict | None:
    """The one item the page belongs to: the longest URL that is a prefix of the path, so
    /wellbeing/queue/ marks "Review queue" and not also "Wellbeing"."""
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    return max(matches, key=lambda i: len(i["url"]), default=None)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role_labels": []}
    held = r.user_roles(user)
    items = []
    for name, label, allowed in NAVIGATION:
        if allowed is not None and not (allowed & held.names):
            continue
        url = _safe_reverse(name)
        if url is None:
            continue
        items.append({"url": url, "label": label, "current": False})
    current = _current_item(items, request.path)
    if current is not None:
        current["current"] = True
    return {"nav_items": items, "user_role_labels": held.labels(), "user_roles": held}
