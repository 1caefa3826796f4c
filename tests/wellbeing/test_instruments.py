"""Instruments are data: the WHO-5 ships unchanged through a migration; the ProQOL 5 is
loaded only by an explicit command from a file the agency provides."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from wellbeing.instruments import (
    PROQOL_TEMPLATE,
    WHO5_FILE,
    InstrumentDataError,
    instrument_load,
    spec_read,
    spec_validate,
)
from wellbeing.models import Instrument

WHO5_ITEMS = [
    "I have felt cheerful and in good spirits",
    "I have felt calm and relaxed",
    "I have felt active and vigorous",
    "I woke up feeling fresh and rested",
    "My daily life has been filled with things that interest me",
]


def test_who5_is_loaded_by_the_migration_with_its_official_wording(who5):
    assert [item["text"]["en"] for item in who5.spec["items"]] == WHO5_ITEMS
    assert [o["label"]["en"] for o in who5.spec["scale"]] == [
        "All of the time",
        "Most of the time",
        "More than half of the time",
        "Less than half of the time",
        "Some of the time",
        "At no time",
    ]
    assert who5.recall_days == 14
    assert who5.default_cadence_days == 14


def test_who5_carries_the_credit_its_authors_require(who5):
    assert "Psychiatric Research Unit, Mental Health Centre North Zealand" in who5.attribution
    assert "World Health Organization" in who5.attribution
    assert "must not be changed" in who5.licence


def test_proqol_is_not_loaded_by_default(db):
    assert not Instrument.objects.filter(code="proqol5").exists()


def test_the_proqol_template_is_refused_without_allow_placeholder(db):
    with pytest.raises(InstrumentDataError, match="placeholder"):
        instrument_load(spec=spec_read(PROQOL_TEMPLATE), source="t")


def test_load_proqol_command_loads_a_file_and_credits_cvt(db, capsys):
    call_command("load_proqol", str(PROQOL_TEMPLATE), "--allow-placeholder")

    instrument = Instrument.objects.get(code="proqol5", is_current=True)
    assert len(instrument.spec["items"]) == 30
    assert instrument.recall_days == 30
    assert "The Center for Victims of Torture" in instrument.attribution
    assert instrument.licence_url == "https://proqol.org/"
    assert "created" in capsys.readouterr().out


def test_load_proqol_without_the_official_file_says_what_to_do(db, tmp_path):
    with pytest.raises(CommandError, match="no file"):
        call_command("load_proqol", str(tmp_path / "missing.json"))


def test_load_proqol_refuses_a_file_with_placeholder_items(db, tmp_path):
    spec = spec_read(PROQOL_TEMPLATE)
    spec["placeholder"] = False
    path = tmp_path / "proqol5.json"
    path.write_text(json.dumps(spec))

    with pytest.raises(CommandError, match="placeholder"):
        call_command("load_proqol", str(path))


def test_loading_the_same_file_twice_changes_nothing(proqol):
    again, outcome = instrument_load(
        spec=spec_read(PROQOL_TEMPLATE), source="again", allow_placeholder=True
    )

    assert outcome == "unchanged"
    assert again.pk == proqol.pk


def test_a_new_version_becomes_current_and_keeps_the_old_one(who5):
    spec = spec_read(WHO5_FILE)
    spec["version"] = "2099"

    newer, outcome = instrument_load(spec=spec, source="test")

    who5.refresh_from_db()
    assert outcome == "created"
    assert newer.is_current and not who5.is_current


def test_a_version_with_answers_cannot_be_changed(who5, make_checkin, learner):
    make_checkin(learner)
    spec = spec_read(WHO5_FILE)
    spec["items"][0]["text"]["en"] = "Reworded"

    with pytest.raises(InstrumentDataError, match="new"):
        instrument_load(spec=spec, source="test")


def test_an_unanswered_version_may_be_corrected(who5):
    spec = spec_read(WHO5_FILE)
    spec["description"]["en"] = "Corrected description."

    _instrument, outcome = instrument_load(spec=spec, source="test")

    assert outcome == "updated"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.update(recall_days=0), "recall_days"),
        (lambda s: s.update(default_cadence_days=7), "shorter"),
        (lambda s: s["items"].pop(2), "numbered"),
        (lambda s: s["scales"][0].update(items=[1, 2, 9]), "item numbers"),
        (lambda s: s["scales"][1]["bands"].reverse(), "bands"),
        (lambda s: s["flags"][0].update(severity=7), "severity"),
        (lambda s: s["flags"][0].update(when={"scale": "nope", "lt": 3}), "condition"),
        (lambda s: s.pop("attribution"), "attribution"),
    ],
)
def test_invalid_instrument_files_are_refused_with_a_reason(change, message):
    spec = spec_read(WHO5_FILE)
    change(spec)

    with pytest.raises(InstrumentDataError, match=message):
        spec_validate(spec)


def test_load_instrument_command_reports_invalid_json(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")

    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_instrument", str(path))
