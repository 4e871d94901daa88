"""The contents of the swimmer lanes: bars, event symbols, response boxes, and their labels,
each label put where it overlaps nothing already drawn (see :mod:`casepub.plots.placement`).

Everything here is drawn after the figure has been laid out once, on the measured geometry, and
kept out of the layout (``set_in_layout(False)``) so the layout does not move under it.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes

from casepub.plots.data import Marker, Period, ResponseMark, Texts
from casepub.plots.frame import Span, extent, period_bar
from casepub.plots.placement import LINE_CM, PT_CM, Box, Geometry, Placer
from casepub.plots.style import (
    GREY,
    MARKERS,
    PERIOD_COLOURS,
    RESPONSE_COLOURS,
    SMALL_PT,
    ink_on,
    split_languages,
    text_width_cm,
    tint,
)
from casepub.plots.ticks import day

MARKER_PT = 6.0
"""Size of event symbols."""
BAR = 0.36
"""Bar thickness as a fraction of the lane."""


class Annotator:
    """Draws bars, symbols and response boxes, then labels each in a free place."""

    def __init__(
        self, axes: Axes, geometry: Geometry, span: Span, lanes: list[str], texts: Texts
    ) -> None:
        self.axes, self.geo, self.span, self.lanes, self.texts = axes, geometry, span, lanes, texts
        self.placer = Placer(geometry.bounds(slack=0.05))

    def draw(
        self,
        periods: Sequence[Period],
        markers: Sequence[Marker],
        responses: Sequence[ResponseMark],
        *,
        top: float,
    ) -> None:
        geo = self.geo
        bars: list[tuple[Period, Box]] = []
        for period in periods:
            lane = self.lanes.index(period.lane)
            period_bar(self.axes, period, lane, self.span, BAR)
            start, end = extent(period, self.span)
            half = BAR / 2
            box = Box(geo.x(start), geo.y(lane - half), geo.x(end), geo.y(lane + half))
            self.placer.block(box)
            bars.append((period, box))
        ordered = sorted(markers, key=lambda m: (self.lanes.index(m.lane), m.when, m.label))
        radius = MARKER_PT / 2 * PT_CM
        for marker in ordered:
            x, y = day(marker.when) + 0.5, self.lanes.index(marker.lane)
            symbol = self.axes.plot(
                [x], [y], zorder=4, clip_on=False, **MARKERS[marker.kind].style(MARKER_PT)
            )
            symbol[0].set_in_layout(False)
            cx, cy = geo.x(x), geo.y(y)
            self.placer.block(Box(cx - radius, cy - radius, cx + radius, cy + radius))
        if responses:
            self._responses(responses, top)
        for period, box in bars:
            if period.label and period.label != period.lane:
                self._bar_label(period, box)
        for marker in ordered:
            if marker.label and marker.label not in (
                marker.lane,
                self.texts.legend.get(marker.kind),
            ):
                self._marker_label(marker)

    def _bar_label(self, period: Period, bar: Box) -> None:
        pad, mid = 0.12, (bar.y0 + bar.y1) / 2
        single = period.label
        width = text_width_cm(single, SMALL_PT)
        inside = bar.x0 + 2 * pad + width <= bar.x1
        options: list[tuple[Box, str, str]] = []
        if inside:
            box = Box(bar.x0 + pad, mid - LINE_CM / 2, bar.x0 + pad + width, mid + LINE_CM / 2)
            options.append((box, single, "in"))
        for text in dict.fromkeys([single, split_languages(single)]):
            w, h = text_width_cm(text, SMALL_PT), LINE_CM * (text.count("\n") + 1)
            options += [
                (Box(bar.x1 + pad, mid - h / 2, bar.x1 + pad + w, mid + h / 2), text, "left"),
                (Box(bar.x0, bar.y0 - 0.04 - h, bar.x0 + w, bar.y0 - 0.04), text, "left"),
                (Box(bar.x0, bar.y1 + 0.04, bar.x0 + w, bar.y1 + 0.04 + h), text, "left"),
                (Box(bar.x0 - pad - w, mid - h / 2, bar.x0 - pad, mid + h / 2), text, "right"),
            ]
        if not inside and bar.x1 - bar.x0 > 2.0:
            short = single
            while (
                len(short) > 3 and text_width_cm(short + "…", SMALL_PT) + 2 * pad > bar.x1 - bar.x0
            ):
                short = short[:-1].rstrip()
            box = Box(bar.x0 + pad, mid - LINE_CM / 2, bar.x1 - pad, mid + LINE_CM / 2)
            options.append((box, short + "…", "in"))
        choice = self.placer.choose_free([o[0] for o in options], ignore=bar)
        if choice is None:
            return
        box, text, how = options[choice]
        if how == "in":
            self._text(box, text, "left", colour=ink_on(PERIOD_COLOURS[period.kind]), plain=True)
        else:
            self._text(box, text, how)

    def _marker_label(self, marker: Marker) -> None:
        geo = self.geo
        cx, cy = geo.x(day(marker.when) + 0.5), geo.y(self.lanes.index(marker.lane))
        gap = MARKER_PT / 2 * PT_CM + 0.06
        options: list[tuple[Box, str, str]] = []
        for text in dict.fromkeys([marker.label, split_languages(marker.label)]):
            w = text_width_cm(text, SMALL_PT)
            h = LINE_CM * (text.count("\n") + 1)
            bounds = self.placer.bounds
            options += [
                (
                    Box(cx - w / 2, cy - gap - h, cx + w / 2, cy - gap).nudged_into(bounds),
                    text,
                    "center",
                ),
                (Box(cx + gap, cy - h / 2, cx + gap + w, cy + h / 2), text, "left"),
                (Box(cx - gap - w, cy - h / 2, cx - gap, cy + h / 2), text, "right"),
                (
                    Box(cx - w / 2, cy + gap, cx + w / 2, cy + gap + h).nudged_into(bounds),
                    text,
                    "center",
                ),
            ]
        choice = self.placer.choose_free([o[0] for o in options])
        if choice is None:
            return
        box, text, ha = options[choice]
        self._text(box, text, ha)

    def _responses(self, responses: Sequence[ResponseMark], top: float) -> None:
        """Boxes in the row between ``top`` and the first lane; staggered when they crowd."""
        geo = self.geo
        row_top, row_bottom = geo.y(top), geo.y(-0.5)
        ordered = sorted(responses, key=lambda r: (r.when, r.label))
        tall = row_bottom - row_top > 1.2 * (geo.y(1) - geo.y(0))
        for mark in ordered:
            x = day(mark.when) + 0.5
            cx = geo.x(x)
            options: list[tuple[Box, str]] = []
            for text in dict.fromkeys([mark.label, split_languages(mark.label)]):
                w = text_width_cm(text, SMALL_PT) + 0.2
                h = LINE_CM * (text.count("\n") + 1) + 0.12
                centre = (row_top + row_bottom) / 2
                low, high = row_bottom - 0.04 - h / 2, row_top + 0.04 + h / 2
                for cy in (low, high, centre) if tall else (centre, high, low):
                    box = Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                    options.append((box.nudged_into(self.placer.bounds), text))
            box, text = options[self.placer.choose([o[0] for o in options])]
            y = geo.data_y((box.y0 + box.y1) / 2)
            line = self.axes.plot(
                [x, x], [y, len(self.lanes) - 0.5], color=GREY, lw=0.5, ls=(0, (1.5, 2.0)), zorder=1
            )
            line[0].set_in_layout(False)
            colour = RESPONSE_COLOURS[mark.code]
            label = self.axes.text(
                geo.data_x((box.x0 + box.x1) / 2),
                y,
                text,
                ha="center",
                va="center",
                fontsize=SMALL_PT,
                zorder=5,
                linespacing=1.05,
                bbox={
                    "boxstyle": "round,pad=0.22",
                    "facecolor": tint(colour, 0.15),
                    "edgecolor": colour,
                    "linewidth": 0.8,
                },
            )
            label.set_in_layout(False)

    def _text(
        self, box: Box, text: str, ha: str, *, colour: str = "#222222", plain: bool = False
    ) -> None:
        """Write ``text`` in ``box`` (cm), anchored by ``ha``, vertically centred; on a white
        ground (so grid and dotted lines do not cross it) unless ``plain``."""
        geo = self.geo
        x = {"left": box.x0, "center": (box.x0 + box.x1) / 2, "right": box.x1}[ha]
        label = self.axes.text(
            geo.data_x(x),
            geo.data_y((box.y0 + box.y1) / 2),
            text,
            ha=ha,
            va="center",
            fontsize=SMALL_PT,
            color=colour,
            zorder=5,
            linespacing=1.05,
        )
        if not plain:
            label.set_bbox(
                {"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none"}
            )
        label.set_in_layout(False)
