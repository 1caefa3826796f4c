"""Reads for mentoring. Every list is scoped to what the asking user may see; object rules
in permissions.py have their queryset twin here."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.utils import timezone

from accounts.models import User
from accounts.roles import AGENCY_ADMIN, PLATFORM_ADMIN, user_roles
from accounts.selectors import unit_list_supervised_by
from courses.models import Competency, TopicTag

from .languages import language_lookup, languages_decode
from .matching import MentorCandidate, MentorWish, Suggestion, mentor_suggestions_rank
from .models import (
    CalendarFeed,
    CompetencyObservation,
    ContactRequest,
    DirectoryProfile,
    Event,
    EventAttendance,
    EventRegistration,
    MentorAssignment,
    MentoringGoal,
    MentoringSession,
    MentorProfile,
    MentorRequest,
)
from .people import person_country_id

OPEN = MentorAssignment.OPEN_STATUSES


# --- Shared vocabularies ------------------------------------------------------------------


def topic_tag_list() -> QuerySet[TopicTag]:
    return TopicTag.objects.order_by("dimension", "name")


def practical_competency_list() -> QuerySet[Competency]:
    return Competency.objects.filter(is_practical=True).order_by("name")


# --- Mentor profiles and matching ---------------------------------------------------------


def mentor_profile_get_for(*, user: User) -> MentorProfile | None:
    return (
        MentorProfile.objects.filter(user=user)
        .prefetch_related("expertise")
        .select_related("user__agency__country")
        .first()
    )


def _open_pairings_count() -> Count:
    return Count(
        "user__mentoring_as_mentor",
        filter=Q(user__mentoring_as_mentor__status__in=OPEN),
        distinct=True,
    )


def mentor_profile_list_available() -> QuerySet[MentorProfile]:
    """Active mentor profiles of approved, active people, with `open_pairings` annotated."""
    return (
        MentorProfile.objects.filter(
            status=MentorProfile.Status.ACTIVE,
            user__is_active=True,
            user__vetting_status=User.Vetting.APPROVED,
        )
        .select_related("user__agency__country", "user__profession")
        .prefetch_related("expertise")
        .annotate(open_pairings=_open_pairings_count())
        .order_by("user__full_name", "pk")
    )


def mentor_candidate_list_for(*, mentee: User) -> list[MentorCandidate]:
    """Every available mentor as plain data for matching (two queries)."""
    paired = set(
        MentorAssignment.objects.filter(mentee=mentee, status__in=OPEN).values_list(
            "mentor_id", flat=True
        )
    )
    return [
        MentorCandidate(
            user_id=p.user_id,
            name=p.user.full_name or p.user.email,
            country_id=person_country_id(p.user),
            expertise_ids=frozenset(t.pk for t in p.expertise.all()),
            languages=frozenset(p.language_codes),
            capacity=p.capacity,
            open_pairings=getattr(p, "open_pairings", 0),
            cross_border=p.cross_border,
            active=p.is_active,
            already_paired=p.user_id in paired,
        )
        for p in mentor_profile_list_available().exclude(user=mentee)
    ]


def mentor_suggestion_list_for(*, mentor_request: MentorRequest, limit: int = 10) -> list[dict]:
    """Ranked mentors for an open request, each with its profile for display."""
    mentee = mentor_request.mentee
    wish = MentorWish(
        learner_id=mentee.pk,
        country_id=person_country_id(mentee),
        goal_tag_ids=frozenset(t.pk for t in mentor_request.goal_tags.all()),
        language=mentor_request.preferred_language,
        cross_border_ok=mentor_request.cross_border_ok,
    )
    ranked: list[Suggestion] = mentor_suggestions_rank(
        wish=wish, candidates=mentor_candidate_list_for(mentee=mentee), limit=limit
    )
    profiles = {
        p.user_id: p
        for p in mentor_profile_list_available().filter(
            user_id__in=[s.candidate.user_id for s in ranked]
        )
    }
    tags = {t.pk: t for t in mentor_request.goal_tags.all()}
    return [
        {
            "suggestion": s,
            "profile": profiles[s.candidate.user_id],
            "shared_tags": sorted((tags[i] for i in s.shared_tag_ids), key=lambda t: t.name),
        }
        for s in ranked
        if s.candidate.user_id in profiles
    ]


def mentor_request_open_for(*, user: User) -> MentorRequest | None:
    return (
        MentorRequest.objects.filter(mentee=user, status=MentorRequest.Status.OPEN)
        .prefetch_related("goal_tags")
        .first()
    )


def mentor_request_get_own(*, user: User, pk: int) -> MentorRequest:
    return (
        MentorRequest.objects.filter(mentee=user)
        .select_related("mentee__agency__country")
        .prefetch_related("goal_tags")
        .get(pk=pk)
    )


# --- Assignments --------------------------------------------------------------------------


def _assignment_base() -> QuerySet[MentorAssignment]:
    return MentorAssignment.objects.select_related(
        "mentor__agency__country",
        "mentee__agency__country",
        "mentee__unit",
        "proposed_by",
    )


def mentor_assignment_list_visible_to(*, user: User) -> QuerySet[MentorAssignment]:
    """Queryset twin of mentoring.view_assignment: the pair, supervisors of the mentee's
    unit, agency admins of either person's agency, platform admins."""
    base = _assignment_base()
    if not (user.is_authenticated and user.is_approved and user.is_active):
        return base.none()
    roles = user_roles(user)
    if PLATFORM_ADMIN in roles:
        return base
    condition = Q(mentor=user) | Q(mentee=user)
    if AGENCY_ADMIN in roles and user.agency_id:
        condition |= Q(mentor__agency_id=user.agency_id) | Q(mentee__agency_id=user.agency_id)
    if "supervisor" in roles:
        condition |= Q(mentee__unit__in=unit_list_supervised_by(user=user))
    return base.filter(condition)


def mentor_assignment_get_visible(*, user: User, pk: int) -> MentorAssignment:
    """One assignment `user` may see; DoesNotExist otherwise (a 404)."""
    return mentor_assignment_list_visible_to(user=user).get(pk=pk)


def mentor_assignment_list_for_pair(*, user: User) -> QuerySet[MentorAssignment]:
    """Queryset twin of mentoring.view_assignment_content: assignments `user` is part of."""
    return _assignment_base().filter(Q(mentor=user) | Q(mentee=user))


def mentor_assignment_list_overseen_by(
    *, user: User, status: str = ""
) -> QuerySet[MentorAssignment]:
    """What a supervisor or admin sees on the oversight page: other people's pairs, status
    and dates only (the template shows nothing else)."""
    rows = mentor_assignment_list_visible_to(user=user).exclude(Q(mentor=user) | Q(mentee=user))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-proposed_at", "-pk")


def user_list_mentorable_by(*, actor: User) -> QuerySet[User]:
    """Queryset twin of mentoring.propose_assignment: people `actor` may propose a mentor
    for (a supervisor: their units; an agency admin: their agency)."""
    base = User.objects.filter(is_active=True, vetting_status=User.Vetting.APPROVED).select_related(
        "agency", "unit"
    )
    roles = user_roles(actor)
    if PLATFORM_ADMIN in roles:
        return base.exclude(pk=actor.pk)
    condition = Q(pk__in=[])
    if AGENCY_ADMIN in roles and actor.agency_id:
        condition |= Q(agency_id=actor.agency_id)
    if "supervisor" in roles:
        condition |= Q(unit__in=unit_list_supervised_by(user=actor))
    return base.filter(condition).exclude(pk=actor.pk).order_by("full_name", "email")


def _next_session_subquery():
    return Subquery(
        MentoringSession.objects.filter(assignment=OuterRef("pk"), starts_at__gt=timezone.now())
        .order_by("starts_at")
        .values("starts_at")[:1]
    )


# What the dashboard shows of a pair: the two names and the status. Loading whole people
# (and ordering over all their columns) cost more than the query itself on every home page.
_DASHBOARD_PAIR_FIELDS = (
    "id", "status", "proposed_at", "mentor", "mentee",
    "mentor__full_name", "mentor__email", "mentee__full_name", "mentee__email",
)  # fmt: skip


def mentoring_overview_for(*, user: User, with_past: bool = True) -> dict:
    """The person's own mentoring: pairs as mentee and as mentor, open proposals to answer,
    the next session annotated, and (unless with_past is off, as on the dashboard)
    ended pairings. A fixed number of queries.

    The dashboard (with_past off) shows only names, so it joins the two people and none of
    their agencies, countries and units: a much cheaper query to build and run."""
    pairs = (
        mentor_assignment_list_for_pair(user=user)
        if with_past
        else MentorAssignment.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("mentor", "mentee")
        .only(*_DASHBOARD_PAIR_FIELDS)
    )
    rows = list(
        pairs.filter(status__in=[*OPEN])
        # Only the next session is shown (overview and dashboard): one subquery, not two.
        .annotate(next_session_at=_next_session_subquery())
        .order_by("-proposed_at")
    )
    return {
        "as_mentee": [a for a in rows if a.mentee_id == user.pk],
        "as_mentor": [a for a in rows if a.mentor_id == user.pk and a.is_active],
        "to_answer": [
            a
            for a in rows
            if a.mentor_id == user.pk and a.status == MentorAssignment.Status.PROPOSED
        ],
        "past": list(
            mentor_assignment_list_for_pair(user=user)
            .exclude(status__in=[*OPEN])
            .order_by("-proposed_at")[:20]
        )
        if with_past
        else [],
    }


def mentoring_goal_list_for(*, assignment: MentorAssignment) -> QuerySet[MentoringGoal]:
    """Goals in progress first (soonest target first), then achieved, then set aside."""
    rank = Case(
        When(status=MentoringGoal.Status.OPEN, then=0),
        When(status=MentoringGoal.Status.ACHIEVED, then=1),
        default=2,
    )
    return assignment.goals.alias(rank=rank).order_by(
        "rank", F("target_date").asc(nulls_last=True), "pk"
    )


def mentoring_session_list_for(*, assignment: MentorAssignment) -> QuerySet[MentoringSession]:
    return assignment.sessions.select_related("created_by").order_by("-starts_at", "-pk")


def mentoring_goal_get(*, assignment: MentorAssignment, pk: int) -> MentoringGoal:
    return assignment.goals.get(pk=pk)


def mentoring_session_get(*, assignment: MentorAssignment, pk: int) -> MentoringSession:
    return assignment.sessions.get(pk=pk)


def competency_observation_list_for(*, learner: User) -> QuerySet[CompetencyObservation]:
    """Practical competencies a mentor observed for `learner`: evidence for their training
    record. The caller decides who may see the learner's record."""
    return (
        CompetencyObservation.objects.filter(learner=learner)
        .select_related("competency", "observed_by")
        .order_by("-observed_on", "-pk")
    )


def competency_list_observable_in(*, assignment: MentorAssignment) -> QuerySet[Competency]:
    """Practical competencies not yet signed off in this assignment."""
    return practical_competency_list().exclude(observations__assignment=assignment)


# --- Peer directory -----------------------------------------------------------------------

DIRECTORY_TEXT_MAX = 100


def directory_profile_list_search(
    *,
    user: User,
    country: int | None = None,
    profession: int | None = None,
    language: str = "",
    tag: int | None = None,
    text: str = "",
) -> QuerySet[DirectoryProfile]:
    """Queryset twin of mentoring.use_directory: listed, approved and active people, minus
    the searcher, filtered. Two queries per page plus one for the page's tags."""
    if not (user.is_authenticated and user.is_approved and user.is_active):
        return DirectoryProfile.objects.none()
    rows = (
        DirectoryProfile.objects.filter(
            user__is_active=True, user__vetting_status=User.Vetting.APPROVED
        )
        .exclude(user=user)
        .select_related("user__agency__country", "user__profession")
        .prefetch_related(Prefetch("expertise", queryset=TopicTag.objects.order_by("name")))
    )
    if country:
        rows = rows.filter(user__agency__country_id=country)
    if profession:
        rows = rows.filter(user__profession_id=profession)
    if language:
        rows = rows.filter(languages__contains=language_lookup(language))
    if tag:
        rows = rows.filter(expertise__id=tag)
    text = (text or "").strip()[:DIRECTORY_TEXT_MAX]
    if text:
        matching_tags = TopicTag.objects.filter(
            Q(name__icontains=text) | Q(name_fr__icontains=text)
        ).values("pk")
        rows = rows.filter(
            Q(user__full_name__icontains=text)
            | Q(user__agency__name__icontains=text)
            | Q(user__agency__short_name__icontains=text)
            | Q(about__icontains=text)
            | Q(expertise__in=matching_tags)
        )
    if tag or text:
        rows = rows.distinct()
    return rows.order_by("user__full_name", "pk")


def directory_profile_get_visible(*, user: User, pk: int) -> DirectoryProfile:
    return directory_profile_list_search(user=user).get(pk=pk)


def directory_profile_get_own(*, user: User) -> DirectoryProfile | None:
    return DirectoryProfile.objects.filter(user=user).prefetch_related("expertise").first()


def directory_filter_options() -> dict:
    """Countries, professions and languages that occur in the directory."""
    from accounts.models import Country, Profession

    listed = DirectoryProfile.objects.filter(
        user__is_active=True, user__vetting_status=User.Vetting.APPROVED
    )
    codes: set[str] = set()
    for stored in listed.values_list("languages", flat=True):
        codes.update(languages_decode(stored))
    return {
        "countries": Country.objects.filter(
            agencies__members__directory_profile__in=listed
        ).distinct(),
        "professions": Profession.objects.filter(members__directory_profile__in=listed).distinct(),
        "language_codes": codes,
        "tags": TopicTag.objects.filter(directory_profiles__in=listed).distinct(),
    }


def contact_request_list_received(*, user: User) -> QuerySet[ContactRequest]:
    return ContactRequest.objects.filter(peer=user).select_related(
        "requester__agency__country", "requester__profession", "topic"
    )


def contact_request_list_sent(*, user: User) -> QuerySet[ContactRequest]:
    return ContactRequest.objects.filter(requester=user).select_related(
        "peer__agency__country", "peer__profession", "topic"
    )


def contact_request_get_for(*, user: User, pk: int) -> ContactRequest:
    """A request `user` sent or received; DoesNotExist otherwise."""
    return (
        ContactRequest.objects.filter(Q(peer=user) | Q(requester=user))
        .select_related("requester__agency__country", "peer__agency__country", "topic")
        .get(pk=pk)
    )


def contact_request_pending_count(*, user: User) -> int:
    return ContactRequest.objects.filter(peer=user, status=ContactRequest.Status.PENDING).count()


def contact_request_between(*, requester: User, peer: User) -> ContactRequest | None:
    return (
        ContactRequest.objects.filter(requester=requester, peer=peer)
        .order_by("-created_at", "-pk")
        .first()
    )


# --- Events -------------------------------------------------------------------------------


def _event_annotations(user: User) -> dict:
    mine = EventRegistration.objects.filter(event=OuterRef("pk"), user=user)
    return {
        "confirmed_count": Count(
            "registrations",
            filter=Q(registrations__status=EventRegistration.Status.CONFIRMED),
            distinct=True,
        ),
        "waitlist_count": Count(
            "registrations",
            filter=Q(registrations__status=EventRegistration.Status.WAITLISTED),
            distinct=True,
        ),
        "my_status": Subquery(mine.values("status")[:1]),
    }


def event_list_visible_to(*, user: User) -> QuerySet[Event]:
    """Queryset twin of mentoring.view_event: published and cancelled events for every
    approved person; drafts for whoever may manage them."""
    base = Event.objects.select_related("organiser", "agency")
    if not (user.is_authenticated and user.is_approved and user.is_active):
        return base.none()
    roles = user_roles(user)
    if PLATFORM_ADMIN in roles:
        return base
    condition = Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]) | Q(organiser=user)
    if AGENCY_ADMIN in roles and user.agency_id:
        condition |= Q(agency_id=user.agency_id)
    return base.filter(condition)


EVENT_VIEWS = ("upcoming", "mine", "past", "drafts")


def event_list_for(
    *, user: User, view: str = "upcoming", kind: str = "", mode: str = "", scope: str = ""
) -> QuerySet[Event]:
    """The events list: one query per page (plus the count), whatever the data size."""
    now = timezone.now()
    rows = event_list_visible_to(user=user).annotate(**_event_annotations(user))
    if view == "mine":
        rows = rows.filter(
            registrations__user=user,
            registrations__status__in=[
                EventRegistration.Status.CONFIRMED,
                EventRegistration.Status.WAITLISTED,
            ],
            ends_at__gt=now,
        )
    elif view == "past":
        rows = rows.filter(ends_at__lte=now).exclude(status=Event.Status.DRAFT)
    elif view == "drafts":
        rows = rows.filter(status=Event.Status.DRAFT)
    else:
        rows = rows.filter(ends_at__gt=now).exclude(status=Event.Status.DRAFT)
    if kind:
        rows = rows.filter(kind=kind)
    if mode:
        rows = rows.filter(mode=mode)
    if scope:
        rows = rows.filter(scope=scope)
    order = ["-starts_at", "-pk"] if view == "past" else ["starts_at", "pk"]
    return rows.order_by(*order)


def event_get_visible(*, user: User, pk: int) -> Event:
    return event_list_visible_to(user=user).annotate(**_event_annotations(user)).get(pk=pk)


def event_registration_get(*, event: Event, user: User) -> EventRegistration | None:
    return EventRegistration.objects.filter(event=event, user=user).first()


def event_registration_list_for_event(*, event: Event) -> QuerySet[EventRegistration]:
    """The organiser's list: confirmed first, then the waiting list in order."""
    attended = EventAttendance.objects.filter(event=event, user=OuterRef("user"))
    return (
        event.registrations.exclude(status=EventRegistration.Status.CANCELLED)
        .select_related("user__agency", "user__profession")
        .annotate(attended=Exists(attended))
        .order_by("-status", "queued_at", "pk")
    )


def _registrations_upcoming(*, user: User) -> QuerySet[EventRegistration]:
    """The person's places (or waiting-list places) at published events not yet over."""
    return EventRegistration.objects.filter(
        user=user,
        status__in=[EventRegistration.Status.CONFIRMED, EventRegistration.Status.WAITLISTED],
        event__ends_at__gt=timezone.now(),
        event__status=Event.Status.PUBLISHED,
    )


def event_registration_list_upcoming_for(*, user: User, limit: int = 5):
    return (
        _registrations_upcoming(user=user)
        .select_related("event")
        .order_by("event__starts_at")[:limit]
    )


def event_attendance_list_for(*, learner: User) -> QuerySet[EventAttendance]:
    """Events `learner` attended with the CPD hours recorded: for the training record."""
    return (
        EventAttendance.objects.filter(user=learner)
        .select_related("event")
        .order_by("-event__starts_at", "-pk")
    )


def event_cpd_hours_total_for(*, learner: User, since=None):
    rows = EventAttendance.objects.filter(user=learner)
    if since is not None:
        rows = rows.filter(event__starts_at__gte=since)
    return rows.aggregate(total=Sum("cpd_hours"))["total"] or 0


def calendar_feed_get_for(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_lookup(*, token: str) -> CalendarFeed | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return (
        CalendarFeed.objects.filter(
            token_hash=digest, user__is_active=True, user__vetting_status=User.Vetting.APPROVED
        )
        .select_related("user")
        .first()
    )


def calendar_feed_events_for(*, user: User) -> QuerySet[Event]:
    """What a person's feed shows: events they have a place at (or queue for), from 30 days
    back, plus events cancelled since they registered (so calendars drop them)."""
    since = timezone.now() - timedelta(days=30)
    return (
        Event.objects.filter(
            registrations__user=user,
            registrations__status__in=[
                EventRegistration.Status.CONFIRMED,
                EventRegistration.Status.WAITLISTED,
            ],
            ends_at__gte=since,
        )
        .exclude(status=Event.Status.DRAFT)
        .annotate(
            my_status=Subquery(
                EventRegistration.objects.filter(event=OuterRef("pk"), user=user).values("status")[
                    :1
                ]
            )
        )
        .order_by("starts_at")
    )


# --- The dashboard ------------------------------------------------------------------------


# What the dashboard shows of an event (mentoring/includes/event_when.html and the title).
_DASHBOARD_EVENT_FIELDS = ("id", "title", "starts_at", "ends_at", "time_zone")


def _dashboard_has(*, user: User) -> tuple[bool, bool]:
    """(open pairings, upcoming events): most people have neither, and the panel then only
    invites them; one cheap query tells, instead of building the two lists."""
    return (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_pairs=Exists(
                MentorAssignment.objects.filter(Q(mentor=user) | Q(mentee=user), status__in=[*OPEN])
            ),
            has_events=Exists(_registrations_upcoming(user=user)),
        )
        .values_list("has_pairs", "has_events")
        .get()
    )


def mentoring_dashboard_for(*, user: User) -> dict:
    """My mentor, my mentees, proposals to answer, the next session, upcoming events. One
    query for someone with none of these, at most three otherwise."""
    has_pairs, has_events = _dashboard_has(user=user)
    if not (has_pairs or has_events):
        return {"empty": True}
    overview = (
        mentoring_overview_for(user=user, with_past=False)
        if has_pairs
        else {"as_mentee": [], "as_mentor": [], "to_answer": []}
    )
    next_sessions = [
        a.next_session_at
        for a in overview["as_mentee"] + overview["as_mentor"]
        if a.next_session_at
    ]
    events = (
        list(
            event_registration_list_upcoming_for(user=user, limit=3).only(
                "id", "status", "event", *(f"event__{name}" for name in _DASHBOARD_EVENT_FIELDS)
            )
        )
        if has_events
        else []
    )
    mentors = [a for a in overview["as_mentee"] if a.is_active]
    waiting = [a for a in overview["as_mentee"] if a.status == MentorAssignment.Status.PROPOSED]
    if not (mentors or waiting or overview["as_mentor"] or overview["to_answer"] or events):
        return {"empty": True}
    return {
        "empty": False,
        "mentors": mentors,
        "waiting": waiting,
        "mentees": overview["as_mentor"],
        "to_answer": overview["to_answer"],
        "next_session_at": min(next_sessions) if next_sessions else None,
        "events": events,
    }


# --- Parts of the training record (shown on the supervisor's training record) -----------


def training_record_competency_rows(person: User) -> list[tuple]:
    """(competency, observed on, observed by) for each practical competency a mentor saw."""
    return [
        (
            o.competency.localized_name,
            o.observed_on,
            o.observed_by.get_full_name() if o.observed_by else "",
        )
        for o in competency_observation_list_for(learner=person)
    ]


def training_record_event_rows(person: User) -> list[tuple]:
    """(event, date, CPD hours) for each event the person attended."""
    return [
        (a.event.title, a.event.starts_at.date(), a.cpd_hours)
        for a in event_attendance_list_for(learner=person)
    ]
