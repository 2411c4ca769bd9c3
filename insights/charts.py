"""Charts drawn on the server as inline SVG: no script, no library, no request elsewhere.

Each chart is an image with a name (``role="img"`` and its ``<title>``) whose
numbers are in the data table printed right under it; the table is what a
screen reader reads. Series differ by colour, dash pattern and marker shape, so
colour is never the only cue (WCAG 1.4.1), and every colour has at least 3:1
contrast against the white background (1.4.11).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 36
# Dark blue, burnt orange, dark green: 4.5:1 or more on white.
COLOURS = ("#1f5fa8", "#a84a12", "#2e7d32")
DASHES = ("", "7 4", "2 3")
MARKERS = ("circle", "square", "triangle")
MAX_MARKED_POINTS = 45
MAX_X_LABELS = 8
BAR_HEIGHT, BAR_GAP, BAR_LABEL_WIDTH = 22, 8, 300


def nice_maximum(value: float) -> float:
    """The axis maximum: value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return float(next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value))


def _number(value: float) -> str:
    return f"{value:g}"


def _open(chart_id: str, title: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)} (chart; the table below has the'
        " numbers)</title>",
    ]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 4.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def _legend(names: Sequence[str]) -> list[str]:
    parts, x = [], LEFT
    for i, name in enumerate(names):
        colour, dash = COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]
        parts += [
            f'<line x1="{x}" y1="16" x2="{x + 28}" y2="16" stroke="{colour}" stroke-width="2.5"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>",
            _marker(MARKERS[i % len(MARKERS)], x + 14, 16, colour),
            f'<text x="{x + 34}" y="20" class="legend">{escape(name)}</text>',
        ]
        x += 46 + 7 * len(name)
    return parts


def _y_axis(maximum: float, unit: str) -> list[str]:
    parts = []
    plot_height = HEIGHT - TOP - BOTTOM
    for step in range(5):
        value = maximum * step / 4
        y = HEIGHT - BOTTOM - plot_height * step / 4
        parts += [
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>',
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_number(value)}{escape(unit)}</text>",
        ]
    return parts


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    unit: str = "",
) -> Markup:
    """Lines over the labels (days); a missing value (None) breaks its line."""
    values = [v for points in series.values() for v in points if v is not None]
    maximum = nice_maximum(max(values, default=0.0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step if len(labels) > 1 else LEFT + plot_width / 2

    def y(value: float) -> float:
        return HEIGHT - BOTTOM - plot_height * value / maximum

    parts = _open(chart_id, title, WIDTH, HEIGHT) + _y_axis(maximum, unit)
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for i in range(0, len(labels), every):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 12}" text-anchor="middle">'
            f"{escape(labels[i])}</text>"
        )
    for n, (name, points) in enumerate(series.items()):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        for run in _runs(points):
            path = " ".join(f"{x(i):.1f},{y(float(points[i] or 0)):.1f}" for i in run)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + f"><title>{escape(name)}</title></polyline>"
            )
            if len(labels) <= MAX_MARKED_POINTS:
                parts += [
                    _marker(MARKERS[n % len(MARKERS)], x(i), y(float(points[i] or 0)), colour)
                    for i in run
                ]
    parts += _legend(list(series))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _runs(points: Sequence[float | None]) -> list[list[int]]:
    """Indices of consecutive known values."""
    runs: list[list[int]] = [[]]
    for i, value in enumerate(points):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [run for run in runs if run]


def bar_chart(chart_id: str, title: str, labels: Sequence[str], values: Sequence[float]) -> Markup:
    """Horizontal bars, one per label, each with its value written at its end."""
    height = TOP + len(labels) * (BAR_HEIGHT + BAR_GAP)
    maximum = nice_maximum(max(values, default=0.0))
    plot_width = WIDTH - BAR_LABEL_WIDTH - RIGHT - 48
    parts = _open(chart_id, title, WIDTH, height)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        top = TOP - 16 + i * (BAR_HEIGHT + BAR_GAP)
        width = plot_width * value / maximum
        short = label if len(label) <= 44 else label[:43] + "\u2026"
        parts += [
            f'<text x="{BAR_LABEL_WIDTH - 8}" y="{top + 15}" text-anchor="end">'
            f"{escape(short)}</text>",
            f'<rect x="{BAR_LABEL_WIDTH}" y="{top}" width="{width:.1f}" height="{BAR_HEIGHT}"'
            f' fill="{COLOURS[0]}"/>',
            f'<text x="{BAR_LABEL_WIDTH + width + 6:.1f}" y="{top + 15}">{_number(value)}</text>',
        ]
    parts.append("</svg>")
    return Markup("\n".join(parts))
