"""Values over time: lab dynamics, tumour markers, lesion sizes with RECIST, ECOG.

Each figure has a strip of treatment bars on top (the same periods as the timeline), the data
panels below sharing the date axis, treatment periods tinted in the background, and a legend
under the plot. Texts arrive translated (``Texts``); numbers use the given decimal mark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from casepub.plots.data import Period, Point, ResponseMark, Series, Texts
from casepub.plots.frame import (
    Span,
    date_axis,
    day,
    legend_below,
    line_handle,
    log_axis,
    number_axis,
    panels,
    positive,
    shade_periods,
    visible,
    y_label,
)
from casepub.plots.style import (
    FULL_WIDTH_CM,
    GREY,
    INK,
    PERIOD_COLOURS,
    RC,
    RESPONSE_COLOURS,
    SERIES_COLOURS,
    SERIES_MARKERS,
    SMALL_PT,
    Decimal,
    new_figure,
    require_legend,
    tint,
)

PANEL_CM = 5.2
"""Height of one data panel."""
SMALL_PANEL_CM = 3.4
"""Height of each panel of small multiples."""
AXIS_MARGIN_CM = 2.2
"""Room left of the plot for the y label and ticks."""
LEGEND_CM = 1.8
"""Room below the plot for the legend."""


def _points(series: Sequence[Series], what: str) -> list[Point]:
    points = [p for s in series for p in s.points]
    if not points:
        raise ValueError(f"{what}: no points to draw")
    return points


def _frame(
    series_dates: list[Point],
    periods: Sequence[Period],
    heights: list[float],
    width_cm: float,
    extra: Sequence[dt.date] = (),
) -> tuple[Figure, list[Axes], Span]:
    """Figure and data panels sharing the date span; treatment periods tinted behind the data
    (named in the legend, so long treatment names never crowd the plot)."""
    dates = [p.when for p in series_dates] + list(extra)
    span = Span.around(dates, width_cm - AXIS_MARGIN_CM)
    figure = new_figure(width_cm, sum(heights) + LEGEND_CM + 1.1)
    axes, _strip = panels(figure, heights, 0.0)
    for panel in axes:
        date_axis(panel, span)
        shade_periods(panel, periods, span)
        panel.grid(axis="y", color="#E6E6E6", linewidth=0.5)
        panel.set_axisbelow(True)
        for side in ("top", "right"):
            panel.spines[side].set_visible(False)
    return figure, axes, span


def _line(axes: Axes, series: Series, index: int, values: Sequence[float]) -> None:
    colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    axes.plot(
        [day(p.when) for p in series.points],
        values,
        color=colour,
        marker=SERIES_MARKERS[index % len(SERIES_MARKERS)],
        markersize=4.5,
        linewidth=1.3,
        markeredgecolor="white",
        markeredgewidth=0.6,
        zorder=3,
    )


def _period_entries(
    periods: Sequence[Period], span: Span, texts: Texts
) -> list[tuple[Artist, str]]:
    """Legend entries for the tints of the kinds of treatment shown."""
    kinds = list(dict.fromkeys(p.kind for p in visible(periods, span)))
    require_legend(texts.legend, kinds, "treatment periods")
    return [
        (Patch(facecolor=tint(PERIOD_COLOURS[kind], 0.12), edgecolor="none"), texts.legend[kind])
        for kind in kinds
    ]


def _finish(
    figure: Figure,
    axes: list[Axes],
    texts: Texts,
    entries: list[tuple[Artist, str]],
    width_cm: float,
    periods: Sequence[Period],
    span: Span,
) -> Figure:
    axes[-1].set_xlabel(texts.x_label)
    legend_below(figure, entries + _period_entries(periods, span, texts), width_cm)
    return figure


def lab_figure(
    series: Sequence[Series],
    periods: Sequence[Period],
    texts: Texts,
    *,
    mode: Literal["values", "uln"],
    decimal: Decimal = ".",
    width_cm: float = FULL_WIDTH_CM,
) -> Figure:
    """``values``: one panel per analyte with its reference band; ``uln``: all analytes as
    value ÷ ULN on one log axis with lines at 1×, 1.5× and 2× ULN. Legend key: ``reference``
    (values) or ``uln`` (uln)."""
    points = _points(series, "lab_figure")
    with rc_context(RC):
        if mode == "uln":
            return _uln_figure(series, periods, texts, points, decimal, width_cm)
        require_legend(texts.legend, ["reference"], "lab_figure")
        heights = [PANEL_CM if len(series) == 1 else SMALL_PANEL_CM] * len(series)
        figure, axes, span = _frame(points, periods, heights, width_cm)
        for index, (panel, item) in enumerate(zip(axes, series, strict=True)):
            values = [p.value for p in item.points]
            if item.low is not None or item.high is not None:
                low = item.low if item.low is not None else 0.0
                high = item.high if item.high is not None else max(values) * 1.2
                panel.axhspan(low, high, color=tint(GREY, 0.18), lw=0, zorder=1)
            _line(panel, item, index, values)
            number_axis(panel, decimal)
            y_label(panel, item.label, heights[index])
        entries: list[tuple[Artist, str]] = [
            (Patch(facecolor=tint(GREY, 0.18)), texts.legend["reference"])
        ]
        return _finish(figure, axes, texts, entries, width_cm, periods, span)


def _uln_figure(
    series: Sequence[Series],
    periods: Sequence[Period],
    texts: Texts,
    points: list[Point],
    decimal: Decimal,
    width_cm: float,
) -> Figure:
    missing = [s.label for s in series if not s.high]
    if missing:
        raise ValueError(f"lab_figure: no upper limit of normal for {', '.join(missing)}")
    require_legend(texts.legend, ["uln"], "lab_figure")
    figure, axes, span = _frame(points, periods, [PANEL_CM], width_cm)
    panel = axes[0]
    ratios = [[p.value / (s.high or 1.0) for p in s.points] for s in series]
    flat = positive([r for row in ratios for r in row], "lab_figure")
    log_axis(panel, min(min(flat), 0.5), max(max(flat), 2.5), decimal)
    for level, style in ((1.0, "-"), (1.5, "--"), (2.0, ":")):
        panel.axhline(level, color=INK, linewidth=0.7, linestyle=style, zorder=2)
        panel.annotate(
            f"{str(level).rstrip('0').rstrip('.').replace('.', decimal)}×",
            (1.0, level),
            xycoords=("axes fraction", "data"),
            xytext=(2, 0),
            textcoords="offset points",
            va="center",
            fontsize=SMALL_PT,
        )
    entries: list[tuple[Artist, str]] = []
    for index, (item, values) in enumerate(zip(series, ratios, strict=True)):
        _line(panel, item, index, values)
        entries.append(
            (
                line_handle(
                    SERIES_COLOURS[index % len(SERIES_COLOURS)],
                    marker=SERIES_MARKERS[index % len(SERIES_MARKERS)],
                ),
                item.label,
            )
        )
    y_label(panel, texts.y_label, PANEL_CM)
    return _finish(figure, axes, texts, entries, width_cm, periods, span)


def marker_figure(
    series: Sequence[Series],
    periods: Sequence[Period],
    texts: Texts,
    *,
    decimal: Decimal = ".",
    width_cm: float = FULL_WIDTH_CM,
) -> Figure:
    """Tumour markers on log axes, one panel per marker, the upper reference limit dashed in the
    marker's colour. Legend key: ``reference``."""
    points = _points(series, "marker_figure")
    require_legend(texts.legend, ["reference"], "marker_figure")
    with rc_context(RC):
        heights = [PANEL_CM if len(series) == 1 else SMALL_PANEL_CM] * len(series)
        figure, axes, span = _frame(points, periods, heights, width_cm)
        for index, (panel, item) in enumerate(zip(axes, series, strict=True)):
            values = positive([p.value for p in item.points], "marker_figure")
            limits = [v for v in (item.high, item.low) if v]
            log_axis(panel, min(values + limits), max(values + limits), decimal)
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            if item.high:
                panel.axhline(item.high, color=colour, linestyle="--", linewidth=0.9, zorder=2)
            _line(panel, item, index, values)
            y_label(panel, item.label, heights[index])
        entries: list[tuple[Artist, str]] = [
            (line_handle(INK, linestyle="--", width=0.9), texts.legend["reference"])
        ]
        return _finish(figure, axes, texts, entries, width_cm, periods, span)


def lesion_figure(
    lesions: Sequence[Series],
    total: Series,
    responses: Sequence[ResponseMark],
    periods: Sequence[Period],
    texts: Texts,
    *,
    decimal: Decimal = ".",
    width_cm: float = FULL_WIDTH_CM,
) -> Figure:
    """Each target lesion and the sum of diameters (bold, black), in mm; the RECIST category
    boxed above each assessment. Legend key: ``sum``."""
    points = _points([*lesions, total], "lesion_figure")
    require_legend(texts.legend, ["sum"], "lesion_figure")
    with rc_context(RC):
        figure, axes, span = _frame(
            points, periods, [PANEL_CM], width_cm, [m.when for m in responses]
        )
        panel = axes[0]
        entries: list[tuple[Artist, str]] = []
        for index, item in enumerate(lesions):
            _line(panel, item, index, [p.value for p in item.points])
            entries.append(
                (
                    line_handle(
                        SERIES_COLOURS[index % len(SERIES_COLOURS)],
                        marker=SERIES_MARKERS[index % len(SERIES_MARKERS)],
                    ),
                    item.label,
                )
            )
        panel.plot(
            [day(p.when) for p in total.points],
            [p.value for p in total.points],
            color=INK,
            linewidth=2.2,
            marker="o",
            markersize=5,
            zorder=4,
        )
        entries.append((line_handle(INK, marker="o", width=2.2), texts.legend["sum"]))
        top = max(p.value for p in points)
        panel.set_ylim(0, top * 1.3)
        for mark in responses:
            colour = RESPONSE_COLOURS[mark.code]
            panel.annotate(
                mark.label,
                (day(mark.when), top * 1.17),
                ha="center",
                va="center",
                fontsize=SMALL_PT,
                color=INK,
                bbox={
                    "boxstyle": "round,pad=0.25",
                    "facecolor": tint(colour, 0.2),
                    "edgecolor": colour,
                    "linewidth": 0.8,
                },
            )
            panel.axvline(day(mark.when), color=GREY, linewidth=0.6, linestyle=":", zorder=1)
        number_axis(panel, decimal)
        y_label(panel, texts.y_label, PANEL_CM)
        return _finish(figure, axes, texts, entries, width_cm, periods, span)


def ecog_figure(
    points: Sequence[Point],
    periods: Sequence[Period],
    texts: Texts,
    *,
    decimal: Decimal = ".",
    width_cm: float = FULL_WIDTH_CM,
) -> Figure:
    """ECOG 0–5 as a step line (0, the best, at the top); a range (0–1) as a vertical bar."""
    if not points:
        raise ValueError("ecog_figure: no points to draw")
    with rc_context(RC):
        figure, axes, span = _frame(list(points), periods, [SMALL_PANEL_CM], width_cm)
        panel = axes[0]
        xs = [day(p.when) for p in points]
        panel.step(
            xs,
            [p.value for p in points],
            where="post",
            color=SERIES_COLOURS[0],
            linewidth=1.3,
            zorder=3,
        )
        for point in points:
            if point.upper is not None and point.upper != point.value:
                panel.vlines(
                    day(point.when),
                    point.value,
                    point.upper,
                    color=SERIES_COLOURS[0],
                    linewidth=3.0,
                    zorder=3,
                )
        panel.plot(
            xs,
            [p.value for p in points],
            linestyle="none",
            marker="o",
            markersize=4.5,
            color=SERIES_COLOURS[0],
            markeredgecolor="white",
            zorder=4,
        )
        panel.set_ylim(5.3, -0.3)
        panel.set_yticks(range(6))
        number_axis(panel, decimal)
        y_label(panel, texts.y_label, SMALL_PANEL_CM)
        return _finish(figure, axes, texts, [], width_cm, periods, span)
