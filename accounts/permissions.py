"""django-rules predicates for accounts. Each object rule has a queryset twin in selectors.py.

Services ask `rules.has_perm(...)` rather than `user.has_perm(...)`: Django's ModelBackend
answers True to everything for a superuser, which would skip the "not yourself" and "not a
platform admin" rules below.
"""

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
    return agency is not None and actor.agency_id == agency.pk and AGENCY_ADMIN in user_roles(actor)


@rules.predicate
def is_self(actor, person) -> bool:
    return person is not None and actor.pk == person.pk


@rules.predicate
def person_is_platform_admin(actor, person) -> bool:
    return person is not None and PLATFORM_ADMIN in user_roles(person)


@rules.predicate
def administers_request_agency(actor, erasure_request) -> bool:
    return (
        erasure_request is not None
        and erasure_request.agency_id is not None
        and actor.agency_id == erasure_request.agency_id
        and AGENCY_ADMIN in user_roles(actor)
    )


# See and manage a person: approve, refuse, disable, enable, assign unit and roles. Never
# yourself (no one approves or promotes themself), and only a platform admin touches another
# platform admin.
can_vet = (
    is_approved
    & ~is_self
    & (is_platform_admin | (administers_users_agency & ~person_is_platform_admin))
)
rules.add_perm("accounts.vet_user", can_vet)
rules.add_perm("accounts.manage_agency", is_approved & (administers_agency | is_platform_admin))
rules.add_perm("accounts.view_vetting", is_approved & (is_agency_admin | is_platform_admin))
rules.add_perm("accounts.view_audit", is_approved & (is_agency_admin | is_platform_admin))
rules.add_perm(
    "accounts.decide_erasure",
    is_approved & (administers_request_agency | is_platform_admin),
)


def roles_grantable_by(actor) -> frozenset[str]:
    """Global roles `actor` may give or take away. Nobody makes platform admins in the app
    (that is `createsuperuser` or the Django admin); only platform admins make agency admins."""
    held = user_roles(actor)
    if PLATFORM_ADMIN in held:
        return frozenset({TRAINER, TRENDS_ANALYST, AGENCY_ADMIN})
    if AGENCY_ADMIN in held:
        return frozenset({TRAINER, TRENDS_ANALYST})
    return frozenset()
