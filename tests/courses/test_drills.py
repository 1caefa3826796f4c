"""Triage drills: scoring with partial credit, hostile input, agreement for trainers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses import services
from courses.models import Course, DrillAnswer, DrillAttempt, Enrolment
from courses.selectors import drill_agreement
from tests.factories import UserFactory

from .factories import (
    DrillFactory,
    FollowUpActionFactory,
    PriorityLevelFactory,
    ScenarioCardFactory,
    staff,
)


@pytest.fixture
def levels(db):
    return {rank: PriorityLevelFactory(rank=rank) for rank in range(1, 6)}


@pytest.fixture
def actions(db):
    return [FollowUpActionFactory(code=c) for c in ("safeguard-now", "preserve", "intel-log")]


@pytest.fixture
def drill(levels, actions, trainer):
    drill = DrillFactory(course__status=Course.Status.PUBLISHED)
    staff(drill.course, trainer)
    first = ScenarioCardFactory(drill=drill, expert_level=levels[1], position=1)
    first.expert_actions.set(actions[:2])
    ScenarioCardFactory(drill=drill, expert_level=levels[5], position=2)
    return drill


def _answer_all(user, drill, ranks, levels, codes=None):
    attempt = services.drill_attempt_start(actor=user, drill=drill)
    for card, rank in zip(drill.cards.order_by("position"), ranks, strict=True):
        services.drill_answer_record(
            actor=user, attempt=attempt, card=card, level_id=levels[rank].pk, actions=codes or []
        )
    return services.drill_attempt_submit(actor=user, attempt=attempt)


@pytest.mark.parametrize(("chosen", "credit"), [(3, 1.0), (2, 0.5), (4, 0.5), (1, 0.0), (5, 0.0)])
def test_level_credit_is_full_for_the_key_and_half_for_a_neighbour(chosen, credit):
    assert services.drill_level_credit(chosen_rank=chosen, expert_rank=3) == credit


def test_action_credit_is_the_overlap_of_the_sets():
    assert services.drill_action_credit(chosen=["a", "b"], expert=["b", "c"]) == pytest.approx(
        1 / 3
    )
    assert services.drill_action_credit(chosen=[], expert=[]) == 1.0


def test_perfect_answers_score_100(learner, drill, levels):
    attempt = services.drill_attempt_start(actor=learner, drill=drill)
    first, second = drill.cards.order_by("position")
    services.drill_answer_record(
        actor=learner, attempt=attempt, card=first, level_id=levels[1].pk,
        actions=["safeguard-now", "preserve"],
    )  # fmt: skip
    services.drill_answer_record(
        actor=learner, attempt=attempt, card=second, level_id=levels[5].pk, actions=[]
    )

    assert services.drill_attempt_submit(actor=learner, attempt=attempt).score == 100


def test_adjacent_levels_earn_partial_credit(learner, drill, levels):
    attempt = _answer_all(learner, drill, [2, 4], levels)

    # card 1: half the level (0.35) and no matching action (0); card 2: half (0.35) + 0.3
    assert attempt.score == 50


def test_changing_an_answer_replaces_it(learner, drill, levels):
    attempt = services.drill_attempt_start(actor=learner, drill=drill)
    card = drill.cards.first()
    services.drill_answer_record(
        actor=learner, attempt=attempt, card=card, level_id=levels[3].pk, actions=[]
    )
    services.drill_answer_record(
        actor=learner, attempt=attempt, card=card, level_id=levels[1].pk, actions=[]
    )

    assert DrillAnswer.objects.get().level == levels[1]


def test_submit_needs_every_card(learner, drill, levels):
    attempt = services.drill_attempt_start(actor=learner, drill=drill)

    with pytest.raises(ValidationError):
        services.drill_attempt_submit(actor=learner, attempt=attempt)


def test_unknown_action_is_rejected_and_changes_nothing(learner, drill, levels):
    attempt = services.drill_attempt_start(actor=learner, drill=drill)

    with pytest.raises(ValidationError):
        services.drill_answer_record(
            actor=learner, attempt=attempt, card=drill.cards.first(), level_id=levels[1].pk,
            actions=["launch-missiles"],
        )  # fmt: skip
    assert not DrillAnswer.objects.exists()


def test_unknown_level_is_rejected(learner, drill):
    attempt = services.drill_attempt_start(actor=learner, drill=drill)

    with pytest.raises(ValidationError):
        services.drill_answer_record(
            actor=learner, attempt=attempt, card=drill.cards.first(), level_id=999999, actions=[]
        )


def test_card_of_another_drill_is_rejected(learner, drill, levels):
    attempt = services.drill_attempt_start(actor=learner, drill=drill)
    foreign = ScenarioCardFactory(expert_level=levels[1])

    with pytest.raises(ValidationError):
        services.drill_answer_record(
            actor=learner, attempt=attempt, card=foreign, level_id=levels[1].pk, actions=[]
        )


def test_answering_after_submitting_is_rejected(learner, drill, levels):
    attempt = _answer_all(learner, drill, [1, 5], levels)

    with pytest.raises(ValidationError):
        services.drill_answer_record(
            actor=learner, attempt=attempt, card=drill.cards.first(), level_id=levels[3].pk,
            actions=[],
        )  # fmt: skip


def test_unpublished_drill_cannot_be_started(learner, drill):
    drill.is_published = False
    drill.save()

    with pytest.raises(ValidationError):
        services.drill_attempt_start(actor=learner, drill=drill)


def test_agreement_counts_the_latest_attempt_of_each_learner(drill, levels, unit):
    people = [UserFactory(unit=unit, agency=unit.agency) for _ in range(3)]
    _answer_all(people[0], drill, [1, 5], levels)
    _answer_all(people[1], drill, [1, 5], levels)
    _answer_all(people[2], drill, [3, 3], levels)  # first attempt
    _answer_all(people[2], drill, [2, 5], levels)  # latest counts

    result = drill_agreement(drill=drill)

    assert result.learners == 3
    first, second = result.cards
    assert first.counts == [2, 1, 0, 0, 0] and second.counts == [0, 0, 0, 0, 3]
    assert first.expert_share == pytest.approx(2 / 3)
    assert second.agreement == 1.0
    assert result.kappa is not None
    assert [name for name, _n, _k in result.by_country] == [unit.agency.country.name]


def test_agreement_page_is_for_course_staff(client_as, trainer, learner, drill):
    url = reverse("courses:drill_agreement", args=[drill.pk])

    assert client_as(trainer).get(url).status_code == 200


def test_agreement_page_is_404_for_learners(client_as, learner, drill):
    url = reverse("courses:drill_agreement", args=[drill.pk])

    assert client_as(learner).get(url).status_code == 404


def test_drill_card_page_refuses_a_forged_level(client_as, learner, drill):
    Enrolment.objects.create(user=learner, course=drill.course, source="self")
    client = client_as(learner)
    client.post(reverse("courses:drill_start", args=[drill.pk]))
    card = drill.cards.first()

    response = client.post(
        reverse("courses:drill_card", args=[drill.pk, card.pk]), {"level": "999999"}
    )

    assert response.status_code == 200
    assert "Choose one of the priority levels." in response.content.decode()
    assert not DrillAnswer.objects.exists()


def test_drill_result_of_someone_else_is_404(
    client_as, learner, other_agency_learner, drill, levels
):
    attempt = _answer_all(learner, drill, [1, 5], levels)

    response = client_as(other_agency_learner).get(
        reverse("courses:drill_result", args=[attempt.pk])
    )

    assert response.status_code == 404
    assert DrillAttempt.objects.count() == 1
