"""The swimmer plot of a case series: one lane per patient, from the start of treatment (day
0, the same for every lane) to the last follow-up or death.

Treatments are bars coloured by kind (labelled where the label fits, as in the timeline),
one-day procedures and operations symbols, responses symbols of their own shape and colour
(CR, PR, SD, PD, NE), death a cross at the lane's end, and a lane whose follow-up goes on
ends in an arrow (→). The lanes are drawn by the timeline's :class:`Annotator`; the caller
gives every date shifted so that each patient's day 0 is :data:`DAY0`.

Legend keys (``texts.legend``) needed: each marker and period kind drawn, ``response-XX`` for
each response code drawn, and ``ongoing`` when a lane goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from casepub.plots.data import DateScale, Marker, Period, ResponseCode, ResponseMark, Texts
from casepub.plots.frame import Span, legend_below, legend_height_cm, ongoing_handle
from casepub.plots.lanes import MARKER_PT, Annotator
from casepub.plots.placement import PT_CM, Box, Geometry
from casepub.plots.style import (
    BLUE,
    FULL_WIDTH_CM,
    GREEN,
    GREY,
    LIGHT_GREY,
    MARKERS,
    ORANGE,
    PERIOD_COLOURS,
    RC,
    VERMILLION,
    MarkerSpec,
    new_figure,
    require_legend,
    text_width_cm,
    wrap_label,
)
from casepub.plots.ticks import date_axis, day

DAY0 = dt.date(2000, 1, 1)
"""Every lane's day 0 on the shared axis (the axis is labelled in months from it)."""
LANE_CM = 0.85
ARROW_CM = 0.45
"""Length of the arrow after a lane whose follow-up goes on."""

RESPONSE_MARKERS: dict[ResponseCode, MarkerSpec] = {
    "CR": MarkerSpec("o", GREEN, filled=True, scale=1.1),
    "PR": MarkerSpec("^", BLUE, filled=True, scale=1.1),
    "SD": MarkerSpec("d", ORANGE, filled=True, scale=1.2),
    "PD": MarkerSpec("v", VERMILLION, filled=True, scale=1.1),
    "NE": MarkerSpec("o", GREY, filled=False),
}
"""A shape and colour per response (none is used by another event kind)."""


@dataclass(frozen=True)
class SwimLane:
    """One patient: dates shifted so that the patient's day 0 is :data:`DAY0`."""

    label: str
    end: dt.date
    """Last follow-up, or death."""
    periods: tuple[Period, ...] = ()
    """Treatments over time; an ongoing one (``end`` None) runs to the lane's end."""
    markers: tuple[Marker, ...] = ()
    """One-day procedures, operations, death."""
    responses: tuple[ResponseMark, ...] = ()
    ongoing: bool = False
    """The follow-up goes on: an arrow after the lane's end."""


def swimmer_figure(
    lanes: Sequence[SwimLane], texts: Texts, *, width_cm: float = FULL_WIDTH_CM
) -> Figure:
    """A lane per patient, top to bottom in the order given."""
    if not lanes:
        raise ValueError("swimmer_figure: no lanes to draw")
    names = [lane.label for lane in lanes]
    periods = [_within(p, lane) for lane in lanes for p in lane.periods]
    markers = [m for lane in lanes for m in _first_labelled(lane.markers)]
    responses = [(r, lane.label) for lane in lanes for r in lane.responses]
    needed = _legend_keys(lanes)
    require_legend(texts.legend, needed, "swimmer_figure")

    wrapped = [wrap_label(name, min(4.0, 0.25 * width_cm)) for name in names]
    ends = [lane.end for lane in lanes]
    span = Span.around([DAY0, *ends], width_cm - max(map(text_width_cm, wrapped)) - 0.9)
    span = Span(day(DAY0) - 0.02 * (span.hi - span.lo), span.hi, span.axis_cm)
    legend_cm = legend_height_cm([texts.legend[k] for k in needed], width_cm)
    height = 1.35 + LANE_CM * len(lanes) + legend_cm

    with rc_context(RC):
        figure = new_figure(width_cm, height)
        axes = figure.add_subplot()
        axes.set_ylim(len(lanes) - 0.5, -0.5)
        axes.set_yticks(range(len(lanes)), wrapped)
        axes.tick_params(axis="y", length=0, pad=6)
        axes.spines["left"].set_visible(False)
        date_axis(axes, span.lo, span.hi, span.axis_cm, DateScale("relative", DAY0))
        axes.grid(axis="x", which="major")
        axes.set_axisbelow(True)
        axes.set_xlabel(texts.x_label)
        _legend(figure, needed, texts, width_cm)
        figure.draw_without_rendering()
        geometry = Geometry.of(axes)
        span = Span(span.lo, span.hi, geometry.width_cm)
        annotator = Annotator(axes, geometry, span, names, texts)
        for index, lane in enumerate(lanes):
            _follow_up(axes, annotator, index, lane)
        for response, lane_name in responses:
            _response(axes, annotator, response, names.index(lane_name))
        annotator.draw(periods, markers, [], top=-0.5)
    return figure


def _within(period: Period, lane: SwimLane) -> Period:
    """An ongoing treatment runs to the lane's end (the lane's arrow says it goes on)."""
    end = lane.end if period.end is None else period.end
    return Period(period.label, period.start, end, period.kind, lane.label)


def _first_labelled(markers: Sequence[Marker]) -> list[Marker]:
    """A lane's repeated procedure (a second TACE) is labelled once, at its first time."""
    seen: set[str] = set()
    kept = []
    for marker in sorted(markers, key=lambda m: m.when):
        label = "" if marker.label in seen else marker.label
        seen.add(marker.label)
        kept.append(Marker(label, marker.when, marker.kind, marker.lane))
    return kept


def _legend_keys(lanes: Sequence[SwimLane]) -> list[str]:
    kinds = {m.kind for lane in lanes for m in lane.markers}
    codes = {r.code for lane in lanes for r in lane.responses}
    periods = {p.kind for lane in lanes for p in lane.periods}
    keys: list[str] = [kind for kind in PERIOD_COLOURS if kind in periods]
    keys += [kind for kind in MARKERS if kind in kinds]
    keys += [f"response-{code}" for code in RESPONSE_MARKERS if code in codes]
    keys += ["ongoing"] * any(lane.ongoing for lane in lanes)
    return keys


def _follow_up(axes: Axes, annotator: Annotator, index: int, lane: SwimLane) -> None:
    """The lane's thin line from day 0 to its end, and the arrow when it goes on (kept free
    of labels)."""
    start, end = day(DAY0), day(lane.end) + 1
    line = axes.plot([start, end], [index, index], color=GREY, lw=0.8, zorder=1.5)
    line[0].set_in_layout(False)
    axes.axhline(index, color=LIGHT_GREY, lw=0.5, zorder=1)
    if lane.ongoing:
        tip = end + ARROW_CM * annotator.span.per_cm()
        arrow = axes.annotate(
            "",
            xy=(tip, index),
            xytext=(end, index),
            arrowprops={"arrowstyle": "-|>", "color": GREY, "lw": 1.2, "mutation_scale": 9},
            zorder=3,
        )
        arrow.set_in_layout(False)
        geo, half = annotator.geo, 0.12
        y = geo.y(index)
        annotator.placer.block(Box(geo.x(end), y - half, geo.x(tip) + 0.05, y + half))


def _response(axes: Axes, annotator: Annotator, mark: ResponseMark, lane: int) -> None:
    """A response symbol on the lane, kept free of the labels placed after it."""
    x = day(mark.when) + 0.5
    symbol = axes.plot(
        [x], [lane], zorder=4.5, clip_on=False, **RESPONSE_MARKERS[mark.code].style(MARKER_PT)
    )
    symbol[0].set_in_layout(False)
    geo, radius = annotator.geo, MARKER_PT / 2 * PT_CM
    cx, cy = geo.x(x), geo.y(lane)
    annotator.placer.block(Box(cx - radius, cy - radius, cx + radius, cy + radius))


def _legend(figure: Figure, keys: Sequence[str], texts: Texts, width_cm: float) -> None:
    colours: dict[str, str] = {str(kind): colour for kind, colour in PERIOD_COLOURS.items()}
    symbols: dict[str, MarkerSpec] = {str(kind): spec for kind, spec in MARKERS.items()}
    symbols |= {f"response-{code}": spec for code, spec in RESPONSE_MARKERS.items()}
    entries: list[tuple[Artist, str]] = []
    handler_map: dict[object, HandlerBase] = {}
    for key in keys:
        handle: Artist
        if key in colours:
            handle = Patch(facecolor=colours[key], edgecolor="none")
        elif key in symbols:
            handle = Line2D([], [], **symbols[key].style(MARKER_PT))
        else:
            handle, handler_map[handle] = ongoing_handle()
        entries.append((handle, texts.legend[key]))
    legend_below(figure, entries, width_cm, handler_map=handler_map)
