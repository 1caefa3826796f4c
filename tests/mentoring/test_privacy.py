"""Privacy: notes encrypted at rest, the Django admin never shows what a pair wrote and
audits every look, export and erase through the privacy registry, the dashboard panel."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.privacy import privacy_erase, privacy_export
from mentoring import services
from mentoring.models import (
    CompetencyObservation,
    DirectoryProfile,
    EventRegistration,
    MentorAssignment,
    MentoringSession,
    MentorProfile,
)
from tests.factories import UserFactory

from .factories import (
    CompetencyFactory,
    DirectoryProfileFactory,
    EventFactory,
    GoalFactory,
    SessionFactory,
)

NOTE = "Private: the mentee found the first exercise hard."
GOAL = "Run a device triage on a training image."


def test_notes_are_encrypted_in_the_database(pair):
    session = SessionFactory(assignment=pair, notes=NOTE)

    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM mentoring_mentoringsession WHERE id = %s", [session.pk])
        (stored,) = cursor.fetchone()

    assert NOTE not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    assert MentoringSession.objects.get(pk=session.pk).notes == NOTE


def test_a_token_from_another_key_reads_as_empty_not_as_garbage(pair, settings):
    session = SessionFactory(assignment=pair, notes=NOTE)
    from cryptography.fernet import Fernet

    from mentoring import fields

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    fields._fernet.cache_clear()
    try:
        assert MentoringSession.objects.get(pk=session.pk).notes == ""
    finally:
        fields._fernet.cache_clear()


@pytest.fixture
def admin_client_for(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.is_superuser = True
    platform_admin.save()
    client.force_login(platform_admin)
    return client


def test_the_admin_never_shows_session_notes_or_actions(admin_client_for, pair):
    session = SessionFactory(assignment=pair, notes=NOTE, agreed_actions="Draft a checklist.")

    listing = admin_client_for.get(reverse("admin:mentoring_mentoringsession_changelist"))
    detail = admin_client_for.get(
        reverse("admin:mentoring_mentoringsession_change", args=[session.pk])
    )

    for response in (listing, detail):
        assert response.status_code == 200
        assert NOTE not in response.text
        assert "Draft a checklist." not in response.text


def test_the_admin_never_shows_goal_text(admin_client_for, pair):
    goal = GoalFactory(assignment=pair, text=GOAL)

    detail = admin_client_for.get(reverse("admin:mentoring_mentoringgoal_change", args=[goal.pk]))
    listing = admin_client_for.get(reverse("admin:mentoring_mentoringgoal_changelist"))

    assert GOAL not in detail.text
    assert GOAL not in listing.text


def test_opening_a_pairings_records_in_the_admin_is_audited(admin_client_for, pair, platform_admin):
    session = SessionFactory(assignment=pair)

    admin_client_for.get(reverse("admin:mentoring_mentoringsession_change", args=[session.pk]))
    admin_client_for.get(reverse("admin:mentoring_mentorassignment_changelist"))

    opened = AuditEvent.objects.get(action="mentoring.admin_viewed")
    assert opened.actor == platform_admin
    assert opened.subject_user == pair.mentee
    assert AuditEvent.objects.filter(action="mentoring.admin_viewed_list").exists()


def test_the_admin_cannot_edit_pair_content(admin_client_for, pair):
    session = SessionFactory(assignment=pair, notes=NOTE)

    admin_client_for.post(
        reverse("admin:mentoring_mentoringsession_change", args=[session.pk]),
        {"notes": "overwritten", "duration_minutes": 5},
    )

    session.refresh_from_db()
    assert session.notes == NOTE


def test_the_admin_end_action_goes_through_the_service(admin_client_for, pair):
    admin_client_for.post(
        reverse("admin:mentoring_mentorassignment_changelist"),
        {"action": "end_pairings", "_selected_action": [pair.pk]},
    )

    pair.refresh_from_db()
    assert pair.status == MentorAssignment.Status.ENDED


# --- Export and erase ---------------------------------------------------------------------


@pytest.fixture
def everything(pair, learner, mentor):
    SessionFactory(assignment=pair, notes=NOTE)
    GoalFactory(assignment=pair, text=GOAL)
    CompetencyObservation.objects.create(
        learner=learner, competency=CompetencyFactory(), observed_by=mentor, assignment=pair
    )
    DirectoryProfileFactory(user=learner)
    event = EventFactory(capacity=1)
    services.event_register(actor=learner, event=event)
    waiting = UserFactory()
    services.event_register(actor=waiting, event=event)
    services.calendar_feed_issue(actor=learner)
    return {"event": event, "waiting": waiting}


def test_export_holds_the_persons_mentoring_data(everything, learner):
    data = privacy_export(user=learner)["mentoring"]

    (pairing,) = data["pairings"]
    assert pairing["role"] == "mentee"
    assert pairing["sessions"][0]["notes"] == NOTE
    assert pairing["goals"][0]["text"] == GOAL
    assert len(data["competencies_observed"]) == 1
    assert data["directory_listing"] is not None
    assert data["event_registrations"][0]["status"] == "confirmed"
    assert data["calendar_feed"] is True


def test_erase_removes_the_person_and_hands_their_place_on(everything, learner, mentor, pair):
    privacy_erase(user=learner)

    assert not DirectoryProfile.objects.filter(user=learner).exists()
    assert not MentoringSession.objects.filter(assignment=pair).exists()
    assert not CompetencyObservation.objects.filter(learner=learner).exists()
    assert not EventRegistration.objects.filter(user=learner).exists()
    pair.refresh_from_db()
    assert pair.status == MentorAssignment.Status.ENDED
    waiting = EventRegistration.objects.get(user=everything["waiting"])
    assert waiting.status == EventRegistration.Status.CONFIRMED
    assert MentorProfile.objects.filter(user=mentor).exists()


def test_erase_keeps_observations_a_mentor_made_for_others(pair, mentor, learner):
    CompetencyObservation.objects.create(
        learner=learner, competency=CompetencyFactory(), observed_by=mentor, assignment=pair
    )

    privacy_erase(user=mentor)

    assert CompetencyObservation.objects.filter(learner=learner).count() == 1


# --- The dashboard panel ------------------------------------------------------------------


def _panel(rf, user) -> str:
    """Our panel alone, as the home page renders it (other apps' panels are theirs)."""
    from django.template.loader import render_to_string

    from mentoring.dashboard import mentoring_dashboard_panel

    request = rf.get("/")
    request.user = user
    context = mentoring_dashboard_panel(request)
    return render_to_string("mentoring/_dashboard_panel.html", {"panel": context}, request)


def test_the_panel_shows_my_mentor_and_next_session(rf, pair, learner):
    from datetime import timedelta

    from django.utils import timezone

    SessionFactory(assignment=pair, starts_at=timezone.now() + timedelta(days=2))

    html = _panel(rf, learner)

    assert str(pair.mentor) in html
    assert "Next session" in html


def test_the_panel_shows_mentees_and_registered_events(rf, pair, mentor):
    event = EventFactory(title="Grooming on gaming platforms")
    services.event_register(actor=mentor, event=event)

    html = _panel(rf, mentor)

    assert str(pair.mentee) in html
    assert "Grooming on gaming platforms" in html


def test_the_panel_invites_a_newcomer(rf, learner):
    assert "Ask for a mentor" in _panel(rf, learner)


def test_the_panel_is_registered_on_the_home_page():
    from accounts.registries import _panels

    assert _panels["mentoring"].template == "mentoring/_dashboard_panel.html"
