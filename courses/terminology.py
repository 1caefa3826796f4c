"""Terminology lint: find glossary terms marked "avoid" (and "use with care") in Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape

from .models import GlossaryTerm


@dataclass
class TermFlag:
    term: str
    status: str  # "avoid" or "care"
    preferred: str
    explanation: str
    count: int = 0
    where: list[str] = field(default_factory=list)

    @property
    def is_avoid(self) -> bool:
        return self.status == GlossaryTerm.Status.AVOID

    def as_dict(self) -> dict:
        return {"term": self.term, "preferred": self.preferred, "count": self.count}


def _pattern(forms: list[str]) -> re.Pattern:
    alternatives = sorted({f.strip() for f in forms if f.strip()}, key=len, reverse=True)
    escaped = [r"\s+".join(re.escape(part) for part in form.split()) for form in alternatives]
    return re.compile(r"(?<!\w)(?:" + "|".join(escaped) + r")(?!\w)", re.IGNORECASE)


@dataclass
class Lint:
    """The compiled lint for one language: build once per request, run on many texts."""

    rules: list[tuple[GlossaryTerm, re.Pattern]]

    def check(self, texts: list[tuple[str, str]]) -> list[TermFlag]:
        """`texts` is [(where, markdown)]; returns the flags, "avoid" first."""
        flags: list[TermFlag] = []
        for term, pattern in self.rules:
            flag = TermFlag(
                term=term.term,
                status=term.status,
                preferred=term.preferred_term,
                explanation=term.explanation,
            )
            for where, text in texts:
                hits = len(pattern.findall(text or ""))
                if hits:
                    flag.count += hits
                    flag.where.append(where)
            if flag.count:
                flags.append(flag)
        return sorted(flags, key=lambda f: (not f.is_avoid, f.term.casefold()))

    def highlight(self, html: str) -> str:
        """Wrap flagged terms in <mark> inside the text of already-sanitised HTML (preview
        only; stored HTML is never marked)."""
        parts = re.split(r"(<[^>]*>)", html)
        for index, part in enumerate(parts):
            if part and not part.startswith("<"):
                parts[index] = self._mark_text(part)
        return "".join(parts)

    def _mark_text(self, text: str) -> str:
        spans: list[tuple[int, int, GlossaryTerm]] = []
        for term, pattern in self.rules:
            for match in pattern.finditer(text):
                if all(match.end() <= s or match.start() >= e for s, e, _t in spans):
                    spans.append((match.start(), match.end(), term))
        out, cursor = [], 0
        for start, end, term in sorted(spans, key=lambda span: span[0]):
            css = "term-avoid" if term.status == GlossaryTerm.Status.AVOID else "term-care"
            tip = escape(term.preferred_term or term.term)
            out.append(text[cursor:start])
            out.append(f'<mark class="{css}" title="{tip}">{text[start:end]}</mark>')
            cursor = end
        out.append(text[cursor:])
        return "".join(out)


def glossary_lint_for(*, language: str = "en") -> Lint:
    terms = GlossaryTerm.objects.filter(
        language=language, status__in=[GlossaryTerm.Status.AVOID, GlossaryTerm.Status.CARE]
    )
    return Lint(rules=[(term, _pattern(term.forms())) for term in terms])
