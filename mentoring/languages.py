"""The languages people can say they work in (ISO 639-1 codes), and how a list of them is
stored: ",en,fr," in one column, so "speaks French" is an indexed-free but portable
`languages__contains=",fr,"` on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [
    ("ar", _("Arabic")),
    ("bg", _("Bulgarian")),
    ("zh", _("Chinese")),
    ("hr", _("Croatian")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("hi", _("Hindi")),
    ("hu", _("Hungarian")),
    ("ga", _("Irish")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("lv", _("Latvian")),
    ("lt", _("Lithuanian")),
    ("lb", _("Luxembourgish")),
    ("mt", _("Maltese")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("sk", _("Slovak")),
    ("sl", _("Slovenian")),
    ("es", _("Spanish")),
    ("sw", _("Swahili")),
    ("sv", _("Swedish")),
    ("th", _("Thai")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("vi", _("Vietnamese")),
]
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


def languages_encode(codes: Iterable[str]) -> str:
    """ ",en,fr," from ["fr", "en", "fr"]: known codes only, sorted, no duplicates."""
    known = sorted({c for c in codes if c in LANGUAGE_NAMES})
    return f",{','.join(known)}," if known else ""


def languages_decode(stored: str) -> list[str]:
    return [c for c in (stored or "").split(",") if c]


def languages_label(codes: Iterable[str]) -> list[str]:
    """Display names in the active language, sorted."""
    return sorted((str(LANGUAGE_NAMES[c]) for c in codes if c in LANGUAGE_NAMES), key=str.casefold)


def language_lookup(code: str) -> str:
    """The value to filter a languages column with: `languages__contains=language_lookup(c)`."""
    return f",{code},"
