"""Instrument data files: validation and loading (see wellbeing/data/README.md).

The loader is used by the data migration that ships the WHO-5, by `manage.py load_proqol`
and by `manage.py load_instrument`. It takes the model class as an argument so that it works
with a migration's historical models too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from .scoring import COMPARATORS, answer_values, item_numbers, scale_range

DATA_DIR = Path(__file__).resolve().parent / "data"
WHO5_FILE = DATA_DIR / "who5" / "who5-1998.json"
PROQOL_DIR = DATA_DIR / "proqol5"
PROQOL_FILE = PROQOL_DIR / "proqol5.json"
PROQOL_TEMPLATE = PROQOL_DIR / "proqol5.template.json"
PLACEHOLDER_MARK = "PLACEHOLDER"
LEVELS = ("ok", "attention", "concern")


class InstrumentDataError(ValueError):
    """The data file is not a valid instrument; the message says what to fix."""


def _text(value, where: str) -> None:
    if not isinstance(value, dict) or not str(value.get("en", "")).strip():
        raise InstrumentDataError(f'{where}: give the text as {{"en": "..."}}')


def _has_placeholder(spec: Mapping) -> bool:
    texts = [spec.get("instructions"), spec.get("stem")]
    texts += [item.get("text") for item in spec.get("items", [])]
    texts += [option.get("label") for option in spec.get("scale", [])]
    for text in texts:
        for value in (text or {}).values():
            if PLACEHOLDER_MARK in str(value) or "placeholder" in str(value).lower():
                return True
    return False


def spec_validate(spec: Mapping, *, allow_placeholder: bool = False) -> None:
    """Raise InstrumentDataError unless `spec` is a complete, consistent instrument."""
    if spec.get("format") != 1:
        raise InstrumentDataError('"format" must be 1')
    for key in ("code", "version"):
        if not str(spec.get(key, "")).strip():
            raise InstrumentDataError(f'"{key}" is required')
    for key in ("name", "short_name", "attribution", "licence"):
        _text(spec.get(key), key)
    placeholder = bool(spec.get("placeholder")) or _has_placeholder(spec)
    if placeholder and not allow_placeholder:
        raise InstrumentDataError(
            "this file still holds placeholder text: paste the official wording (see the "
            'README next to the template) and remove "placeholder": true'
        )
    recall = spec.get("recall_days")
    if not isinstance(recall, int) or recall < 1:
        raise InstrumentDataError('"recall_days" must be a whole number of days')
    cadence = spec.get("default_cadence_days", recall)
    if not isinstance(cadence, int) or cadence < recall:
        raise InstrumentDataError('"default_cadence_days" may not be shorter than "recall_days"')
    scale = spec.get("scale") or []
    if len(scale) < 2:
        raise InstrumentDataError('"scale" needs at least two response options')
    for option in scale:
        if not isinstance(option.get("value"), int):
            raise InstrumentDataError("every response option needs a whole-number value")
        _text(option.get("label"), f"scale option {option.get('value')}")
    if len(set(answer_values(spec))) != len(scale):
        raise InstrumentDataError("response values must be distinct")
    items = spec.get("items") or []
    numbers = [item.get("number") for item in items]
    if numbers != list(range(1, len(items) + 1)):
        raise InstrumentDataError('"items" must be numbered 1, 2, 3 ... in order')
    for item in items:
        _text(item.get("text"), f"item {item['number']}")
    _scales_validate(spec)
    _flags_validate(spec)


def _scales_validate(spec: Mapping) -> None:
    scales = spec.get("scales") or []
    if not scales:
        raise InstrumentDataError('"scales" must define at least one score')
    numbers = set(item_numbers(spec))
    codes = [s.get("code") for s in scales]
    if len(set(codes)) != len(codes) or not all(codes):
        raise InstrumentDataError("every scale needs a distinct code")
    for scale in scales:
        where = f"scale {scale['code']}"
        _text(scale.get("label"), where)
        if not scale.get("items") or not set(scale["items"]) <= numbers:
            raise InstrumentDataError(f"{where}: items must be item numbers of this instrument")
        reverse = scale.get("reverse") or []
        if not set(reverse) <= set(scale["items"]):
            raise InstrumentDataError(f"{where}: reversed items must belong to the scale")
        if reverse and not isinstance(scale.get("reverse_base"), int):
            raise InstrumentDataError(f"{where}: reversed items need a whole-number reverse_base")
        _low, high = scale_range(spec, scale["code"])
        bands = scale.get("bands") or []
        maxima = [band.get("max") for band in bands]
        if bands and (maxima != sorted(maxima) or maxima[-1] < high):
            raise InstrumentDataError(
                f"{where}: bands must rise in 'max' and the last must reach {high}"
            )
        for band in bands:
            if band.get("level", "ok") not in LEVELS:
                raise InstrumentDataError(f"{where}: a band level must be one of {LEVELS}")
            _text(band.get("label"), f"{where} band {band.get('code')}")
    for key in ("primary_scale",):
        if spec.get(key) and spec[key] not in codes:
            raise InstrumentDataError(f'"{key}" must name a scale')
    if not set(spec.get("chart_scales") or []) <= set(codes):
        raise InstrumentDataError('"chart_scales" must name scales')


def _flags_validate(spec: Mapping) -> None:
    codes = {s["code"] for s in spec["scales"]}
    for flag in spec.get("flags") or []:
        when = flag.get("when") or {}
        if not flag.get("code") or flag.get("severity") not in (1, 2, 3):
            raise InstrumentDataError("every flag needs a code and a severity of 1, 2 or 3")
        if "scale" in when:
            ok = when["scale"] in codes and any(op in when for op in COMPARATORS)
        elif "any_item" in when:
            ok = any(op in when["any_item"] for op in COMPARATORS)
        elif "change" in when:
            ok = when["change"].get("scale") in codes and "drop_gte" in when["change"]
        else:
            ok = False
        if not ok:
            raise InstrumentDataError(f"flag {flag.get('code')}: condition not understood")


def spec_checksum(spec: Mapping) -> str:
    canonical = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def spec_read(path: Path | str) -> dict:
    path = Path(path)
    if not path.is_file():
        raise InstrumentDataError(f"no file at {path}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeError, json.JSONDecodeError) as exc:
        raise InstrumentDataError(f"{path} is not valid JSON: {exc}") from exc


def instrument_load(
    *, spec: dict, source: str, allow_placeholder: bool = False, model=None
) -> tuple[Any, str]:
    """Load one instrument version; returns (instrument, "created" | "unchanged" | "updated").

    A version that is already loaded with the same content changes nothing. A version whose
    content differs may be replaced only while nobody has answered it; otherwise load it as
    a new version. The loaded version becomes the current one for its code.
    """
    if model is None:
        from .models import Instrument as model
    spec_validate(spec, allow_placeholder=allow_placeholder)
    checksum = spec_checksum(spec)
    fields = {
        "name": spec["name"]["en"][:200],
        "recall_days": spec["recall_days"],
        "default_cadence_days": spec.get("default_cadence_days", spec["recall_days"]),
        "spec": spec,
        "checksum": checksum,
        "source": source[:300],
    }
    with transaction.atomic():
        existing = (
            model.objects.select_for_update()
            .filter(code=spec["code"], version=spec["version"])
            .first()
        )
        if existing is not None and existing.checksum == checksum:
            outcome = "unchanged"
            instrument = existing
        elif existing is not None:
            if existing.checkins.exists():
                raise InstrumentDataError(
                    f"{spec['code']} version {spec['version']} has answers already: give the "
                    'changed file a new "version"'
                )
            for key, value in fields.items():
                setattr(existing, key, value)
            existing.save()
            outcome, instrument = "updated", existing
        else:
            model.objects.filter(code=spec["code"], is_current=True).update(is_current=False)
            instrument = model.objects.create(
                code=spec["code"], version=spec["version"], is_current=True, **fields
            )
            outcome = "created"
        if not instrument.is_current:
            model.objects.filter(code=spec["code"], is_current=True).update(is_current=False)
            instrument.is_current = True
            instrument.save(update_fields=["is_current"])
    return instrument, outcome
