"""Who holds which role. Global capabilities are Django groups created by a data migration;
contextual roles are dated rows. Everything that asks "what can this person do" starts here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

# Group names are stable identifiers (also used by the data migration); labels are translated.
PLATFORM_ADMIN = "platform_admin"
AGENCY_ADMIN = "agency_admin"
TRAINER = "trainer"
TRENDS_ANALYST = "trends_analyst"
GLOBAL_ROLE_GROUPS = (PLATFORM_ADMIN, AGENCY_ADMIN, TRAINER, TRENDS_ANALYST)

# Contextual roles, derived from dated rows.
SUPERVISOR = "supervisor"
WELLBEING_LEAD = "wellbeing_lead"
LEARNER = "learner"

ROLE_LABELS = {
    PLATFORM_ADMIN: _("Platform administrator"),
    AGENCY_ADMIN: _("Agency administrator"),
    TRAINER: _("Trainer"),
    TRENDS_ANALYST: _("Trends analyst"),
    SUPERVISOR: _("Supervisor"),
    WELLBEING_LEAD: _("Wellbeing lead"),
    LEARNER: _("Learner"),
}


@dataclass(frozen=True)
class Roles:
    """The roles one person holds now. Computed once per request (see user_roles)."""

    names: frozenset[str]

    def __contains__(self, role: str) -> bool:
        return role in self.names

    @property
    def privileged(self) -> bool:
        """Every role above learner must use MFA (DESIGN section 10)."""
        return bool(self.names - {LEARNER})

    def labels(self) -> list[str]:
        order = [
            LEARNER,
            TRAINER,
            TRENDS_ANALYST,
            SUPERVISOR,
            WELLBEING_LEAD,
            AGENCY_ADMIN,
            PLATFORM_ADMIN,
        ]
        return [str(ROLE_LABELS[r]) for r in order if r in self.names]


def user_roles(user) -> Roles:
    """The roles `user` holds today, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return Roles(frozenset())
    cached = getattr(user, "_lms_roles", None)
    if cached is not None:
        return cached
    names = {LEARNER}
    for group, supervises, covers in _role_rows(user):
        if group in GLOBAL_ROLE_GROUPS:
            names.add(group)
        if supervises:
            names.add(SUPERVISOR)
        if covers:
            names.add(WELLBEING_LEAD)
    if user.is_superuser:
        names.add(PLATFORM_ADMIN)
    roles = Roles(frozenset(names))
    user._lms_roles = roles
    return roles


def _role_rows(user):
    """Groups, a current supervision and a current wellbeing coverage in one query (every page
    asks): one row per group (a single row with None when there is none), each carrying the
    two flags."""
    from .models import Supervision, User, WellbeingCoverage

    return (
        User.objects.filter(pk=user.pk)
        .annotate(
            supervises=Exists(Supervision.objects.current().filter(supervisor=OuterRef("pk"))),
            covers=Exists(WellbeingCoverage.objects.current().filter(lead=OuterRef("pk"))),
        )
        .values_list("groups__name", "supervises", "covers")
    )


def user_requires_mfa(user) -> bool:
    return user_roles(user).privileged
