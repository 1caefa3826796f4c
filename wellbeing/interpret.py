"""Plain words for results: never a diagnosis, always an offer of support.

Band and scale labels come from the instrument's data (per language); the messages that
explain a level to the person and the names of flags for leads are ours, translated here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import CheckIn
from .models.instruments import localised
from .scoring import band_level, scale_spec

LEVEL_ORDER = {"ok": 0, "attention": 1, "concern": 2}

LEVEL_TITLES = {
    "ok": _("No particular concern"),
    "attention": _("Things may have been harder lately"),
    "concern": _("It sounds like a hard time"),
}

LEVEL_MESSAGES = {
    "ok": _(
        "Your answers do not suggest a particular concern. Keep doing what helps you, and "
        "check in again when the next one is due."
    ),
    "attention": _(
        "Your answers suggest things have been harder than usual lately. This is not a "
        "diagnosis. It may help to talk to someone you trust, to your wellbeing lead or to one "
        "of the contacts on the support page."
    ),
    "concern": _(
        "Your answers suggest you have been having a hard time. This is not a diagnosis, but "
        "it is a good moment to talk to someone: your wellbeing lead, your doctor or one of the "
        "contacts on the support page."
    ),
}

FLAG_LABELS = {
    "likely_depression": _("In the range where further assessment is advised"),
    "poor_wellbeing": _("Low wellbeing"),
    "low_item": _("An answer at the lowest end"),
    "significant_drop": _("A significant drop since last time"),
    "talk_request": _("Asked to talk to someone"),
    "high_burnout": _("High burnout"),
    "high_sts": _("High secondary traumatic stress"),
}

SEVERITY_LABELS = {3: _("High"), 2: _("Medium"), 1: _("Low")}

STATUS_HELP = {
    "new": _("Not yet picked up."),
    "contacted": _("The lead has reached out."),
    "in_support": _("Support is under way."),
    "closed": _("No further follow-up planned."),
}


def flag_label(code: str) -> str:
    return str(FLAG_LABELS.get(code, code.replace("_", " ")))


def flag_labels(codes) -> list[str]:
    return [flag_label(code) for code in codes]


def scale_rows(checkin: CheckIn, *, codes: list[str] | None = None) -> list[dict]:
    """One row per scale: label, value, band label and level, change since last time."""
    if checkin.instrument is None:
        return []
    spec = checkin.instrument.spec
    result = checkin.result or {}
    scales = result.get("scales", {})
    bands = result.get("bands", {})
    change = result.get("change", {})
    significant = spec.get("significant_change") or {}
    wanted = codes if codes is not None else [s["code"] for s in spec["scales"]]
    rows = []
    for code in wanted:
        if code not in scales:
            continue
        scale = scale_spec(spec, code) or {}
        band = bands.get(code, "")
        band_label = ""
        for candidate in scale.get("bands") or []:
            if candidate["code"] == band:
                band_label = localised(candidate.get("label"))
        delta = change.get(code)
        rows.append(
            {
                "code": code,
                "label": localised(scale.get("label")) or code,
                "value": scales[code],
                "band": band,
                "band_label": band_label,
                "level": band_level(spec, code, band) if band else "ok",
                "change": delta,
                "change_size": abs(delta) if delta is not None else None,
                "significant": (
                    delta is not None
                    and significant.get("scale") == code
                    and abs(delta) >= significant.get("points", 10**9)
                ),
            }
        )
    return rows


def summary_for(checkin: CheckIn) -> dict:
    """What the person reads about one of their check-ins."""
    if checkin.instrument is None:
        return {"rows": [], "level": None, "title": "", "message": ""}
    spec = checkin.instrument.spec
    rows = scale_rows(checkin, codes=spec.get("chart_scales") or [checkin.instrument.primary_scale])
    level = max((row["level"] for row in rows), key=lambda lv: LEVEL_ORDER[lv], default="ok")
    return {
        "rows": rows,
        "level": level,
        "title": LEVEL_TITLES[level],
        "message": LEVEL_MESSAGES[level],
    }


def answer_rows(checkin: CheckIn) -> list[dict]:
    """Each statement with the answer given, in the instrument's own words."""
    if checkin.instrument is None:
        return []
    spec = checkin.instrument.spec
    labels = {option["value"]: localised(option["label"]) for option in spec["scale"]}
    rows = []
    for item in spec["items"]:
        value = checkin.answers.get(str(item["number"]))
        rows.append(
            {
                "number": item["number"],
                "text": localised(item["text"]),
                "value": value,
                "label": labels.get(value, ""),
            }
        )
    return rows
