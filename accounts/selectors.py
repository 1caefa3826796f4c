"""Reads for accounts. Every list is scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Agency, AuditEvent, Unit, User
from .registries import audit_confidential_prefixes
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


def audit_event_list_without_confidential(queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Leave out the rows whose existence is confidential (see registries): staff auditing the
    platform must not learn from them who was, say, flagged in a wellbeing check-in."""
    for prefix in audit_confidential_prefixes():
        queryset = queryset.exclude(action__startswith=prefix)
    return queryset


def audit_event_list_visible_to(*, actor: User) -> QuerySet[AuditEvent]:
    roles = user_roles(actor)
    base = audit_event_list_without_confidential(
        AuditEvent.objects.select_related("actor", "subject_user")
    )
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


VETTING_FILTERS = ("pending", "approved", "refused", "disabled", "all")


def user_list_for_vetting(
    *, actor: User, status: str = "pending", query: str = "", agency_id: int | None = None
) -> QuerySet[User]:
    """The vetting list: people `actor` may vet, filtered by state and a name/email search."""
    people = user_list_vettable_by(actor=actor).exclude(pk=actor.pk)
    if status == "pending":
        people = people.filter(vetting_status=User.Vetting.PENDING, is_active=True)
    elif status == "approved":
        people = people.filter(vetting_status=User.Vetting.APPROVED, is_active=True)
    elif status == "refused":
        people = people.filter(vetting_status=User.Vetting.REJECTED)
    elif status == "disabled":
        people = people.filter(is_active=False)
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if agency_id:
        people = people.filter(agency_id=agency_id)
    order = ["date_joined"] if status == "pending" else ["full_name", "email"]
    return people.order_by(*order)


def vetting_counts(*, actor: User) -> dict[str, int]:
    """How many people are in each vetting state, in one query."""
    from django.db.models import Count

    people = user_list_vettable_by(actor=actor).exclude(pk=actor.pk)
    return people.aggregate(
        pending=Count("pk", filter=Q(vetting_status=User.Vetting.PENDING, is_active=True)),
        approved=Count("pk", filter=Q(vetting_status=User.Vetting.APPROVED, is_active=True)),
        refused=Count("pk", filter=Q(vetting_status=User.Vetting.REJECTED)),
        disabled=Count("pk", filter=Q(is_active=False)),
        all=Count("pk"),
    )


def user_get_vettable(*, actor: User, pk: int) -> User:
    """One person `actor` may see on the vetting pages; DoesNotExist otherwise (a 404)."""
    return (
        user_list_vettable_by(actor=actor)
        .select_related("vetted_by", "agency__country")
        .prefetch_related("groups")
        .get(pk=pk)
    )


def agency_list_administered_by(*, actor: User) -> QuerySet[Agency]:
    """Agencies whose people `actor` may invite and manage."""
    roles = user_roles(actor)
    if PLATFORM_ADMIN in roles:
        return Agency.objects.select_related("country")
    if AGENCY_ADMIN in roles and actor.agency_id:
        return Agency.objects.filter(pk=actor.agency_id).select_related("country")
    return Agency.objects.none()


def unit_list_for_agency(*, agency_id: int | None) -> QuerySet[Unit]:
    if not agency_id:
        return Unit.objects.none()
    return Unit.objects.filter(agency_id=agency_id).order_by("path")


def supervision_list_for(*, person: User):
    from .models import Supervision

    return Supervision.objects.current().filter(supervisor=person).select_related("unit")


def wellbeing_coverage_list_for(*, person: User):
    from .models import WellbeingCoverage

    return WellbeingCoverage.objects.current().filter(lead=person).select_related("agency")


def audit_event_list_filtered(
    *,
    actor: User,
    action: str = "",
    actor_query: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet[AuditEvent]:
    """The in-app audit list: what `actor` may see, narrowed by the filters."""
    events = audit_event_list_visible_to(actor=actor)
    if action:
        events = events.filter(action=action)
    if actor_query:
        events = events.filter(actor_label__icontains=actor_query)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return events.order_by("-at", "-pk")


def audit_action_list_visible_to(*, actor: User) -> list[str]:
    events = audit_event_list_visible_to(actor=actor)
    return list(events.order_by("action").values_list("action", flat=True).distinct())


def erasure_request_list_visible_to(*, actor: User):
    """Erasure requests `actor` may decide (queryset twin of accounts.decide_erasure)."""
    from .models import ErasureRequest

    roles = user_roles(actor)
    base = ErasureRequest.objects.select_related("user", "agency", "decided_by").exclude(user=actor)
    if PLATFORM_ADMIN in roles:
        return base
    if AGENCY_ADMIN in roles and actor.agency_id:
        return base.filter(agency_id=actor.agency_id)
    return base.none()


def erasure_request_current_for(*, user: User):
    from .models import ErasureRequest

    return ErasureRequest.objects.filter(user=user).order_by("-requested_at").first()


def user_session_list(*, user: User):
    """The person's sessions that are still alive (ended ones wait for the daily purge)."""
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from .models import UserSession

    sessions = UserSession.objects.filter(user=user).order_by("-created_at")
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        sessions = sessions.filter(session_key__in=live)
    return sessions
