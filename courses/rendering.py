"""Markdown to safe HTML, behind one function (DESIGN sections 2 and 10).

Rendered once, when a trainer saves or publishes; the stored HTML is what is served. Swap the
sanitiser here and nowhere else. CSP (`script-src 'self'`, `style-src 'self'`) is the second
layer; this function must be safe without it (tests/courses/test_xss_corpus.py proves it in
Chromium against about 2,300 public payloads).
"""

from __future__ import annotations

import re

import markdown
import nh3
from django.utils.text import slugify

# Everything else is dropped (text kept). No script, style, iframe, object, embed, form,
# input, base, meta, link, svg, math, map/area.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
        "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
    }
)  # fmt: skip
# Contents dropped together with the tag (nh3 always does this for script and style).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "title", "textarea"})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "li": {"id"},
    "sup": {"id"},
}
ALLOWED_CLASSES = {
    "div": {"toc", "footnote"},
    "a": {"footnote-ref", "footnote-backref"},
    "code": {f"language-{name}" for name in ("text", "python", "json", "bash", "sql", "html")},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Ids come only from our own heading slugs and footnotes, never from the author's raw HTML,
# so lesson text cannot clobber an id of the page around it (for example id="main").
_SAFE_ID = re.compile(r"^(?:h-[a-z0-9-]{1,80}|fn:[\w-]{1,40}|fnref\d*:[\w-]{1,40})$")


def _heading_slug(value: str, separator: str) -> str:
    return "h-" + (slugify(value)[:70] or "section")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if _SAFE_ID.match(value) else None
    if tag == "img" and attribute == "src":
        # Only our own diagrams (same-origin paths); never remote trackers or data: URLs.
        return value if value.startswith("/") and not value.startswith("//") else None
    return value


def html_sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        allowed_classes={tag: set(classes) for tag, classes in ALLOWED_CLASSES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def markdown_render_unsafe(text: str) -> str:
    """Markdown alone, WITHOUT sanitising. Only for markdown_render_safe and for the positive
    control of the XSS test; never store or serve its output."""
    return markdown.markdown(
        text or "",
        extensions=["tables", "fenced_code", "toc", "footnotes", "sane_lists"],
        extension_configs={
            # Lesson headings start at h2: the page has its own h1.
            "toc": {"baselevel": 2, "slugify": _heading_slug, "permalink": False},
            "tables": {"use_align_attribute": True},
            "footnotes": {"BACKLINK_TITLE": "Back to the text"},
        },
        output_format="html",
    )


def markdown_render_safe(text: str) -> str:
    """Trainer Markdown -> HTML that is safe to serve as-is: python-markdown (tables, fenced
    code, table of contents, footnotes) then nh3 with the allow-list above. No script, style,
    iframe, object, event handler, javascript: or data: URL survives; links get
    rel="noopener noreferrer"."""
    return html_sanitise(markdown_render_unsafe(text))
