from __future__ import annotations

import pytest

from notifications.kinds import (
    notification_kind_get,
    notification_kind_label,
    notification_kind_register,
    notification_kinds,
)


def test_registering_with_an_unknown_default_is_refused():
    with pytest.raises(ValueError, match="default_delivery"):
        notification_kind_register("tests.bad", "Bad", "sometimes")


def test_registering_an_overlong_code_is_refused():
    with pytest.raises(ValueError, match="1-50"):
        notification_kind_register("x" * 51, "Too long")


def test_an_unknown_kind_raises_lookup_error():
    with pytest.raises(LookupError, match="register it"):
        notification_kind_get("tests.never.registered")


def test_label_of_an_unregistered_kind_falls_back_to_its_code():
    assert notification_kind_label("gone.kind") == "gone.kind"


def test_kinds_are_listed_by_label(inbox_only_kind):
    labels = [str(k.label) for k in notification_kinds()]
    assert labels == sorted(labels, key=str.casefold)
