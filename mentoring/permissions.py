"""django-rules predicates for mentoring. Each object rule has a queryset twin in
selectors.py (named in the comment beside it).

Services ask `rules.has_perm(...)`, never `user.has_perm(...)`: Django's ModelBackend says
yes to everything for a superuser, which would let a platform admin read a pair's notes.
"""

from __future__ import annotations

import rules

from accounts.permissions import is_agency_admin, is_approved, is_platform_admin, is_trainer
from accounts.roles import AGENCY_ADMIN, PLATFORM_ADMIN, user_roles
from accounts.selectors import unit_list_supervised_by


@rules.predicate
def is_in_pair(user, assignment) -> bool:
    return assignment is not None and user.pk in (assignment.mentor_id, assignment.mentee_id)


@rules.predicate
def is_mentor(user, assignment) -> bool:
    return assignment is not None and user.pk == assignment.mentor_id


@rules.predicate
def is_mentee(user, assignment) -> bool:
    return assignment is not None and user.pk == assignment.mentee_id


@rules.predicate
def is_proposer(user, assignment) -> bool:
    return assignment is not None and user.pk == assignment.proposed_by_id


@rules.predicate
def assignment_is_proposed(user, assignment) -> bool:
    return assignment is not None and assignment.status == "proposed"


@rules.predicate
def assignment_is_active(user, assignment) -> bool:
    return assignment is not None and assignment.status == "active"


def supervises_person(user, person) -> bool:
    """`user` supervises the unit (or a unit above the unit) `person` works in."""
    if person is None or not person.unit_id:
        return False
    return unit_list_supervised_by(user=user).filter(pk=person.unit_id).exists()


def administers_person(user, person) -> bool:
    return (
        person is not None
        and user.agency_id is not None
        and person.agency_id == user.agency_id
        and AGENCY_ADMIN in user_roles(user)
    )


@rules.predicate
def may_propose_for(user, mentee) -> bool:
    """Supervisors for the people in their units, agency admins for their agency."""
    if mentee is None or mentee.pk == user.pk:
        return False
    if PLATFORM_ADMIN in user_roles(user):
        return True
    return administers_person(user, mentee) or supervises_person(user, mentee)


@rules.predicate
def oversees_assignment(user, assignment) -> bool:
    """Sees that the assignment exists and its status, nothing of its content."""
    if assignment is None:
        return False
    if PLATFORM_ADMIN in user_roles(user):
        return True
    return (
        administers_person(user, assignment.mentee)
        or administers_person(user, assignment.mentor)
        or supervises_person(user, assignment.mentee)
    )


@rules.predicate
def may_oversee(user) -> bool:
    roles = user_roles(user)
    return bool({AGENCY_ADMIN, PLATFORM_ADMIN} & roles.names) or "supervisor" in roles


# Assignments. Twin: selectors.mentor_assignment_list_visible_to.
rules.add_perm("mentoring.view_assignment", is_approved & (is_in_pair | oversees_assignment))
# Goals, sessions, notes, observations: the pair and nobody else, whatever their role.
# Twin: selectors.mentor_assignment_list_for_pair.
rules.add_perm("mentoring.view_assignment_content", is_approved & is_in_pair)
rules.add_perm("mentoring.work_in_assignment", is_approved & is_in_pair & assignment_is_active)
rules.add_perm("mentoring.respond_assignment", is_approved & is_mentor & assignment_is_proposed)
rules.add_perm(
    "mentoring.withdraw_assignment",
    is_approved & assignment_is_proposed & (is_proposer | is_mentee | oversees_assignment),
)
rules.add_perm(
    "mentoring.close_assignment",
    is_approved & assignment_is_active & (is_in_pair | oversees_assignment),
)
rules.add_perm("mentoring.sign_off_competency", is_approved & is_mentor & assignment_is_active)
# Twin: selectors.user_list_mentorable_by.
rules.add_perm("mentoring.propose_assignment", is_approved & may_propose_for)
rules.add_perm("mentoring.oversee_mentoring", is_approved & may_oversee)
rules.add_perm("mentoring.offer_mentoring", is_approved)
rules.add_perm("mentoring.ask_for_mentor", is_approved)


@rules.predicate
def is_request_owner(user, mentor_request) -> bool:
    return mentor_request is not None and mentor_request.mentee_id == user.pk


rules.add_perm("mentoring.manage_mentor_request", is_approved & is_request_owner)


# Peer directory. Twin: selectors.directory_profile_list_search.
@rules.predicate
def is_not_own_profile(user, profile) -> bool:
    return profile is not None and profile.user_id != user.pk


@rules.predicate
def is_contact_peer(user, contact_request) -> bool:
    return contact_request is not None and contact_request.peer_id == user.pk


@rules.predicate
def is_contact_requester(user, contact_request) -> bool:
    return contact_request is not None and contact_request.requester_id == user.pk


@rules.predicate
def contact_is_pending(user, contact_request) -> bool:
    return contact_request is not None and contact_request.status == "pending"


rules.add_perm("mentoring.use_directory", is_approved)
rules.add_perm("mentoring.request_contact", is_approved & is_not_own_profile)
rules.add_perm("mentoring.answer_contact", is_approved & is_contact_peer & contact_is_pending)
rules.add_perm(
    "mentoring.withdraw_contact", is_approved & is_contact_requester & contact_is_pending
)


# Events. Twin of view_event: selectors.event_list_visible_to.
@rules.predicate
def is_organiser(user, event) -> bool:
    return event is not None and event.organiser_id == user.pk


@rules.predicate
def administers_event_agency(user, event) -> bool:
    return (
        event is not None
        and event.agency_id is not None
        and user.agency_id == event.agency_id
        and AGENCY_ADMIN in user_roles(user)
    )


@rules.predicate
def event_is_listed(user, event) -> bool:
    return event is not None and event.status in ("published", "cancelled")


@rules.predicate
def event_is_open(user, event) -> bool:
    return event is not None and event.is_open_for_registration


may_manage_event = is_organiser | administers_event_agency | is_platform_admin

rules.add_perm(
    "mentoring.create_event", is_approved & (is_trainer | is_agency_admin | is_platform_admin)
)
rules.add_perm("mentoring.manage_event", is_approved & may_manage_event)
rules.add_perm("mentoring.view_event", is_approved & (event_is_listed | may_manage_event))
rules.add_perm("mentoring.register_event", is_approved & event_is_open)
rules.add_perm("mentoring.use_calendar", is_approved)
