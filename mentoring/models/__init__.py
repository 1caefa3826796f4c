"""Mentoring models, one module per aggregate (DESIGN section 4)."""

from .assignments import (
    CompetencyObservation,
    MentorAssignment,
    MentoringGoal,
    MentoringSession,
    MentorRequest,
)
from .events import CalendarFeed, Event, EventAttendance, EventRegistration, timezone_is_known
from .profiles import NO_CASE_DATA, ContactRequest, DirectoryProfile, MentorProfile

__all__ = [
    "NO_CASE_DATA",
    "CalendarFeed",
    "CompetencyObservation",
    "ContactRequest",
    "DirectoryProfile",
    "Event",
    "EventAttendance",
    "EventRegistration",
    "MentorAssignment",
    "MentorProfile",
    "MentorRequest",
    "MentoringGoal",
    "MentoringSession",
    "timezone_is_known",
]
