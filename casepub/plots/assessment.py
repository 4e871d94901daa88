"""Tumour response and performance status over time: target lesions with RECIST 1.1, ECOG.

Legend key (``texts.legend``): "sum" for the sum of diameters in ``lesion_figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from casepub.plots.chart import Chart, colour, points_of, symbol
from casepub.plots.data import Period, Point, ResponseMark, Series, Texts
from casepub.plots.frame import line_handle
from casepub.plots.style import (
    BLUE,
    FULL_WIDTH_CM,
    INK,
    RC,
    RESPONSE_COLOURS,
    SMALL_PT,
    Decimal,
    format_number,
    require_legend,
    tint,
)
from casepub.plots.ticks import day, number_axis

LESION_PANEL_CM = 6.0
ECOG_PANEL_CM = 4.2
SUM_WIDTH = 2.6


def lesion_figure(
    lesions: Sequence[Series],
    total: Series,
    responses: Sequence[ResponseMark],
    periods: Sequence[Period],
    texts: Texts,
    *,
    decimal: Decimal = ".",
    width_cm: float = FULL_WIDTH_CM,
    show_change: bool = True,
) -> Figure:
    """Each target lesion (thin, coloured) and the sum of diameters (bold, black, drawn beneath
    so that a single lesion equal to the sum stays visible), in mm from 0. Each response is
    boxed above the sum at its date; with ``show_change`` the change of the sum from the first
    (baseline) value is written under each later point ("−41 %")."""
    if not total.points:
        raise ValueError("lesion_figure: the sum of diameters (total) has no points")
    points = points_of([*lesions, total], "lesion_figure")
    require_legend(texts.legend, ["sum"], "lesion_figure")
    labels = [s.label for s in lesions] + [texts.legend["sum"]]
    dates = [p.when for p in points] + [r.when for r in responses]
    with rc_context(RC):
        chart = Chart(dates, periods, [LESION_PANEL_CM], width_cm, labels, texts.dates)
        panel = chart.axes[0]
        ordered = sorted(total.points, key=lambda p: p.when)
        xs, ys = [day(p.when) for p in ordered], [p.value for p in ordered]
        panel.plot(
            xs,
            ys,
            color=INK,
            lw=SUM_WIDTH,
            marker="o",
            markersize=7.0,
            markeredgecolor=INK,
            zorder=3,
            solid_capstyle="round",
        )
        entries: list[tuple[Artist, str]] = []
        for index, item in enumerate(lesions):
            chart.line(panel, item, index)
            entries.append((line_handle(colour(index), marker=symbol(index)), item.label))
        entries.append((line_handle(INK, marker="o", width=SUM_WIDTH), texts.legend["sum"]))
        top = max(p.value for p in points)
        panel.set_ylim(0, top * 1.3 if responses else top * 1.12)
        if show_change:
            baseline = ys[0]
            for x, y in zip(xs[1:], ys[1:], strict=True):
                change = round((y - baseline) / baseline * 100) if baseline else 0
                sign = "+" if change > 0 else ""
                panel.annotate(
                    f"{sign}{format_number(change, decimal)}\u2009%",
                    (x, y),
                    xytext=(0, -9),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontsize=SMALL_PT,
                    color=INK,
                    zorder=5,
                )
        for mark in responses:
            hue = RESPONSE_COLOURS[mark.code]
            box = {
                "boxstyle": "round,pad=0.22",
                "facecolor": tint(hue, 0.15),
                "edgecolor": hue,
                "linewidth": 0.8,
            }
            if day(mark.when) in xs:  # above the sum measured that day
                at, offset, where = (day(mark.when), ys[xs.index(day(mark.when))]), 10, "data"
            else:  # no sum that day: along the top of the plot
                at, offset, where = (day(mark.when), 0.97), 0, "top"
            panel.annotate(
                mark.label,
                at,
                xycoords="data" if where == "data" else ("data", "axes fraction"),
                xytext=(0, offset),
                textcoords="offset points",
                ha="center",
                va="bottom" if where == "data" else "top",
                fontsize=SMALL_PT,
                zorder=6,
                bbox=box,
            )
        number_axis(panel, decimal)
        chart.y_label(0, texts.y_label)
        return chart.finish(texts, entries)


def ecog_figure(
    points: Sequence[Point],
    periods: Sequence[Period],
    texts: Texts,
    *,
    decimal: Decimal = ".",
    width_cm: float = FULL_WIDTH_CM,
) -> Figure:
    """ECOG performance status as a step line (each value holds until the next assessment),
    0 (fully active) at the top so that better is up; a range such as 0–1 (``Point.upper``) is a
    vertical bar. No legend keys are needed."""
    if not points:
        raise ValueError("ecog_figure: no points to draw")
    for point in points:
        upper = point.value if point.upper is None else point.upper
        if not 0 <= point.value <= upper <= 5:
            raise ValueError(
                f"ecog_figure: ECOG must be within 0–5 (and upper ≥ value), got "
                f"{point.value}–{upper} on {point.when.isoformat()}"
            )
    ordered = sorted(points, key=lambda p: p.when)
    with rc_context(RC):
        chart = Chart(
            [p.when for p in ordered], periods, [ECOG_PANEL_CM], width_cm, [], texts.dates
        )
        panel = chart.axes[0]
        xs = [day(p.when) for p in ordered]
        ys = [p.value for p in ordered]
        panel.step(xs, ys, where="post", color=BLUE, lw=1.4, zorder=3)
        for point in ordered:
            if point.upper is not None and point.upper != point.value:
                panel.plot(
                    [day(point.when)] * 2,
                    [point.value, point.upper],
                    color=BLUE,
                    lw=7.0,
                    solid_capstyle="round",
                    alpha=0.3,
                    zorder=2,
                )
        panel.plot(
            xs,
            ys,
            ls="none",
            marker="o",
            markersize=5.0,
            color=BLUE,
            markeredgecolor="white",
            markeredgewidth=0.6,
            zorder=4,
            clip_on=False,
        )
        panel.set_ylim(5.4, -0.4)
        panel.set_yticks(range(6))
        panel.tick_params(axis="y", which="minor", left=False)
        number_axis(panel, decimal)
        chart.y_label(0, texts.y_label)
        return chart.finish(texts, [])
