"""The frame around the data: date span, treatment bars and tints, stacked panels, legend."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase, HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.typing import LineStyleType

from casepub.plots.data import Period
from casepub.plots.style import (
    FONT_PT,
    GREY,
    INK,
    PERIOD_COLOURS,
    SMALL_PT,
    ink_on,
    text_width_cm,
    tint,
    wrap_label,
)
from casepub.plots.ticks import day

STRIP_ROW_CM = 0.45
"""Height of one row of treatment bars above a plot."""
LEGEND_ROW_CM = 0.42


@dataclass(frozen=True)
class Span:
    """The plotted date range (x limits, padded) and the length of the axis it is drawn on."""

    lo: float
    hi: float
    axis_cm: float

    @classmethod
    def around(cls, dates: Iterable[dt.date], axis_cm: float, *, pad: float = 0.04) -> Span:
        days = [day(when) for when in dates]
        if not days:
            raise ValueError("no dates to plot")
        first, last = min(days), max(days)
        margin = max((last - first) * pad, 12.0)
        return cls(first - margin, last + margin, axis_cm)

    def per_cm(self) -> float:
        """Days per centimetre of axis."""
        return (self.hi - self.lo) / self.axis_cm


# ---------------------------------------------------------------- treatment periods


def visible(periods: Sequence[Period], span: Span) -> list[Period]:
    """Periods that overlap the plotted range, in order of start."""
    shown = [
        p for p in periods if day(p.start) <= span.hi and (p.end is None or day(p.end) >= span.lo)
    ]
    return sorted(shown, key=lambda p: (p.start, p.label))


def extent(period: Period, span: Span) -> tuple[float, float]:
    """Start and end of a period's bar, clipped to the span; at least a sliver wide."""
    start = max(day(period.start), span.lo)
    end = span.hi if period.end is None else min(day(period.end) + 1, span.hi)
    return start, max(end, start + 0.1 * span.per_cm())


def shade_periods(axes: Axes, periods: Sequence[Period], span: Span) -> None:
    """Tint the background of a plot where each treatment was given."""
    for period in visible(periods, span):
        start, end = extent(period, span)
        axes.axvspan(start, end, color=tint(PERIOD_COLOURS[period.kind], 0.08), lw=0, zorder=0)


def bar_outline(
    start: float, end: float, y: float, height: float, head: float
) -> list[tuple[float, float]]:
    """A bar from ``start`` to ``end``; with ``head`` > 0 it ends in an arrowhead that long."""
    top, bottom = y - height / 2, y + height / 2
    if head <= 0:
        return [(start, top), (end, top), (end, bottom), (start, bottom)]
    body = max(start, end - head)
    flare = height * 0.3
    return [
        (start, top),
        (body, top),
        (body, top - flare),
        (end, y),
        (body, bottom + flare),
        (body, bottom),
        (start, bottom),
    ]


def period_bar(axes: Axes, period: Period, y: float, span: Span, height: float) -> None:
    """One treatment as a horizontal bar at ``y``; an ongoing one ends in an arrowhead."""
    start, end = extent(period, span)
    head = 0.2 * span.per_cm() if period.end is None else 0.0
    patch = axes.add_patch(
        Polygon(
            bar_outline(start, end, y, height, head),
            closed=True,
            facecolor=PERIOD_COLOURS[period.kind],
            edgecolor="white",
            linewidth=0.6,
            zorder=2,
        )
    )
    patch.set_in_layout(False)


def _strip_label(period: Period, span: Span) -> tuple[str, str, float, float]:
    """Where a bar's label goes in the strip: (place, text, first, last) in days."""
    start, end = extent(period, span)
    per_cm = span.per_cm()
    text = period.label
    need = (text_width_cm(text, SMALL_PT) + 0.3) * per_cm
    if end - start >= need:
        return "in", text, start, end
    if end + need <= span.hi:
        return "right", text, start, end + need
    if start - need >= span.lo:
        return "left", text, start - need, end
    if end - start >= 2.0 * per_cm:
        return "in", _shortened(text, end - start, per_cm), start, end
    # No room anywhere (a short bar in a narrow chart): shortened on the roomier side, so the
    # label stays inside the chart instead of widening the figure.
    if span.hi - end >= start - span.lo:
        room = span.hi - end
        return "right", _shortened(text, room, per_cm), start, end + room
    room = start - span.lo
    return "left", _shortened(text, room, per_cm), start - room, end


def _shortened(text: str, room: float, per_cm: float) -> str:
    """``text`` cut to fit ``room`` days (with an ellipsis), but never below four letters."""
    if (text_width_cm(text, SMALL_PT) + 0.3) * per_cm <= room:
        return text
    while len(text) > 4 and (text_width_cm(text + "…", SMALL_PT) + 0.3) * per_cm > room:
        text = text[:-1].rstrip()
    return text + "…"


def period_strip(axes: Axes, periods: Sequence[Period], span: Span) -> None:
    """Treatment bars, labelled, in a thin axes above the plot that shares its x axis."""
    rows_end: list[float] = []
    for period in visible(periods, span):
        place, text, first, last = _strip_label(period, span)
        row = next((i for i, end in enumerate(rows_end) if end < first), len(rows_end))
        if row == len(rows_end):
            rows_end.append(last)
        rows_end[row] = last + 0.25 * span.per_cm()
        period_bar(axes, period, row, span, height=0.66)
        start, end = extent(period, span)
        pad = 0.1 * span.per_cm()
        colour = PERIOD_COLOURS[period.kind]
        x, ha, ink = {
            "in": (start + pad, "left", ink_on(colour)),
            "right": (end + pad, "left", INK),
            "left": (start - pad, "right", INK),
        }[place]
        axes.text(x, row, text, ha=ha, va="center_baseline", fontsize=SMALL_PT, color=ink, zorder=3)
    axes.set_ylim(max(len(rows_end), 1) - 0.5, -0.5)
    axes.set_yticks([])
    axes.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
    for side in ("left", "bottom", "top", "right"):
        axes.spines[side].set_visible(False)


def strip_rows(periods: Sequence[Period], span: Span) -> int:
    """Rows the strip needs (0 when no period is in range)."""
    rows_end: list[float] = []
    for period in visible(periods, span):
        _, _, first, last = _strip_label(period, span)
        row = next((i for i, end in enumerate(rows_end) if end < first), len(rows_end))
        if row == len(rows_end):
            rows_end.append(last)
        rows_end[row] = last + 0.25 * span.per_cm()
    return len(rows_end)


# ---------------------------------------------------------------- layout and legend


def panels(
    figure: Figure, heights_cm: Sequence[float], strip_cm: float
) -> tuple[list[Axes], Axes | None]:
    """Stacked data axes sharing x, created first (``figure.axes[0]`` is the top data panel),
    and a period strip above them when ``strip_cm`` > 0."""
    ratios = ([strip_cm] if strip_cm else []) + list(heights_cm)
    grid = figure.add_gridspec(len(ratios), 1, height_ratios=ratios)
    offset = 1 if strip_cm else 0
    first = figure.add_subplot(grid[offset])
    axes = [first] + [
        figure.add_subplot(grid[offset + i], sharex=first) for i in range(1, len(heights_cm))
    ]
    for panel in axes[:-1]:
        panel.tick_params(axis="x", which="both", labelbottom=False)
    strip = figure.add_subplot(grid[0], sharex=first) if strip_cm else None
    return axes, strip


def y_label(axes: Axes, text: str, height_cm: float) -> None:
    """A y-axis label wrapped to the height of its axes."""
    axes.set_ylabel(wrap_label(text, max(height_cm - 0.3, 2.0)), fontsize=FONT_PT)


def _ongoing_patch(
    legend: object,
    orig_handle: object,
    xdescent: float,
    ydescent: float,
    width: float,
    height: float,
    fontsize: float,
) -> Patch:
    y = height / 2 - ydescent
    return Polygon(bar_outline(-xdescent, width - xdescent, y, height * 0.55, width * 0.3))


def ongoing_handle() -> tuple[Patch, HandlerPatch]:
    """Legend symbol for "ongoing": a grey bar ending in an arrowhead."""
    return Patch(facecolor=GREY, edgecolor="none"), HandlerPatch(patch_func=_ongoing_patch)


def legend_columns(labels: Sequence[str], width_cm: float) -> int:
    """How many legend columns fit the figure width (column-major, as matplotlib fills them)."""
    widths = [text_width_cm(label) + 0.95 for label in labels]
    for n in range(len(labels), 1, -1):
        rows = math.ceil(len(labels) / n)
        columns = [widths[i : i + rows] for i in range(0, len(widths), rows)]
        if len(columns) == n and sum(map(max, columns)) + 0.4 * (n - 1) <= width_cm - 0.5:
            return n
    return 1


def legend_height_cm(labels: Sequence[str], width_cm: float) -> float:
    """Height the legend takes below the plot."""
    if not labels:
        return 0.0
    wrapped = [wrap_label(label, width_cm - 1.5) for label in labels]
    rows = math.ceil(len(wrapped) / legend_columns(wrapped, width_cm))
    extra = sum(label.count("\n") for label in wrapped)
    return 0.25 + LEGEND_ROW_CM * (rows + extra)


def legend_below(
    figure: Figure,
    entries: Sequence[tuple[Artist, str]],
    width_cm: float,
    *,
    handler_map: dict[object, HandlerBase] | None = None,
) -> None:
    """The figure legend in as few rows as fit the width, centred under the plot."""
    if not entries:
        return
    labels = [wrap_label(label, width_cm - 1.5) for _, label in entries]
    figure.legend(
        [handle for handle, _ in entries],
        labels,
        loc="outside lower center",
        ncols=legend_columns(labels, width_cm),
        handler_map=handler_map,
    )


def line_handle(
    colour: str, *, marker: str = "", linestyle: LineStyleType = "-", width: float = 1.3
) -> Line2D:
    """A legend symbol for a line (with or without a marker)."""
    return Line2D(
        [],
        [],
        color=colour,
        marker=marker,
        linestyle=linestyle,
        linewidth=width,
        markersize=4.5,
        markeredgecolor="white" if marker else colour,
        markeredgewidth=0.6,
    )
