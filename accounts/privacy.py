"""The privacy registry: each app declares the personal data it holds and how to export and
erase it. Higher apps register in their AppConfig.ready(), so accounts imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction


@dataclass(frozen=True)
class PrivacyPart:
    name: str
    describes: str
    export: Callable[[Any], dict]
    erase: Callable[[Any], None]


_registry: dict[str, PrivacyPart] = {}


def privacy_register(
    *, name: str, describes: str, export: Callable[[Any], dict], erase: Callable[[Any], None]
) -> None:
    _registry[name] = PrivacyPart(name=name, describes=describes, export=export, erase=erase)


def privacy_parts() -> list[PrivacyPart]:
    return [_registry[k] for k in sorted(_registry)]


def privacy_export(*, user) -> dict[str, dict]:
    """Everything the registered apps hold about `user`, keyed by part name."""
    return {part.name: part.export(user) for part in privacy_parts()}


@transaction.atomic
def privacy_erase(*, user) -> list[str]:
    """Erase every registered part for `user`; all or nothing."""
    erased = []
    for part in privacy_parts():
        part.erase(user)
        erased.append(part.name)
    return erased
