"""A server-rendered line chart (SVG, no script): coordinates computed here, drawn by
templates/reporting/_line_chart.html. The data table under it carries the same numbers for
screen readers and for anyone who prefers figures."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 260
LEFT = 44
RIGHT = 32
TOP = 12
BOTTOM = 40


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    value: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[ChartPoint]
    polyline: str
    gridlines: list[dict]
    baseline_y: float
    left: int
    right_x: float


def percent_line_chart(values: list[tuple[str, int]]) -> LineChart:
    """A 0-100 % line over evenly spaced labels."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(values) - 1)
    points = [
        ChartPoint(
            x=round(LEFT + i * step, 1),
            y=round(TOP + plot_h * (1 - min(100, max(0, value)) / 100), 1),
            label=label,
            value=value,
        )
        for i, (label, value) in enumerate(values)
    ]
    gridlines = [
        {"y": round(TOP + plot_h * (1 - level / 100), 1), "label": f"{level} %"}
        for level in (0, 25, 50, 75, 100)
    ]
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        gridlines=gridlines,
        baseline_y=TOP + plot_h,
        left=LEFT,
        right_x=WIDTH - RIGHT,
    )
