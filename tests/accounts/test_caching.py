"""CacheGeneration: read once, forget all entries at once, and again on commit."""

from __future__ import annotations

from accounts.caching import CacheGeneration


def test_entries_are_computed_once_and_forgotten_together(db, django_capture_on_commit_callbacks):
    generation = CacheGeneration("test:things", seconds=60)
    calls = []

    def compute(n):
        calls.append(n)
        return [n]

    assert generation.get_or_set((1,), lambda: compute(1)) == [1]
    assert generation.get_or_set((1,), lambda: compute(1)) == [1]
    assert generation.get_or_set((2,), lambda: compute(2)) == [2]
    assert calls == [1, 2]

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        generation.forget()
    generation.get_or_set((1,), lambda: compute(1))  # read between the change and its commit
    assert calls == [1, 2, 1]

    for callback in on_commit:  # the commit forgets what was read in between
        callback()
    generation.get_or_set((1,), lambda: compute(1))
    generation.get_or_set((2,), lambda: compute(2))
    assert calls == [1, 2, 1, 1, 2]
