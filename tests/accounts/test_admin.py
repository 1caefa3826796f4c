"""Django admin: actions go through the services; audit and erasure rows are read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, User
from tests.factories import UserFactory, totp_enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    boss = UserFactory(roles=["platform_admin"], is_staff=True, is_superuser=True)
    totp_enrol(boss)
    client.force_login(boss)
    return client


def test_admin_approve_action_approves_through_the_service(superuser_client, pending_person):
    superuser_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "approve_selected", "_selected_action": [pending_person.pk]},
    )

    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.APPROVED
    assert AuditEvent.objects.filter(action="account.approved").exists()


def test_admin_disable_action_reports_what_it_could_not_do(superuser_client, learner):
    User.objects.filter(pk=learner.pk).update(is_active=False)

    response = superuser_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "disable_selected", "_selected_action": [learner.pk]},
        follow=True,
    )

    assert "already disabled" in response.content.decode()


def test_audit_events_have_no_add_or_change_in_the_admin(superuser_client, learner):
    event = AuditEvent.objects.create(action="x", actor_label="system")

    assert superuser_client.get(reverse("admin:accounts_auditevent_add")).status_code == 404
    response = superuser_client.post(
        reverse("admin:accounts_auditevent_change", args=[event.pk]), {"action": "y"}
    )
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.action == "x"


def test_erasure_requests_are_listed_read_only(superuser_client):
    assert (
        superuser_client.get(reverse("admin:accounts_erasurerequest_changelist")).status_code == 200
    )
    assert superuser_client.get(reverse("admin:accounts_erasurerequest_add")).status_code == 404


def test_roles_and_access_are_read_only_in_the_user_change_form(superuser_client, learner):
    from django.contrib.auth.models import Group

    page = superuser_client.get(reverse("admin:accounts_user_change", args=[learner.pk]))
    form = page.context["adminform"].form

    for field in ("groups", "is_superuser", "is_staff", "is_active", "vetting_status"):
        assert field not in form.fields
    superuser_client.post(
        reverse("admin:accounts_user_change", args=[learner.pk]),
        {
            "email": learner.email,
            "full_name": "X",
            "preferred_language": "en",
            "is_superuser": "on",
            "groups": [Group.objects.get(name="platform_admin").pk],
        },
    )
    learner.refresh_from_db()
    assert not learner.is_superuser
    assert not learner.groups.exists()


@pytest.mark.parametrize("model", ["supervision", "wellbeingcoverage"])
def test_supervision_and_coverage_cannot_be_granted_in_the_admin(superuser_client, model):
    response = superuser_client.get(reverse(f"admin:accounts_{model}_add"))

    assert response.status_code == 404
