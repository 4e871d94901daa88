"""The generated figures: plain plot data made from the clinical record, in the manuscript's
language(s), drawn by ``casepub.plots`` and rendered to SVG (PDF, HTML) and PNG (DOCX)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Literal

from matplotlib.figure import Figure

from casepub.clinical.derive import course_end
from casepub.clinical.record import ClinicalRecord, Track
from casepub.clinical.units import unit_label
from casepub.clinical.values import relative_day0
from casepub.model import Case, Lang, text_in
from casepub.plots.data import (
    DateScale,
    EventKind,
    Marker,
    Period,
    Point,
    ResponseMark,
    Series,
    Texts,
)
from casepub.plots.dynamics import on_uln_scale
from casepub.plots.figures import (
    COLUMN_WIDTH_CM,
    FULL_WIDTH_CM,
    ecog_figure,
    lab_figure,
    lesion_figure,
    marker_figure,
    timeline_figure,
)
from casepub.plots.output import render
from casepub.plots.style import Decimal
from casepub.profiles import DatePolicy
from casepub.render.floats import WIDE_CHARTS
from casepub.resources import labels
from casepub.worker_jobs import PNG_DPI

SUBMISSION_DPI = (300, 600)


class ChartTexts:
    """Words for charts in one or two languages (bilingual ones joined by " / ")."""

    def __init__(self, langs: Sequence[Lang]) -> None:
        self.langs = list(langs)

    def join(self, pick: Callable[[Lang], str]) -> str:
        """One text per language, joined; identical texts once."""
        parts = list(dict.fromkeys(pick(lang) for lang in self.langs))
        return " / ".join(p for p in parts if p)

    def word(self, group: str, key: str) -> str:
        """A word from labels.yaml, e.g. ``("legend", "surgery")``."""
        return self.join(lambda lang: str(labels()[lang][group][key]))

    def text(self, value: Any) -> str:
        """A case text in each language."""
        return self.join(lambda lang: text_in(value, lang) or "")

    def legend(self) -> dict[str, str]:
        """Every legend entry a chart may need."""
        keys = labels()[self.langs[0]]["legend"]
        return {key: self.word("legend", key) for key in keys}

    def decimal(self) -> Decimal:
        """The body language's decimal mark, for tick labels."""
        return "," if self.langs[0] == "ru" else "."


def _short(words: ChartTexts, value: Any, limit: int = 24) -> str:
    """A case text as a chart label, or "" when too long to label a point."""
    text = words.text(value)
    return text if all(len(part) <= limit for part in text.split(" / ")) else ""


def _periods(case: Case, record: ClinicalRecord, words: ChartTexts) -> list[Period]:
    """Courses as bars: in the treatment's own lane if it names one, else its kind's lane."""
    periods = []
    for course in record.courses:
        if course.one_day:
            continue
        treatment = course.treatment
        end = None if treatment.ongoing else course_end(record, course).last_day()
        lane = (
            words.text(treatment.lane)
            if treatment.lane
            else words.word("legend", treatment.kind.value)
        )
        periods.append(
            Period(
                text_in(treatment.name, words.langs[0]) or "",  # one language fits in a bar
                course.start.first_day(),
                end,
                treatment.kind.value,
                lane,
            )
        )
    return periods


def _markers(record: ClinicalRecord, words: ChartTexts) -> list[Marker]:
    """One-day procedures and operations, then events, then the final status; each in the
    lane of its kind, labelled only when the label is short."""
    markers = []
    for course in record.courses:
        if course.one_day:
            treatment = course.treatment
            kind: EventKind = "surgery" if treatment.kind.value == "surgery" else "procedure"
            lane = words.text(treatment.lane) if treatment.lane else words.word("legend", kind)
            label = _short(words, treatment.name) or words.word("legend", kind)
            markers.append(Marker(label, course.start.first_day(), kind, lane))
    linked = {e.treatment.id for e in record.events if e.treatment}
    for event in record.events:
        if event.kind is None or event.kind.value == "response":
            continue
        event_kind: EventKind = event.kind.value
        if (
            event.treatment
            and event.treatment.id in linked
            and event_kind in ("surgery", "procedure", "drug-start")
        ):
            continue  # drawn from the treatment itself
        word = words.word("legend", event_kind)
        markers.append(Marker(word, event.date.first_day(), event_kind, word))
    if record.outcome is not None:
        dead = record.outcome.outcome.status.value == "dead"
        status: EventKind = "death" if dead else "last-follow-up"
        word = words.word("legend", status)
        markers.append(Marker(word, record.outcome.date.first_day(), status, word))
    return markers


def _responses(record: ClinicalRecord, words: ChartTexts) -> list[ResponseMark]:
    marks = {a.when: a.response.value for a in record.assessments}
    for event in record.events:
        if event.source.response is not None:
            marks.setdefault(event.date.first_day(), event.source.response)
    return [
        ResponseMark(when, code, words.word("response_short", code))  # type: ignore[arg-type]
        for when, code in sorted(marks.items())
    ]


def _series(track: Track, words: ChartTexts) -> Series:
    name = words.join(lambda lang: text_in(track.label, lang) or track.analyte.names[lang])
    unit = words.join(lambda lang: unit_label(track.unit.id, lang))
    points = tuple(Point(r.date.first_day(), r.value) for r in track.results)
    limits = track.range
    return Series(
        f"{name}, {unit}" if unit else name,
        points,
        limits.low if limits else None,
        limits.high if limits else None,
    )


class _Axis:
    """The date axis of every chart of a case: its scale and label under the date policy."""

    def __init__(self, record: ClinicalRecord, words: ChartTexts, dates: DatePolicy) -> None:
        self.scale = DateScale(dates.policy)
        self.label = words.word("axes", "date")
        if dates.policy == "relative":
            anchor = record.anchors.get(dates.anchor)
            day0 = relative_day0(record, dates)
            self.scale = DateScale("relative", day0.first_day() if day0 else None)
            name = dates.anchor if anchor is not None else "day0"
            self.label = words.join(
                lambda lang: str(labels()[lang]["axes"]["months_from"]).format(
                    anchor=_anchor_name(lang, name)
                )
            )

    def texts(self, words: ChartTexts, y_label: str, lanes: Sequence[str] = ()) -> Texts:
        return Texts(self.label, y_label, words.legend(), tuple(lanes), self.scale)


def _anchor_name(lang: Lang, anchor: str) -> str:
    """An anchor as the axis label names it ("presentation", «первичного обращения»)."""
    names: dict[str, str] = labels()[lang]["relative_anchor"]
    return names.get(anchor) or anchor.replace("_", " ")


def draw(
    key: str,
    case: Case,
    record: ClinicalRecord,
    langs: Sequence[Lang],
    dates: DatePolicy | None = None,
    columns: int = 1,
) -> Figure:
    """The matplotlib figure of a generated chart (``timeline``, ``labs``, ``markers``,
    ``lesions``, ``ecog``); its date axis follows the journal's date ``dates`` policy (default:
    calendar dates; ``relative``: months from the anchor, as :meth:`Values.format_when`). On a
    page of two ``columns`` it is drawn a column wide, unless it spans the page (WIDE_CHARTS),
    so that its lettering prints at the size it was drawn at."""
    width_cm = COLUMN_WIDTH_CM if columns > 1 and key not in WIDE_CHARTS else FULL_WIDTH_CM
    if key == "swimmer":
        from casepub.render.series_chart import swimmer

        return swimmer(case, list(langs), width_cm)
    words = ChartTexts(langs)
    axis = _Axis(record, words, dates or DatePolicy())
    periods = _periods(case, record, words)
    decimal = words.decimal()
    if key == "timeline":
        lanes = list(
            dict.fromkeys([p.lane for p in periods] + [m.lane for m in _markers(record, words)])
        )
        return timeline_figure(
            periods,
            _markers(record, words),
            _responses(record, words),
            axis.texts(words, "", lanes),
            width_cm=width_cm,
        )
    if key in ("labs", "markers"):
        tracks = [t for t in getattr(record, key) if len(t.results) >= 2]
        series = [_series(t, words) for t in tracks]
        if key == "markers":
            return marker_figure(
                series, periods, axis.texts(words, ""), decimal=decimal, width_cm=width_cm
            )
        # Two or more analytes above their ULN share one × ULN axis; analytes below their
        # lower limit (cytopenias) or without a ULN keep their own scale and reference band.
        relative = [s for s in series if on_uln_scale(s)]
        mode: Literal["uln", "values"] = "uln" if len(relative) >= 2 else "values"
        y_label = words.word("axes", "uln") if mode == "uln" else ""  # "values": per panel
        return lab_figure(
            series,
            periods,
            axis.texts(words, y_label),
            mode=mode,
            decimal=decimal,
            width_cm=width_cm,
        )
    if key == "lesions":
        return _lesions(record, words, periods, decimal, axis, width_cm)
    if key == "ecog":
        points = [Point(e.date.first_day(), e.value, e.upper) for e in record.ecog]
        return ecog_figure(
            points,
            periods,
            axis.texts(words, words.word("axes", "ecog")),
            decimal=decimal,
            width_cm=width_cm,
        )
    raise ValueError(f"no chart {key!r}")


def _lesions(
    record: ClinicalRecord,
    words: ChartTexts,
    periods: list[Period],
    decimal: Decimal,
    axis: _Axis,
    width_cm: float,
) -> Figure:
    tracks = []
    for tracked in record.lesions:
        if tracked.lesion.target or tracked.lesion.new:
            points = tuple(Point(d.first_day(), mm) for d, mm in tracked.sizes if mm is not None)
            label = f"{tracked.lesion.id}: {words.text(tracked.lesion.site)}"
            if points:
                tracks.append(Series(label, points))
    total = Series(
        words.word("legend", "sum"),
        tuple(
            Point(a.when, float(a.sum_mm)) for a in _with_baseline(record) if a.sum_mm is not None
        ),
    )
    responses = [
        ResponseMark(a.when, a.response.value, words.word("response_short", a.response.value))
        for a in record.assessments
    ]
    return lesion_figure(
        tracks,
        total,
        responses,
        periods,
        axis.texts(words, words.word("axes", "size_mm")),
        decimal=decimal,
        width_cm=width_cm,
    )


class _Sum:
    def __init__(self, when: dt.date, sum_mm: float | None) -> None:
        self.when = when
        self.sum_mm = sum_mm


def _with_baseline(record: ClinicalRecord) -> list[_Sum]:
    if not record.assessments:
        return []
    first = record.assessments[0]
    baseline_day = min(
        d.first_day()
        for t in record.lesions
        if t.lesion.target and not t.lesion.new
        for d, _ in t.sizes
    )
    return [
        _Sum(baseline_day, first.baseline_mm),
        *(_Sum(a.when, a.sum_mm) for a in record.assessments),
    ]


Drawer = Callable[[], Figure]
"""Draws a chart afresh. Each file is rendered from a new drawing: saving lays a figure out
again from its last state, so a figure saved twice is not always saved the same."""


CHART_SUFFIXES = (".svg", ".png")


def chart_files(make: Drawer, suffixes: Sequence[str] = CHART_SUFFIXES) -> dict[str, bytes]:
    """SVG for PDF, HTML and JATS; PNG at 300 dpi for DOCX and LaTeX — those asked for."""
    drawn = {
        ".svg": lambda: render(make(), "svg"),
        ".png": lambda: render(make(), "png", dpi=PNG_DPI),
    }
    return {suffix: drawn[suffix]() for suffix in suffixes}


def submission_files(make: Drawer) -> dict[str, bytes]:
    """TIFF at 300 and 600 dpi, as journals ask for at submission."""
    return {f"-{dpi}dpi.tiff": render(make(), "tiff", dpi=dpi) for dpi in SUBMISSION_DPI}
