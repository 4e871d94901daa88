"""Tables made from the clinical record: the CARE timeline, labs, markers and treatments.

Each function returns the header and rows in one language, or None when there is no data;
captions and numbers are given by the float registry (``floats.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from casepub.clinical import derive
from casepub.clinical.record import ClinicalRecord, Course, Track
from casepub.clinical.units import unit_label
from casepub.clinical.values import Values
from casepub.model import Case, Lang, PartialDate, text_in
from casepub.resources import labels


@dataclass(frozen=True)
class Table:
    """Header and rows of a table, in one language; ``widths`` are relative column widths."""

    header: list[str]
    rows: list[list[str]]
    widths: list[int]


def _words(lang: Lang) -> dict[str, Any]:
    words: dict[str, Any] = labels()[lang]
    return words


def _text(value: object, lang: Lang) -> str:
    if value is None:
        return ""
    return text_in(value, lang) or ""  # type: ignore[arg-type]


def _drop_empty_columns(
    header: list[str], rows: list[list[str]], widths: list[int], keep: int
) -> Table:
    """Columns after the first ``keep`` that are empty in every row are left out."""
    columns = [i for i in range(len(header)) if i < keep or any(r[i] for r in rows)]
    return Table(
        [header[i] for i in columns],
        [[r[i] for i in columns] for r in rows],
        [widths[i] for i in columns],
    )


def describe(course: Course, values: Values) -> str:
    """One line for a treatment: agents and doses, route, schedule, target."""
    treatment, lang = course.treatment, values.lang
    words = _words(lang)
    parts: list[str] = []
    if treatment.agents:
        parts.append(
            " + ".join(
                f"{_text(a.agent, lang)} {values.format_dose(a.dose)}"
                if a.dose
                else _text(a.agent, lang)
                for a in treatment.agents
            )
        )
    elif treatment.dose is not None:
        parts.append(values.format_dose(treatment.dose))
    if treatment.route is not None:
        parts.append(words["routes"][treatment.route.value])
    if treatment.schedule is not None:
        parts.append(_text(treatment.schedule, lang))
    for key in ("embolic", "target"):
        value = getattr(treatment, key)
        if value is not None:
            parts.append(f"{words['columns'][key]}: {_text(value, lang)}")
    return ", ".join(p for p in parts if p)


def timeline_table(case: Case, record: ClinicalRecord, values: Values) -> Table | None:
    """CARE timeline: date, event, intervention, outcome; events and unreferenced treatments."""
    lang = values.lang
    columns = _words(lang)["columns"]
    referenced = {e.treatment.id for e in record.events if e.treatment is not None}
    rows: list[tuple[PartialDate, list[str]]] = []
    for event in record.events:
        intervention = ""
        if event.treatment is not None:
            course = record.course(event.treatment.id)
            detail = describe(course, values) if course else ""
            name = _text(event.treatment.name, lang)
            intervention = f"{name}: {detail}" if detail else name
        rows.append(
            (
                event.date,
                [
                    values.format_when(event.date),
                    _text(event.source.event, lang),
                    intervention,
                    _text(event.source.outcome, lang),
                ],
            )
        )
    for course in record.courses:
        if course.treatment.id not in referenced:
            # Events keep the author's order; a treatment goes before the first event it
            # surely precedes (02.2017 and 02.02.2017 are never swapped).
            row = (
                course.start,
                [
                    values.format_when(course.start),
                    _text(course.treatment.name, lang),
                    describe(course, values),
                    _text(course.treatment.reason_stopped, lang),
                ],
            )
            at = next(
                (i for i, (date, _) in enumerate(rows) if course.start.surely_before(date)),
                len(rows),
            )
            rows.insert(at, row)
    if not rows:
        return None
    header = [columns[k] for k in ("date", "event", "intervention", "outcome")]
    return _drop_empty_columns(header, [r[1] for r in rows], [12, 38, 25, 25], keep=2)


def results_table(tracks: Sequence[Track], values: Values) -> Table | None:
    """Analytes × dates, with unit, reference range and ↑/↓ flags."""
    if not tracks:
        return None
    lang = values.lang
    columns = _words(lang)["columns"]
    dates = sorted({r.date for t in tracks for r in t.results}, key=PartialDate.first_day)
    header = [
        columns["analyte"],
        columns["unit"],
        columns["reference"],
        *(values.format_when(d) for d in dates),
    ]
    rows = []
    for track in tracks:
        name = _text(track.label, lang) or track.analyte.names[lang]
        reference = values.range(track, with_unit=False) if track.range else ""
        cells = [name, unit_label(track.unit.id, lang), reference]
        for date in dates:
            result = track.at(date)
            if result is None:
                cells.append("")
                continue
            mark = {"high": " ↑", "low": " ↓", None: ""}[derive.flag(result.value, track.range)]
            cells.append(values.number(result.value) + mark)
        rows.append(cells)
    widths = [22, 10, 12, *([max(8, 56 // max(len(dates), 1))] * len(dates))]
    return Table(header, rows, widths)


def treatments_table(record: ClinicalRecord, values: Values) -> Table | None:
    """Line, treatment, dose/route/schedule, start, end, cycles, reason stopped."""
    if not record.courses:
        return None
    lang = values.lang
    words = _words(lang)
    columns = words["columns"]
    rows = []
    for course in sorted(record.courses, key=lambda c: c.start.first_day()):
        treatment = course.treatment
        end = (
            words["ongoing"]
            if treatment.ongoing
            else values.format_when(course.end)
            if course.end
            else ""
        )
        rows.append(
            [
                str(treatment.line) if treatment.line else "",
                _text(treatment.name, lang),
                describe(course, values),
                values.format_when(course.start),
                end,
                str(treatment.cycles) if treatment.cycles else "",
                _text(treatment.reason_stopped, lang),
            ]
        )
    header = [
        columns[k]
        for k in ("line", "treatment", "details", "start", "end", "cycles", "reason_stopped")
    ]
    return _drop_empty_columns(header, rows, [6, 20, 30, 11, 11, 7, 15], keep=0)
