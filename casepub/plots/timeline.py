"""The one-patient timeline (CARE item 7): a swimmer/Gantt chart of treatments and events.

Legend keys (``texts.legend``) needed: each marker kind and each period kind drawn, "ongoing"
when a period has no end, "response" (the name of the response row) when there are responses.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from casepub.plots.data import Marker, Period, ResponseMark, Texts
from casepub.plots.frame import (
    Span,
    legend_below,
    legend_height_cm,
    ongoing_handle,
)
from casepub.plots.lanes import MARKER_PT, Annotator
from casepub.plots.placement import Geometry
from casepub.plots.style import (
    FULL_WIDTH_CM,
    LIGHT_GREY,
    MARKERS,
    PERIOD_COLOURS,
    RC,
    SMALL_PT,
    new_figure,
    require_legend,
    text_width_cm,
    wrap_label,
)
from casepub.plots.ticks import date_axis, day

LANE_CM = 0.9
"""Height of one swimmer lane."""
TALL_ROW = 1.5
"""Height of the response row, in lanes, when its boxes must be staggered."""
"""Bar thickness as a fraction of the lane."""


def timeline_figure(
    periods: Sequence[Period],
    markers: Sequence[Marker],
    responses: Sequence[ResponseMark],
    texts: Texts,
    *,
    width_cm: float = FULL_WIDTH_CM,
    height_cm: float | None = None,
) -> Figure:
    """One row per lane (``texts.lanes`` top to bottom; if empty, lanes in order of first use).

    Periods are bars coloured by kind (an ongoing one ends in an arrowhead at the right edge);
    one-day markers have a symbol per kind and, when their label says more than the legend, a
    label placed where it collides with nothing; responses are boxed in a row above the lanes.
    """
    if not periods and not markers:
        raise ValueError("timeline_figure: no periods and no markers to draw")
    lanes = _lanes(periods, markers, texts)
    needed: list[str] = [kind for kind in MARKERS if any(m.kind == kind for m in markers)]
    needed += [kind for kind in PERIOD_COLOURS if any(p.kind == kind for p in periods)]
    needed += ["ongoing"] * any(p.end is None for p in periods)
    needed += ["response"] * bool(responses)
    require_legend(texts.legend, needed, "timeline_figure")

    wrap_cm = min(4.2, max(2.2, 0.26 * width_cm))
    names = [wrap_label(lane, wrap_cm) for lane in lanes]
    if responses:
        names.insert(0, wrap_label(texts.legend["response"], wrap_cm))
    dates = [p.start for p in periods] + [p.end for p in periods if p.end is not None]
    dates += [m.when for m in markers] + [r.when for r in responses]
    span = Span.around(dates, width_cm - max(map(text_width_cm, names)) - 0.9, pad=0.03)
    if any(p.end is None for p in periods):
        span = Span(span.lo, span.hi + 0.04 * (span.hi - span.lo), span.axis_cm)
    legend_keys = [k for k in needed if k != "response"]
    legend_cm = legend_height_cm([texts.legend[k] for k in legend_keys], width_cm)
    tall = _crowded(responses, span.per_cm())
    rows = len(lanes) + (TALL_ROW if tall else 1.0) * bool(responses)
    height = height_cm or 1.35 + LANE_CM * rows + legend_cm

    with rc_context(RC):
        figure = new_figure(width_cm, height)
        axes = figure.add_subplot()
        response_row = -0.5 - (TALL_ROW if tall else 1.0) / 2
        axes.set_ylim(len(lanes) - 0.5, -0.5 - (rows - len(lanes)))
        ticks = [response_row] * bool(responses) + list(range(len(lanes)))
        axes.set_yticks(ticks, names)
        axes.tick_params(axis="y", length=0, pad=6)
        axes.spines["left"].set_visible(False)
        date_axis(axes, span.lo, span.hi, span.axis_cm, texts.dates)
        axes.grid(axis="x", which="major")
        axes.set_axisbelow(True)
        for index in range(len(lanes)):
            axes.axhline(index, color=LIGHT_GREY, lw=0.5, zorder=1)
        axes.set_xlabel(texts.x_label)
        _legend(figure, periods, markers, texts, width_cm)
        figure.draw_without_rendering()  # lay out once, then place labels on the real geometry
        geometry = Geometry.of(axes)
        span = Span(span.lo, span.hi, geometry.width_cm)
        annotator = Annotator(axes, geometry, span, lanes, texts)
        annotator.draw(periods, markers, responses, top=-0.5 - (rows - len(lanes)))
    return figure


def _crowded(responses: Sequence[ResponseMark], per_cm: float) -> bool:
    """Whether neighbouring response boxes would overlap on one line."""
    ordered = sorted(responses, key=lambda r: r.when)
    widths = [text_width_cm(r.label, SMALL_PT) + 0.3 for r in ordered]
    return any(
        (day(b.when) - day(a.when)) / per_cm < (wa + wb) / 2
        for a, b, wa, wb in zip(ordered, ordered[1:], widths, widths[1:], strict=False)
    )


def _lanes(periods: Sequence[Period], markers: Sequence[Marker], texts: Texts) -> list[str]:
    used = list(dict.fromkeys([p.lane for p in periods] + [m.lane for m in markers]))
    if not texts.lanes:
        return used
    unknown = [lane for lane in used if lane not in texts.lanes]
    if unknown:
        raise ValueError(
            f"timeline_figure: lane(s) {', '.join(map(repr, unknown))} are not in texts.lanes"
        )
    return list(texts.lanes)


def _legend(
    figure: Figure,
    periods: Sequence[Period],
    markers: Sequence[Marker],
    texts: Texts,
    width_cm: float,
) -> None:
    entries: list[tuple[Artist, str]] = []
    for kind, spec in MARKERS.items():
        if any(m.kind == kind for m in markers):
            entries.append((Line2D([], [], **spec.style(MARKER_PT)), texts.legend[kind]))
    for period_kind, colour in PERIOD_COLOURS.items():
        if any(p.kind == period_kind for p in periods):
            patch = Patch(facecolor=colour, edgecolor="none")
            entries.append((patch, texts.legend[period_kind]))
    handler_map: dict[object, HandlerBase] = {}
    if any(p.end is None for p in periods):
        handle, handler = ongoing_handle()
        entries.append((handle, texts.legend["ongoing"]))
        handler_map[handle] = handler
    legend_below(figure, entries, width_cm, handler_map=handler_map)
