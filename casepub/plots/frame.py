"""The frame around the data: date axis, log and linear ticks, treatment periods, legend.

Dates are plotted as proleptic ordinals (``date.toordinal()``); ticks are placed and labelled
here, with numbers only ("2017", "04.2017", "11.04.2018"), so labels read the same in Russian
and English.
"""

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
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter
from matplotlib.typing import LineStyleType as LineStyle

from casepub.plots.data import Period
from casepub.plots.style import (
    FONT_PT,
    GREY,
    PERIOD_COLOURS,
    SMALL_PT,
    Decimal,
    format_number,
    ink_on,
    text_width_cm,
    tint,
    wrap_label,
)

STRIP_ROW_CM = 0.42
"""Height of one row of treatment bars above a plot."""


def day(when: dt.date) -> float:
    """The x coordinate of a date."""
    return float(when.toordinal())


@dataclass(frozen=True)
class Span:
    """The plotted date range (x limits, padded) and the axis width it is drawn on."""

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


def _month_starts(lo: float, hi: float, every: int) -> list[float]:
    when = dt.date.fromordinal(math.ceil(lo))
    year, month = when.year, when.month
    if when.day > 1:
        month += 1
    ticks: list[float] = []
    while True:
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        tick = day(dt.date(year, month, 1))
        if tick > hi:
            return ticks
        if (month - 1) % every == 0:
            ticks.append(tick)
        month += 1


def _year_starts(lo: float, hi: float, every: int) -> list[float]:
    first = dt.date.fromordinal(math.ceil(lo)).year + 1
    years = range(first - 1, dt.date.fromordinal(math.floor(hi)).year + 1)
    return [day(dt.date(y, 1, 1)) for y in years if y % every == 0 and lo <= day(dt.date(y, 1, 1))]


def date_axis(axes: Axes, span: Span) -> None:
    """Set x limits and numeric date ticks: years (minor months) or months, as the span allows."""
    axes.set_xlim(span.lo, span.hi)
    fit_years = max(2, int(span.axis_cm / 1.2))
    fit_months = max(2, int(span.axis_cm / 1.75))
    years = _year_starts(span.lo, span.hi, 1)
    major: list[float]
    minor: list[float] = []
    if len(years) >= 3:
        every = next((n for n in (1, 2, 5, 10, 20, 50) if len(years) / n <= fit_years), 100)
        major = _year_starts(span.lo, span.hi, every)
        if every > 1:
            minor = years
        elif span.hi - span.lo < 7 * 365:
            minor = _month_starts(span.lo, span.hi, 1)
        elif span.hi - span.lo < 15 * 365:
            minor = _month_starts(span.lo, span.hi, 3)
        fmt = "%Y"
    elif span.hi - span.lo > 75:
        months = _month_starts(span.lo, span.hi, 1)
        every = next((n for n in (1, 2, 3, 6) if len(months) / n <= fit_months), 12)
        major = _month_starts(span.lo, span.hi, every)
        minor = months
        fmt = "%m.%Y"
    else:
        days = [float(d) for d in range(math.ceil(span.lo), math.floor(span.hi) + 1)]
        step = next((n for n in (1, 2, 7, 14) if len(days) / n <= fit_months), 28)
        major = days[::step]
        minor = days if step > 1 else []
        fmt = "%d.%m.%Y"
    axes.xaxis.set_major_locator(FixedLocator(major))
    axes.xaxis.set_minor_locator(FixedLocator([t for t in minor if t not in major]))
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: dt.date.fromordinal(round(x)).strftime(fmt))
    )
    axes.xaxis.set_minor_formatter(NullFormatter())


def number_axis(axes: Axes, decimal: Decimal) -> None:
    """Plain numbers on a linear y axis (no offset, no scientific notation)."""
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, decimal)))


def log_axis(axes: Axes, low: float, high: float, decimal: Decimal) -> None:
    """A log y axis from ``low`` to ``high`` (padded) with plain-number ticks (1, 2, 5 × 10ⁿ)."""
    bottom, top = low / 1.6, high * 1.6
    axes.set_yscale("log")
    axes.set_ylim(bottom, top)
    decades = math.log10(top / bottom)
    subs: tuple[float, ...] = (1.0, 2.0, 5.0) if decades <= 3.2 else (1.0,)
    if decades < 1.0:
        subs = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
    axes.yaxis.set_major_locator(LogLocator(base=10.0, subs=subs, numticks=30))
    axes.yaxis.set_minor_locator(
        LogLocator(base=10.0, subs=[s for s in range(2, 10) if s not in subs], numticks=30)
    )
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, decimal)))
    axes.yaxis.set_minor_formatter(NullFormatter())


def positive(values: Iterable[float], what: str) -> list[float]:
    """The values, or ValueError if one cannot be drawn on a log axis."""
    values = list(values)
    bad = [v for v in values if not v > 0]
    if bad:
        raise ValueError(f"{what}: a log axis needs values > 0, got {bad[0]}")
    return values


# ---------------------------------------------------------------- treatment periods


def visible(periods: Sequence[Period], span: Span) -> list[Period]:
    """Periods that overlap the plotted range, in order of start."""
    shown = [
        p for p in periods if day(p.start) <= span.hi and (p.end is None or day(p.end) >= span.lo)
    ]
    return sorted(shown, key=lambda p: (p.start, p.label))


def _extent(period: Period, span: Span) -> tuple[float, float]:
    start = max(day(period.start), span.lo)
    end = span.hi if period.end is None else min(day(period.end) + 1, span.hi)
    return start, max(end, start + 0.12 * span.per_cm())


def shade_periods(axes: Axes, periods: Sequence[Period], span: Span) -> None:
    """Tint the background of a plot where each treatment was given."""
    for period in visible(periods, span):
        start, end = _extent(period, span)
        axes.axvspan(start, end, color=tint(PERIOD_COLOURS[period.kind], 0.12), lw=0, zorder=0)


def strip_rows(periods: Sequence[Period], span: Span) -> list[tuple[Period, int, str]]:
    """Each visible period with its row in the strip and where its label goes (in/right/left)."""
    per_cm = span.per_cm()
    rows_end: list[float] = []
    placed: list[tuple[Period, int, str]] = []
    for period in visible(periods, span):
        start, end = _extent(period, span)
        label_days = (text_width_cm(period.label, SMALL_PT) + 0.3) * per_cm
        place, first, last = "in", start, end
        if end - start < label_days:
            if end + label_days <= span.hi:
                place, last = "right", end + label_days
            else:
                place, first = "left", start - label_days
        row = next((i for i, taken in enumerate(rows_end) if taken < first), len(rows_end))
        if row == len(rows_end):
            rows_end.append(last)
        rows_end[row] = last + 0.2 * per_cm
        placed.append((period, row, place))
    return placed


def period_bar(
    axes: Axes, period: Period, y: float, span: Span, *, height: float, place: str
) -> None:
    """One treatment as a horizontal bar at ``y``; ongoing ones end in an arrowhead."""
    colour = PERIOD_COLOURS[period.kind]
    start, end = _extent(period, span)
    head = 0.22 * span.per_cm()
    body_end = end - head if period.end is None else end
    axes.add_patch(
        Polygon(
            _bar_outline(start, body_end, y, height, head if period.end is None else 0.0),
            closed=True,
            facecolor=colour,
            edgecolor="none",
            zorder=2,
            clip_on=False,
        )
    )
    if not period.label or place == "none":
        return
    pad = 0.12 * span.per_cm()
    if place == "in":
        x, ha, ink = start + pad, "left", ink_on(colour)
    elif place == "right":
        x, ha, ink = end + pad, "left", "#222222"
    else:
        x, ha, ink = start - pad, "right", "#222222"
    axes.text(
        x,
        y,
        period.label,
        ha=ha,
        va="center_baseline",
        fontsize=SMALL_PT,
        color=ink,
        zorder=3,
        clip_on=False,
    )


def _bar_outline(
    start: float, end: float, y: float, height: float, head: float
) -> list[tuple[float, float]]:
    top, bottom = y - height / 2, y + height / 2
    if head <= 0:
        return [(start, top), (end, top), (end, bottom), (start, bottom)]
    flare = height * 0.35
    return [
        (start, top),
        (end, top),
        (end, top - flare),
        (end + head, y),
        (end, bottom + flare),
        (end, bottom),
        (start, bottom),
    ]


def period_strip(axes: Axes, periods: Sequence[Period], span: Span) -> None:
    """Treatment bars in a thin axes above the plot, labelled, sharing its x axis."""
    placed = strip_rows(periods, span)
    rows = max((row for _, row, _ in placed), default=0) + 1
    for period, row, place in placed:
        period_bar(axes, period, row, span, height=0.62, place=place)
    axes.set_ylim(rows - 0.5, -0.5)
    axes.set_yticks([])
    axes.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
    for side in ("left", "bottom", "top", "right"):
        axes.spines[side].set_visible(False)


def strip_height_cm(periods: Sequence[Period], span: Span) -> float:
    """Height of the period strip (0 when no period is in range)."""
    placed = strip_rows(periods, span)
    if not placed:
        return 0.0
    return STRIP_ROW_CM * (max(row for _, row, _ in placed) + 1)


# ---------------------------------------------------------------- layout and legend


def panels(
    figure: Figure, heights_cm: Sequence[float], strip_cm: float
) -> tuple[list[Axes], Axes | None]:
    """Stacked data axes sharing x (created first: ``figure.axes[0]`` is the top data panel),
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
    axes.set_ylabel(wrap_label(text, max(height_cm - 0.4, 2.0)), fontsize=FONT_PT)


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
    outline = _bar_outline(-xdescent, width * 0.72 - xdescent, y, height * 0.55, width * 0.28)
    return Polygon(outline, closed=True)


def ongoing_handle() -> tuple[Patch, HandlerPatch]:
    """Legend symbol for "ongoing": a grey bar ending in an arrowhead."""
    return Patch(facecolor=GREY, edgecolor="none"), HandlerPatch(patch_func=_ongoing_patch)


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
    widths = [text_width_cm(label) + 0.9 for label in labels]
    ncols = 1
    for n in range(len(entries), 0, -1):
        rows = math.ceil(len(entries) / n)
        columns = [widths[i : i + rows] for i in range(0, len(widths), rows)]
        if sum(max(c) for c in columns) + 0.4 * (len(columns) - 1) <= width_cm - 0.6:
            ncols = n
            break
    figure.legend(
        [handle for handle, _ in entries],
        labels,
        loc="outside lower center",
        ncols=ncols,
        handler_map=handler_map,
    )


def line_handle(
    colour: str, *, marker: str = "", linestyle: LineStyle = "-", width: float = 1.2
) -> Line2D:
    """A legend symbol for a line (with or without a marker)."""
    return Line2D(
        [], [], color=colour, marker=marker, linestyle=linestyle, linewidth=width, markersize=4.5
    )
