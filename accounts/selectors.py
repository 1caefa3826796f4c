"""Reads for accounts. Every list is scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Agency, AuditEvent, Unit, User
from .roles import AGENCY_ADMIN, PLATFORM_ADMIN, user_roles


def unit_list_supervised_by(*, user: User) -> QuerySet[Unit]:
    """Units the user supervises today, with every unit beneath them."""
    paths = list(
        Unit.objects.filter(supervisions__in=user.supervisions.current()).values_list(
            "path", flat=True
        )
    )
    if not paths:
        return Unit.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Unit.objects.filter(condition).select_related("agency")


def user_list_supervised_by(*, user: User) -> QuerySet[User]:
    return User.objects.filter(
        unit__in=unit_list_supervised_by(user=user), is_active=True
    ).select_related("agency", "unit", "profession")


def agency_list_covered_by(*, lead: User) -> QuerySet[Agency]:
    """Agencies whose people a wellbeing lead covers today."""
    return Agency.objects.filter(wellbeing_leads__in=lead.wellbeing_coverages.current()).distinct()


def user_list_vettable_by(*, actor: User) -> QuerySet[User]:
    """People whose accounts `actor` may approve, refuse or disable (queryset twin of
    accounts.vet_user)."""
    roles = user_roles(actor)
    base = User.objects.select_related("agency", "unit", "profession")
    if PLATFORM_ADMIN in roles:
        return base
    if AGENCY_ADMIN in roles and actor.agency_id:
        return base.filter(agency_id=actor.agency_id)
    return base.none()


def audit_event_list_visible_to(*, actor: User) -> QuerySet[AuditEvent]:
    roles = user_roles(actor)
    base = AuditEvent.objects.select_related("actor", "subject_user")
    if PLATFORM_ADMIN in roles:
        return base
    if AGENCY_ADMIN in roles and actor.agency_id:
        return base.filter(
            Q(actor__agency_id=actor.agency_id) | Q(subject_user__agency_id=actor.agency_id)
        )
    return base.none()


def audit_event_list_about(*, person: User) -> QuerySet[AuditEvent]:
    """Who read this person's sensitive data: shown to the person themself."""
    return AuditEvent.objects.filter(subject_user=person).select_related("actor")
