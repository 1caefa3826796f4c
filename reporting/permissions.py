"""django-rules predicates for reporting. Each has a queryset twin in selectors.py:

- reporting.view_reports: supervisors, agency admins, platform admins
  (queryset twin: report_scope_for; a person outside it is a 404, learner_list_in_scope)
- reporting.view_unit_rollup: agency admins (their agency), platform admins (any)
- reporting.view_agency_rollup: platform admins

Trainers, wellbeing leads and learners see none of it (404). Wellbeing data never reaches a
report, and this app imports neither wellbeing nor mentoring (import-linter contract). Some
mentoring data does reach the learner's record, through the training-record registry
(accounts.registries): the practical competencies a mentor signed off and the events
attended with their CPD hours. Mentoring goals, sessions and notes never do.
"""

from __future__ import annotations

import rules

from accounts.permissions import is_agency_admin, is_approved, is_platform_admin
from accounts.roles import SUPERVISOR, user_roles


@rules.predicate
def is_supervisor(user) -> bool:
    return SUPERVISOR in user_roles(user)


can_view_reports = is_approved & (is_supervisor | is_agency_admin | is_platform_admin)
rules.add_perm("reporting.view_reports", can_view_reports)
rules.add_perm("reporting.view_unit_rollup", is_approved & (is_agency_admin | is_platform_admin))
rules.add_perm("reporting.view_agency_rollup", is_approved & is_platform_admin)
