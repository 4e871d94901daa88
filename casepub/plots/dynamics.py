"""Laboratory values and tumour markers over time.

Legend keys (``texts.legend``): "reference" whenever a reference range or limit is drawn;
"uln" for ``lab_figure(mode="uln")`` (the word written beside the 1×, 1.5×, 2× lines).

Which analyte is drawn how: one that rises above its upper limit of normal (AST, ALT,
bilirubin) reads well as a multiple of the ULN; one that falls below its lower limit
(neutrophils, platelets, haemoglobin: a cytopenia) does not — 0.9 × 10⁹/L neutrophils would be
"0.1× ULN", which tells a reader nothing — so it keeps its own scale, its unit and its
reference band (:func:`on_uln_scale`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from casepub.plots.chart import Chart, colour, panel_heights, points_of, symbol
from casepub.plots.data import Period, Series, Texts
from casepub.plots.frame import line_handle
from casepub.plots.style import (
    FULL_WIDTH_CM,
    GREEN,
    GREY,
    INK,
    RC,
    SMALL_PT,
    Decimal,
    format_number,
    require_legend,
    tint,
)
from casepub.plots.ticks import log_axis, number_axis, positive

PANEL_CM = 6.0
OWN_PANEL_CM = 3.4
"""Height of an analyte's own panel under the × ULN panel."""
ULN_LEVELS = ((1.0, "-", 0.8), (1.5, (0, (4.0, 2.0)), 0.7), (2.0, (0, (1.0, 1.5)), 0.8))
"""Reference lines of the ULN plot: multiple, line style, line width."""
BAND_ALPHA = 0.16


def unit_of(label: str) -> str | None:
    """The unit at the end of a series label, per language when each part has one:
    "Серотонин, нг/мл / Serotonin, ng/mL" and "Серотонин / Serotonin, нг/мл / ng/mL" both give
    "нг/мл / ng/mL"; a label without ", " has no recognisable unit (None)."""
    parts = label.split(" / ")
    if len(parts) > 1 and all(", " in part for part in parts):
        return " / ".join(part.rsplit(", ", 1)[1] for part in parts)
    return label.rsplit(", ", 1)[1] if ", " in label else None


def name_of(label: str) -> str:
    """A series label without its unit (the inverse of :func:`unit_of`)."""
    parts = label.split(" / ")
    if len(parts) > 1 and all(", " in part for part in parts):
        return " / ".join(part.rsplit(", ", 1)[0] for part in parts)
    unit = unit_of(label)
    return label[: -len(unit) - 2] if unit else label


def on_uln_scale(series: Series) -> bool:
    """Whether an analyte is drawn as a multiple of its upper limit of normal: it has one, and
    no value falls below its lower limit (a low value is read against the lower limit, on the
    analyte's own scale, not as a fraction of the upper one)."""
    if series.high is None or series.high <= 0:
        return False
    return series.low is None or all(p.value >= series.low for p in series.points)


def lab_figure(
    series: Sequence[Series],
    periods: Sequence[Period],
    texts: Texts,
    *,
    mode: Literal["values", "uln"],
    decimal: Decimal = ".",
    width_cm: float = FULL_WIDTH_CM,
) -> Figure:
    """Laboratory dynamics.

    ``values``: one panel per analyte (small multiples sharing the date axis), its reference
    range shaded; each panel's y label is the series label (analyte and unit), so
    ``texts.y_label`` is not used. ``uln``: the analytes :func:`on_uln_scale` (at least one)
    as value ÷ ULN (``Series.high``) on one log axis with lines at 1×, 1.5× and 2× ULN,
    labelled at the right "1× {legend['uln']}" (just "1×" below 12 cm width), y label
    ``texts.y_label``; under it every other analyte (below its lower limit, or without an
    upper one) in a panel of its own, as in ``values``.
    """
    points = points_of(series, "lab_figure")
    if mode not in ("values", "uln"):
        raise ValueError(f"lab_figure: mode must be 'values' or 'uln', got {mode!r}")
    for item in series:
        if not item.points:
            raise ValueError(f"lab_figure: no points for {item.label!r}")
    indexed = list(enumerate(series))
    relative = [(i, s) for i, s in indexed if mode == "uln" and on_uln_scale(s)]
    own = [(i, s) for i, s in indexed if not (mode == "uln" and on_uln_scale(s))]
    if mode == "uln" and not relative:
        raise ValueError(
            "lab_figure(mode='uln'): no analyte with an upper limit of normal (Series.high) "
            "that stays above its lower limit: " + ", ".join(repr(s.label) for s in series)
        )
    banded = any(s.low is not None or s.high is not None for _, s in own)
    if banded:
        require_legend(texts.legend, ["reference"], "lab_figure")
    if relative:
        require_legend(texts.legend, ["uln"], "lab_figure")
    labels = [name_of(s.label) for _, s in relative]
    labels += [texts.legend["reference"]] if banded else []
    if relative:
        heights = [PANEL_CM] + [OWN_PANEL_CM] * len(own)
    else:
        heights = panel_heights(len(own), PANEL_CM)
    with rc_context(RC):
        chart = Chart([p.when for p in points], periods, heights, width_cm, labels, texts.dates)
        entries: list[tuple[Artist, str]] = []
        if relative:
            entries += _uln_panel(chart, relative, texts, decimal)
        for row, (index, item) in enumerate(own, start=1 if relative else 0):
            _own_panel(chart, row, item, index, decimal)
        if banded:
            band = Patch(facecolor=tint(GREEN, BAND_ALPHA), edgecolor=GREEN, linewidth=0.7)
            entries.append((band, texts.legend["reference"]))
        return chart.finish(texts, entries)


def _own_panel(chart: Chart, row: int, item: Series, index: int, decimal: Decimal) -> None:
    """An analyte on its own linear scale in panel ``row``, its reference range shaded and its
    limits drawn; the y label names it and its unit."""
    panel = chart.axes[row]
    values = [p.value for p in item.points]
    limits = [v for v in (item.low, item.high) if v is not None]
    top = max(values + limits)
    bottom = min(values + limits)
    floor = 0.0 if bottom >= 0 else bottom * 1.1
    ceiling = top * 1.12 if top > 0 else 0.0
    if item.low is not None or item.high is not None:
        low = item.low if item.low is not None else floor
        high = item.high if item.high is not None else ceiling
        panel.axhspan(low, high, color=GREEN, alpha=BAND_ALPHA, lw=0, zorder=1)
        for limit in (item.low, item.high):
            if limit is not None:
                panel.axhline(limit, color=GREEN, lw=0.7, zorder=2)
    chart.line(panel, item, index)
    panel.set_ylim(floor, ceiling)
    number_axis(panel, decimal)
    chart.y_label(row, item.label)


def _uln_panel(
    chart: Chart, series: Sequence[tuple[int, Series]], texts: Texts, decimal: Decimal
) -> list[tuple[Artist, str]]:
    """The analytes as multiples of their ULN in the top panel, on a log axis with lines at
    1×, 1.5× and 2× ULN; their legend entries."""
    ratios = positive(
        [p.value / (s.high or 1.0) for _, s in series for p in s.points], "lab_figure"
    )
    panel = chart.axes[0]
    log_axis(panel, min(*ratios, 0.7), max(*ratios, 2.0), decimal)
    uln = f" {texts.legend['uln']}" if chart.width_cm >= 12 else ""  # narrow: "2×" alone
    for level, style, width in ULN_LEVELS:
        panel.axhline(level, color=INK if level == 1.0 else GREY, lw=width, ls=style, zorder=2)
        panel.annotate(
            f"{format_number(level, decimal)}×{uln}",
            (1.0, level),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=SMALL_PT,
            color=INK if level == 1.0 else "#555555",
        )
    entries: list[tuple[Artist, str]] = []
    for index, item in series:
        chart.line(panel, item, index, divide=item.high or 1.0)
        entries.append((line_handle(colour(index), marker=symbol(index)), name_of(item.label)))
    chart.y_label(0, texts.y_label)
    return entries


def marker_figure(
    series: Sequence[Series],
    periods: Sequence[Period],
    texts: Texts,
    *,
    decimal: Decimal = ".",
    width_cm: float = FULL_WIDTH_CM,
    shared: bool | None = None,
) -> Figure:
    """Tumour markers on log axes, each line with its upper reference limit dashed in the same
    colour. Markers share one axis when their units agree (the unit after the last ", " of each
    label, see :func:`unit_of`), else one panel each; ``shared`` forces either. On a shared axis
    the legend names the markers and the y label is ``texts.y_label`` (or the common unit)."""
    points_of(series, "marker_figure")
    for item in series:
        if not item.points:
            raise ValueError(f"marker_figure: no points for {item.label!r}")
        positive([p.value for p in item.points], f"marker_figure ({item.label})")
    units = {unit_of(s.label) for s in series}
    together = shared if shared is not None else (len(units) == 1 and None not in units)
    limited = any(s.high is not None for s in series)
    if limited:
        require_legend(texts.legend, ["reference"], "marker_figure")
    labels = [name_of(s.label) for s in series] if together else []
    labels += [texts.legend["reference"]] if limited else []
    count = 1 if together else len(series)
    with rc_context(RC):
        chart = Chart(
            [p.when for s in series for p in s.points],
            periods,
            panel_heights(count, PANEL_CM),
            width_cm,
            labels,
            texts.dates,
        )
        entries: list[tuple[Artist, str]] = []
        for index, item in enumerate(series):
            panel = chart.axes[0 if together else index]
            if item.high is not None:
                panel.axhline(item.high, color=colour(index), lw=0.9, ls=(0, (4.0, 2.5)), zorder=2)
            chart.line(panel, item, index)
            if together:
                handle = line_handle(colour(index), marker=symbol(index))
                entries.append((handle, name_of(item.label)))
            else:
                chart.y_label(index, item.label)
        for index, panel in enumerate(chart.axes):
            group = series if together else [series[index]]
            values = [p.value for s in group for p in s.points]
            values += [s.high for s in group if s.high is not None]
            log_axis(panel, min(values), max(values), decimal)
        if together:
            unit = units.pop() if len(units) == 1 else None
            chart.y_label(0, texts.y_label or unit or "")
        if limited:
            entries.append(
                (line_handle(GREY, linestyle=(0, (4.0, 2.5)), width=0.9), texts.legend["reference"])
            )
        return chart.finish(texts, entries)
