"""Drill authoring by the course's trainers: drills, scenario cards with their expert key,
ordering, publishing, deleting safely; 404 for everyone else; every write audited once."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from courses import services
from courses.models import Course, Drill, DrillAnswer, PriorityLevel, ScenarioCard
from courses.services import drills as drill_services
from tests.factories import UserFactory, totp_enrol

from .factories import (
    CourseFactory,
    DrillFactory,
    FollowUpActionFactory,
    PriorityLevelFactory,
    ScenarioCardFactory,
    staff,
)


@pytest.fixture
def levels(db):
    return {rank: PriorityLevelFactory(rank=rank) for rank in range(1, 5)}


@pytest.fixture
def actions(db):
    return [FollowUpActionFactory(code=c) for c in ("safeguard-now", "preserve", "intel-log")]


@pytest.fixture
def course(trainer):
    course = CourseFactory(status=Course.Status.PUBLISHED)
    staff(course, trainer)
    return course


@pytest.fixture
def drill(course, levels):
    return DrillFactory(course=course, title="Referrals", is_published=False)


def _cards(drill, levels, n=3):
    return [
        ScenarioCardFactory(drill=drill, title=f"Card {i}", position=i, expert_level=levels[1])
        for i in range(1, n + 1)
    ]


def _audits(action):
    return list(AuditEvent.objects.filter(action=action))


def _card_kwargs(levels, actions, **kw):
    data = {
        "title": "Chat log referral",
        "text": "A fictional platform referral about a chat.",
        "expert_level": levels[2],
        "rationale": "Contact is ongoing.",
        "expert_actions": actions[:2],
    }
    data.update(kw)
    return data


def _answered(learner, drill, card, level):
    attempt = services.drill_attempt_start(actor=learner, drill=drill)
    services.drill_answer_record(
        actor=learner, attempt=attempt, card=card, level_id=level.pk, actions=[]
    )


# --- Services -------------------------------------------------------------------------------


def test_drill_create_is_closed_audited_and_refuses_a_duplicate_title(trainer, course):
    drill = drill_services.drill_create(
        actor=trainer, course=course, title="  Triage  basics ", introduction="Read first."
    )

    assert (drill.title, drill.is_published) == ("Triage basics", False)
    assert [e.target_id for e in _audits("courses.drill_create")] == [str(drill.pk)]
    with pytest.raises(ValidationError) as error:
        drill_services.drill_create(actor=trainer, course=course, title="triage basics")
    assert "already has a drill with this title" in str(error.value)
    assert course.drills.count() == 1


def test_drill_writes_refused_to_other_trainers_and_learners(drill, learner, levels, actions):
    other_trainer = UserFactory(roles=["trainer"])
    for actor in (other_trainer, learner):
        with pytest.raises(PermissionDenied):
            drill_services.drill_create(actor=actor, course=drill.course, title="Mine")
        with pytest.raises(PermissionDenied):
            drill_services.drill_publish(actor=actor, drill=drill, publish=True)
        with pytest.raises(PermissionDenied):
            drill_services.scenario_card_create(
                actor=actor, drill=drill, **_card_kwargs(levels, actions)
            )
    assert Drill.objects.count() == 1 and not ScenarioCard.objects.exists()


def test_drill_update_saving_the_same_text_changes_nothing(trainer, drill):
    drill_services.drill_update(actor=trainer, drill=drill, title="Referrals 2", introduction="X")
    drill_services.drill_update(actor=trainer, drill=drill, title="Referrals 2", introduction="X")

    drill.refresh_from_db()
    assert (drill.title, drill.introduction) == ("Referrals 2", "X")
    assert len(_audits("courses.drill_update")) == 1


def test_publishing_a_drill_without_cards_is_refused(trainer, drill):
    with pytest.raises(ValidationError) as error:
        drill_services.drill_publish(actor=trainer, drill=drill, publish=True)

    assert "Add at least one scenario card" in error.value.messages[0]
    drill.refresh_from_db()
    assert not drill.is_published and not _audits("courses.drill_publish")


def test_publish_and_unpublish_are_audited_once_each(trainer, drill, levels):
    _cards(drill, levels, 1)

    drill_services.drill_publish(actor=trainer, drill=drill, publish=True)
    drill_services.drill_publish(actor=trainer, drill=drill, publish=True)
    drill.refresh_from_db()
    assert drill.is_published
    drill_services.drill_publish(actor=trainer, drill=drill, publish=False)

    drill.refresh_from_db()
    assert not drill.is_published
    assert len(_audits("courses.drill_publish")) == 1
    assert len(_audits("courses.drill_unpublish")) == 1


def test_card_create_appends_with_the_expert_key(trainer, drill, levels, actions):
    _cards(drill, levels, 2)

    card = drill_services.scenario_card_create(
        actor=trainer, drill=drill, **_card_kwargs(levels, actions)
    )

    assert card.position == 3
    assert card.expert_level == levels[2]
    assert set(card.expert_actions.values_list("code", flat=True)) == {"safeguard-now", "preserve"}
    assert [e.target_id for e in _audits("courses.card_create")] == [str(card.pk)]


def test_card_create_refuses_an_inactive_level_and_a_duplicate_title(
    trainer, drill, levels, actions
):
    levels[4].is_active = False
    levels[4].save()
    with pytest.raises(ValidationError) as error:
        drill_services.scenario_card_create(
            actor=trainer, drill=drill, **_card_kwargs(levels, actions, expert_level=levels[4])
        )
    assert "expert_level" in error.value.message_dict

    drill_services.scenario_card_create(actor=trainer, drill=drill, **_card_kwargs(levels, actions))
    with pytest.raises(ValidationError) as error:
        drill_services.scenario_card_create(
            actor=trainer, drill=drill, **_card_kwargs(levels, actions, title="chat log REFERRAL")
        )
    assert "title" in error.value.message_dict
    assert drill.cards.count() == 1


def test_card_update_changes_the_key_and_keeps_recorded_scores(trainer, learner, levels, actions):
    drill = DrillFactory(course=CourseFactory(), is_published=True)
    staff(drill.course, trainer)
    card = _cards(drill, levels, 1)[0]
    _answered(learner, drill, card, levels[1])
    answer = DrillAnswer.objects.get()

    drill_services.scenario_card_update(
        actor=trainer, card=card, **_card_kwargs(levels, actions, expert_level=levels[3])
    )
    drill_services.scenario_card_update(
        actor=trainer, card=card, **_card_kwargs(levels, actions, expert_level=levels[3])
    )

    card.refresh_from_db()
    assert card.expert_level == levels[3] and card.title == "Chat log referral"
    assert DrillAnswer.objects.get().score == answer.score
    assert len(_audits("courses.card_update")) == 1


def test_card_move_swaps_neighbours_and_a_stale_order_changes_nothing(trainer, drill, levels):
    first, second, third = _cards(drill, levels)
    seen = [first.pk, second.pk, third.pk]

    drill_services.scenario_card_move(actor=trainer, card=third, offset=-1, seen_order=seen)
    with pytest.raises(ValidationError) as error:  # the same click again
        drill_services.scenario_card_move(actor=trainer, card=third, offset=-1, seen_order=seen)

    assert "Nothing was changed" in error.value.messages[0]
    assert list(drill.cards.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    assert len(_audits("courses.card_move")) == 1


def test_moving_the_first_card_up_changes_nothing(trainer, drill, levels):
    first, second, third = _cards(drill, levels)

    drill_services.scenario_card_move(
        actor=trainer, card=first, offset=-1, seen_order=[first.pk, second.pk, third.pk]
    )

    assert list(drill.cards.values_list("pk", flat=True)) == [first.pk, second.pk, third.pk]
    assert not _audits("courses.card_move")


def test_card_delete_renumbers_and_is_audited(trainer, drill, levels):
    first, second, third = _cards(drill, levels)

    drill_services.scenario_card_delete(actor=trainer, card=second)

    assert list(drill.cards.values_list("pk", "position")) == [(first.pk, 1), (third.pk, 2)]
    assert [e.target_id for e in _audits("courses.card_delete")] == [str(second.pk)]


def test_a_card_learners_answered_cannot_be_deleted(trainer, learner, levels):
    drill = DrillFactory(course=CourseFactory(), is_published=True)
    staff(drill.course, trainer)
    card, _other = _cards(drill, levels, 2)
    _answered(learner, drill, card, levels[2])

    with pytest.raises(ValidationError) as error:
        drill_services.scenario_card_delete(actor=trainer, card=card)

    assert "already answered" in error.value.messages[0]
    assert "unpublish" in error.value.messages[0]
    assert ScenarioCard.objects.filter(pk=card.pk).exists()
    assert DrillAnswer.objects.filter(card=card).count() == 1
    assert not _audits("courses.card_delete")


def test_the_last_card_of_a_published_drill_cannot_be_deleted(trainer, drill, levels):
    (card,) = _cards(drill, levels, 1)
    drill_services.drill_publish(actor=trainer, drill=drill, publish=True)

    with pytest.raises(ValidationError) as error:
        drill_services.scenario_card_delete(actor=trainer, card=card)

    assert "Unpublish the drill" in error.value.messages[0]
    assert drill.cards.count() == 1


# --- Pages: who may see them ------------------------------------------------------------------


def _urls(drill, card):
    course = drill.course
    return [
        ("get", reverse("courses:authoring_drills", args=[course.pk])),
        ("get", reverse("courses:authoring_drill_new", args=[course.pk])),
        ("get", reverse("courses:authoring_drill", args=[drill.pk])),
        ("get", reverse("courses:authoring_drill_edit", args=[drill.pk])),
        ("post", reverse("courses:authoring_drill_status", args=[drill.pk])),
        ("get", reverse("courses:authoring_card_new", args=[drill.pk])),
        ("get", reverse("courses:authoring_card", args=[card.pk])),
        ("post", reverse("courses:authoring_card_move", args=[card.pk])),
        ("get", reverse("courses:authoring_card_delete", args=[card.pk])),
        ("post", reverse("courses:authoring_card_delete", args=[card.pk])),
        ("get", reverse("courses:authoring_drill_delete", args=[drill.pk])),
        ("post", reverse("courses:authoring_drill_delete", args=[drill.pk])),
    ]


@pytest.mark.parametrize("who", ["learner", "other_trainer"])
def test_everyone_but_the_course_trainers_gets_404(client_as, learner, drill, levels, who):
    card = _cards(drill, levels, 1)[0]
    user = learner
    if who == "other_trainer":
        user = UserFactory(roles=["trainer"])
        totp_enrol(user)
        staff(CourseFactory(), user)  # a trainer of another course
    client = client_as(user)

    for method, url in _urls(drill, card):
        data = {"action": "publish", "order": str(card.pk)} if method == "post" else None
        assert getattr(client, method)(url, data).status_code == 404, url

    drill.refresh_from_db()
    assert not drill.is_published and ScenarioCard.objects.filter(pk=card.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="courses.card").exists()
    assert not AuditEvent.objects.filter(action="courses.drill_delete").exists()


def test_forged_ids_get_404(client_as, trainer, drill, levels):
    client = client_as(trainer)
    for name in (
        "authoring_drills",
        "authoring_drill",
        "authoring_card_new",
        "authoring_card",
        "authoring_card_delete",
    ):
        assert client.get(reverse(f"courses:{name}", args=[999999])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, drill):
    response = client.get(reverse("courses:authoring_drills", args=[drill.course_id]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Pages: the trainer's journey ---------------------------------------------------------------


def test_the_course_page_links_to_its_drills(client_as, trainer, drill):
    response = client_as(trainer).get(reverse("courses:authoring_course", args=[drill.course_id]))

    assert reverse("courses:authoring_drills", args=[drill.course_id]) in response.text
    assert reverse("courses:authoring_drill", args=[drill.pk]) in response.text


def test_the_list_shows_an_empty_state(client_as, trainer, course):
    response = client_as(trainer).get(reverse("courses:authoring_drills", args=[course.pk]))

    assert "This course has no triage drill yet." in response.text


def test_the_list_shows_each_drill_with_its_counts(client_as, trainer, learner, levels):
    drill = DrillFactory(course=CourseFactory(), title="Referrals", is_published=True)
    staff(drill.course, trainer)
    cards = _cards(drill, levels, 2)
    _answered(learner, drill, cards[0], levels[1])  # started, not submitted: not counted
    client = client_as(trainer)
    url = reverse("courses:authoring_drills", args=[drill.course_id])

    row = client.get(url).context["drills"][0]
    assert (row.title, row.card_count, row.learner_count) == ("Referrals", 2, 0)

    _answered(learner, drill, cards[1], levels[1])
    attempt = services.drill_attempt_start(actor=learner, drill=drill)
    services.drill_attempt_submit(actor=learner, attempt=attempt)
    response = client.get(url)
    row = response.context["drills"][0]
    assert (row.card_count, row.learner_count) == (2, 1)

    for card in cards:  # the same learner again: still one learner
        _answered(learner, drill, card, levels[2])
    services.drill_attempt_submit(
        actor=learner, attempt=services.drill_attempt_start(actor=learner, drill=drill)
    )
    assert client.get(url).context["drills"][0].learner_count == 1
    assert "open to learners" in response.text


def test_create_a_drill_over_http_and_a_double_submit_creates_one(client_as, trainer, course):
    client = client_as(trainer)
    url = reverse("courses:authoring_drill_new", args=[course.pk])
    data = {"title": "Platform referrals", "introduction": "Ten minutes."}

    first = client.post(url, data)
    second = client.post(url, data)

    drill = Drill.objects.get(course=course)
    assert first["Location"] == reverse("courses:authoring_drill", args=[drill.pk])
    assert second.status_code == 200
    assert "already has a drill with this title" in second.text
    assert len(_audits("courses.drill_create")) == 1


def test_a_drill_without_a_title_shows_the_error(client_as, trainer, course):
    response = client_as(trainer).post(
        reverse("courses:authoring_drill_new", args=[course.pk]), {"title": ""}
    )

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Drill.objects.exists()


def test_edit_the_drill_over_http(client_as, trainer, drill):
    response = client_as(trainer).post(
        reverse("courses:authoring_drill_edit", args=[drill.pk]),
        {"title": "Referrals, part 1", "introduction": "New intro."},
    )

    assert response.status_code == 302
    drill.refresh_from_db()
    assert (drill.title, drill.introduction) == ("Referrals, part 1", "New intro.")


def test_publishing_an_empty_drill_over_http_says_why(client_as, trainer, drill):
    response = client_as(trainer).post(
        reverse("courses:authoring_drill_status", args=[drill.pk]),
        {"action": "publish"},
        follow=True,
    )

    assert "Add at least one scenario card before publishing the drill." in response.text
    drill.refresh_from_db()
    assert not drill.is_published


def test_add_a_card_over_http(client_as, trainer, drill, levels, actions):
    response = client_as(trainer).post(
        reverse("courses:authoring_card_new", args=[drill.pk]),
        {
            "title": "Chat log referral",
            "text": "A fictional referral.",
            "expert_level": levels[2].pk,
            "expert_actions": [actions[0].pk, actions[2].pk],
            "rationale": "Contact is ongoing.",
        },
    )

    assert response["Location"] == reverse("courses:authoring_drill", args=[drill.pk])
    card = drill.cards.get()
    assert card.expert_level == levels[2]
    assert set(card.expert_actions.all()) == {actions[0], actions[2]}


def test_a_card_without_expert_level_or_rationale_is_not_saved(client_as, trainer, drill):
    response = client_as(trainer).post(
        reverse("courses:authoring_card_new", args=[drill.pk]),
        {"title": "T", "text": "Scenario.", "rationale": ""},
    )

    assert response.status_code == 200
    assert "Choose the priority level an expert would give." in response.text
    assert "Please correct the errors below. Nothing was saved." in response.text
    assert not drill.cards.exists()


def test_a_forged_level_or_action_is_refused(client_as, trainer, drill, levels):
    response = client_as(trainer).post(
        reverse("courses:authoring_card_new", args=[drill.pk]),
        {
            "title": "T",
            "text": "Scenario.",
            "rationale": "Why.",
            "expert_level": 999999,
            "expert_actions": [999999],
        },
    )

    assert "Choose one of the priority levels." in response.text
    assert "Choose follow-up actions from the list." in response.text
    assert not drill.cards.exists()


def test_the_edit_page_warns_when_learners_answered(client_as, trainer, learner, levels):
    drill = DrillFactory(course=CourseFactory(), is_published=True)
    staff(drill.course, trainer)
    card = _cards(drill, levels, 1)[0]
    _answered(learner, drill, card, levels[1])

    response = client_as(trainer).get(reverse("courses:authoring_card", args=[card.pk]))

    assert "Learners have already answered this card (1 answer)." in response.text


def test_move_over_http_and_the_double_click_moves_once(client_as, trainer, drill, levels):
    first, second, third = _cards(drill, levels)
    client = client_as(trainer)
    url = reverse("courses:authoring_card_move", args=[third.pk])
    data = {"action": "up", "order": f"{first.pk},{second.pk},{third.pk}"}

    moved = client.post(url, data)
    response = client.post(url, data, follow=True)

    # Back to the card moved, saying so (focus would otherwise return to the page's top).
    drill_page = reverse("courses:authoring_drill", args=[drill.pk])
    assert moved.url == f"{drill_page}#card-{third.pk}"
    assert f'id="card-{third.pk}"' in response.text
    assert "reordered since the page was loaded" in response.text
    assert list(drill.cards.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]


def test_a_move_says_which_card_moved(client_as, trainer, drill, levels):
    first, second = _cards(drill, levels, 2)
    url = reverse("courses:authoring_card_move", args=[first.pk])

    response = client_as(trainer).post(
        url, {"action": "down", "order": f"{first.pk},{second.pk}"}, follow=True
    )

    assert f"“{first.title}” moved down." in response.text
    assert list(drill.cards.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_publish_is_not_the_main_button_while_the_drill_has_no_card(client_as, trainer, drill):
    page = client_as(trainer).get(reverse("courses:authoring_drill", args=[drill.pk])).text

    assert 'value="publish" class="button-secondary"' in page
    assert 'class="button" href="' in page  # "Add a scenario card" is the main one


def test_delete_asks_first_then_deletes(client_as, trainer, drill, levels):
    first, second = _cards(drill, levels, 2)
    client = client_as(trainer)
    url = reverse("courses:authoring_card_delete", args=[second.pk])

    confirm = client.get(url)
    assert "Delete this card from the drill?" in confirm.text
    assert drill.cards.count() == 2

    client.post(url)
    assert list(drill.cards.values_list("pk", flat=True)) == [first.pk]
    assert client.post(url).status_code == 404  # the double submit


def test_delete_of_an_answered_card_explains_and_changes_nothing(
    client_as, trainer, learner, levels
):
    drill = DrillFactory(course=CourseFactory(), is_published=True)
    staff(drill.course, trainer)
    card, _other = _cards(drill, levels, 2)
    _answered(learner, drill, card, levels[1])
    client = client_as(trainer)
    url = reverse("courses:authoring_card_delete", args=[card.pk])

    confirm = client.get(url)
    assert "Learners have already answered this card" in confirm.text
    assert "Unpublish the drill" in confirm.text
    assert "Delete the card</button>" not in confirm.text

    response = client.post(url, follow=True)
    assert "Learners have already answered this card" in response.text
    assert ScenarioCard.objects.filter(pk=card.pk).exists()


def test_pages_in_french(client_as, trainer, drill):
    trainer.preferred_language = "fr"
    trainer.save()
    client = client_as(trainer)

    listing = client.get(reverse("courses:authoring_drills", args=[drill.course_id]))
    empty = client.get(reverse("courses:authoring_drill", args=[drill.pk]))

    assert "<h1>Exercices de tri</h1>" in listing.text
    assert "Aucune fiche scénario pour l\u2019instant." in empty.text


# --- Query counts ---------------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(course, levels, actions, learner, drills: int, cards: int):
    for d in range(drills):
        drill = DrillFactory(course=course, title=f"Grown {course.pk}-{d}", is_published=True)
        made = [
            ScenarioCardFactory(drill=drill, title=f"G{d}-{c}", expert_level=levels[2])
            for c in range(cards)
        ]
        for card in made:
            card.expert_actions.set(actions)
        attempt = services.drill_attempt_start(actor=learner, drill=drill)
        services.drill_answer_record(
            actor=learner, attempt=attempt, card=made[0], level_id=levels[1].pk, actions=[]
        )


@pytest.mark.parametrize("page_name", ["list", "drill"])
def test_page_queries_do_not_grow_with_drills_and_cards(
    client_as, trainer, learner, course, levels, actions, page_name
):
    drill = DrillFactory(course=course, title="Measured", is_published=True)
    _cards(drill, levels, 1)
    client = client_as(trainer)
    url = {
        "list": reverse("courses:authoring_drills", args=[course.pk]),
        "drill": reverse("courses:authoring_drill", args=[drill.pk]),
    }[page_name]
    before = _queries(client, url)

    _grow(course, levels, actions, learner, drills=4, cards=5)
    for c in range(8):
        ScenarioCardFactory(drill=drill, title=f"More {c}", expert_level=levels[3])

    assert _queries(client, url) == before


# --- Double submits arriving at the same moment (PostgreSQL: real row locks) ----------------


def _at_once(*jobs) -> list[Exception]:
    barrier = threading.Barrier(len(jobs))
    errors: list[Exception] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # returned to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


# serialized_rollback: the flush after a transactional test would otherwise remove the rows
# data migrations made (role groups, beat jobs) for the tests that run after it.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_creates_make_one_drill(trainer, course):
    errors = _at_once(
        *[
            lambda: drill_services.drill_create(actor=trainer, course=course, title="Same")
            for _ in range(4)
        ]
    )

    assert course.drills.count() == 1
    assert len(errors) == 3 and all(isinstance(e, ValidationError) for e in errors)
    assert len(_audits("courses.drill_create")) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_moves_of_the_same_click_move_once(trainer, drill, levels):
    first, second, third = _cards(drill, levels)
    seen = [first.pk, second.pk, third.pk]

    errors = _at_once(
        *[
            lambda: drill_services.scenario_card_move(
                actor=trainer, card=third, offset=-1, seen_order=seen
            )
            for _ in range(3)
        ]
    )

    assert len(errors) == 2
    assert list(drill.cards.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]


def test_the_card_form_says_when_no_priority_level_is_in_use(client_as, trainer, drill):
    PriorityLevel.objects.update(is_active=False)

    response = client_as(trainer).get(reverse("courses:authoring_card_new", args=[drill.pk]))

    assert "No priority level is in use yet" in response.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_deletes_delete_once(trainer, drill, levels):
    first, second, third = _cards(drill, levels)

    errors = _at_once(
        *[lambda: drill_services.scenario_card_delete(actor=trainer, card=second) for _ in range(3)]
    )

    assert len(errors) == 2 and all(isinstance(e, ScenarioCard.DoesNotExist) for e in errors)
    assert list(drill.cards.values_list("pk", "position")) == [(first.pk, 1), (third.pk, 2)]
    assert len(_audits("courses.card_delete")) == 1


def test_the_agreement_of_a_drill_nobody_answered_is_an_empty_state(client_as, trainer, drill):
    client = client_as(trainer)
    response = client.get(reverse("courses:drill_agreement", args=[drill.pk]))
    manage = client.get(reverse("courses:authoring_drill", args=[drill.pk])).text

    assert response.status_code == 200
    assert "No learner has submitted this drill yet." in response.text
    assert "By scenario" not in response.text
    # Not offered from the drill's page until someone has answered.
    assert reverse("courses:drill_agreement", args=[drill.pk]) not in manage


def test_the_agreement_is_offered_once_a_card_is_answered(
    client_as, trainer, learner, drill, levels
):
    card = _cards(drill, levels, 1)[0]
    drill.is_published = True
    drill.save(update_fields=["is_published"])
    _answered(learner, drill, card, levels[1])

    manage = client_as(trainer).get(reverse("courses:authoring_drill", args=[drill.pk])).text

    assert reverse("courses:drill_agreement", args=[drill.pk]) in manage


# --- Deleting a drill -------------------------------------------------------------------------


def test_a_drill_nobody_took_is_deleted_after_a_confirmation(client_as, trainer, drill, levels):
    _cards(drill, levels, 2)
    client = client_as(trainer)
    url = reverse("courses:authoring_drill_delete", args=[drill.pk])

    confirm = client.get(url)
    assert "Delete this drill and its scenario cards?" in confirm.text
    assert Drill.objects.filter(pk=drill.pk).exists()

    response = client.post(url, follow=True)
    assert "Drill deleted." in response.text
    assert not Drill.objects.filter(pk=drill.pk).exists()
    assert not ScenarioCard.objects.filter(drill_id=drill.pk).exists()
    assert len(_audits("courses.drill_delete")) == 1
    assert client.post(url).status_code == 404  # the double submit


def test_a_taken_or_open_drill_is_not_deleted_and_the_page_says_why(
    client_as, trainer, learner, drill, levels
):
    card = _cards(drill, levels, 1)[0]
    drill_services.drill_publish(actor=trainer, drill=drill, publish=True)
    client = client_as(trainer)
    url = reverse("courses:authoring_drill_delete", args=[drill.pk])

    assert "Unpublish it before deleting it." in client.get(url).text
    drill.refresh_from_db()
    _answered(learner, drill, card, levels[1])
    drill_services.drill_publish(actor=trainer, drill=drill, publish=False)
    page = client.get(url).text
    response = client.post(url, follow=True)

    assert "would erase their attempts from their training records" in page
    assert "would erase their attempts" in response.text
    assert Drill.objects.filter(pk=drill.pk).exists() and drill.attempts.count() == 1
    assert not _audits("courses.drill_delete")
