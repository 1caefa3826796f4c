"""django-rules predicates for accounts. Each object rule has a queryset twin in selectors.py."""

from __future__ import annotations

import rules

from .roles import AGENCY_ADMIN, PLATFORM_ADMIN, TRAINER, TRENDS_ANALYST, user_roles


def _has_role(role: str):
    @rules.predicate(name=f"has_role_{role}")
    def check(user) -> bool:
        return role in user_roles(user)

    return check


is_platform_admin = _has_role(PLATFORM_ADMIN)
is_agency_admin = _has_role(AGENCY_ADMIN)
is_trainer = _has_role(TRAINER)
is_trends_analyst = _has_role(TRENDS_ANALYST)


@rules.predicate
def is_approved(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_approved and user.is_active)


@rules.predicate
def administers_users_agency(actor, person) -> bool:
    """An agency admin acts on people of their own agency only."""
    return (
        person is not None
        and actor.agency_id is not None
        and person.agency_id == actor.agency_id
        and AGENCY_ADMIN in user_roles(actor)
    )


@rules.predicate
def administers_agency(actor, agency) -> bool:
    return (
        agency is not None
        and actor.agency_id == agency.pk
        and AGENCY_ADMIN in user_roles(actor)
    )


rules.add_perm("accounts.vet_user", is_approved & (administers_users_agency | is_platform_admin))
rules.add_perm("accounts.manage_agency", is_approved & (administers_agency | is_platform_admin))
rules.add_perm("accounts.view_audit", is_approved & (is_agency_admin | is_platform_admin))
