"""The one-patient timeline (CARE item 7): a swimmer/Gantt chart of treatments and events."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from casepub.plots.data import Marker, Period, ResponseMark, Texts
from casepub.plots.frame import (
    Span,
    date_axis,
    day,
    legend_below,
    ongoing_handle,
    period_bar,
)
from casepub.plots.style import (
    FULL_WIDTH_CM,
    GREY,
    LIGHT_GREY,
    MARKERS,
    PERIOD_COLOURS,
    RC,
    RESPONSE_COLOURS,
    SMALL_PT,
    new_figure,
    require_legend,
    text_width_cm,
    tint,
    wrap_label,
)

LANE_CM = 0.78
"""Height of one swimmer lane."""
MARKER_PT = 6.0
LANE_LABEL_CM = 4.2
"""Lane names wrap at this width (bilingual names go on two lines)."""


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

    Periods are bars coloured by kind (ongoing ones end in an arrowhead at the right edge);
    one-day markers have a symbol per kind and their label beside it; responses are boxed above
    the lanes. Legend keys needed: every marker kind and period kind shown, "ongoing" if a period
    has no end, "response" (name of the response row) if there are responses.
    """
    if not periods and not markers:
        raise ValueError("timeline_figure: no periods and no markers to draw")
    lanes = _lanes(periods, markers, texts)
    needed: list[str] = [kind for kind in MARKERS if any(m.kind == kind for m in markers)]
    needed += [kind for kind in PERIOD_COLOURS if any(p.kind == kind for p in periods)]
    needed += ["ongoing"] * any(p.end is None for p in periods)
    needed += ["response"] * bool(responses)
    require_legend(texts.legend, needed, "timeline_figure")

    lane_labels = [wrap_label(lane, LANE_LABEL_CM) for lane in lanes]
    if responses:
        lane_labels.insert(0, wrap_label(texts.legend["response"], LANE_LABEL_CM))
    label_cm = max(text_width_cm(label) for label in lane_labels)
    dates = [p.start for p in periods] + [p.end for p in periods if p.end is not None]
    dates += [m.when for m in markers] + [r.when for r in responses]
    span = Span.around(dates, width_cm - label_cm - 0.9, pad=0.03)
    if any(p.end is None for p in periods):
        span = Span(span.lo, span.hi + 0.05 * (span.hi - span.lo), span.axis_cm)

    rows = len(lanes) + (1 if responses else 0)
    legend_rows = 1 + len(needed) // max(1, int(width_cm / 4.5))
    height = height_cm or 1.3 + LANE_CM * rows + 0.45 * legend_rows
    with rc_context(RC):
        figure = new_figure(width_cm, height)
        axes = figure.add_subplot()
        top = -1.0 if responses else 0.0
        axes.set_ylim(len(lanes) - 0.5, top - 0.5)
        axes.set_yticks([top, *range(len(lanes))] if responses else list(range(len(lanes))))
        axes.set_yticklabels(lane_labels)
        axes.tick_params(axis="y", length=0, pad=5)
        axes.spines["left"].set_visible(False)
        date_axis(axes, span)
        axes.grid(axis="x", which="major", zorder=0)
        axes.set_axisbelow(True)
        for index in range(len(lanes)):
            axes.axhline(index, color=LIGHT_GREY, lw=0.5, zorder=1)
        axes.set_xlabel(texts.x_label)

        for period in periods:
            bar_place = "none" if period.label in ("", period.lane) else _bar_place(period, span)
            period_bar(axes, period, lanes.index(period.lane), span, height=0.34, place=bar_place)
        _draw_markers(axes, markers, lanes, span, texts)
        if responses:
            _draw_responses(axes, responses, span, len(lanes))
        _legend(figure, periods, markers, texts, width_cm)
    return figure


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


def _bar_place(period: Period, span: Span) -> str:
    start = max(day(period.start), span.lo)
    end = span.hi if period.end is None else day(period.end)
    label_days = (text_width_cm(period.label, SMALL_PT) + 0.5) * span.per_cm()
    # A label outside its bar runs into the lane names or the next bar of its lane: a bar too
    # short for its label goes unlabelled (its lane and the legend still name it).
    return "in" if end - start >= label_days else "none"


def _tiers(items: Sequence[tuple[float, float]], gap: float) -> list[int]:
    """Alternate labels above (0) and below (1) their symbol when neighbours would collide."""
    ends = [-float("inf"), -float("inf")]
    tiers = []
    for centre, width in items:
        left = centre - width / 2
        tier = 0 if left > ends[0] + gap else 1 if left > ends[1] + gap else 0
        ends[tier] = centre + width / 2
        tiers.append(tier)
    return tiers


def _draw_markers(
    axes: Axes, markers: Sequence[Marker], lanes: list[str], span: Span, texts: Texts
) -> None:
    for lane_index, lane in enumerate(lanes):
        in_lane = sorted((m for m in markers if m.lane == lane), key=lambda m: (m.when, m.label))
        shown = [m for m in in_lane if m.label and m.label != texts.legend.get(m.kind)]
        widths = [(text_width_cm(m.label, SMALL_PT) + 0.1) * span.per_cm() for m in shown]
        tiers = dict(
            zip(
                map(id, shown),
                _tiers([(day(m.when), w) for m, w in zip(shown, widths, strict=True)], 0.0),
                strict=True,
            )
        )
        for marker in in_lane:
            spec = MARKERS[marker.kind]
            axes.plot(
                [day(marker.when) + 0.5],
                [lane_index],
                zorder=4,
                clip_on=False,
                **spec.style(MARKER_PT),
            )
            if id(marker) not in tiers:
                continue
            above = tiers[id(marker)] == 0
            axes.annotate(
                marker.label,
                (day(marker.when) + 0.5, lane_index),
                xytext=(0, 5.5 if above else -5.5),
                textcoords="offset points",
                ha="center",
                va="bottom" if above else "top",
                fontsize=SMALL_PT,
                zorder=5,
                annotation_clip=False,
            )


def _draw_responses(axes: Axes, responses: Sequence[ResponseMark], span: Span, lanes: int) -> None:
    ordered = sorted(responses, key=lambda r: r.when)
    widths = [(text_width_cm(r.label, SMALL_PT) + 0.35) * span.per_cm() for r in ordered]
    tiers = _tiers([(day(r.when), w) for r, w in zip(ordered, widths, strict=True)], 0.0)
    for response, tier in zip(ordered, tiers, strict=True):
        colour = RESPONSE_COLOURS[response.code]
        x = day(response.when) + 0.5
        axes.plot([x, x], [-0.68, lanes - 0.5], color=GREY, lw=0.5, ls=(0, (1.5, 2)), zorder=1)
        axes.text(
            x,
            -1.0 - 0.18 + 0.36 * tier,
            response.label,
            ha="center",
            va="center",
            fontsize=SMALL_PT,
            zorder=5,
            bbox={
                "boxstyle": "round,pad=0.25",
                "facecolor": tint(colour, 0.15),
                "edgecolor": colour,
                "linewidth": 0.8,
            },
        )


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
            entries.append((Patch(facecolor=colour, edgecolor="none"), texts.legend[period_kind]))
    handler_map: dict[object, HandlerBase] = {}
    if any(p.end is None for p in periods):
        handle, handler = ongoing_handle()
        entries.append((handle, texts.legend["ongoing"]))
        handler_map[handle] = handler
    legend_below(figure, entries, width_cm, handler_map=handler_map)
