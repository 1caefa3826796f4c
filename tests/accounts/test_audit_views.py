"""The in-app audit list: read-only, scoped to the admin's agency, with filters and pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AuditEvent
from tests.accounts.conftest import ROLE_FIXTURES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_audit_list_is_for_admins_only(request, role, signed_in):
    response = signed_in(request.getfixturevalue(role)).get(reverse("accounts:audit"))

    allowed = {"agency_admin", "other_agency_admin", "platform_admin"}
    assert response.status_code == (200 if role in allowed else 404)


def test_agency_admin_sees_only_their_agencys_events(
    agency_admin, learner, other_agency_admin, other_agency_person, signed_in
):
    mine = services.audit_record(actor=agency_admin, action="x.read", subject_user=learner)
    services.audit_record(
        actor=other_agency_admin, action="x.read", subject_user=other_agency_person
    )

    response = signed_in(agency_admin).get(reverse("accounts:audit"))

    assert list(response.context["page"].object_list) == [mine]


def test_platform_admin_sees_every_event(
    platform_admin, agency_admin, other_agency_admin, learner, other_agency_person, signed_in
):
    services.audit_record(actor=agency_admin, action="x.read", subject_user=learner)
    services.audit_record(
        actor=other_agency_admin, action="x.read", subject_user=other_agency_person
    )

    response = signed_in(platform_admin).get(reverse("accounts:audit"))

    assert len(response.context["page"].object_list) == 2


def test_filter_by_action(agency_admin, learner, signed_in):
    services.audit_record(actor=agency_admin, action="role.granted", subject_user=learner)
    services.audit_record(actor=agency_admin, action="account.approved", subject_user=learner)

    response = signed_in(agency_admin).get(reverse("accounts:audit"), {"action": "role.granted"})

    assert [e.action for e in response.context["page"].object_list] == ["role.granted"]


def test_filter_by_actor(agency_admin, learner, trainer, signed_in):
    services.audit_record(actor=agency_admin, action="a", subject_user=learner)
    services.audit_record(actor=trainer, action="a", subject_user=learner)

    response = signed_in(agency_admin).get(reverse("accounts:audit"), {"actor": trainer.email})

    assert [e.actor for e in response.context["page"].object_list] == [trainer]


def test_filter_by_date_range(agency_admin, learner, signed_in, time_machine):
    time_machine.move_to(timezone.now() - timedelta(days=10), tick=False)
    services.audit_record(actor=agency_admin, action="old", subject_user=learner)
    time_machine.move_to(timezone.now() + timedelta(days=10), tick=False)
    services.audit_record(actor=agency_admin, action="new", subject_user=learner)
    today = timezone.localdate()

    response = signed_in(agency_admin).get(
        reverse("accounts:audit"), {"date_from": (today - timedelta(days=1)).isoformat()}
    )

    assert [e.action for e in response.context["page"].object_list] == ["new"]


def test_reversed_date_range_shows_an_error(agency_admin, signed_in):
    response = signed_in(agency_admin).get(
        reverse("accounts:audit"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )

    assert response.context["form"].errors["date_to"]


def test_unknown_action_filter_is_an_error_not_a_crash(agency_admin, signed_in):
    response = signed_in(agency_admin).get(reverse("accounts:audit"), {"action": "<b>x</b>"})

    assert response.status_code == 200
    assert response.context["form"].errors["action"]


def test_audit_list_paginates_by_25_and_keeps_filters(agency_admin, learner, signed_in):
    for _ in range(30):
        services.audit_record(actor=agency_admin, action="role.granted", subject_user=learner)

    response = signed_in(agency_admin).get(
        reverse("accounts:audit"), {"action": "role.granted", "page": 2}
    )

    assert len(response.context["page"].object_list) == 5
    assert "action=role.granted&amp;page=1" in response.content.decode()


def test_audit_list_query_count_does_not_grow_with_events(
    agency_admin, learner, signed_in, django_assert_num_queries
):
    client = signed_in(agency_admin)
    services.audit_record(actor=agency_admin, action="a", subject_user=learner)
    client.get(reverse("accounts:audit"))
    with django_assert_num_queries(8) as few:
        client.get(reverse("accounts:audit"))
    for _ in range(20):
        services.audit_record(actor=agency_admin, action="a", subject_user=learner)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("accounts:audit"))


def test_audit_events_cannot_be_changed_or_deleted(agency_admin):
    event = services.audit_record(actor=agency_admin, action="a")

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
