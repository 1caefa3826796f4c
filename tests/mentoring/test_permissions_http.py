"""Who may do what, over HTTP. A pair's goals, sessions and notes are reachable by the pair
only: everybody else, supervisors and administrators included, gets the 404 that a missing
page gets. Supervisors and admins see that a pairing exists and its status."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mentoring.models import (
    ContactRequest,
    DirectoryProfile,
    Event,
    EventRegistration,
    MentoringGoal,
    MentoringSession,
)
from tests.factories import UserFactory

from .factories import (
    DirectoryProfileFactory,
    EventFactory,
    GoalFactory,
    SessionFactory,
)

NOTE = "Private: the mentee found the first exercise hard."
ROLES = [
    "mentor",
    "learner",
    "other_learner",
    "supervisor",
    "agency_admin",
    "platform_admin",
    "trainer",
    "other_agency_learner",
]
PAIR = {"mentor", "learner"}
OVERSEERS = {"supervisor", "agency_admin", "platform_admin"}


@pytest.fixture
def content(pair):
    return {
        "goal": GoalFactory(assignment=pair),
        "session": SessionFactory(assignment=pair, notes=NOTE),
    }


def _as(request, client_as, role):
    return client_as(request.getfixturevalue(role))


@pytest.mark.parametrize("role", ROLES)
def test_pairing_page_shows_notes_to_the_pair_and_status_to_overseers(
    request, client_as, role, pair, content
):
    response = _as(request, client_as, role).get(reverse("mentoring:assignment", args=[pair.pk]))

    if role in PAIR:
        assert response.status_code == 200
        assert NOTE in response.text
        assert content["goal"].text in response.text
    elif role in OVERSEERS:
        assert response.status_code == 200
        assert NOTE not in response.text
        assert content["goal"].text not in response.text
        assert "Active" in response.text
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_session_notes_page_is_for_the_pair_only(request, client_as, role, pair, content):
    url = reverse("mentoring:session_edit", args=[pair.pk, content["session"].pk])

    response = _as(request, client_as, role).get(url)

    if role in PAIR:
        assert response.status_code == 200
        assert NOTE in response.text
    else:
        assert response.status_code == 404
        assert NOTE not in response.text


@pytest.mark.parametrize("role", ROLES)
def test_goal_page_is_for_the_pair_only(request, client_as, role, pair, content):
    url = reverse("mentoring:goal_edit", args=[pair.pk, content["goal"].pk])

    response = _as(request, client_as, role).get(url)

    assert response.status_code == (200 if role in PAIR else 404)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_pair_can_add_a_goal(request, client_as, role, pair):
    url = reverse("mentoring:goal_new", args=[pair.pk])

    response = _as(request, client_as, role).post(url, {"text": "Learn the triage checklist"})

    created = MentoringGoal.objects.filter(assignment=pair).exists()
    if role in PAIR:
        assert response.status_code == 302
        assert created
    else:
        assert response.status_code == 404
        assert not created


@pytest.mark.parametrize("role", ROLES)
def test_only_the_pair_can_log_a_session(request, client_as, role, pair):
    url = reverse("mentoring:session_new", args=[pair.pk])
    data = {
        "date": "2026-01-05",
        "start_time": "14:00",
        "time_zone": "Europe/Paris",
        "duration_minutes": "60",
        "format": "video",
        "notes": "n",
    }

    response = _as(request, client_as, role).post(url, data)

    created = MentoringSession.objects.filter(assignment=pair).exists()
    assert created is (role in PAIR)
    assert response.status_code == (302 if role in PAIR else 404)


def test_a_session_of_another_pairing_is_not_found_through_this_one(client_as, pair, mentor):
    elsewhere = SessionFactory()

    response = client_as(mentor).get(
        reverse("mentoring:session_edit", args=[pair.pk, elsewhere.pk])
    )

    assert response.status_code == 404


def test_a_missing_pairing_and_someone_elses_pairing_look_the_same(client_as, other_learner, pair):
    client = client_as(other_learner)

    missing = client.get(reverse("mentoring:assignment", args=[999999]))
    not_mine = client.get(reverse("mentoring:assignment", args=[pair.pk]))

    assert missing.status_code == not_mine.status_code == 404


def test_an_overseer_reading_a_pairing_is_audited(client_as, supervisor, pair):
    from accounts.models import AuditEvent

    client_as(supervisor).get(reverse("mentoring:assignment", args=[pair.pk]))

    event = AuditEvent.objects.get(action="mentoring.pairing_status_viewed")
    assert event.subject_user == pair.mentee
    assert event.actor == supervisor


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("mentor", True),
        ("learner", False),
        ("supervisor", False),
        ("agency_admin", False),
    ],
)
def test_only_the_mentor_signs_off_a_competency(request, client_as, role, allowed, pair):
    from .factories import CompetencyFactory

    competency = CompetencyFactory()
    url = reverse("mentoring:observation_new", args=[pair.pk])

    response = _as(request, client_as, role).post(
        url, {"competency": competency.pk, "observed_on": "2026-01-05"}
    )

    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code in (403, 404)
    assert pair.observations.exists() is allowed


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("learner", 404),
        ("other_learner", 404),
        ("supervisor", 200),
        ("agency_admin", 200),
        ("trainer", 404),
    ],
)
def test_oversight_page_is_for_supervisors_and_admins(request, client_as, role, status, db):
    response = _as(request, client_as, role).get(reverse("mentoring:oversight"))

    assert response.status_code == status


# --- Directory and contact requests -------------------------------------------------------


@pytest.fixture
def listed_peer(db):
    return DirectoryProfileFactory(user=UserFactory(email="peer@abroad.example"))


@pytest.mark.parametrize("role", ROLES)
def test_every_approved_person_can_search_the_directory(request, client_as, role, listed_peer):
    response = _as(request, client_as, role).get(reverse("mentoring:directory"))

    assert response.status_code == 200
    assert str(listed_peer.user) in response.text
    assert "peer@abroad.example" not in response.text


def test_a_pending_account_cannot_use_the_directory(client_as, listed_peer):
    pending = UserFactory(vetting_status="pending")

    response = client_as(pending).get(reverse("mentoring:directory"))

    assert response.status_code in (302, 403)


def test_the_peer_sees_the_requesters_email_only_after_accepting(client_as, learner, listed_peer):
    client_as(learner).post(reverse("mentoring:peer_contact", args=[listed_peer.pk]))
    contact = ContactRequest.objects.get(requester=learner)

    before = client_as(listed_peer.user).get(reverse("mentoring:contacts"))
    assert str(learner) in before.text
    assert learner.email not in before.text

    client_as(listed_peer.user).post(reverse("mentoring:contact_accept", args=[contact.pk]))

    after = client_as(listed_peer.user).get(reverse("mentoring:contacts"))
    assert learner.email in after.text


def test_a_decline_reads_not_accepted_to_the_requester(client_as, learner, listed_peer):
    client_as(learner).post(reverse("mentoring:peer_contact", args=[listed_peer.pk]))
    contact = ContactRequest.objects.get(requester=learner)

    client_as(listed_peer.user).post(reverse("mentoring:contact_decline", args=[contact.pk]))

    requester = Client()
    requester.force_login(learner)
    page = requester.get(reverse("mentoring:contacts")).text
    assert "Not accepted" in page
    assert "Declined" not in page
    assert listed_peer.user.email not in page


@pytest.mark.parametrize("role", ["learner", "other_learner", "supervisor", "platform_admin"])
def test_nobody_but_the_peer_answers_a_contact_request(request, client_as, role, listed_peer):
    requester = UserFactory()
    contact = ContactRequest.objects.create(requester=requester, peer=listed_peer.user)

    response = _as(request, client_as, role).post(
        reverse("mentoring:contact_accept", args=[contact.pk])
    )

    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.status == ContactRequest.Status.PENDING


def test_the_requester_cannot_accept_their_own_request(client_as, learner, listed_peer):
    contact = ContactRequest.objects.create(requester=learner, peer=listed_peer.user)

    client_as(learner).post(reverse("mentoring:contact_accept", args=[contact.pk]))

    contact.refresh_from_db()
    assert contact.status == ContactRequest.Status.PENDING


def test_a_person_cannot_request_contact_with_themself(client_as, listed_peer):
    response = client_as(listed_peer.user).post(
        reverse("mentoring:peer_contact", args=[listed_peer.pk])
    )

    assert response.status_code == 404
    assert not ContactRequest.objects.exists()


def test_leaving_the_directory_removes_the_entry_at_once(client_as, listed_peer, learner):
    client_as(listed_peer.user).post(reverse("mentoring:directory_withdraw"))

    assert not DirectoryProfile.objects.filter(pk=listed_peer.pk).exists()
    response = client_as(learner).get(reverse("mentoring:peer", args=[listed_peer.pk]))
    assert response.status_code == 404


# --- Events -------------------------------------------------------------------------------


@pytest.fixture
def draft(trainer):
    return EventFactory(organiser=trainer, agency=trainer.agency, status=Event.Status.DRAFT)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("learner", 404),
        ("supervisor", 404),
        ("trainer", 200),
        ("agency_admin", 200),
        ("platform_admin", 200),
    ],
)
def test_trainers_and_agency_admins_create_events(request, client_as, role, status, db):
    response = _as(request, client_as, role).get(reverse("mentoring:event_new"))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("trainer", 200),
        ("agency_admin", 200),
        ("platform_admin", 200),
        ("learner", 404),
        ("other_agency_learner", 404),
    ],
)
def test_a_draft_is_seen_by_whoever_may_manage_it(request, client_as, role, status, draft):
    response = _as(request, client_as, role).get(reverse("mentoring:event", args=[draft.pk]))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("trainer", 200),
        ("agency_admin", 200),
        ("learner", 404),
        ("supervisor", 404),
        ("other_agency_learner", 404),
    ],
)
def test_only_organisers_see_the_attendance_page(request, client_as, role, status, trainer):
    event = EventFactory(organiser=trainer, agency=trainer.agency)

    response = _as(request, client_as, role).get(
        reverse("mentoring:event_attendance", args=[event.pk])
    )

    assert response.status_code == status


def test_another_agencys_admin_cannot_edit_an_event(client_as, trainer):
    event = EventFactory(organiser=trainer, agency=trainer.agency)
    outsider = UserFactory(roles=["agency_admin"])
    from tests.factories import totp_enrol

    totp_enrol(outsider)

    response = client_as(outsider).post(
        reverse("mentoring:event_edit", args=[event.pk]), {"title": "Hijacked"}
    )

    assert response.status_code == 404
    event.refresh_from_db()
    assert event.title != "Hijacked"


@pytest.mark.parametrize("role", ["learner", "other_agency_learner", "trainer", "supervisor"])
def test_every_approved_person_can_register_for_a_published_event(request, client_as, role, db):
    event = EventFactory(capacity=10)
    person = request.getfixturevalue(role)

    response = client_as(person).post(reverse("mentoring:event_register", args=[event.pk]))

    assert response.status_code == 302
    assert EventRegistration.objects.filter(event=event, user=person).exists()


def test_registering_for_a_draft_is_not_found(client_as, learner, draft):
    response = client_as(learner).post(reverse("mentoring:event_register", args=[draft.pk]))

    assert response.status_code == 404
    assert not EventRegistration.objects.exists()
