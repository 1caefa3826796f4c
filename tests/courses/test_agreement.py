"""Fleiss' kappa against the worked example in the literature."""

from __future__ import annotations

import pytest

from courses.agreement import counts_table, fleiss_kappa, kappa_label, subject_agreement

# Fleiss' kappa worked example (Wikipedia, "Fleiss' kappa", after Fleiss 1971): 10 subjects,
# 14 raters, 5 categories. Published results: p_j = 0.143, 0.200, 0.279, 0.150, 0.229;
# P-bar = 0.378, P_e = 0.213, kappa = 0.210.
WORKED_EXAMPLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_matches_the_worked_example():
    assert fleiss_kappa(WORKED_EXAMPLE) == pytest.approx(0.210, abs=0.0005)


def test_category_shares_match_the_worked_example():
    total = sum(map(sum, WORKED_EXAMPLE))
    shares = [sum(row[j] for row in WORKED_EXAMPLE) / total for j in range(5)]

    assert shares == pytest.approx([0.143, 0.200, 0.279, 0.150, 0.229], abs=0.0005)


def test_subject_agreement_matches_the_worked_example_rows():
    assert subject_agreement(WORKED_EXAMPLE[0]) == pytest.approx(1.0)
    assert subject_agreement(WORKED_EXAMPLE[1]) == pytest.approx(0.253, abs=0.0005)


def test_perfect_agreement_on_different_categories_is_one():
    assert fleiss_kappa([[3, 0], [0, 3], [3, 0]]) == pytest.approx(1.0)


def test_kappa_is_undefined_when_everyone_uses_one_category():
    assert fleiss_kappa([[4, 0], [4, 0]]) is None


def test_subjects_with_fewer_than_two_ratings_are_ignored():
    with_single = [*WORKED_EXAMPLE, [0, 0, 1, 0, 0]]

    assert fleiss_kappa(with_single) == pytest.approx(fleiss_kappa(WORKED_EXAMPLE))


def test_kappa_is_none_without_data():
    assert fleiss_kappa([]) is None


def test_counts_table_counts_ratings_per_category():
    assert counts_table({1: [10, 10, 20], 2: [30]}, [10, 20, 30]) == [[2, 1, 0], [0, 0, 1]]


def test_kappa_label_uses_landis_and_koch_bands():
    from django.utils import translation

    with translation.override("en"):
        assert str(kappa_label(0.21)) == "fair"
        assert str(kappa_label(0.9)) == "almost perfect"
        assert str(kappa_label(None)) == "not enough answers"
