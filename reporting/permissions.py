"""django-rules predicates for reporting. Each has a queryset twin in selectors.py:

- reporting.view_reports: supervisors, agency admins, platform admins
  (queryset twin: report_scope_for)
- reporting.view_learner (person): the same, for a person in their scope
  (queryset twin: learner_list_in_scope)
- reporting.view_unit_rollup: agency admins (their agency), platform admins (any)
- reporting.view_agency_rollup: platform admins

Trainers, wellbeing leads and learners see none of it (404). Wellbeing and mentoring data
never reach a report: this app does not import those apps (import-linter contract).
"""

from __future__ import annotations

import rules

from accounts.permissions import is_agency_admin, is_approved, is_platform_admin
from accounts.roles import SUPERVISOR, user_roles


@rules.predicate
def is_supervisor(user) -> bool:
    return SUPERVISOR in user_roles(user)


@rules.predicate
def person_in_report_scope(actor, person) -> bool:
    if person is None:
        return False
    from .selectors import learner_list_in_scope

    return learner_list_in_scope(actor=actor).filter(pk=person.pk).exists()


can_view_reports = is_approved & (is_supervisor | is_agency_admin | is_platform_admin)
rules.add_perm("reporting.view_reports", can_view_reports)
rules.add_perm("reporting.view_learner", can_view_reports & person_in_report_scope)
rules.add_perm("reporting.view_unit_rollup", is_approved & (is_agency_admin | is_platform_admin))
rules.add_perm("reporting.view_agency_rollup", is_approved & is_platform_admin)
