"""Reading feeds and STIX bundles into plain-text items. No database, no network: bytes in,
ParsedItem rows out, or a FeedError whose message an analyst can act on.

Text only: HTML is reduced to plain text (nh3 with no tags allowed), every field is capped,
links are kept only when they are http(s). From STIX bundles only reports, attack patterns,
tools, malware, infrastructure and campaigns are read; indicators, observables and every
other object are counted as ignored and never stored.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import defusedxml.ElementTree as SafeET
import feedparser
import nh3
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from .models import (
    EXTERNAL_ID_MAX,
    LABEL_MAX,
    LABELS_MAX,
    LINK_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TrendItem,
)

# HTML longer than this is cut before cleaning: a huge item costs little and still gives a
# full summary (which is capped at SUMMARY_MAX characters anyway).
RAW_TEXT_MAX = 200_000
STIX_KEPT_TYPES = {
    "report": TrendItem.Kind.REPORT,
    "attack-pattern": TrendItem.Kind.ATTACK_PATTERN,
    "tool": TrendItem.Kind.TOOL,
    "malware": TrendItem.Kind.MALWARE,
    "infrastructure": TrendItem.Kind.INFRASTRUCTURE,
    "campaign": TrendItem.Kind.CAMPAIGN,
}
# Lists in STIX objects that describe what the object is: kept as labels.
STIX_LABEL_LISTS = (
    "labels",
    "report_types",
    "tool_types",
    "malware_types",
    "infrastructure_types",
    "aliases",
)
_BLOCK_END = re.compile(
    r"<(?:br|hr|/p|/div|/li|/ul|/ol|/h[1-6]|/tr|/td|/th|/blockquote|/pre|/section|/article)\b[^>]*>",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u202a-\u202e]")
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")
_XML_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


class FeedError(Exception):
    """A feed or bundle that cannot be read; the message is for the analyst."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ParsedItem:
    kind: str
    title: str
    summary: str = ""
    link: str = ""
    external_id: str | None = None
    labels: list[str] = field(default_factory=list)
    published_at: datetime | None = None

    @property
    def content_hash(self) -> str:
        return item_content_hash(title=self.title, summary=self.summary)


@dataclass
class ParseResult:
    items: list[ParsedItem]
    ignored: int = 0


# --- Text -----------------------------------------------------------------------------------


def text_from_html(value, *, limit: int) -> str:
    """Plain text from an HTML fragment: tags removed (script and style with their content),
    entities decoded, control characters dropped, whitespace collapsed, cut to `limit`.

    The result is text, never markup: templates escape it when they show it.
    """
    if not value:
        return ""
    raw = str(value)[:RAW_TEXT_MAX]
    raw = _BLOCK_END.sub("\n\n", raw)
    cleaned = nh3.clean(raw, tags=set(), attributes={}, strip_comments=True)
    return plain_text(html.unescape(cleaned), limit=limit)


def plain_text(value, *, limit: int) -> str:
    """Normalised text: NFC, no control or direction-override characters, one space between
    words, paragraphs (blank lines) kept, at most `limit` characters (cut at a word, with an
    ellipsis)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)[:RAW_TEXT_MAX]).replace("\r", "\n")
    paragraphs = (" ".join(_CONTROL.sub(" ", part).split()) for part in _PARAGRAPH.split(text))
    text = "\n\n".join(p for p in paragraphs if p)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip(" ,;:.\n") + "…"


def one_line(value, *, limit: int) -> str:
    """Like plain_text, on one line (titles, labels)."""
    return plain_text(" ".join(str(value or "").split()), limit=limit)


def item_content_hash(*, title: str, summary: str) -> str:
    normalised = " ".join(f"{title}\n{summary}".casefold().split())
    return hashlib.sha256(normalised.encode()).hexdigest()


def safe_link(value) -> str:
    """The link if it is an absolute http(s) address of sensible length, else ""."""
    if not value:
        return ""
    link = str(value).strip()
    if len(link) > LINK_MAX or _CONTROL.search(link) or any(c.isspace() for c in link):
        return ""
    try:
        parts = urlsplit(link)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return link


def link_key(link: str) -> str | None:
    """The link as compared for de-duplication: scheme and host lower-cased, no fragment, no
    trailing slash. None for no link."""
    if not link:
        return None
    parts = urlsplit(link)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))[
        :LINK_MAX
    ]


def external_id_of(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    if len(text) > EXTERNAL_ID_MAX:
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return text


def labels_of(values) -> list[str]:
    labels: list[str] = []
    for value in values or []:
        label = one_line(value, limit=LABEL_MAX)
        if label and label not in labels:
            labels.append(label)
        if len(labels) >= LABELS_MAX:
            break
    return labels


def _date_from(value) -> datetime | None:
    """A sensible publication date: not before 1990, not in the future (a day's grace)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:  # time.struct_time in UTC, as feedparser gives
        try:
            moment = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
        except (OverflowError, ValueError, TypeError, OSError):
            return None
    if moment < _EARLIEST or moment > datetime.now(tz=UTC) + timedelta(days=1):
        return None
    return moment


def _title_or_summary_start(title: str, summary: str) -> str:
    if title:
        return title
    return one_line(summary, limit=120)


# --- RSS and Atom ---------------------------------------------------------------------------


def _check_xml(data: bytes) -> None:
    """Refuse what feedparser should never see: entity declarations (billion laughs, external
    entities) and documents that are not well-formed XML, with a message that says which."""
    try:
        SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FeedError(
            _(
                "The feed declares XML entities, which are refused: they can be used to "
                "exhaust the server's memory or read its files."
            )
        ) from None
    except SafeET.ParseError as exc:
        declared = _XML_DECLARED_ENCODING.match(data[:200])
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
        try:
            data.decode(encoding)
        except LookupError:
            raise FeedError(
                _("The feed declares an unknown encoding (%(encoding)s).") % {"encoding": encoding}
            ) from None
        except UnicodeDecodeError:
            raise FeedError(
                _(
                    "The feed's text is not valid %(encoding)s, the encoding it declares. "
                    "Ask its publisher to fix the encoding."
                )
                % {"encoding": encoding}
            ) from None
        raise FeedError(
            _("The feed is not well-formed XML (%(detail)s).") % {"detail": str(exc)[:200]}
        ) from None


def feed_parse(data: bytes) -> ParseResult:
    """Parse an RSS 2.0 or Atom document. Raises FeedError for anything not cleanly
    readable, so a broken fetch adds nothing."""
    if not data or not data.strip():
        raise FeedError(_("The feed was empty."))
    _check_xml(data)
    # Always bytes: given a str, feedparser would treat it as an address to fetch.
    parsed = feedparser.parse(bytes(data), sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo") and not isinstance(
        parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride
    ):
        detail = str(parsed.get("bozo_exception") or "")[:200]
        raise FeedError(_("The feed could not be read (%(detail)s).") % {"detail": detail})
    if not parsed.get("version"):
        raise FeedError(_("This is XML, but not an RSS or Atom feed."))
    items: list[ParsedItem] = []
    ignored = 0
    for entry in parsed.entries:
        item = _feed_entry_item(entry)
        if item is None:
            ignored += 1
        else:
            items.append(item)
    return ParseResult(items=items, ignored=ignored)


def _entry_text(detail) -> str:
    if not detail:
        return ""
    value = detail.get("value", "")
    if detail.get("type") == "text/plain":
        return plain_text(value, limit=SUMMARY_MAX)
    return text_from_html(value, limit=SUMMARY_MAX)


def _feed_entry_item(entry) -> ParsedItem | None:
    title = one_line(_entry_text(entry.get("title_detail")) or entry.get("title"), limit=TITLE_MAX)
    summary = _entry_text(entry.get("summary_detail"))
    if not summary and entry.get("content"):
        summary = _entry_text(entry["content"][0])
    if not title and not summary:
        return None
    return ParsedItem(
        kind=TrendItem.Kind.ARTICLE,
        title=_title_or_summary_start(title, summary),
        summary=summary,
        link=safe_link(entry.get("link")),
        external_id=external_id_of(entry.get("id")),
        labels=labels_of(t.get("term") for t in entry.get("tags") or []),
        published_at=_date_from(entry.get("published_parsed") or entry.get("updated_parsed")),
    )


# --- STIX 2.1 -------------------------------------------------------------------------------


def stix_parse(data: bytes) -> ParseResult:
    """Read a STIX 2.1 bundle. Each kept object is validated with the stix2 library; one
    invalid kept object refuses the whole bundle (nothing half-read is stored)."""
    import stix2
    from stix2.exceptions import STIXError

    if not data or not data.strip():
        raise FeedError(_("The bundle was empty."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedError(_("The bundle is not UTF-8 text, as STIX requires.")) from None
    try:
        bundle = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FeedError(
            _("The bundle is not valid JSON (%(detail)s).") % {"detail": str(exc)[:200]}
        ) from None
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise FeedError(_('This is JSON, but not a STIX bundle (its type must be "bundle").'))
    objects = bundle.get("objects")
    if objects is None:
        objects = []
    if not isinstance(objects, list):
        raise FeedError(_('The bundle\'s "objects" must be a list.'))
    items: list[ParsedItem] = []
    ignored = 0
    for position, raw in enumerate(objects, start=1):
        kind = STIX_KEPT_TYPES.get(str(raw.get("type"))) if isinstance(raw, dict) else None
        if kind is None or raw.get("revoked") is True:
            ignored += 1
            continue
        try:
            obj = stix2.parse(raw, allow_custom=True, version="2.1")
        except (STIXError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise FeedError(
                _("Object %(n)s (%(type)s) is not valid STIX 2.1: %(detail)s")
                % {"n": position, "type": raw.get("type"), "detail": str(exc)[:200]}
            ) from None
        item = _stix_item(obj, kind)
        if item is None:
            ignored += 1
        else:
            items.append(item)
    return ParseResult(items=items, ignored=ignored)


def _stix_item(obj, kind: str) -> ParsedItem | None:
    title = one_line(obj.get("name"), limit=TITLE_MAX)
    summary = text_from_html(obj.get("description"), limit=SUMMARY_MAX)
    if not title and not summary:
        return None
    labels: list = []
    for name in STIX_LABEL_LISTS:
        labels.extend(obj.get(name) or [])
    for phase in obj.get("kill_chain_phases") or []:
        labels.append(phase.get("phase_name"))
    link = ""
    for reference in obj.get("external_references") or []:
        link = safe_link(reference.get("url"))
        if link:
            break
    published = obj.get("published") or obj.get("first_seen") or obj.get("created")
    return ParsedItem(
        kind=kind,
        title=_title_or_summary_start(title, summary),
        summary=summary,
        link=link,
        external_id=external_id_of(obj.get("id")),
        labels=labels_of(str(label) for label in labels if label),
        published_at=_date_from(published),
    )
