"""Audit action codes in plain words."""

from __future__ import annotations

from django.utils import translation

from accounts.registries import audit_action_label


def test_a_registered_action_has_its_label():
    with translation.override("en"):
        assert audit_action_label("role.granted") == "Granted a role"


def test_a_registered_label_is_translated():
    with translation.override("fr"):
        assert audit_action_label("role.granted") != "Granted a role"


def test_an_unregistered_action_is_made_readable():
    assert audit_action_label("some_app.thing_done") == "some app: thing done"


def test_a_code_without_an_app_is_shown_as_it_is():
    assert audit_action_label("legacy") == "legacy"
