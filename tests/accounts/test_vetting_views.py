"""Vetting pages over HTTP: who sees them, 404 for other agencies' people, re-authentication
for decisions, forged forms change nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, User
from tests.accounts.conftest import ROLE_FIXTURES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMINS = {"agency_admin", "platform_admin", "other_agency_admin"}


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_vetting_list_is_for_admins_only(request, role, signed_in):
    client = signed_in(request.getfixturevalue(role))

    response = client.get(reverse("accounts:vetting"))

    assert response.status_code == (200 if role in ADMINS else 404)


def test_vetting_list_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("accounts:vetting"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_vetting_list_shows_pending_people_of_own_agency_only(
    agency_admin, pending_person, other_agency, signed_in
):
    stranger = UserFactory(agency=other_agency, unit=None, vetting_status=User.Vetting.PENDING)

    response = signed_in(agency_admin).get(reverse("accounts:vetting"))

    people = list(response.context["page"].object_list)
    assert people == [pending_person]
    assert stranger.email not in response.content.decode()


def test_platform_admin_sees_pending_people_of_every_agency(
    platform_admin, pending_person, other_agency, signed_in
):
    stranger = UserFactory(agency=other_agency, unit=None, vetting_status=User.Vetting.PENDING)

    response = signed_in(platform_admin).get(reverse("accounts:vetting"))

    assert set(response.context["page"].object_list) == {pending_person, stranger}


def test_vetting_list_searches_by_name(agency_admin, agency, signed_in):
    UserFactory(agency=agency, full_name="Zora Quill")
    UserFactory(agency=agency, full_name="Other Person")

    response = signed_in(agency_admin).get(
        reverse("accounts:vetting"), {"status": "approved", "q": "quill"}
    )

    assert [p.full_name for p in response.context["page"].object_list] == ["Zora Quill"]


def test_vetting_list_empty_state_says_no_one_is_waiting(agency_admin, signed_in):
    response = signed_in(agency_admin).get(reverse("accounts:vetting"))

    assert "No one is waiting for approval" in response.content.decode()


def test_vetting_list_paginates_by_25(agency_admin, agency, signed_in):
    for _ in range(27):
        UserFactory(agency=agency, unit=None, vetting_status=User.Vetting.PENDING)

    response = signed_in(agency_admin).get(reverse("accounts:vetting"), {"page": 2})

    assert len(response.context["page"].object_list) == 2


def test_vetting_list_query_count_does_not_grow_with_people(
    agency_admin, agency, signed_in, django_assert_num_queries
):
    client = signed_in(agency_admin)
    client.get(reverse("accounts:vetting"))  # warm the session and caches
    for _ in range(3):
        UserFactory(agency=agency, unit=None, vetting_status=User.Vetting.PENDING)
    with django_assert_num_queries(10) as few:
        client.get(reverse("accounts:vetting"))
    for _ in range(10):
        UserFactory(agency=agency, unit=None, vetting_status=User.Vetting.PENDING)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("accounts:vetting"))


def test_person_page_of_own_agency_opens(agency_admin, pending_person, signed_in):
    response = signed_in(agency_admin).get(reverse("accounts:person", args=[pending_person.pk]))

    assert response.status_code == 200
    assert "Decide on this request" in response.content.decode()


def test_person_page_of_another_agency_is_404(other_agency_admin, pending_person, signed_in):
    response = signed_in(other_agency_admin).get(
        reverse("accounts:person", args=[pending_person.pk])
    )

    assert response.status_code == 404


def test_person_page_of_unknown_id_is_404(agency_admin, signed_in):
    response = signed_in(agency_admin).get(reverse("accounts:person", args=[999999]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["approve", "enable", "unit_assign", "role_change", "supervision_add", "coverage_add"]
)
def test_actions_on_another_agencys_person_are_404_and_change_nothing(
    other_agency_admin, pending_person, signed_in, name
):
    client = signed_in(other_agency_admin, reauth=True)

    response = client.post(
        reverse(f"accounts:{name}", args=[pending_person.pk]), {"role": "trainer"}
    )

    assert response.status_code == 404
    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.PENDING
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("name", ["refuse", "disable"])
def test_confirm_pages_for_another_agencys_person_are_404(
    other_agency_admin, pending_person, signed_in, name
):
    client = signed_in(other_agency_admin)

    assert client.get(reverse(f"accounts:{name}", args=[pending_person.pk])).status_code == 404


def test_approve_without_recent_reauthentication_asks_for_the_password(
    agency_admin, pending_person, signed_in
):
    response = signed_in(agency_admin).post(reverse("accounts:approve", args=[pending_person.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.PENDING


def test_approve_runs_after_reauthenticating_with_the_password(
    agency_admin, pending_person, signed_in
):
    from tests.factories import DEFAULT_PASSWORD

    client = signed_in(agency_admin)
    client.post(reverse("accounts:approve", args=[pending_person.pk]))

    response = client.post(
        reverse("account_reauthenticate")
        + "?next="
        + reverse("accounts:approve", args=[pending_person.pk]),
        {"password": DEFAULT_PASSWORD},
    )

    assert response.status_code == 302
    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.APPROVED


def test_approve_with_recent_reauthentication_approves_and_says_so(
    admin_client, pending_person, unit
):
    response = admin_client.post(
        reverse("accounts:approve", args=[pending_person.pk]), {"unit": unit.pk}, follow=True
    )

    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.APPROVED
    assert pending_person.unit == unit
    assert "is approved" in response.content.decode()


def test_approve_with_a_unit_of_another_agency_changes_nothing(
    admin_client, pending_person, other_agency_person
):
    response = admin_client.post(
        reverse("accounts:approve", args=[pending_person.pk]),
        {"unit": other_agency_person.unit.pk},
        follow=True,
    )

    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.PENDING
    assert "Choose a unit" in response.content.decode()


def test_forged_csrf_on_approve_gets_a_clear_403_and_changes_nothing(agency_admin, pending_person):
    from tests.accounts.conftest import mark_reauthenticated

    client = Client(enforce_csrf_checks=True)
    client.force_login(agency_admin)
    mark_reauthenticated(client, agency_admin)

    response = client.post(reverse("accounts:approve", args=[pending_person.pk]))

    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.PENDING


def test_approve_by_get_is_not_allowed(admin_client, pending_person):
    response = admin_client.get(reverse("accounts:approve", args=[pending_person.pk]))

    assert response.status_code == 405


def test_refuse_page_shows_a_reason_form(agency_admin, pending_person, signed_in):
    response = signed_in(agency_admin).get(reverse("accounts:refuse", args=[pending_person.pk]))

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()


def test_refuse_without_reason_shows_an_error_and_changes_nothing(admin_client, pending_person):
    response = admin_client.post(
        reverse("accounts:refuse", args=[pending_person.pk]), {"reason": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.PENDING


def test_refuse_with_reason_refuses(admin_client, pending_person):
    admin_client.post(
        reverse("accounts:refuse", args=[pending_person.pk]), {"reason": "Not our staff"}
    )

    pending_person.refresh_from_db()
    assert pending_person.vetting_status == User.Vetting.REJECTED


def test_double_submitted_refusal_changes_nothing_the_second_time(admin_client, pending_person):
    url = reverse("accounts:refuse", args=[pending_person.pk])
    admin_client.post(url, {"reason": "Not our staff"})

    response = admin_client.post(url, {"reason": "Again"}, follow=True)

    assert "Only an account awaiting approval" in response.content.decode()
    assert AuditEvent.objects.filter(action="account.refused").count() == 1


def test_disable_then_enable_over_http(admin_client, learner):
    admin_client.post(reverse("accounts:disable", args=[learner.pk]), {"reason": "left"})
    learner.refresh_from_db()
    assert learner.is_active is False

    admin_client.post(reverse("accounts:enable", args=[learner.pk]))
    learner.refresh_from_db()
    assert learner.is_active is True


def test_hostile_text_in_a_refusal_reason_is_escaped_on_the_person_page(
    admin_client, pending_person
):
    admin_client.post(
        reverse("accounts:refuse", args=[pending_person.pk]),
        {"reason": "<script>alert(1)</script>"},
    )

    body = admin_client.get(reverse("accounts:person", args=[pending_person.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_role_grant_and_revoke_over_http(admin_client, learner):
    url = reverse("accounts:role_change", args=[learner.pk])

    admin_client.post(url, {"role": "trainer", "operation": "grant"})
    assert learner.groups.filter(name="trainer").exists()

    admin_client.post(url, {"role": "trainer", "operation": "revoke"})
    assert not learner.groups.filter(name="trainer").exists()


def test_agency_admin_forging_a_platform_admin_grant_changes_nothing(admin_client, learner):
    response = admin_client.post(
        reverse("accounts:role_change", args=[learner.pk]),
        {"role": "platform_admin", "operation": "grant"},
        follow=True,
    )

    assert "Choose a role from the list" in response.content.decode()
    assert not learner.groups.exists()


def test_supervision_add_and_end_over_http(admin_client, learner, unit):
    admin_client.post(reverse("accounts:supervision_add", args=[learner.pk]), {"unit": unit.pk})
    grant = learner.supervisions.get()

    admin_client.post(reverse("accounts:supervision_remove", args=[learner.pk, grant.pk]))

    assert not learner.supervisions.current().exists()


def test_coverage_add_over_http(admin_client, learner, agency):
    admin_client.post(reverse("accounts:coverage_add", args=[learner.pk]), {"agency": agency.pk})

    assert learner.wellbeing_coverages.current().filter(agency=agency).exists()


def test_invite_page_for_agency_admin_has_no_agency_choice(agency_admin, signed_in):
    response = signed_in(agency_admin, reauth=True).get(reverse("accounts:invite"))

    assert response.status_code == 200
    assert 'type="hidden" name="agency"' in response.content.decode()


def test_invite_over_http_creates_the_account_and_opens_it(admin_client, agency, unit):
    response = admin_client.post(
        reverse("accounts:invite"),
        {
            "email": "ivy@ag.example",
            "full_name": "Ivy Invited",
            "agency": agency.pk,
            "unit": unit.pk,
            "preferred_language": "en",
        },
    )

    person = User.objects.get(email="ivy@ag.example")
    assert response.url == reverse("accounts:person", args=[person.pk])


def test_invite_with_a_taken_email_shows_the_error_on_the_field(admin_client, agency, learner):
    response = admin_client.post(
        reverse("accounts:invite"),
        {
            "email": learner.email,
            "full_name": "X",
            "agency": agency.pk,
            "preferred_language": "en",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_invite_forging_another_agency_is_refused(admin_client, other_agency):
    response = admin_client.post(
        reverse("accounts:invite"),
        {
            "email": "x@other.example",
            "full_name": "X",
            "agency": other_agency.pk,
            "preferred_language": "en",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["agency"]
    assert not User.objects.filter(email="x@other.example").exists()


def test_learner_cannot_open_invite(learner, signed_in):
    assert signed_in(learner).get(reverse("accounts:invite")).status_code == 404
