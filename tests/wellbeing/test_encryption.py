"""Free text and lead notes are encrypted at rest (Fernet, newest key first; rotation)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from wellbeing.crypto import UNREADABLE
from wellbeing.models import CheckIn, ReviewEntry
from wellbeing.services import review_note_add

SECRET = "I have not been sleeping since the last operation."


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_free_text_is_not_stored_as_plaintext(make_checkin, learner):
    checkin = make_checkin(learner, free_text=SECRET)

    stored = raw("wellbeing_checkin", "free_text", checkin.pk)
    assert SECRET not in stored
    assert stored.startswith("gAAAAA")
    assert CheckIn.objects.get(pk=checkin.pk).free_text == SECRET


def test_lead_notes_are_not_stored_as_plaintext(make_checkin, learner, wellbeing_lead):
    checkin = make_checkin(learner, wants_to_talk=True)

    entry = review_note_add(actor=wellbeing_lead, case=checkin.review_case, text=SECRET)

    assert SECRET not in raw("wellbeing_reviewentry", "note", entry.pk)
    assert ReviewEntry.objects.get(pk=entry.pk).note == SECRET


def test_empty_text_stays_empty(make_checkin, learner):
    checkin = make_checkin(learner)

    assert raw("wellbeing_checkin", "free_text", checkin.pk) == ""


def test_text_encrypted_twice_gives_different_tokens(make_checkin, learner):
    first = make_checkin(learner, free_text=SECRET)
    second = make_checkin(learner, free_text=SECRET)

    assert raw("wellbeing_checkin", "free_text", first.pk) != raw(
        "wellbeing_checkin", "free_text", second.pk
    )


def test_rotation_re_encrypts_with_the_newest_key(settings, make_checkin, learner):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    checkin = make_checkin(learner, free_text=SECRET)
    new_key = Fernet.generate_key().decode()

    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        assert CheckIn.objects.get(pk=checkin.pk).free_text == SECRET
        call_command("wellbeing_reencrypt")

    token = raw("wellbeing_checkin", "free_text", checkin.pk)
    assert Fernet(new_key.encode()).decrypt(token.encode()).decode() == SECRET
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert CheckIn.objects.get(pk=checkin.pk).free_text == SECRET


def test_rotation_reports_values_no_key_can_open(settings, make_checkin, learner, capsys):
    make_checkin(learner, free_text=SECRET)
    stranger = Fernet.generate_key().decode()

    with override_settings(FIELD_ENCRYPTION_KEYS=[stranger]):
        call_command("wellbeing_reencrypt")

    assert "1 unreadable" in capsys.readouterr().out


def test_text_under_a_removed_key_shows_a_notice_not_a_crash(make_checkin, learner):
    checkin = make_checkin(learner, free_text=SECRET)

    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        assert CheckIn.objects.get(pk=checkin.pk).free_text == UNREADABLE


def test_a_malformed_key_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    from wellbeing.crypto import text_encrypt

    with (
        override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"]),
        pytest.raises(ImproperlyConfigured),
    ):
        text_encrypt("x")
