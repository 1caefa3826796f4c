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
from django.db.models import Exists, OuterRef, Q

from accounts.permissions import is_agency_admin, is_approved, is_platform_admin, is_trainer
from accounts.roles import SUPERVISOR, user_roles

from .models import Course, CourseStaff, normalise_jurisdiction


def user_audience_q(user) -> Q:
    """Courses whose audience includes `user` (an empty audience field means everyone)."""
    professions = Course.professions.through.objects.filter(course_id=OuterRef("pk"))
    countries = Course.countries.through.objects.filter(course_id=OuterRef("pk"))
    country_id = user.agency.country_id if user.agency_id else None
    q = ~Exists(professions) | Exists(professions.filter(profession_id=user.profession_id or 0))
    q &= ~Exists(countries) | Exists(countries.filter(country_id=country_id or 0))
    jurisdiction = normalise_jurisdiction(user.jurisdiction)
    by_place = Q(jurisdiction_key="")
    if jurisdiction:
        by_place |= Q(jurisdiction_key__contains=f"|{jurisdiction}|")
    return q & by_place


def course_in_audience(user, course) -> bool:
    """The Python twin of user_audience_q for one course (uses prefetched m2m when present)."""
    profession_ids = {p.pk for p in course.professions.all()}
    if profession_ids and user.profession_id not in profession_ids:
        return False
    country_ids = {c.pk for c in course.countries.all()}
    country_id = user.agency.country_id if user.agency_id else None
    if country_ids and country_id not in country_ids:
        return False
    if course.jurisdiction_key:
        jurisdiction = normalise_jurisdiction(user.jurisdiction)
        if not jurisdiction or f"|{jurisdiction}|" not in course.jurisdiction_key:
            return False
    return True


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
rules.add_perm("courses.view_reference", is_approved)
