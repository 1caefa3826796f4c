"""Small facts about a person that mentoring needs in several places."""

from __future__ import annotations

from accounts.models import Country, User


def person_country(user: User) -> Country | None:
    """The country of the person's agency (people without an agency have none)."""
    agency = user.agency
    return agency.country if agency is not None else None


def person_country_id(user: User) -> int | None:
    agency = user.agency
    return agency.country_id if agency is not None else None
