"""The scoring engine: generic over an instrument's data (its "spec"), pure, no database.

A spec is the JSON an instrument is loaded from (see wellbeing/data/README.md and
instruments.py, which validates it). Scoring reads only:

- `items`: [{"number": 1, ...}, ...] and `scale`: [{"value": 0, ...}, ...]
- `require_all`: every item must be answered
- `scales`: [{"code", "items", "reverse" (item numbers), "reverse_base" (a reversed answer
  scores reverse_base - x), "multiply", "bands": [{"code", "max", "level"}, ...]}]
  bands are ordered by `max` (inclusive): a value falls in the first band whose max it does
  not exceed
- `flags`: [{"code", "severity", "when": {...}}] with `when` one of
  {"scale": code, "lt"|"lte"|"gt"|"gte": number}, {"any_item": {"lte"|"gte": number}},
  {"change": {"scale": code, "drop_gte": number}} (compared with the previous check-in)

Flags only ever open an offer of support or a review by a person (a wellbeing lead), never
a decision about someone's work.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field

COMPARATORS = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}

# Severity of a flag: 1 low, 2 medium, 3 high. A request to talk is always high.
SEVERITY_LOW, SEVERITY_MEDIUM, SEVERITY_HIGH = 1, 2, 3
TALK_REQUEST_FLAG = "talk_request"


class ScoringError(ValueError):
    """The answers do not fit the instrument (missing, unknown or out-of-range answers)."""


@dataclass(frozen=True)
class ScoreResult:
    """Scores per scale, the band of each banded scale, flags raised and the highest
    severity among them (0 when none), and the change in each scale since last time."""

    scales: dict[str, int]
    bands: dict[str, str]
    flags: list[str] = field(default_factory=list)
    severity: int = 0
    change: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "scales": dict(self.scales),
            "bands": dict(self.bands),
            "flags": list(self.flags),
            "severity": self.severity,
            "change": dict(self.change),
        }


def answer_values(spec: Mapping) -> list[int]:
    return [int(option["value"]) for option in spec["scale"]]


def item_numbers(spec: Mapping) -> list[int]:
    return [int(item["number"]) for item in spec["items"]]


def answers_clean(spec: Mapping, answers: Mapping) -> dict[int, int]:
    """Answers keyed by item number, as ints; ScoringError for anything that does not fit.

    Keys and values may be strings (form data, JSON); a blank answer counts as missing.
    """
    allowed = set(answer_values(spec))
    numbers = item_numbers(spec)
    clean: dict[int, int] = {}
    for key, value in answers.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            raise ScoringError(f"unknown item {key!r}") from None
        if number not in numbers:
            raise ScoringError(f"unknown item {number}")
        if value is None or value == "":
            continue
        try:
            answer = int(value)
        except (TypeError, ValueError):
            raise ScoringError(f"item {number}: {value!r} is not an answer") from None
        if answer not in allowed:
            raise ScoringError(f"item {number}: {answer} is not on the response scale")
        clean[number] = answer
    missing = [n for n in numbers if n not in clean]
    if missing and spec.get("require_all", True):
        raise ScoringError(f"unanswered items: {missing}")
    return clean


def _scale_value(scale: Mapping, answers: Mapping[int, int]) -> int | None:
    reverse = set(scale.get("reverse", []))
    base = int(scale.get("reverse_base") or 0)
    total = 0
    for number in scale["items"]:
        if number not in answers:
            return None
        value = answers[number]
        total += (base - value) if number in reverse else value
    return total * int(scale.get("multiply", 1))


def band_for(scale: Mapping, value: int) -> str:
    """The code of the band `value` falls in ("" when the scale has no bands)."""
    bands = scale.get("bands") or []
    for band in bands:
        if value <= band["max"]:
            return band["code"]
    return bands[-1]["code"] if bands else ""


def _flag_raised(
    when: Mapping,
    scales: Mapping[str, int],
    answers: Mapping[int, int],
    previous: Mapping[str, int] | None,
) -> bool:
    if "scale" in when:
        value = scales.get(when["scale"])
        if value is None:
            return False
        return any(COMPARATORS[op](value, when[op]) for op in COMPARATORS if op in when)
    if "any_item" in when:
        test = when["any_item"]
        return any(
            COMPARATORS[op](value, test[op])
            for value in answers.values()
            for op in COMPARATORS
            if op in test
        )
    if "change" in when:
        test = when["change"]
        code = test["scale"]
        if previous is None or code not in previous or code not in scales:
            return False
        return previous[code] - scales[code] >= test["drop_gte"]
    raise ScoringError(f"unknown flag condition {sorted(when)}")


def score(
    spec: Mapping, answers: Mapping, *, previous: Mapping[str, int] | None = None
) -> ScoreResult:
    """Score `answers` against `spec`. `previous` holds the scales of the person's previous
    check-in with the same instrument (for change flags), or None for a first check-in."""
    clean = answers_clean(spec, answers)
    scales: dict[str, int] = {}
    bands: dict[str, str] = {}
    for scale in spec["scales"]:
        value = _scale_value(scale, clean)
        if value is None:
            continue
        scales[scale["code"]] = value
        band = band_for(scale, value)
        if band:
            bands[scale["code"]] = band
    flags: list[str] = []
    severity = 0
    for flag in spec.get("flags", []):
        if _flag_raised(flag["when"], scales, clean, previous) and flag["code"] not in flags:
            flags.append(flag["code"])
            severity = max(severity, int(flag.get("severity", SEVERITY_MEDIUM)))
    change = {}
    if previous:
        change = {
            code: value - previous[code] for code, value in scales.items() if code in previous
        }
    return ScoreResult(scales=scales, bands=bands, flags=flags, severity=severity, change=change)


def scale_spec(spec: Mapping, code: str) -> Mapping | None:
    return next((s for s in spec["scales"] if s["code"] == code), None)


def scale_range(spec: Mapping, code: str) -> tuple[int, int]:
    """The lowest and highest value a scale can take."""
    scale = scale_spec(spec, code)
    if scale is None:
        raise KeyError(code)
    values = answer_values(spec)
    low, high = min(values), max(values)
    multiply = int(scale.get("multiply", 1))
    count = len(scale["items"])
    return low * count * multiply, high * count * multiply


def band_level(spec: Mapping, scale_code: str, band_code: str) -> str:
    """How a band reads for the person: "ok", "attention" or "concern"."""
    scale = scale_spec(spec, scale_code) or {}
    for band in scale.get("bands") or []:
        if band["code"] == band_code:
            return band.get("level", "ok")
    return "ok"
