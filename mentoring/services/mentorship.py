"""Writes for mentoring pairs: mentor profiles, requests, the assignment lifecycle, goals,
sessions and competency sign-off. Each service checks its permission itself."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Competency, TopicTag

from ..languages import LANGUAGE_NAMES, languages_encode
from ..matching import mentor_candidate_is_eligible
from ..models import (
    CompetencyObservation,
    MentorAssignment,
    MentoringGoal,
    MentoringSession,
    MentorProfile,
    MentorRequest,
)
from ..people import person_country_id
from .common import KIND_PAIRING, KIND_SESSION, lazy_format, notify, require, url

Status = MentorAssignment.Status


# --- Mentor profiles ----------------------------------------------------------------------


def _tags(tags: Iterable[TopicTag | int]) -> list[TopicTag]:
    ids = {t.pk if isinstance(t, TopicTag) else int(t) for t in tags}
    found = list(TopicTag.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"expertise": _("Choose topics from the list.")})
    return found


@transaction.atomic
def mentor_profile_save(
    *,
    actor: User,
    expertise: Iterable[TopicTag | int],
    languages: Iterable[str],
    capacity: int,
    availability: str = "",
    cross_border: bool = False,
    status: str = MentorProfile.Status.ACTIVE,
) -> MentorProfile:
    """Create or update the actor's own offer to mentor."""
    require(actor, "mentoring.offer_mentoring")
    tags = _tags(expertise)
    if not tags:
        raise ValidationError({"expertise": _("Choose at least one topic you can mentor in.")})
    profile = MentorProfile.objects.select_for_update().filter(user=actor).first()
    if profile is None:
        profile = MentorProfile(user=actor)
    profile.languages = languages_encode(languages)
    profile.capacity = capacity
    profile.availability = (availability or "").strip()
    profile.cross_border = bool(cross_border)
    profile.status = status
    profile.updated_at = timezone.now()
    profile.full_clean()
    profile.save()
    profile.expertise.set(tags)
    return profile


@transaction.atomic
def mentor_profile_delete(*, actor: User) -> None:
    """Stop offering to mentor. Refused while the actor has open pairings as mentor: those
    are answered or ended first (pausing the profile is the gentler option)."""
    require(actor, "mentoring.offer_mentoring")
    if MentorAssignment.objects.filter(
        mentor=actor, status__in=MentorAssignment.OPEN_STATUSES
    ).exists():
        raise ValidationError(
            _(
                "You still have mentees or proposals to answer. Pause your profile instead, "
                "or end those pairings first."
            )
        )
    MentorProfile.objects.filter(user=actor).delete()


# --- Requests for a mentor ----------------------------------------------------------------


@transaction.atomic
def mentor_request_save(
    *,
    actor: User,
    goal_tags: Iterable[TopicTag | int],
    goal_text: str = "",
    preferred_language: str,
    cross_border_ok: bool = True,
) -> MentorRequest:
    """Open the actor's request for a mentor, or update the one already open."""
    require(actor, "mentoring.ask_for_mentor")
    tags = _tags(goal_tags)
    if not tags:
        raise ValidationError({"goal_tags": _("Choose at least one topic.")})
    if preferred_language not in LANGUAGE_NAMES:
        raise ValidationError({"preferred_language": _("Choose a language from the list.")})
    mentor_request = (
        MentorRequest.objects.select_for_update()
        .filter(mentee=actor, status=MentorRequest.Status.OPEN)
        .first()
    ) or MentorRequest(mentee=actor)
    mentor_request.goal_text = (goal_text or "").strip()
    mentor_request.preferred_language = preferred_language
    mentor_request.cross_border_ok = bool(cross_border_ok)
    mentor_request.full_clean(validate_constraints=False)
    mentor_request.save()
    mentor_request.goal_tags.set(tags)
    return mentor_request


@transaction.atomic
def mentor_request_withdraw(*, actor: User, mentor_request: MentorRequest) -> MentorRequest:
    """Withdraw an open request, and any proposal made from it that is still unanswered."""
    require(actor, "mentoring.manage_mentor_request", mentor_request)
    mentor_request = MentorRequest.objects.select_for_update().get(pk=mentor_request.pk)
    if mentor_request.status != MentorRequest.Status.OPEN:
        raise ValidationError(_("This request is no longer open."))
    mentor_request.status = MentorRequest.Status.WITHDRAWN
    mentor_request.save(update_fields=["status"])
    for assignment in mentor_request.assignments.filter(status=Status.PROPOSED):
        _transition(assignment, Status.WITHDRAWN)
        assignment.responded_at = timezone.now()
        assignment.save(update_fields=["status", "responded_at"])
    return mentor_request


@transaction.atomic
def mentor_request_choose(
    *, actor: User, mentor_request: MentorRequest, mentor: User
) -> MentorAssignment:
    """The learner asks one of their suggested mentors. One question at a time: while a
    mentor has not answered, the learner waits (or withdraws the question)."""
    require(actor, "mentoring.manage_mentor_request", mentor_request)
    mentor_request = MentorRequest.objects.select_for_update().get(pk=mentor_request.pk)
    if mentor_request.status != MentorRequest.Status.OPEN:
        raise ValidationError(_("This request is no longer open."))
    if mentor_request.assignments.filter(status=Status.PROPOSED).exists():
        raise ValidationError(
            _("You already asked a mentor. Wait for their answer, or withdraw your question.")
        )
    from ..matching import MentorWish
    from ..selectors import mentor_candidate_list_for

    wish = MentorWish(
        learner_id=actor.pk,
        country_id=person_country_id(actor),
        goal_tag_ids=frozenset(mentor_request.goal_tags.values_list("pk", flat=True)),
        language=mentor_request.preferred_language,
        cross_border_ok=mentor_request.cross_border_ok,
    )
    candidate = next(
        (c for c in mentor_candidate_list_for(mentee=actor) if c.user_id == mentor.pk), None
    )
    if candidate is None or not mentor_candidate_is_eligible(wish=wish, candidate=candidate):
        raise ValidationError(_("This mentor is not available for your request any more."))
    assignment = _assignment_create(
        mentor=mentor,
        mentee=actor,
        proposed_by=actor,
        origin=MentorAssignment.Origin.REQUEST,
        mentor_request=mentor_request,
        note=mentor_request.goal_text,
    )
    notify(
        mentor,
        kind=KIND_PAIRING,
        title=lazy_format(_("%(name)s asks you to be their mentor"), {"name": actor}),
        body=_("Open the request to see what they would like to work on, then accept or decline."),
        url=url("mentoring:assignment", assignment.pk),
        key=f"mentoring:proposed:{assignment.pk}",
    )
    return assignment


# --- The assignment lifecycle -------------------------------------------------------------


def _transition(assignment: MentorAssignment, to: str) -> None:
    if not assignment.can_become(to):
        raise ValidationError(
            lazy_format(
                _("This pairing is %(status)s and cannot become %(new)s."),
                {
                    "status": assignment.get_status_display().lower(),
                    "new": str(Status(to).label).lower(),
                },
            )
        )
    assignment.status = to


def _mentor_profile_available(mentor: User) -> MentorProfile:
    profile = MentorProfile.objects.select_for_update().filter(user=mentor).first()
    if profile is None or not profile.is_active:
        raise ValidationError(_("This person is not taking mentees at the moment."))
    return profile


def _open_pairings(mentor: User) -> int:
    return MentorAssignment.objects.filter(
        mentor=mentor, status__in=MentorAssignment.OPEN_STATUSES
    ).count()


def _same_country(a: User, b: User) -> bool:
    country = person_country_id(a)
    return country is not None and country == person_country_id(b)


def _assignment_create(
    *,
    mentor: User,
    mentee: User,
    proposed_by: User,
    origin: str,
    mentor_request: MentorRequest | None = None,
    note: str = "",
) -> MentorAssignment:
    if mentor.pk == mentee.pk:
        raise ValidationError(_("A person cannot mentor themself."))
    if not (mentor.is_active and mentor.is_approved):
        raise ValidationError(_("This person is not taking mentees at the moment."))
    profile = _mentor_profile_available(mentor)
    if _open_pairings(mentor) >= profile.capacity:
        raise ValidationError(_("This mentor has no free place at the moment."))
    if not _same_country(mentor, mentee) and not profile.cross_border:
        raise ValidationError(_("This mentor only mentors people in their own country."))
    assignment = MentorAssignment(
        mentor=mentor,
        mentee=mentee,
        proposed_by=proposed_by,
        origin=origin,
        request=mentor_request,
        proposal_note=(note or "").strip()[:500],
    )
    assignment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError(
            _("These two people already have a proposed or active pairing.")
        ) from None
    return assignment


@transaction.atomic
def mentor_assignment_propose(
    *, actor: User, mentor: User, mentee: User, note: str = ""
) -> MentorAssignment:
    """A supervisor (for people in their units) or agency admin (their agency) proposes a
    pair; the mentor then accepts or declines."""
    require(actor, "mentoring.propose_assignment", mentee)
    assignment = _assignment_create(
        mentor=mentor,
        mentee=mentee,
        proposed_by=actor,
        origin=MentorAssignment.Origin.PROPOSAL,
        note=note,
    )
    notify(
        mentor,
        kind=KIND_PAIRING,
        title=lazy_format(
            _("%(proposer)s proposes that you mentor %(name)s"),
            {"proposer": actor, "name": mentee},
        ),
        body=_("Open the proposal to accept or decline it."),
        url=url("mentoring:assignment", assignment.pk),
        key=f"mentoring:proposed:{assignment.pk}",
    )
    notify(
        mentee,
        kind=KIND_PAIRING,
        title=lazy_format(
            _("%(proposer)s proposed %(name)s as your mentor"), {"proposer": actor, "name": mentor}
        ),
        body=_("You will hear from us when they answer."),
        url=url("mentoring:assignment", assignment.pk),
        key=f"mentoring:proposed-mentee:{assignment.pk}",
    )
    return assignment


def _locked(assignment: MentorAssignment) -> MentorAssignment:
    """The row again, locked: a double submit or two tabs see the latest status."""
    return (
        MentorAssignment.objects.select_for_update(of=("self",))
        .select_related("mentor__agency", "mentee__agency", "proposed_by")
        .get(pk=assignment.pk)
    )


def _tell_other_side(assignment: MentorAssignment, *, actor: User, title, body="", key=""):
    """Tell the mentee and whoever proposed the pair, except the actor."""
    people: dict[int, User] = {
        assignment.mentee_id: assignment.mentee,
        assignment.mentor_id: assignment.mentor,
    }
    if assignment.proposed_by is not None:
        people[assignment.proposed_by.pk] = assignment.proposed_by
    people.pop(actor.pk, None)
    for person in people.values():
        notify(
            person,
            kind=KIND_PAIRING,
            title=title,
            body=body,
            url=url("mentoring:assignment", assignment.pk),
            key=f"{key}:{person.pk}",
        )


@transaction.atomic
def mentor_assignment_accept(*, actor: User, assignment: MentorAssignment) -> MentorAssignment:
    """The mentor accepts a proposal: the pair becomes active today."""
    assignment = _locked(assignment)
    require(actor, "mentoring.respond_assignment", assignment)
    profile = _mentor_profile_available(actor)
    active = MentorAssignment.objects.filter(mentor=actor, status=Status.ACTIVE).count()
    if active >= profile.capacity:
        raise ValidationError(
            _("You have no free place. Raise the number of mentees in your profile first.")
        )
    _transition(assignment, Status.ACTIVE)
    assignment.responded_at = timezone.now()
    assignment.started_on = timezone.localdate()
    assignment.save(update_fields=["status", "responded_at", "started_on"])
    if assignment.request_id:
        MentorRequest.objects.filter(pk=assignment.request_id).update(
            status=MentorRequest.Status.MATCHED
        )
    _tell_other_side(
        assignment,
        actor=actor,
        title=lazy_format(_("%(name)s accepted: your mentoring has started"), {"name": actor}),
        body=_("Agree your first goals and plan your first session together."),
        key=f"mentoring:accepted:{assignment.pk}",
    )
    return assignment


@transaction.atomic
def mentor_assignment_decline(
    *, actor: User, assignment: MentorAssignment, reason: str
) -> MentorAssignment:
    """The mentor declines, with a reason the mentee and proposer see. A learner's request
    stays open, so they can ask another mentor."""
    assignment = _locked(assignment)
    require(actor, "mentoring.respond_assignment", assignment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a short reason.")})
    _transition(assignment, Status.DECLINED)
    assignment.responded_at = timezone.now()
    assignment.decline_reason = reason[:500]
    assignment.save(update_fields=["status", "responded_at", "decline_reason"])
    _tell_other_side(
        assignment,
        actor=actor,
        title=lazy_format(_("%(name)s cannot mentor at the moment"), {"name": actor}),
        body=lazy_format(_("Their reason: %(reason)s"), {"reason": assignment.decline_reason}),
        key=f"mentoring:declined:{assignment.pk}",
    )
    return assignment


@transaction.atomic
def mentor_assignment_withdraw(*, actor: User, assignment: MentorAssignment) -> MentorAssignment:
    """Take back a proposal before the mentor answers."""
    assignment = _locked(assignment)
    require(actor, "mentoring.withdraw_assignment", assignment)
    _transition(assignment, Status.WITHDRAWN)
    assignment.responded_at = timezone.now()
    assignment.save(update_fields=["status", "responded_at"])
    if actor.pk != assignment.mentor_id:
        notify(
            assignment.mentor,
            kind=KIND_PAIRING,
            title=_("A mentoring proposal to you was withdrawn"),
            body=_("There is nothing for you to do."),
            url=url("mentoring:home"),
            key=f"mentoring:withdrawn:{assignment.pk}",
        )
    return assignment


def _close(*, actor: User, assignment: MentorAssignment, to: str, reason: str) -> MentorAssignment:
    assignment = _locked(assignment)
    require(actor, "mentoring.close_assignment", assignment)
    _transition(assignment, to)
    today = timezone.localdate()
    assignment.ended_on = max(today, assignment.started_on or today)
    assignment.ended_by = actor
    assignment.end_reason = (reason or "").strip()[:500]
    assignment.save(update_fields=["status", "ended_on", "ended_by", "end_reason"])
    return assignment


@transaction.atomic
def mentor_assignment_complete(
    *, actor: User, assignment: MentorAssignment, note: str = ""
) -> MentorAssignment:
    """The pair finished what they set out to do."""
    assignment = _close(actor=actor, assignment=assignment, to=Status.COMPLETED, reason=note)
    for person in (assignment.mentor, assignment.mentee):
        if person.pk != actor.pk:
            notify(
                person,
                kind=KIND_PAIRING,
                title=lazy_format(
                    _("%(name)s marked your mentoring as completed"), {"name": actor}
                ),
                url=url("mentoring:assignment", assignment.pk),
                key=f"mentoring:completed:{assignment.pk}:{person.pk}",
            )
    return assignment


@transaction.atomic
def mentor_assignment_end(
    *, actor: User, assignment: MentorAssignment, reason: str
) -> MentorAssignment:
    """End an active pairing early, with a reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a short reason.")})
    assignment = _close(actor=actor, assignment=assignment, to=Status.ENDED, reason=reason)
    for person in (assignment.mentor, assignment.mentee):
        if person.pk != actor.pk:
            notify(
                person,
                kind=KIND_PAIRING,
                title=lazy_format(_("%(name)s ended your mentoring"), {"name": actor}),
                body=lazy_format(_("Their reason: %(reason)s"), {"reason": assignment.end_reason}),
                url=url("mentoring:assignment", assignment.pk),
                key=f"mentoring:ended:{assignment.pk}:{person.pk}",
            )
    return assignment


# --- Goals and sessions (the pair only) ---------------------------------------------------


@transaction.atomic
def mentoring_goal_add(
    *, actor: User, assignment: MentorAssignment, text: str, target_date: date | None = None
) -> MentoringGoal:
    require(actor, "mentoring.work_in_assignment", assignment)
    goal = MentoringGoal(
        assignment=assignment, text=(text or "").strip(), target_date=target_date, created_by=actor
    )
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def mentoring_goal_update(
    *,
    actor: User,
    goal: MentoringGoal,
    text: str,
    target_date: date | None,
    status: str,
) -> MentoringGoal:
    require(actor, "mentoring.work_in_assignment", goal.assignment)
    goal.text = (text or "").strip()
    goal.target_date = target_date
    goal.status = status
    goal.updated_at = timezone.now()
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def mentoring_session_log(
    *,
    actor: User,
    assignment: MentorAssignment,
    starts_at: datetime,
    duration_minutes: int = 60,
    format: str = MentoringSession.Format.VIDEO,
    agreed_actions: str = "",
    notes: str = "",
) -> MentoringSession:
    """Plan a session (a future time) or record one that took place."""
    require(actor, "mentoring.work_in_assignment", assignment)
    session = MentoringSession(
        assignment=assignment,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        format=format,
        agreed_actions=(agreed_actions or "").strip(),
        notes=(notes or "").strip(),
        created_by=actor,
    )
    session.full_clean()
    session.save()
    if session.is_upcoming:
        other = assignment.other_party(actor)
        notify(
            other,
            kind=KIND_SESSION,
            title=lazy_format(
                _("%(name)s planned a mentoring session on %(when)s"),
                {"name": actor, "when": f"{starts_at:%Y-%m-%d %H:%M} UTC"},
            ),
            url=url("mentoring:assignment", assignment.pk),
            key=f"mentoring:session-planned:{session.pk}",
        )
    return session


@transaction.atomic
def mentoring_session_update(
    *,
    actor: User,
    session: MentoringSession,
    starts_at: datetime,
    duration_minutes: int,
    format: str,
    agreed_actions: str,
    notes: str,
) -> MentoringSession:
    require(actor, "mentoring.work_in_assignment", session.assignment)
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    session.format = format
    session.agreed_actions = (agreed_actions or "").strip()
    session.notes = (notes or "").strip()
    session.updated_at = timezone.now()
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def mentoring_session_delete(*, actor: User, session: MentoringSession) -> None:
    """Remove a planned session (one that has not started)."""
    require(actor, "mentoring.work_in_assignment", session.assignment)
    if not session.is_upcoming:
        raise ValidationError(_("Only a planned session can be removed."))
    session.delete()


@transaction.atomic
def competency_observation_record(
    *,
    actor: User,
    assignment: MentorAssignment,
    competency: Competency,
    observed_on: date | None = None,
    context: str = "",
) -> CompetencyObservation:
    """The mentor signs off a practical competency they saw the mentee show."""
    require(actor, "mentoring.sign_off_competency", assignment)
    if not competency.is_practical:
        raise ValidationError({"competency": _("Only practical competencies can be observed.")})
    observation = CompetencyObservation(
        learner_id=assignment.mentee_id,
        competency=competency,
        observed_by=actor,
        assignment=assignment,
        observed_on=observed_on or timezone.localdate(),
        context=(context or "").strip(),
    )
    observation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            observation.save()
    except IntegrityError:
        raise ValidationError(
            {"competency": _("You already signed off this competency for this mentee.")}
        ) from None
    notify(
        assignment.mentee,
        kind=KIND_PAIRING,
        title=lazy_format(
            _("%(name)s signed off a competency you showed: %(competency)s"),
            {"name": actor, "competency": competency},
        ),
        body=_("It now appears as evidence on your training record."),
        url=url("mentoring:home"),
        key=f"mentoring:observed:{observation.pk}",
    )
    return observation
