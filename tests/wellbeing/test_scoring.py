"""The scoring engine against worked examples computed by hand, at every band edge.

WHO-5: raw = sum of 5 items (0-5); percentage = raw x 4; raw below 13 is poor wellbeing;
percentage 28 or below is the likely-depression range; any item at 0 or 1 is a flag; a drop
of 10 percentage points or more is significant.

ProQOL 5: three subscales of 10 items (1-5); burnout items 1, 4, 15, 17, 29 reverse-scored as
6 - x; each subscale 10-50; low 22 or less, moderate 23-41, high 42 or more.
"""

from __future__ import annotations

import pytest

from wellbeing.instruments import PROQOL_TEMPLATE, WHO5_FILE, spec_read
from wellbeing.scoring import ScoringError, score

WHO5 = spec_read(WHO5_FILE)
PROQOL = spec_read(PROQOL_TEMPLATE)
CS = [3, 6, 12, 16, 18, 20, 22, 24, 27, 30]
BURNOUT = [1, 4, 8, 10, 15, 17, 19, 21, 26, 29]
BURNOUT_REVERSED = [1, 4, 15, 17, 29]
STS = [2, 5, 7, 9, 11, 13, 14, 23, 25, 28]


def who5(*answers, previous=None):
    return score(WHO5, {i + 1: a for i, a in enumerate(answers)}, previous=previous)


@pytest.mark.parametrize(
    ("answers", "raw", "percentage", "band"),
    [
        ((5, 5, 5, 5, 5), 25, 100, "good"),
        ((3, 3, 3, 2, 2), 13, 52, "good"),  # lowest raw score that is not poor wellbeing
        ((3, 3, 2, 2, 2), 12, 48, "low"),  # highest poor-wellbeing score
        ((2, 2, 2, 1, 1), 8, 32, "low"),  # lowest score above the depression range
        ((2, 2, 1, 1, 1), 7, 28, "very_low"),  # percentage 28: the depression range starts
        ((0, 0, 0, 0, 0), 0, 0, "very_low"),
    ],
)
def test_who5_raw_percentage_and_band(answers, raw, percentage, band):
    result = who5(*answers)

    assert result.scales == {"raw": raw, "percentage": percentage}
    assert result.bands == {"percentage": band}


def test_who5_raw_13_raises_no_flag():
    assert who5(3, 3, 3, 2, 2).flags == []


def test_who5_raw_12_is_poor_wellbeing_only():
    result = who5(3, 3, 2, 2, 2)

    assert result.flags == ["poor_wellbeing"]
    assert result.severity == 2


def test_who5_percentage_32_is_poor_but_not_likely_depression():
    assert "likely_depression" not in who5(2, 2, 2, 1, 1).flags


def test_who5_percentage_28_is_likely_depression_and_high_severity():
    result = who5(2, 2, 1, 1, 1)  # raw 7, 28 %

    assert result.flags == ["likely_depression", "poor_wellbeing", "low_item"]
    assert result.severity == 3


def test_who5_an_item_at_1_flags_even_with_a_good_total():
    result = who5(5, 5, 5, 5, 1)  # raw 21, 84 %

    assert result.bands == {"percentage": "good"}
    assert result.flags == ["low_item"]
    assert result.severity == 1


def test_who5_an_item_at_0_flags():
    assert who5(5, 5, 5, 5, 0).flags == ["low_item"]


def test_who5_items_at_2_do_not_flag():
    assert who5(2, 5, 5, 5, 5).flags == []


def test_who5_drop_of_12_points_is_significant():
    result = who5(4, 4, 3, 3, 3, previous={"raw": 20, "percentage": 80})  # 68 %

    assert result.change == {"raw": -3, "percentage": -12}
    assert "significant_drop" in result.flags


def test_who5_drop_of_8_points_is_not_significant():
    result = who5(4, 4, 4, 3, 3, previous={"raw": 20, "percentage": 80})  # 72 %

    assert result.change["percentage"] == -8
    assert "significant_drop" not in result.flags


def test_who5_rise_is_never_a_flag():
    result = who5(5, 5, 5, 5, 5, previous={"raw": 13, "percentage": 52})

    assert result.change["percentage"] == 48
    assert result.flags == []


def test_who5_first_check_in_has_no_change():
    assert who5(4, 4, 4, 4, 4).change == {}


def test_change_flag_fires_at_exactly_the_threshold():
    spec = {
        "scale": [{"value": v, "label": {"en": str(v)}} for v in range(0, 11)],
        "items": [{"number": 1, "text": {"en": "x"}}],
        "scales": [{"code": "s", "items": [1]}],
        "flags": [
            {"code": "drop", "severity": 2, "when": {"change": {"scale": "s", "drop_gte": 10}}}
        ],
    }

    assert score(spec, {1: 0}, previous={"s": 10}).flags == ["drop"]
    assert score(spec, {1: 1}, previous={"s": 10}).flags == []


def test_who5_requires_every_answer():
    with pytest.raises(ScoringError):
        score(WHO5, {1: 3, 2: 3, 3: 3, 4: 3})


def test_who5_refuses_an_answer_off_the_scale():
    with pytest.raises(ScoringError):
        who5(3, 3, 3, 3, 6)


def test_who5_refuses_an_unknown_item():
    with pytest.raises(ScoringError):
        score(WHO5, {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3})


def test_who5_refuses_text_answers():
    with pytest.raises(ScoringError):
        score(WHO5, {1: "three", 2: 3, 3: 3, 4: 3, 5: 3})


def test_who5_accepts_string_keys_and_values_from_forms():
    assert score(WHO5, {"1": "3", "2": "3", "3": "3", "4": "3", "5": "3"}).scales["raw"] == 15


# ProQOL 5 -------------------------------------------------------------------------------


def proqol(cs=None, burnout=None, sts=None, default=3):
    """Answers with the given values per subscale (a list of 10 in item order)."""
    answers = {n: default for n in range(1, 31)}
    for items, values in ((CS, cs), (BURNOUT, burnout), (STS, sts)):
        if values is not None:
            answers.update(dict(zip(items, values, strict=True)))
    return score(PROQOL, answers)


def test_proqol_all_3_is_30_moderate_on_every_subscale():
    result = proqol()

    assert result.scales == {
        "compassion_satisfaction": 30,
        "burnout": 30,  # 5 x 3 + 5 x (6 - 3)
        "secondary_traumatic_stress": 30,
    }
    assert set(result.bands.values()) == {"moderate"}
    assert result.flags == []


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ([1] * 10, 10, "low"),
        ([2] * 8 + [3] * 2, 22, "low"),
        ([2] * 7 + [3] * 3, 23, "moderate"),
        ([4] * 9 + [5], 41, "moderate"),
        ([4] * 8 + [5] * 2, 42, "high"),
        ([5] * 10, 50, "high"),
    ],
)
def test_proqol_compassion_satisfaction_band_edges(values, total, band):
    result = proqol(cs=values)

    assert result.scales["compassion_satisfaction"] == total
    assert result.bands["compassion_satisfaction"] == band


def _burnout(reversed_answers, others):
    """Burnout answers in item order from the reversed items' and the others' answers."""
    by_item = dict(zip(BURNOUT_REVERSED, reversed_answers, strict=True))
    rest = [n for n in BURNOUT if n not in BURNOUT_REVERSED]
    by_item.update(dict(zip(rest, others, strict=True)))
    return [by_item[n] for n in BURNOUT]


def test_proqol_burnout_reverses_items_1_4_15_17_29():
    # Answering 5 everywhere: five items score 5, the five reversed items score 6 - 5 = 1.
    assert proqol(burnout=[5] * 10).scales["burnout"] == 30
    # Answering 1 on the reversed items and 5 on the others is the highest burnout, 50.
    assert proqol(burnout=_burnout([1] * 5, [5] * 5)).scales["burnout"] == 50


def test_proqol_burnout_42_is_high_and_flags():
    # Others 5 x 5 = 25; reversed answers 2,2,3,3,3 score 4+4+3+3+3 = 17; total 42.
    result = proqol(burnout=_burnout([2, 2, 3, 3, 3], [5] * 5))

    assert result.scales["burnout"] == 42
    assert result.bands["burnout"] == "high"
    assert result.flags == ["high_burnout"]


def test_proqol_burnout_41_is_moderate_and_does_not_flag():
    # Reversed answers 2,3,3,3,3 score 4+3+3+3+3 = 16; total 41.
    result = proqol(burnout=_burnout([2, 3, 3, 3, 3], [5] * 5))

    assert result.scales["burnout"] == 41
    assert result.bands["burnout"] == "moderate"
    assert result.flags == []


def test_proqol_burnout_22_is_low():
    # Reversed answers 5,5,5,5,4 score 1+1+1+1+2 = 6; others 4,3,3,3,3 = 16; total 22.
    result = proqol(burnout=_burnout([5, 5, 5, 5, 4], [4, 3, 3, 3, 3]))

    assert result.scales["burnout"] == 22
    assert result.bands["burnout"] == "low"


def test_proqol_secondary_traumatic_stress_42_is_high_and_flags():
    result = proqol(sts=[4] * 8 + [5] * 2)

    assert result.scales["secondary_traumatic_stress"] == 42
    assert result.flags == ["high_sts"]


def test_proqol_secondary_traumatic_stress_41_does_not_flag():
    result = proqol(sts=[4] * 9 + [5])

    assert result.bands["secondary_traumatic_stress"] == "moderate"
    assert result.flags == []


def test_proqol_high_burnout_and_sts_together():
    result = proqol(burnout=_burnout([1] * 5, [5] * 5), sts=[5] * 10)

    assert result.flags == ["high_sts", "high_burnout"]


def test_proqol_refuses_0_which_is_not_on_its_scale():
    answers = {n: 3 for n in range(1, 31)}
    answers[7] = 0

    with pytest.raises(ScoringError):
        score(PROQOL, answers)
