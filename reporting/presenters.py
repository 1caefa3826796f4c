"""HTML for the matrix's rows and its per-unit totals, built in Python.

A page of 25 people by 40 courses is 1,000 cells; through template tags and includes that
took seconds, here it takes milliseconds. Every value is escaped (django.utils.html.escape,
format_html), dates are localised once per distinct date, words are looked up once per
page, and equal cells are rendered once. The per-unit totals (a row of six numbers per
unit) are joined here too: a template loop over them cost more than the page's queries.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .selectors import MatrixCell, MatrixRow, UnitTotal
from .statuses import STATE_LABELS, STATUSES


class CellRenderer:
    """Renders cells in one language, time zone and set of date formats. One renderer per
    (language, time zone) is kept for the process (cell_renderer()), so a cell seen on an
    earlier page is a dict lookup; its memos are bounded (MEMO_LIMIT)."""

    def __init__(self) -> None:
        self.french = get_language() == "fr"  # professions are named in English and French
        self._long: dict[datetime.date, str] = {}
        self._short: dict[datetime.date, str] = {}
        self.words = {
            "due": _("Due"),
            "started": _("Started"),
            "completed": _("Completed"),
            "certified": _("Certified"),
            "valid_until": _("Valid until"),
            "no_dates": _("No dates yet"),
            "until_short": _("until"),
            "due_short": _("due"),
            "not_required": _("Not required"),
        }
        self._cells: dict[MatrixCell, str] = {}
        self._labels: dict[str, str] = {}
        self._empty = format_html(
            '<td class="cell cell-none"><span aria-hidden="true">·</span>'
            '<span class="visually-hidden">{}</span></td>',
            self.words["not_required"],
        )

    def _memo(self, cache: dict, value, fmt: str) -> str:
        text = cache.get(value)
        if text is None:
            text = cache[value] = formats.date_format(value, fmt)
        return text

    def long(self, value) -> str:
        return self._memo(self._long, value, "DATE_FORMAT")

    def short(self, value) -> str:
        return self._memo(self._short, value, "SHORT_DATE_FORMAT")

    def dates_text(self, cell: MatrixCell) -> str:
        """Every date of the cell in words: the hover text and the screen-reader text."""
        parts = []
        pairs: list[tuple[str, datetime.date | None]] = [
            ("due", cell.due_on),
            ("started", cell.started_on),
            ("completed", cell.completed_on),
            ("certified", cell.certified_on),
            ("valid_until", cell.expires_on),
        ]
        for word, value in pairs:
            if value is not None:
                parts.append(f"{self.words[word]} {self.long(value)}")
        return " · ".join(parts) or self.words["no_dates"]

    def cell(self, cell: MatrixCell | None) -> str:
        """One <td>; identical cells (same state and dates) are rendered once."""
        if cell is None:
            return self._empty
        html = self._cells.get(cell)
        if html is None:
            if len(self._cells) >= MEMO_LIMIT:
                for memo in (self._cells, self._long, self._short):
                    memo.clear()
            html = self._cells[cell] = self._render(cell)
        return html

    def _label(self, state: str) -> str:
        label = self._labels.get(state)
        if label is None:
            label = self._labels[state] = escape(str(STATE_LABELS.get(state, state)))
        return label

    def _render(self, cell: MatrixCell) -> str:
        dates = escape(self.dates_text(cell))
        key = cell.key_date
        key_html = ""
        if key is not None:
            word = self.words["until_short" if cell.key_date_is_expiry else "due_short"]
            key_html = f'<span class="cell-date">{escape(word)} {escape(self.short(key))}</span>'
        return (
            f'<td class="cell cell-{escape(cell.status)}" title="{dates}">'
            f'<span class="cell-label">{self._label(cell.state)}</span>{key_html}'
            f'<span class="visually-hidden">. {dates}</span></td>'
        )

    def row(self, row: MatrixRow, learner_url: tuple[str, str]) -> str:
        """One <tr>: the person (a link to their record), their unit, their cells. Every
        value in a cell is escaped in _render and _label."""
        person = row.person
        profession = person.profession_name
        if self.french and person.profession_name_fr:
            profession = person.profession_name_fr
        return (
            format_html(
                '<tr><th scope="row" class="matrix-person"><a href="{}{}{}">{}</a>{}</th>'
                "<td>{}</td>",
                learner_url[0],
                person.pk,
                learner_url[1],
                person.get_full_name(),
                format_html('<span class="matrix-sub">{}</span>', profession) if profession else "",
                person.unit_name or "—",
            )
            + "".join(self.cell(c) for c in row.cells)
            + "</tr>"
        )


MEMO_LIMIT = 20_000
_renderers: dict[tuple[str | None, str], CellRenderer] = {}


def cell_renderer() -> CellRenderer:
    """The process's renderer for the active language and time zone."""
    key = (get_language(), timezone.get_current_timezone_name())
    renderer = _renderers.get(key)
    if renderer is None:
        renderer = _renderers[key] = CellRenderer()
    return renderer


def _learner_url() -> tuple[str, str]:
    """The learner record's URL around its id, reversed once per page, not once per row."""
    marker = "2147483647"
    before, _sep, after = reverse("reporting:learner", args=[int(marker)]).rpartition(marker)
    return before, after


def matrix_rows_html(rows: list[MatrixRow]) -> SafeString:
    render = cell_renderer().row
    url = _learner_url()
    return mark_safe("".join(render(row, url) for row in rows))  # noqa: S308  # nosec B308 B703


def unit_totals_html(totals: list[UnitTotal]) -> SafeString:
    """The rows of the per-unit totals table: unit, required, one count per status (in
    STATUSES order, as the header), completed and valid in percent."""
    no_unit = _("No unit")
    parts = []
    for total in totals:
        counts = total.counts
        numbers = "".join(f'<td class="num">{counts.counts[s]}</td>' for s in STATUSES)
        parts.append(
            format_html(
                '<tr><th scope="row">{}</th><td class="num">{}</td>',
                total.unit.name if total.unit else no_unit,
                counts.total,
            )
            + numbers  # integers only
            + f'<td class="num">{counts.up_to_date_percent} %</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
