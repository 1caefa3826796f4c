"""Ranking mentors for a learner who asks for one. Pure functions on plain data, so the
formula is tested with a table of cases and no database.

The formula
-----------
A candidate mentor is **left out** when any of these holds:

- they are the learner, or already have a proposed or active pairing with the learner;
- their profile is paused;
- they have no free place: free = capacity - (active + proposed pairings) <= 0;
- they work in another country than the learner (a missing country counts as another
  country) and either the learner said a mentor abroad is not fine, or the mentor is not
  willing to mentor across borders.

Every other candidate gets a score, in whole points:

    score = 3 x (number of the learner's goal tags in the mentor's expertise)
          + 2 if the mentor works in the learner's preferred language
          + 1 if mentor and learner work in the same country (shared legal system)
          + 1 for each free place, counting at most 2

Expertise weighs most: one shared topic (3) beats a shared language (2), and a shared
language beats having more free places (at most 2). Candidates are ranked by score, highest
first; ties go to more free places, then to more shared topics, then alphabetically by name
(case-insensitive), then by id, so the order is stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

POINTS_PER_SHARED_TAG = 3
POINTS_SHARED_LANGUAGE = 2
POINTS_SAME_COUNTRY = 1
POINTS_PER_FREE_PLACE = 1
FREE_PLACES_COUNTED = 2


@dataclass(frozen=True)
class MentorCandidate:
    user_id: int
    name: str
    country_id: int | None
    expertise_ids: frozenset[int]
    languages: frozenset[str]
    capacity: int
    open_pairings: int
    cross_border: bool
    active: bool = True
    already_paired: bool = False

    @property
    def free_places(self) -> int:
        return self.capacity - self.open_pairings


@dataclass(frozen=True)
class MentorWish:
    learner_id: int
    country_id: int | None
    goal_tag_ids: frozenset[int]
    language: str
    cross_border_ok: bool


@dataclass(frozen=True)
class Suggestion:
    candidate: MentorCandidate
    score: int
    shared_tag_ids: frozenset[int] = field(default_factory=frozenset)
    speaks_language: bool = False
    same_country: bool = False

    @property
    def free_places(self) -> int:
        return self.candidate.free_places


def _same_country(wish: MentorWish, candidate: MentorCandidate) -> bool:
    return wish.country_id is not None and wish.country_id == candidate.country_id


def mentor_candidate_is_eligible(*, wish: MentorWish, candidate: MentorCandidate) -> bool:
    if candidate.user_id == wish.learner_id or candidate.already_paired:
        return False
    if not candidate.active or candidate.free_places <= 0:
        return False
    if not _same_country(wish, candidate):
        return wish.cross_border_ok and candidate.cross_border
    return True


def mentor_candidate_score(*, wish: MentorWish, candidate: MentorCandidate) -> Suggestion:
    shared = wish.goal_tag_ids & candidate.expertise_ids
    speaks = wish.language in candidate.languages
    same_country = _same_country(wish, candidate)
    score = (
        POINTS_PER_SHARED_TAG * len(shared)
        + (POINTS_SHARED_LANGUAGE if speaks else 0)
        + (POINTS_SAME_COUNTRY if same_country else 0)
        + POINTS_PER_FREE_PLACE * max(0, min(candidate.free_places, FREE_PLACES_COUNTED))
    )
    return Suggestion(
        candidate=candidate,
        score=score,
        shared_tag_ids=frozenset(shared),
        speaks_language=speaks,
        same_country=same_country,
    )


def mentor_suggestions_rank(
    *, wish: MentorWish, candidates: Iterable[MentorCandidate], limit: int | None = None
) -> list[Suggestion]:
    """Eligible candidates, scored and ranked as the module docstring says."""
    scored = [
        mentor_candidate_score(wish=wish, candidate=c)
        for c in candidates
        if mentor_candidate_is_eligible(wish=wish, candidate=c)
    ]
    scored.sort(
        key=lambda s: (
            -s.score,
            -s.free_places,
            -len(s.shared_tag_ids),
            s.candidate.name.casefold(),
            s.candidate.user_id,
        )
    )
    return scored[:limit] if limit is not None else scored
