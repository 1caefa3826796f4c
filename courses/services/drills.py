"""Triage drills: answer scenario cards one by one, then submit for a score."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import (
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
