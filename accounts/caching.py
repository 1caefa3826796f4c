"""Read-mostly data many pages share, kept in the cache under a generation that one change
forgets all at once (a new generation, never one used before). The lowest app holds it so
every app keeps its caches the same way.

    SCHEDULES = CacheGeneration("wellbeing:schedules", seconds=600)
    SCHEDULES.get_or_set((agency_id,), lambda: ...)   # on read
    SCHEDULES.forget()                                 # in the service or signal that changes it

`forget` runs at once and again when the transaction commits: a page read between the two
(still seeing the old rows) cannot keep its copy past the commit. Never put one person's
data under a key another person's request could build."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction


class CacheGeneration:
    def __init__(self, name: str, *, seconds: int) -> None:
        self.name = name
        self.seconds = seconds
        self._version_key = f"{name}:generation"

    def _generation(self) -> Any:
        generation = cache.get(self._version_key)
        if generation is None:
            cache.add(self._version_key, time.time_ns(), None)
            generation = cache.get(self._version_key, 0)
        return generation

    def get_or_set(self, parts: Iterable[object], compute: Callable[[], Any]) -> Any:
        """The cached value for `parts` in the current generation, computed when missing."""
        key = ":".join([self.name, str(self._generation()), *map(str, parts)])
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, self.seconds)
        return value

    def _bump(self) -> None:
        cache.set(self._version_key, time.time_ns(), None)

    def forget(self, **_signal: Any) -> None:
        """Every entry is read again: now, and once the change commits. Usable as a
        post_save / post_delete receiver."""
        self._bump()
        transaction.on_commit(self._bump)
