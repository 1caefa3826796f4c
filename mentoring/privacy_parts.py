"""The mentoring part of "download my data" and "erase my data"."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .models import (
    CalendarFeed,
    CompetencyObservation,
    ContactRequest,
    DirectoryProfile,
    EventAttendance,
    EventRegistration,
    MentorAssignment,
    MentoringGoal,
    MentoringSession,
    MentorProfile,
    MentorRequest,
)


def _iso(value):
    return value.isoformat() if value else None


def mentoring_data_export(user) -> dict:
    profile = MentorProfile.objects.filter(user=user).prefetch_related("expertise").first()
    listing = DirectoryProfile.objects.filter(user=user).prefetch_related("expertise").first()
    pairs = MentorAssignment.objects.filter(Q(mentor=user) | Q(mentee=user)).select_related(
        "mentor", "mentee"
    )
    return {
        "mentor_profile": None
        if profile is None
        else {
            "expertise": [t.name for t in profile.expertise.all()],
            "languages": profile.language_codes,
            "capacity": profile.capacity,
            "availability": profile.availability,
            "cross_border": profile.cross_border,
            "status": profile.status,
        },
        "requests_for_a_mentor": [
            {
                "created": _iso(r.created_at),
                "topics": [t.name for t in r.goal_tags.all()],
                "text": r.goal_text,
                "language": r.preferred_language,
                "cross_border_ok": r.cross_border_ok,
                "status": r.status,
            }
            for r in MentorRequest.objects.filter(mentee=user).prefetch_related("goal_tags")
        ],
        "pairings": [
            {
                "role": "mentor" if a.mentor_id == user.pk else "mentee",
                "with": str(a.mentee if a.mentor_id == user.pk else a.mentor),
                "status": a.status,
                "proposed": _iso(a.proposed_at),
                "started": _iso(a.started_on),
                "ended": _iso(a.ended_on),
                "decline_reason": a.decline_reason,
                "end_reason": a.end_reason,
                "goals": [
                    {"text": g.text, "target": _iso(g.target_date), "status": g.status}
                    for g in MentoringGoal.objects.filter(assignment=a)
                ],
                "sessions": [
                    {
                        "when": _iso(s.starts_at),
                        "minutes": s.duration_minutes,
                        "format": s.format,
                        "agreed_actions": s.agreed_actions,
                        "notes": s.notes,
                    }
                    for s in MentoringSession.objects.filter(assignment=a).order_by("starts_at")
                ],
            }
            for a in pairs
        ],
        "competencies_observed": [
            {
                "competency": o.competency.name,
                "observed_on": _iso(o.observed_on),
                "by": str(o.observed_by) if o.observed_by_id else None,
                "context": o.context,
            }
            for o in CompetencyObservation.objects.filter(learner=user).select_related(
                "competency", "observed_by"
            )
        ],
        "directory_listing": None
        if listing is None
        else {
            "expertise": [t.name for t in listing.expertise.all()],
            "languages": listing.language_codes,
            "about": listing.about,
            "official_contact": listing.official_contact,
        },
        "contact_requests_sent": [
            {"to": str(c.peer), "status": c.status, "created": _iso(c.created_at)}
            for c in ContactRequest.objects.filter(requester=user).select_related("peer")
        ],
        "contact_requests_received": [
            {"from": str(c.requester), "status": c.status, "created": _iso(c.created_at)}
            for c in ContactRequest.objects.filter(peer=user).select_related("requester")
        ],
        "event_registrations": [
            {"event": r.event.title, "starts": _iso(r.event.starts_at), "status": r.status}
            for r in EventRegistration.objects.filter(user=user).select_related("event")
        ],
        "events_attended": [
            {
                "event": a.event.title,
                "starts": _iso(a.event.starts_at),
                "cpd_hours": str(a.cpd_hours),
            }
            for a in EventAttendance.objects.filter(user=user).select_related("event")
        ],
        "calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
    }


def mentoring_data_erase(user) -> None:
    """Remove the person from mentoring. The content of their pairings (goals, sessions and
    notes, which only the pair could see) goes with them; open pairings end; a place they
    held at an event goes to the next person waiting; observations they made for others stay
    on those people's records."""
    from .services.events import _locked, _promote

    MentorProfile.objects.filter(user=user).delete()
    DirectoryProfile.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    ContactRequest.objects.filter(Q(requester=user) | Q(peer=user)).delete()
    MentorRequest.objects.filter(mentee=user).delete()
    pairs = MentorAssignment.objects.filter(Q(mentor=user) | Q(mentee=user))
    MentoringGoal.objects.filter(assignment__in=pairs).delete()
    MentoringSession.objects.filter(assignment__in=pairs).delete()
    today = timezone.localdate()
    pairs.filter(status=MentorAssignment.Status.PROPOSED).update(
        status=MentorAssignment.Status.WITHDRAWN, responded_at=timezone.now()
    )
    for assignment in pairs.filter(status=MentorAssignment.Status.ACTIVE):
        assignment.status = MentorAssignment.Status.ENDED
        assignment.ended_on = max(today, assignment.started_on or today)
        assignment.save(update_fields=["status", "ended_on"])
    pairs.update(proposal_note="", decline_reason="", end_reason="")
    CompetencyObservation.objects.filter(learner=user).delete()
    EventAttendance.objects.filter(user=user).delete()
    held = list(
        EventRegistration.objects.filter(
            user=user, status=EventRegistration.Status.CONFIRMED
        ).values_list("event_id", flat=True)
    )
    EventRegistration.objects.filter(user=user).delete()
    from .models import Event

    for event in Event.objects.filter(pk__in=held, status=Event.Status.PUBLISHED):
        if not event.has_started:
            _promote(_locked(event))
