"""The scaffold of the figures of values over time: a strip of labelled treatment bars on top,
data panels sharing one date axis below it (treatments tinted behind the data), the x label
under the last panel and the legend under the plot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from casepub.plots.data import CALENDAR, DateScale, Period, Point, Series, Texts
from casepub.plots.frame import (
    STRIP_ROW_CM,
    Span,
    legend_below,
    legend_height_cm,
    panels,
    period_strip,
    shade_periods,
    strip_rows,
    y_label,
)
from casepub.plots.style import SERIES_COLOURS, SERIES_MARKERS, new_figure
from casepub.plots.ticks import date_axis, day

AXIS_MARGIN_CM = 2.3
"""Room left of the plot for the y label and tick labels (an estimate before layout)."""
X_AXIS_CM = 1.1
"""Room under the last panel for date ticks and the x label."""


def points_of(series: Iterable[Series], what: str) -> list[Point]:
    """All points of the series, or ValueError when there are none."""
    points = [p for s in series for p in s.points]
    if not points:
        raise ValueError(f"{what}: no points to draw")
    return points


def colour(index: int) -> str:
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def symbol(index: int) -> str:
    return SERIES_MARKERS[index % len(SERIES_MARKERS)]


class Chart:
    """A figure of ``len(heights_cm)`` stacked panels over the dates of ``dates``, the date axis
    labelled as ``scale`` says."""

    def __init__(
        self,
        dates: Iterable[dt.date],
        periods: Sequence[Period],
        heights_cm: Sequence[float],
        width_cm: float,
        legend_labels: Sequence[str],
        scale: DateScale = CALENDAR,
    ) -> None:
        self.span = Span.around(dates, width_cm - AXIS_MARGIN_CM)
        self.width_cm = width_cm
        self.heights_cm = list(heights_cm)
        strip_cm = STRIP_ROW_CM * strip_rows(periods, self.span)
        height = strip_cm + sum(heights_cm) + X_AXIS_CM + 0.25
        height += legend_height_cm(legend_labels, width_cm)
        self.figure: Figure = new_figure(width_cm, height)
        self.axes, strip = panels(self.figure, heights_cm, strip_cm)
        for panel in self.axes:
            date_axis(panel, self.span.lo, self.span.hi, self.span.axis_cm, scale)
            shade_periods(panel, periods, self.span)
            panel.grid(axis="y", which="major")
            panel.set_axisbelow(True)
        if strip is not None:
            period_strip(strip, periods, self.span)

    def line(self, panel: Axes, series: Series, index: int, divide: float = 1.0) -> Line2D:
        """One series as a line with symbols, in date order (values ÷ ``divide``, e.g. ULN)."""
        ordered = sorted(series.points, key=lambda p: p.when)
        drawn = panel.plot(
            [day(p.when) for p in ordered],
            [p.value / divide for p in ordered],
            color=colour(index),
            marker=symbol(index),
            markersize=4.8,
            markeredgecolor="white",
            markeredgewidth=0.6,
            linewidth=1.3,
            zorder=4,
            clip_on=False,
        )
        return drawn[0]

    def y_label(self, index: int, text: str) -> None:
        y_label(self.axes[index], text, self.heights_cm[index])

    def finish(self, texts: Texts, entries: Sequence[tuple[Artist, str]]) -> Figure:
        """The x label under the last panel and the legend under the plot."""
        self.axes[-1].set_xlabel(texts.x_label)
        legend_below(self.figure, entries, self.width_cm)
        return self.figure


def panel_heights(count: int, single_cm: float) -> list[float]:
    """Panel heights: one tall panel, or small multiples that stay readable."""
    if count == 1:
        return [single_cm]
    return [4.0 if count == 2 else 3.4] * count
