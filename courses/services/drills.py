"""Triage drills: learners answer scenario cards one by one, then submit for a score;
trainers of the course write the drills and their cards."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record

from ..models import (
    Course,
    Drill,
    DrillAnswer,
    DrillAttempt,
    FollowUpAction,
    PriorityLevel,
    ScenarioCard,
)
from ._common import percent, require

LEVEL_WEIGHT = 0.7
ACTION_WEIGHT = 0.3


def drill_level_credit(*, chosen_rank: int, expert_rank: int) -> float:
    """Full credit for the expert's level, half for an adjacent level, none otherwise."""
    distance = abs(chosen_rank - expert_rank)
    return 1.0 if distance == 0 else 0.5 if distance == 1 else 0.0


def drill_action_credit(*, chosen: Iterable[str], expert: Iterable[str]) -> float:
    """Overlap of the follow-up actions (Jaccard): 1 when both sets are equal."""
    chosen, expert = set(chosen), set(expert)
    if not chosen and not expert:
        return 1.0
    return len(chosen & expert) / len(chosen | expert)


def _drill_visible(actor: User, drill: Drill) -> None:
    require(actor, "courses.view_course", drill.course)
    if not drill.is_published:
        raise ValidationError(_("This drill is not open yet."))


@transaction.atomic
def drill_attempt_start(*, actor: User, drill: Drill) -> DrillAttempt:
    """Start (or resume) an attempt at the drill."""
    _drill_visible(actor, drill)
    current = DrillAttempt.objects.filter(user=actor, drill=drill, submitted_at__isnull=True)
    attempt = current.first()
    if attempt:
        return attempt
    try:
        with transaction.atomic():
            return DrillAttempt.objects.create(user=actor, drill=drill)
    except IntegrityError:
        return current.get()


@transaction.atomic
def drill_answer_record(
    *, actor: User, attempt: DrillAttempt, card: ScenarioCard, level_id: int, actions: list[str]
) -> DrillAnswer:
    """Record (or change) the answer to one card of an open attempt. A level or action that
    does not exist, or a card of another drill, is rejected."""
    attempt = (
        DrillAttempt.objects.select_for_update().select_related("drill__course").get(pk=attempt.pk)
    )
    if attempt.user_id != actor.pk:
        raise DrillAttempt.DoesNotExist
    if attempt.submitted_at:
        raise ValidationError(_("This drill was already submitted. Nothing was changed."))
    if card.drill_id != attempt.drill_id:
        raise ValidationError(_("That card is not part of this drill."))
    _drill_visible(actor, attempt.drill)
    level = PriorityLevel.objects.filter(pk=level_id, is_active=True).first()
    if level is None:
        raise ValidationError({"level": _("Choose one of the priority levels.")})
    known = set(FollowUpAction.objects.filter(code__in=actions).values_list("code", flat=True))
    if len(set(actions)) != len(actions) or known != set(actions):
        raise ValidationError({"actions": _("Choose follow-up actions from the list.")})
    expert_actions = list(card.expert_actions.values_list("code", flat=True))
    level_credit = drill_level_credit(chosen_rank=level.rank, expert_rank=card.expert_level.rank)
    action_credit = drill_action_credit(chosen=actions, expert=expert_actions)
    answer, _created = DrillAnswer.objects.update_or_create(
        attempt=attempt,
        card=card,
        defaults={
            "level": level,
            "actions": sorted(actions),
            "level_credit": level_credit,
            "action_credit": action_credit,
            "score": LEVEL_WEIGHT * level_credit + ACTION_WEIGHT * action_credit,
            "answered_at": timezone.now(),
        },
    )
    return answer


@transaction.atomic
def drill_attempt_submit(*, actor: User, attempt: DrillAttempt) -> DrillAttempt:
    """Close the attempt once every card has an answer; the score is the mean card score."""
    attempt = DrillAttempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.user_id != actor.pk:
        raise DrillAttempt.DoesNotExist
    if attempt.submitted_at:
        raise ValidationError(_("This drill was already submitted. Nothing was changed."))
    cards = set(attempt.drill.cards.values_list("pk", flat=True))
    answers = list(attempt.answers.all())
    if not cards or {a.card_id for a in answers} != cards:
        raise ValidationError(_("Answer every scenario card before submitting."))
    attempt.score = percent(sum(a.score for a in answers), len(answers))
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["score", "submitted_at"])
    return attempt


# --- Authoring (trainers of the drill's course) ---------------------------------------------

CARD_FIELDS = ("title", "text", "expert_level", "rationale")


def _clean_title(title: str) -> str:
    return " ".join((title or "").split())


def _drill_title_check(drill: Drill) -> None:
    others = Drill.objects.filter(course_id=drill.course_id, title__iexact=drill.title)
    if drill.pk:
        others = others.exclude(pk=drill.pk)
    if others.exists():
        raise ValidationError(
            {"title": _("This course already has a drill with this title. Nothing was saved.")}
        )


@transaction.atomic
def drill_create(*, actor: User, course: Course, title: str, introduction: str = "") -> Drill:
    """A new drill of the course, closed to learners until it is published. A second drill with
    the same title (a double submit) is refused."""
    require(actor, "courses.edit_course", course)
    # Two submits at once wait for each other here, so the second one sees the first drill.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    drill = Drill(course=course, title=_clean_title(title), introduction=introduction.strip())
    drill.full_clean()
    _drill_title_check(drill)
    drill.save()
    audit_record(actor=actor, action="courses.drill_create", target=drill)
    return drill


@transaction.atomic
def drill_update(*, actor: User, drill: Drill, title: str, introduction: str = "") -> Drill:
    """Change the drill's title and introduction. Saving what is already there changes
    nothing (and is not audited)."""
    require(actor, "courses.edit_course", drill.course)
    drill = Drill.objects.select_for_update().select_related("course").get(pk=drill.pk)
    title, introduction = _clean_title(title), introduction.strip()
    if (drill.title, drill.introduction) == (title, introduction):
        return drill
    drill.title, drill.introduction = title, introduction
    drill.full_clean()
    _drill_title_check(drill)
    drill.save(update_fields=["title", "introduction"])
    audit_record(actor=actor, action="courses.drill_update", target=drill)
    return drill


@transaction.atomic
def drill_publish(*, actor: User, drill: Drill, publish: bool) -> Drill:
    """Open the drill to the course's learners, or close it. A drill needs at least one card
    to be published. Asking for the state it is already in changes nothing."""
    require(actor, "courses.edit_course", drill.course)
    drill = Drill.objects.select_for_update().select_related("course").get(pk=drill.pk)
    if drill.is_published == publish:
        return drill
    if publish and not drill.cards.exists():
        raise ValidationError(
            _("Add at least one scenario card before publishing the drill. Nothing was changed.")
        )
    drill.is_published = publish
    drill.save(update_fields=["is_published"])
    audit_record(
        actor=actor,
        action="courses.drill_publish" if publish else "courses.drill_unpublish",
        target=drill,
    )
    return drill


def _card_apply(card: ScenarioCard, fields: dict) -> None:
    unknown = set(fields) - set(CARD_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(card, name, _clean_title(value) if name == "title" else value)
    for name in ("text", "rationale"):
        setattr(card, name, (getattr(card, name) or "").strip())
    if card.expert_level_id is None or not card.expert_level.is_active:
        raise ValidationError({"expert_level": _("Choose one of the priority levels.")})
    card.full_clean()
    others = ScenarioCard.objects.filter(drill_id=card.drill_id, title__iexact=card.title)
    if card.pk:
        others = others.exclude(pk=card.pk)
    if others.exists():
        raise ValidationError(
            {"title": _("This drill already has a card with this title. Nothing was saved.")}
        )


def _card_actions(actions: Iterable[FollowUpAction]) -> list[FollowUpAction]:
    actions = list(actions)
    known = set(
        FollowUpAction.objects.filter(pk__in=[a.pk for a in actions]).values_list("pk", flat=True)
    )
    if known != {a.pk for a in actions}:
        raise ValidationError({"expert_actions": _("Choose follow-up actions from the list.")})
    return actions


def _cards_renumber(cards: list[ScenarioCard]) -> None:
    """Number the cards 1, 2, 3... in the given order (only the rows that change)."""
    for position, other in enumerate(cards, start=1):
        if other.position != position:
            ScenarioCard.objects.filter(pk=other.pk).update(position=position)


def _drill_locked(drill: Drill) -> Drill:
    return Drill.objects.select_for_update().select_related("course").get(pk=drill.pk)


@transaction.atomic
def scenario_card_create(
    *, actor: User, drill: Drill, expert_actions: Iterable[FollowUpAction] = (), **fields
) -> ScenarioCard:
    """Add a card at the end of the drill. A second card with the same title in the drill (a
    double submit) is refused."""
    require(actor, "courses.edit_course", drill.course)
    drill = _drill_locked(drill)
    position = (drill.cards.aggregate(m=Max("position"))["m"] or 0) + 1
    card = ScenarioCard(drill=drill, position=position)
    _card_apply(card, fields)
    actions = _card_actions(expert_actions)
    card.save()
    card.expert_actions.set(actions)
    audit_record(actor=actor, action="courses.card_create", target=card)
    return card


@transaction.atomic
def scenario_card_update(
    *, actor: User, card: ScenarioCard, expert_actions: Iterable[FollowUpAction], **fields
) -> ScenarioCard:
    """Change a card. Answers already recorded keep the score they were given. A card deleted
    in the meantime raises ScenarioCard.DoesNotExist."""
    require(actor, "courses.edit_course", card.drill.course)
    _drill_locked(card.drill)
    card = ScenarioCard.objects.select_related("drill__course", "expert_level").get(pk=card.pk)
    before = (card.title, card.text, card.expert_level_id, card.rationale)
    before_actions = set(card.expert_actions.values_list("pk", flat=True))
    _card_apply(card, fields)
    actions = _card_actions(expert_actions)
    if (card.title, card.text, card.expert_level_id, card.rationale) == before and {
        a.pk for a in actions
    } == before_actions:
        return card
    card.save()
    card.expert_actions.set(actions)
    audit_record(actor=actor, action="courses.card_update", target=card)
    return card


@transaction.atomic
def scenario_card_move(
    *, actor: User, card: ScenarioCard, offset: int, seen_order: list[int]
) -> None:
    """Swap the card with its neighbour (offset -1 up, +1 down). `seen_order` is the order of
    the drill's cards on the trainer's page: when it is no longer the order (a double submit,
    or another trainer moved a card), nothing is changed."""
    require(actor, "courses.edit_course", card.drill.course)
    drill = _drill_locked(card.drill)
    cards = list(drill.cards.order_by("position", "pk"))
    if [c.pk for c in cards] != list(seen_order):
        raise ValidationError(
            _("The cards were reordered since the page was loaded. Nothing was changed.")
        )
    index = next(i for i, other in enumerate(cards) if other.pk == card.pk)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(cards):
        return
    cards[index], cards[target] = cards[target], cards[index]
    _cards_renumber(cards)
    audit_record(
        actor=actor, action="courses.card_move", target=card, details={"position": target + 1}
    )


def scenario_card_delete_blocker(card: ScenarioCard) -> str | None:
    """Why the card cannot be deleted, or None. Learners' answers refer to the card (deleting
    it would delete them and change their results), and a published drill keeps a card."""
    if card.answers.exists():
        return _(
            "Learners have already answered this card: deleting it would erase their answers "
            "and change their results. Edit the card instead, or unpublish the drill so that "
            "nobody new starts it."
        )
    if card.drill.is_published and card.drill.cards.count() <= 1:
        return _(
            "This is the only card of a published drill. Unpublish the drill before deleting it."
        )
    return None


@transaction.atomic
def scenario_card_delete(*, actor: User, card: ScenarioCard) -> None:
    """Delete a card nobody has answered; the cards after it move up. A card deleted in the
    meantime (a double submit) raises ScenarioCard.DoesNotExist."""
    require(actor, "courses.edit_course", card.drill.course)
    drill = _drill_locked(card.drill)
    card = ScenarioCard.objects.select_related("drill").get(pk=card.pk, drill=drill)
    blocker = scenario_card_delete_blocker(card)
    if blocker:
        raise ValidationError(blocker)
    audit_record(actor=actor, action="courses.card_delete", target=card)
    card.delete()
    _cards_renumber(list(drill.cards.order_by("position", "pk")))


def drill_delete_blocker(drill: Drill) -> str | None:
    """Why the drill cannot be deleted, or None. Learners' attempts belong to their training
    record (deleting the drill would erase them); a published drill is still offered."""
    if drill.attempts.exists():
        return _(
            "Learners have already taken this drill: deleting it would erase their attempts "
            "from their training records. Unpublish it instead so that nobody new starts it."
        )
    if drill.is_published:
        return _("The drill is open to learners. Unpublish it before deleting it.")
    return None


@transaction.atomic
def drill_delete(*, actor: User, drill: Drill) -> None:
    """Delete a drill nobody has taken, with its cards. A drill deleted in the meantime (a
    double submit) raises Drill.DoesNotExist."""
    require(actor, "courses.edit_course", drill.course)
    drill = _drill_locked(drill)
    blocker = drill_delete_blocker(drill)
    if blocker:
        raise ValidationError(blocker)
    audit_record(actor=actor, action="courses.drill_delete", target=drill)
    drill.delete()
