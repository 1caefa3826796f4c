"""Inter-rater agreement for triage drills: Fleiss' kappa.

Each scenario card is a subject, each priority level a category, each learner who answered
the card a rater. Cards may have different numbers of raters (learners skip drills), so the
per-subject agreement uses its own n_i, as in Fleiss (1971) generalised to unequal n_i;
subjects with fewer than two ratings carry no agreement information and are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def subject_agreement(counts: Sequence[int]) -> float | None:
    """P_i: the share of rater pairs that agree on one subject (None below two ratings)."""
    n = sum(counts)
    if n < 2:
        return None
    return (sum(c * c for c in counts) - n) / (n * (n - 1))


def fleiss_kappa(table: Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa for a subjects x categories table of rating counts.

    None when it is undefined: no subject with two ratings, or every rating in one category
    (chance agreement 1).
    """
    rows = [list(row) for row in table if sum(row) >= 2]
    if not rows:
        return None
    total = sum(sum(row) for row in rows)
    categories = len(rows[0])
    p_j = [sum(row[j] for row in rows) / total for j in range(categories)]
    p_bar = sum(subject_agreement(row) for row in rows) / len(rows)  # type: ignore[misc]
    p_e = sum(p * p for p in p_j)
    if p_e >= 1:
        return None
    return (p_bar - p_e) / (1 - p_e)


def kappa_label(kappa: float | None) -> str:
    """Landis and Koch's (1977) descriptive bands, for orientation only."""
    from django.utils.translation import gettext as _

    if kappa is None:
        return _("not enough answers")
    bands = [
        (0.0, _("poor")),
        (0.20, _("slight")),
        (0.40, _("fair")),
        (0.60, _("moderate")),
        (0.80, _("substantial")),
    ]
    label = _("almost perfect")
    for upper, name in bands:
        if kappa <= upper:
            label = name
            break
    return label


def counts_table(
    ratings: Mapping[int, Sequence[int]], categories: Sequence[int]
) -> list[list[int]]:
    """{subject: [category, ...]} -> rows of counts in `categories` order."""
    index = {category: i for i, category in enumerate(categories)}
    table = []
    for values in ratings.values():
        row = [0] * len(categories)
        for value in values:
            row[index[value]] += 1
        table.append(row)
    return table
