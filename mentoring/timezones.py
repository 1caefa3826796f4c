"""Time zones for showing and entering times. People have no time-zone setting, so their
agency's country gives a sensible default (a country with several zones gets its capital's).
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

COUNTRY_ZONES = {
    "AT": "Europe/Vienna", "AU": "Australia/Sydney", "BE": "Europe/Brussels",
    "BG": "Europe/Sofia", "BR": "America/Sao_Paulo", "CA": "America/Toronto",
    "CH": "Europe/Zurich", "CY": "Asia/Nicosia", "CZ": "Europe/Prague", "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn", "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki", "FR": "Europe/Paris", "GB": "Europe/London", "GR": "Europe/Athens",
    "HR": "Europe/Zagreb", "HU": "Europe/Budapest", "IE": "Europe/Dublin",
    "IN": "Asia/Kolkata", "IS": "Atlantic/Reykjavik", "IT": "Europe/Rome",
    "JP": "Asia/Tokyo", "KE": "Africa/Nairobi", "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg", "LV": "Europe/Riga", "MA": "Africa/Casablanca",
    "MT": "Europe/Malta", "NL": "Europe/Amsterdam", "NO": "Europe/Oslo",
    "NZ": "Pacific/Auckland", "PH": "Asia/Manila", "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon", "RO": "Europe/Bucharest", "SE": "Europe/Stockholm",
    "SG": "Asia/Singapore", "SI": "Europe/Ljubljana", "SK": "Europe/Bratislava",
    "SN": "Africa/Dakar", "TH": "Asia/Bangkok", "TN": "Africa/Tunis", "TR": "Europe/Istanbul",
    "UA": "Europe/Kyiv", "US": "America/New_York", "ZA": "Africa/Johannesburg",
}  # fmt: skip
DEFAULT_ZONE = "UTC"


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    """Every "Area/City" zone, sorted, with UTC first."""
    names = sorted(
        n
        for n in zoneinfo.available_timezones()
        if "/" in n and not n.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return [("UTC", "UTC"), *((n, n.replace("_", " ")) for n in names)]


def time_zone_for(user) -> str:
    """The zone to show `user` times in: their agency's country's, else UTC."""
    agency = getattr(user, "agency", None) if user is not None else None
    code = agency.country.code if agency is not None else ""
    return COUNTRY_ZONES.get(code, DEFAULT_ZONE)
