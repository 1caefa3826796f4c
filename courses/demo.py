"""Demo content for `manage.py seed_demo` (idempotent). Written for this project: sober,
text-only, illustrative."""

from __future__ import annotations


def seed_courses(stdout=None) -> None:
    return None
