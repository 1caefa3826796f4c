"""django-rules predicates for wellbeing. Deny by default (DESIGN section 5).

Answers, scores, free text, requests to talk, exposure and lead notes: the person, and the
wellbeing leads covering the person's agency today. Nobody else: not supervisors, mentors,
trainers, agency admins or platform admins. A lead never reviews their own check-ins.

Supervisors see at most whether a check-in was done and the "adjustment recommended" flag.

Each rule has a queryset twin in selectors.py. Ask `rules.has_perm(...)`, never
`user.has_perm(...)`: Django's ModelBackend says yes to a superuser for everything.
"""

from __future__ import annotations

import rules

from accounts.models import WellbeingCoverage
from accounts.permissions import administers_agency, is_approved, is_platform_admin
from accounts.roles import AGENCY_ADMIN, user_roles


def covered_agency_ids(user) -> frozenset[int]:
    """Agencies `user` covers as a wellbeing lead today (cached on the user for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_wellbeing_covered", None)
    if cached is None:
        cached = frozenset(
            WellbeingCoverage.objects.current()
            .filter(lead=user)
            .values_list("agency_id", flat=True)
        )
        user._wellbeing_covered = cached
    return cached


def lead_covers(user, person) -> bool:
    """`user` is a wellbeing lead covering `person`'s agency today, and not `person`."""
    return (
        person is not None
        and person.agency_id is not None
        and person.pk != user.pk
        and person.agency_id in covered_agency_ids(user)
    )


def _person_of(obj):
    return getattr(obj, "person", obj)


@rules.predicate
def owns(user, obj) -> bool:
    """The object is the person's own (a check-in, exposure record, case, or the person)."""
    person = _person_of(obj)
    return person is not None and person.pk == user.pk


@rules.predicate
def covers(user, obj) -> bool:
    return lead_covers(user, _person_of(obj))


@rules.predicate
def covers_agency(user, agency) -> bool:
    return agency is not None and agency.pk in covered_agency_ids(user)


@rules.predicate
def supervises(user, person) -> bool:
    from accounts.selectors import user_list_supervised_by

    return (
        person is not None
        and person.pk != user.pk
        and user_list_supervised_by(user=user).filter(pk=person.pk).exists()
    )


@rules.predicate
def is_agency_admin_of(user, agency) -> bool:
    return agency is not None and user.agency_id == agency.pk and AGENCY_ADMIN in user_roles(user)


# Content: the person and covering leads only.
rules.add_perm("wellbeing.view_checkin", is_approved & (owns | covers))
rules.add_perm("wellbeing.view_person", is_approved & covers)
rules.add_perm("wellbeing.review_case", is_approved & covers)
rules.add_perm("wellbeing.recommend_adjustment", is_approved & covers)
# The flag alone (no content): the person, covering leads, the person's supervisors.
rules.add_perm("wellbeing.view_adjustment", is_approved & (owns | covers | supervises))
# Per agency.
rules.add_perm("wellbeing.view_aggregates", is_approved & (covers_agency | is_agency_admin_of))
rules.add_perm("wellbeing.edit_resources", is_approved & covers_agency)
rules.add_perm(
    "wellbeing.manage_agency_settings", is_approved & (administers_agency | is_platform_admin)
)
