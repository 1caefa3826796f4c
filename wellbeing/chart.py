"""A server-rendered line chart of scores over time (templates/wellbeing/_chart.html draws
it as inline SVG). No script: it works on locked-down browsers, and a data table beside it
carries the same numbers for screen readers and print."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import CheckIn, Instrument
from .models.instruments import localised
from .scoring import scale_range, scale_spec

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 30, 16, 40
MARKERS = ("circle", "square", "diamond")


@dataclass
class Series:
    code: str
    label: str
    marker: str
    index: int
    points: list[dict] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}" for i, p in enumerate(self.points)
        )


def chart_for(instrument: Instrument, checkins: list[CheckIn]) -> dict | None:
    """Chart data for `checkins` (any order) answered with `instrument`'s code; None when
    there is nothing to draw."""
    spec = instrument.spec
    codes = spec.get("chart_scales") or [instrument.primary_scale]
    rows = sorted(
        (c for c in checkins if c.instrument_id and c.result.get("scales")),
        key=lambda c: c.submitted_at,
    )
    if not rows:
        return None
    low = min(scale_range(spec, code)[0] for code in codes)
    high = max(scale_range(spec, code)[1] for code in codes)
    span = (high - low) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / span)

    count = len(rows)
    first = rows[0].submitted_at
    seconds = (rows[-1].submitted_at - first).total_seconds()

    def x_of(index: int) -> float:
        # Time runs evenly along the axis: a two-month gap looks like one, not like a day.
        if not seconds:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (rows[index].submitted_at - first).total_seconds() / seconds

    series = []
    for n, code in enumerate(codes):
        scale = scale_spec(spec, code) or {}
        line = Series(code, localised(scale.get("label")) or code, MARKERS[n % len(MARKERS)], n)
        for i, checkin in enumerate(rows):
            value = checkin.result["scales"].get(code)
            if value is not None:
                x, y = x_of(i), y_of(value)
                line.points.append(
                    {"x": _n(x), "y": _n(y), "mx": _n(x - 4), "my": _n(y - 4), "value": value}
                )
        series.append(line)
    ticks = [{"value": v, "y": _n(y_of(v))} for v in _ticks(low, high)]
    references = sorted(
        {v for code in codes for v in (scale_spec(spec, code) or {}).get("reference_lines", [])}
    )
    step = max(1, count // 6)
    labels = [
        {"x": _n(x_of(i)), "date": c.submitted_at}
        for i, c in enumerate(rows)
        if i % step == 0 or i == count - 1
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "tick_x": LEFT - 6,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 22,
        "series": series,
        "ticks": ticks,
        "references": [{"value": v, "y": _n(y_of(v))} for v in references if low < v < high],
        "ref_label_x": WIDTH - RIGHT + 4,
        "labels": labels,
        "first": rows[0].submitted_at,
        "last": rows[-1].submitted_at,
        "count": count,
        "low": low,
        "high": high,
    }


def _ticks(low: int, high: int) -> list[int]:
    span = high - low
    for step in (5, 10, 20, 25, 50):
        if span / step <= 5:
            break
    start = low - low % step
    return [v for v in range(start, high + 1, step) if v >= low]


def _n(value: float) -> str:
    """A coordinate as SVG wants it, never localised (no decimal comma in French)."""
    return f"{value:.1f}"


def charts_by_instrument(checkins: list[CheckIn]) -> list[dict]:
    """One chart per instrument code among `checkins`, drawn with the newest version's data."""
    by_code: dict[str, list[CheckIn]] = {}
    for item in checkins:
        if item.instrument is not None:
            by_code.setdefault(item.instrument.code, []).append(item)
    charts = []
    for items in by_code.values():
        newest = max(items, key=lambda c: c.submitted_at).instrument
        assert newest is not None  # grouped by instrument above
        chart = chart_for(newest, items)
        if chart:
            charts.append({"instrument": newest, "chart": chart})
    return charts
