"""The ranking formula of mentoring.matching, as a table of cases (no database)."""

from __future__ import annotations

import pytest

from mentoring.matching import (
    MentorCandidate,
    MentorWish,
    mentor_candidate_is_eligible,
    mentor_candidate_score,
    mentor_suggestions_rank,
)

FRANCE, BELGIUM = 1, 2
GROOMING, FORENSICS, SEXTORTION, ENCRYPTION = 10, 11, 12, 13


def wish(**overrides) -> MentorWish:
    values = {
        "learner_id": 1,
        "country_id": FRANCE,
        "goal_tag_ids": frozenset({GROOMING, FORENSICS}),
        "language": "fr",
        "cross_border_ok": True,
    }
    values.update(overrides)
    return MentorWish(**values)


def mentor(user_id: int, **overrides) -> MentorCandidate:
    values = {
        "user_id": user_id,
        "name": f"Mentor {user_id:03d}",
        "country_id": FRANCE,
        "expertise_ids": frozenset(),
        "languages": frozenset({"en"}),
        "capacity": 1,
        "open_pairings": 0,
        "cross_border": False,
    }
    values.update(overrides)
    return MentorCandidate(**values)


# (case, candidate, expected score): 3/shared tag + 2 language + 1 same country + 1/free place (<=2)
SCORE_CASES = [
    ("nothing in common but the country and one place", mentor(2), 1 + 1),
    ("one shared tag", mentor(2, expertise_ids=frozenset({GROOMING})), 3 + 1 + 1),
    (
        "two shared tags, a tag the learner did not ask for counts nothing",
        mentor(2, expertise_ids=frozenset({GROOMING, FORENSICS, ENCRYPTION})),
        6 + 1 + 1,
    ),
    ("shared language", mentor(2, languages=frozenset({"fr", "en"})), 2 + 1 + 1),
    ("two free places", mentor(2, capacity=3, open_pairings=1), 1 + 2),
    ("free places count at most two", mentor(2, capacity=10), 1 + 2),
    (
        "abroad: no country point",
        mentor(2, country_id=BELGIUM, cross_border=True, expertise_ids=frozenset({GROOMING})),
        3 + 0 + 1,
    ),
    (
        "everything",
        mentor(
            2,
            expertise_ids=frozenset({GROOMING, FORENSICS}),
            languages=frozenset({"fr"}),
            capacity=4,
        ),
        6 + 2 + 1 + 2,
    ),
]


@pytest.mark.parametrize(
    ("case", "candidate", "expected"), SCORE_CASES, ids=[c[0] for c in SCORE_CASES]
)
def test_score_follows_the_documented_formula(case, candidate, expected):
    assert mentor_candidate_score(wish=wish(), candidate=candidate).score == expected


# (case, wish overrides, candidate, eligible?)
ELIGIBILITY_CASES = [
    ("a plain candidate", {}, mentor(2), True),
    ("the learner themself", {}, mentor(1), False),
    ("already paired with the learner", {}, mentor(2, already_paired=True), False),
    ("paused profile", {}, mentor(2, active=False), False),
    ("no free place", {}, mentor(2, capacity=2, open_pairings=2), False),
    ("over capacity after lowering it", {}, mentor(2, capacity=1, open_pairings=3), False),
    ("abroad, both willing", {}, mentor(2, country_id=BELGIUM, cross_border=True), True),
    ("abroad, mentor not willing", {}, mentor(2, country_id=BELGIUM), False),
    (
        "abroad, learner wants their own country",
        {"cross_border_ok": False},
        mentor(2, country_id=BELGIUM, cross_border=True),
        False,
    ),
    (
        "same country, learner wants their own country",
        {"cross_border_ok": False},
        mentor(2),
        True,
    ),
    ("mentor without a country counts as abroad", {}, mentor(2, country_id=None), False),
    (
        "learner without a country: only mentors willing to cross borders",
        {"country_id": None},
        mentor(2, cross_border=True),
        True,
    ),
]


@pytest.mark.parametrize(
    ("case", "overrides", "candidate", "eligible"),
    ELIGIBILITY_CASES,
    ids=[c[0] for c in ELIGIBILITY_CASES],
)
def test_eligibility_rules(case, overrides, candidate, eligible):
    assert mentor_candidate_is_eligible(wish=wish(**overrides), candidate=candidate) is eligible


def _ranked_ids(candidates, **overrides) -> list[int]:
    return [
        s.candidate.user_id
        for s in mentor_suggestions_rank(wish=wish(**overrides), candidates=candidates)
    ]


def test_expertise_outranks_language_which_outranks_free_places():
    candidates = [
        mentor(2, capacity=3),  # 1 + 2 = 3
        mentor(3, languages=frozenset({"fr"})),  # 2 + 1 + 1 = 4
        mentor(4, expertise_ids=frozenset({GROOMING})),  # 3 + 1 + 1 = 5
    ]

    assert _ranked_ids(candidates) == [4, 3, 2]


def test_a_tie_goes_to_more_free_places():
    # 3 + 1 + 2 = 6 (two free places) against 3 + 2 + 0 + 1 = 6 (abroad, one free place).
    more_room = mentor(2, expertise_ids=frozenset({GROOMING}), capacity=3, open_pairings=1)
    speaks = mentor(
        3,
        expertise_ids=frozenset({GROOMING}),
        languages=frozenset({"fr"}),
        country_id=BELGIUM,
        cross_border=True,
    )

    assert mentor_candidate_score(wish=wish(), candidate=more_room).score == 6
    assert mentor_candidate_score(wish=wish(), candidate=speaks).score == 6
    assert _ranked_ids([speaks, more_room]) == [2, 3]


def test_a_tie_with_equal_places_goes_to_more_shared_topics():
    topics = mentor(
        2, expertise_ids=frozenset({GROOMING}), country_id=BELGIUM, cross_border=True, capacity=2
    )
    # 3 + 0 + 2 = 5 against 2 + 1 + 2 = 5, both with two free places.
    local = mentor(3, languages=frozenset({"fr"}), capacity=2)

    assert _ranked_ids([local, topics]) == [2, 3]


def test_a_full_tie_is_broken_by_name_then_id_so_the_order_is_stable():
    candidates = [
        mentor(5, name="bernard"),
        mentor(4, name="Alice"),
        mentor(3, name="alice"),
    ]

    assert _ranked_ids(candidates) == [3, 4, 5]
    assert _ranked_ids(list(reversed(candidates))) == [3, 4, 5]


def test_mentors_without_a_free_place_are_left_out_whatever_their_score():
    full = mentor(
        2,
        expertise_ids=frozenset({GROOMING, FORENSICS}),
        languages=frozenset({"fr"}),
        open_pairings=1,
    )
    weak = mentor(3)

    assert _ranked_ids([full, weak]) == [3]


def test_suggestions_explain_themselves():
    suggestion = mentor_candidate_score(
        wish=wish(),
        candidate=mentor(
            2, expertise_ids=frozenset({GROOMING, ENCRYPTION}), languages=frozenset({"fr"})
        ),
    )

    assert suggestion.shared_tag_ids == {GROOMING}
    assert suggestion.speaks_language is True
    assert suggestion.same_country is True
    assert suggestion.free_places == 1


def test_limit_keeps_the_best():
    candidates = [
        mentor(i, expertise_ids=frozenset({GROOMING}) if i == 9 else frozenset())
        for i in range(2, 12)
    ]

    ranked = mentor_suggestions_rank(wish=wish(), candidates=candidates, limit=3)

    assert len(ranked) == 3
    assert ranked[0].candidate.user_id == 9


def test_no_candidates_gives_no_suggestions():
    assert mentor_suggestions_rank(wish=wish(), candidates=[]) == []
