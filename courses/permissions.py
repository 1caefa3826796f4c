"""django-rules predicates for courses. Each object rule has a queryset twin in selectors.py:

| permission                       | queryset twin                              |
|----------------------------------|--------------------------------------------|
| courses.view_course              | course_list_visible_to                     |
| courses.edit_course              | course_list_editable_by                    |
| courses.assign_course (person)   | person_list_assignable_by                  |
| courses.view_reports             | person_list_assignable_by (the same scope) |

Services ask `rules.has_perm(...)`, never `user.has_perm(...)`: Django's ModelBackend answers
True to everything for a superuser.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from accounts.permissions import is_agency_admin, is_approved, is_platform_admin, is_trainer
from accounts.roles import SUPERVISOR, user_roles

from .models import Course, CourseStaff, normalise_jurisdiction


def _user_keys(user) -> tuple[str, str, str]:
    """The user's profession, country and jurisdiction as they appear in the audience keys.
    Cached on the user for the request (the country costs one query for the agency)."""
    cached = getattr(user, "_lms_audience", None)
    if cached is None:
        country_id = user.agency.country_id if user.agency_id else None
        cached = (
            f"|{user.profession_id}|" if user.profession_id else "",
            f"|{country_id}|" if country_id else "",
            f"|{normalise_jurisdiction(user.jurisdiction)}|" if user.jurisdiction.strip() else "",
        )
        user._lms_audience = cached
    return cached


def user_audience_q(user) -> Q:
    """Courses whose audience includes `user` (an empty audience key means everyone)."""
    profession, country, jurisdiction = _user_keys(user)
    conditions = []
    for field, value in (
        ("profession_key", profession),
        ("country_key", country),
        ("jurisdiction_key", jurisdiction),
    ):
        condition = Q(**{field: ""})
        if value:
            condition |= Q(**{f"{field}__contains": value})
        conditions.append(condition)
    return conditions[0] & conditions[1] & conditions[2]


def course_in_audience(user, course) -> bool:
    """The Python twin of user_audience_q for one course."""
    keys = zip(
        (course.profession_key, course.country_key, course.jurisdiction_key),
        _user_keys(user),
        strict=True,
    )
    return all(not key or (mine and mine in key) for key, mine in keys)


@rules.predicate
def staffs_course(user, course) -> bool:
    if course is None or not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, "_lms_staffed_course_ids", None)
    if cache is None:
        cache = set(CourseStaff.objects.filter(user=user).values_list("course_id", flat=True))
        user._lms_staffed_course_ids = cache
    return course.pk in cache


@rules.predicate
def course_is_published(user, course) -> bool:
    return course is not None and course.status == Course.Status.PUBLISHED


@rules.predicate
def course_is_open(user, course) -> bool:
    return course is not None and course.is_open


@rules.predicate
def in_audience(user, course) -> bool:
    return course is not None and course_in_audience(user, course)


@rules.predicate
def supervises_person(actor, person) -> bool:
    if person is None or person.unit_id is None or SUPERVISOR not in user_roles(actor):
        return False
    from accounts.selectors import unit_list_supervised_by

    return unit_list_supervised_by(user=actor).filter(pk=person.unit_id).exists()


@rules.predicate
def administers_persons_agency(actor, person) -> bool:
    return (
        person is not None
        and actor.agency_id is not None
        and person.agency_id == actor.agency_id
        and is_agency_admin(actor)
    )


@rules.predicate
def is_supervisor(user) -> bool:
    return SUPERVISOR in user_roles(user)


can_edit_course = is_approved & ((is_trainer & staffs_course) | is_platform_admin)
rules.add_perm("courses.author", is_approved & (is_trainer | is_platform_admin))
rules.add_perm("courses.edit_course", can_edit_course)
rules.add_perm(
    "courses.view_course",
    is_approved & ((course_is_published & in_audience) | can_edit_course),
)
rules.add_perm(
    "courses.enrol_course",
    is_approved & course_is_published & course_is_open & in_audience,
)
# Assign a course to a person: their supervisor (the units they supervise, with sub-units),
# an agency admin of their agency, or a platform admin.
rules.add_perm(
    "courses.assign_course",
    is_approved & (supervises_person | administers_persons_agency | is_platform_admin),
)
rules.add_perm(
    "courses.view_reports",
    is_approved & (is_supervisor | is_agency_admin | is_platform_admin),
)
rules.add_perm("courses.manage_rules", is_approved & (is_agency_admin | is_platform_admin))
# Putting given-up reminders back in the outbox (the admin's reminder screen).
rules.add_perm("courses.retry_reminders", is_approved & is_platform_admin)
rules.add_perm("courses.view_reference", is_approved)
