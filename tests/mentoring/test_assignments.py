"""Mentor profiles, requests, suggestions and the pairing lifecycle (services)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mentoring import selectors, services
from mentoring.models import MentorAssignment, MentorProfile, MentorRequest
from notifications.models import Notification
from tests.factories import AgencyFactory, CountryFactory, UnitFactory, UserFactory

from .factories import AssignmentFactory, MentorProfileFactory

Status = MentorAssignment.Status


def _abroad_person():
    # A country no other fixture uses, so it is always "another country".
    elsewhere = CountryFactory(code="ZZ", name="Elsewhere")
    agency = AgencyFactory(country=elsewhere)
    return UserFactory(unit=UnitFactory(agency=agency), agency=agency)


# --- Mentor profiles ----------------------------------------------------------------------


def test_a_person_can_offer_to_mentor(learner, tags):
    profile = services.mentor_profile_save(
        actor=learner, expertise=tags[:1], languages=["fr", "en"], capacity=3
    )

    assert profile.user == learner
    assert profile.language_codes == ["en", "fr"]
    assert list(profile.expertise.all()) == tags[:1]


def test_a_mentor_profile_needs_a_topic_and_a_language(learner, tags):
    with pytest.raises(ValidationError):
        services.mentor_profile_save(actor=learner, expertise=[], languages=["fr"], capacity=1)
    with pytest.raises(ValidationError):
        services.mentor_profile_save(actor=learner, expertise=tags, languages=[], capacity=1)
    assert not MentorProfile.objects.filter(user=learner).exists()


def test_a_capacity_outside_one_to_ten_is_refused(learner, tags):
    with pytest.raises(ValidationError):
        services.mentor_profile_save(actor=learner, expertise=tags, languages=["fr"], capacity=11)


def test_an_unknown_topic_is_refused(learner, tags):
    with pytest.raises(ValidationError):
        services.mentor_profile_save(
            actor=learner, expertise=[999999], languages=["fr"], capacity=1
        )


def test_a_mentor_with_open_pairings_cannot_remove_their_profile(pair, mentor):
    with pytest.raises(ValidationError):
        services.mentor_profile_delete(actor=mentor)
    assert MentorProfile.objects.filter(user=mentor).exists()


# --- Requests and suggestions -------------------------------------------------------------


def test_a_learner_asking_again_updates_their_open_request(learner, tags):
    first = services.mentor_request_save(actor=learner, goal_tags=tags[:1], preferred_language="fr")
    second = services.mentor_request_save(actor=learner, goal_tags=tags, preferred_language="en")

    assert first.pk == second.pk
    assert second.preferred_language == "en"
    assert MentorRequest.objects.filter(mentee=learner).count() == 1


def test_suggestions_rank_the_best_fitting_mentor_first(learner, tags, mentor):
    weaker = UserFactory(agency=learner.agency)
    MentorProfileFactory(user=weaker, expertise=[tags[2]], languages=",de,")
    request = services.mentor_request_save(
        actor=learner, goal_tags=tags[:2], preferred_language="fr"
    )

    suggestions = selectors.mentor_suggestion_list_for(mentor_request=request)

    assert [s["profile"].user for s in suggestions] == [mentor, weaker]
    assert {t.pk for t in suggestions[0]["shared_tags"]} == {tags[0].pk, tags[1].pk}


def test_suggestions_leave_out_paused_and_full_mentors(learner, tags, mentor):
    MentorProfile.objects.filter(user=mentor).update(status=MentorProfile.Status.PAUSED)
    full = UserFactory(agency=learner.agency)
    MentorProfileFactory(user=full, expertise=tags, capacity=1)
    AssignmentFactory(mentor=full)
    request = services.mentor_request_save(actor=learner, goal_tags=tags, preferred_language="fr")

    assert selectors.mentor_suggestion_list_for(mentor_request=request) == []


def test_choosing_a_suggested_mentor_proposes_the_pair_and_tells_the_mentor(learner, tags, mentor):
    request = services.mentor_request_save(actor=learner, goal_tags=tags, preferred_language="fr")

    pairing = services.mentor_request_choose(actor=learner, mentor_request=request, mentor=mentor)

    assert pairing.status == Status.PROPOSED
    assert pairing.origin == MentorAssignment.Origin.REQUEST
    assert pairing.proposed_by == learner
    assert Notification.objects.filter(user=mentor, kind="mentoring.pairing").exists()


def test_a_learner_asks_one_mentor_at_a_time(learner, tags, mentor):
    second = UserFactory(agency=learner.agency)
    MentorProfileFactory(user=second, expertise=tags)
    request = services.mentor_request_save(actor=learner, goal_tags=tags, preferred_language="fr")
    services.mentor_request_choose(actor=learner, mentor_request=request, mentor=mentor)

    with pytest.raises(ValidationError):
        services.mentor_request_choose(actor=learner, mentor_request=request, mentor=second)


def test_choosing_a_mentor_abroad_is_refused_when_the_learner_wants_their_own_country(
    learner, tags
):
    abroad = _abroad_person()
    MentorProfileFactory(user=abroad, expertise=tags, cross_border=True)
    request = services.mentor_request_save(
        actor=learner, goal_tags=tags, preferred_language="fr", cross_border_ok=False
    )

    with pytest.raises(ValidationError):
        services.mentor_request_choose(actor=learner, mentor_request=request, mentor=abroad)


def test_someone_else_cannot_use_a_learners_request(learner, other_learner, tags, mentor):
    request = services.mentor_request_save(actor=learner, goal_tags=tags, preferred_language="fr")

    with pytest.raises(PermissionDenied):
        services.mentor_request_choose(actor=other_learner, mentor_request=request, mentor=mentor)


def test_withdrawing_a_request_withdraws_its_unanswered_proposal(learner, tags, mentor):
    request = services.mentor_request_save(actor=learner, goal_tags=tags, preferred_language="fr")
    pairing = services.mentor_request_choose(actor=learner, mentor_request=request, mentor=mentor)

    services.mentor_request_withdraw(actor=learner, mentor_request=request)

    pairing.refresh_from_db()
    assert pairing.status == Status.WITHDRAWN


# --- Proposals ----------------------------------------------------------------------------


def test_a_supervisor_proposes_a_mentor_for_someone_in_their_unit(supervisor, learner, mentor):
    pairing = services.mentor_assignment_propose(actor=supervisor, mentor=mentor, mentee=learner)

    assert pairing.status == Status.PROPOSED
    assert pairing.proposed_by == supervisor
    assert Notification.objects.filter(user=mentor).exists()
    assert Notification.objects.filter(user=learner).exists()


def test_a_supervisor_cannot_propose_for_someone_outside_their_units(supervisor, mentor, agency):
    outsider = UserFactory(unit=UnitFactory(agency=agency), agency=agency)

    with pytest.raises(PermissionDenied):
        services.mentor_assignment_propose(actor=supervisor, mentor=mentor, mentee=outsider)


def test_an_agency_admin_proposes_within_their_agency_only(agency_admin, mentor, learner):
    assert services.mentor_assignment_propose(actor=agency_admin, mentor=mentor, mentee=learner)
    outsider = UserFactory()

    with pytest.raises(PermissionDenied):
        services.mentor_assignment_propose(actor=agency_admin, mentor=mentor, mentee=outsider)


def test_a_learner_cannot_propose_pairs(other_learner, learner, mentor):
    with pytest.raises(PermissionDenied):
        services.mentor_assignment_propose(actor=other_learner, mentor=mentor, mentee=learner)


def test_a_proposal_to_a_paused_mentor_is_refused(supervisor, learner, mentor):
    MentorProfile.objects.filter(user=mentor).update(status=MentorProfile.Status.PAUSED)

    with pytest.raises(ValidationError):
        services.mentor_assignment_propose(actor=supervisor, mentor=mentor, mentee=learner)


def test_a_proposal_to_a_full_mentor_is_refused(supervisor, learner, mentor):
    MentorProfile.objects.filter(user=mentor).update(capacity=1)
    AssignmentFactory(mentor=mentor)

    with pytest.raises(ValidationError):
        services.mentor_assignment_propose(actor=supervisor, mentor=mentor, mentee=learner)


def test_a_proposal_across_borders_needs_a_mentor_willing_to_cross_them(supervisor, learner, tags):
    abroad = _abroad_person()
    MentorProfileFactory(user=abroad, expertise=tags, cross_border=False)

    with pytest.raises(ValidationError):
        services.mentor_assignment_propose(actor=supervisor, mentor=abroad, mentee=learner)


def test_the_same_pair_cannot_be_proposed_twice(supervisor, learner, mentor):
    services.mentor_assignment_propose(actor=supervisor, mentor=mentor, mentee=learner)

    with pytest.raises(ValidationError):
        services.mentor_assignment_propose(actor=supervisor, mentor=mentor, mentee=learner)
    assert MentorAssignment.objects.filter(mentor=mentor, mentee=learner).count() == 1


# --- The lifecycle ------------------------------------------------------------------------


@pytest.fixture
def proposal(supervisor, learner, mentor):
    return services.mentor_assignment_propose(actor=supervisor, mentor=mentor, mentee=learner)


def test_accepting_makes_the_pair_active_from_today(proposal, mentor, learner):
    pairing = services.mentor_assignment_accept(actor=mentor, assignment=proposal)

    assert pairing.status == Status.ACTIVE
    assert pairing.started_on is not None
    assert pairing.responded_at is not None
    assert Notification.objects.filter(user=learner, key__startswith="mentoring:accepted").exists()


def test_accepting_a_request_marks_the_learners_request_matched(learner, tags, mentor):
    request = services.mentor_request_save(actor=learner, goal_tags=tags, preferred_language="fr")
    pairing = services.mentor_request_choose(actor=learner, mentor_request=request, mentor=mentor)

    services.mentor_assignment_accept(actor=mentor, assignment=pairing)

    request.refresh_from_db()
    assert request.status == MentorRequest.Status.MATCHED


def test_only_the_mentor_answers_a_proposal(proposal, learner, supervisor):
    for person in (learner, supervisor):
        with pytest.raises(PermissionDenied):
            services.mentor_assignment_accept(actor=person, assignment=proposal)


def test_accepting_twice_is_refused(proposal, mentor):
    services.mentor_assignment_accept(actor=mentor, assignment=proposal)

    with pytest.raises(PermissionDenied):
        services.mentor_assignment_accept(actor=mentor, assignment=proposal)


def test_accepting_beyond_capacity_is_refused(proposal, mentor):
    MentorProfile.objects.filter(user=mentor).update(capacity=1)
    AssignmentFactory(mentor=mentor)

    with pytest.raises(ValidationError):
        services.mentor_assignment_accept(actor=mentor, assignment=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED


def test_declining_needs_a_reason_that_the_others_see(proposal, mentor, learner, supervisor):
    with pytest.raises(ValidationError):
        services.mentor_assignment_decline(actor=mentor, assignment=proposal, reason="  ")

    services.mentor_assignment_decline(
        actor=mentor, assignment=proposal, reason="On leave until June"
    )

    proposal.refresh_from_db()
    assert proposal.status == Status.DECLINED
    assert proposal.decline_reason == "On leave until June"
    for person in (learner, supervisor):
        assert (
            "On leave until June"
            in Notification.objects.get(user=person, key__startswith="mentoring:declined").body
        )


def test_the_proposer_can_withdraw_before_an_answer(proposal, supervisor):
    services.mentor_assignment_withdraw(actor=supervisor, assignment=proposal)

    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


def test_completing_records_the_end_date(pair, learner):
    services.mentor_assignment_complete(actor=learner, assignment=pair, note="Goals met")

    pair.refresh_from_db()
    assert pair.status == Status.COMPLETED
    assert pair.ended_on >= pair.started_on
    assert pair.ended_by == learner


def test_ending_early_needs_a_reason(pair, mentor):
    with pytest.raises(ValidationError):
        services.mentor_assignment_end(actor=mentor, assignment=pair, reason="")

    services.mentor_assignment_end(actor=mentor, assignment=pair, reason="Changed posts")

    pair.refresh_from_db()
    assert pair.status == Status.ENDED


def test_a_supervisor_of_the_mentee_can_end_a_pairing(pair, supervisor):
    services.mentor_assignment_end(actor=supervisor, assignment=pair, reason="Reorganisation")

    pair.refresh_from_db()
    assert pair.status == Status.ENDED


INVALID_TRANSITIONS = [
    (Status.PROPOSED, Status.COMPLETED),
    (Status.PROPOSED, Status.ENDED),
    (Status.ACTIVE, Status.PROPOSED),
    (Status.ACTIVE, Status.DECLINED),
    (Status.COMPLETED, Status.ACTIVE),
    (Status.ENDED, Status.ACTIVE),
    (Status.DECLINED, Status.ACTIVE),
    (Status.WITHDRAWN, Status.ACTIVE),
]


@pytest.mark.parametrize(("start", "target"), INVALID_TRANSITIONS)
def test_invalid_transitions_are_rejected(start, target):
    assert MentorAssignment(status=start).can_become(target) is False


def test_closed_pairings_cannot_be_ended_again(pair, mentor):
    services.mentor_assignment_complete(actor=mentor, assignment=pair)

    with pytest.raises(PermissionDenied):
        services.mentor_assignment_end(actor=mentor, assignment=pair, reason="again")


def test_a_stale_object_cannot_skip_the_lifecycle(proposal, mentor, supervisor):
    """Two tabs: the proposal was withdrawn in one; accepting in the other is refused."""
    stale = MentorAssignment.objects.get(pk=proposal.pk)
    services.mentor_assignment_withdraw(actor=supervisor, assignment=proposal)

    with pytest.raises(PermissionDenied):
        services.mentor_assignment_accept(actor=mentor, assignment=stale)
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


# --- Over HTTP: bad input and double submits ----------------------------------------------


def test_accepting_twice_over_http_changes_nothing_and_says_so(client_as, proposal, mentor):
    from django.urls import reverse

    client = client_as(mentor)
    url = reverse("mentoring:assignment_accept", args=[proposal.pk])
    client.post(url)

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert "already answered" in response.text
    assert MentorAssignment.objects.get(pk=proposal.pk).status == Status.ACTIVE


def test_declining_without_a_reason_shows_the_error_and_changes_nothing(
    client_as, proposal, mentor
):
    from django.urls import reverse

    response = client_as(mentor).post(
        reverse("mentoring:assignment_decline", args=[proposal.pk]), {"reason": "   "}
    )

    assert response.status_code == 200
    assert "Give a short reason." in response.text
    assert MentorAssignment.objects.get(pk=proposal.pk).status == Status.PROPOSED


def test_a_forged_mentor_choice_is_refused(client_as, learner, tags, mentor):
    from django.urls import reverse

    request = services.mentor_request_save(actor=learner, goal_tags=tags, preferred_language="fr")
    not_a_mentor = UserFactory()

    response = client_as(learner).post(
        reverse("mentoring:request_choose", args=[request.pk, not_a_mentor.pk])
    )

    assert response.status_code == 404
    assert not MentorAssignment.objects.exists()


def test_asking_for_a_mentor_through_the_form(client_as, learner, tags, mentor):
    from django.urls import reverse

    response = client_as(learner).post(
        reverse("mentoring:ask"),
        {
            "goal_tags": [tags[0].pk, tags[1].pk],
            "goal_text": "Grow in triage",
            "preferred_language": "fr",
            "cross_border_ok": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "Match score" in response.text
    assert str(mentor) in response.text


def test_a_session_time_is_read_in_the_chosen_zone(client_as, pair, mentor):
    from datetime import UTC, datetime

    from django.urls import reverse

    client_as(mentor).post(
        reverse("mentoring:session_new", args=[pair.pk]),
        {
            "date": "2026-01-05",
            "start_time": "14:00",
            "time_zone": "Europe/Brussels",
            "duration_minutes": "45",
            "format": "phone",
        },
    )

    assert pair.sessions.get().starts_at == datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
