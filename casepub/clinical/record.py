"""The clinical record: the case's data with every date resolved, every analyte and unit
identified and every lesion's sizes in order — the one source of the figures, the tables and
the values quoted in the text. Built while loading, so each problem keeps its place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from casepub.clinical import recist
from casepub.clinical.dates import UnknownAnchor, resolve
from casepub.clinical.imports import Row, read_rows
from casepub.clinical.units import (
    Analyte,
    Unit,
    convert,
    find_analyte,
    find_unit,
    suggest_analyte,
    suggest_unit,
    value_bounds,
)
from casepub.diagnostics import Severity, Spot, did_you_mean
from casepub.files import not_a_file, path_problem
from casepub.load.loaded import LoadedCase
from casepub.load.yamlsource import KeyPath
from casepub.model import Offset, PartialDate
from casepub.model.common import Localized
from casepub.model.data import (
    DataFile,
    EventKind,
    LabSeries,
    Lesion,
    Measurement,
    Outcome,
    Range,
    SexRange,
    TimelineEvent,
    Treatment,
)

Group = Literal["labs", "markers"]
Text = str | Localized


@dataclass(frozen=True)
class Event:
    """A timeline event with its date resolved."""

    index: int
    date: PartialDate
    source: TimelineEvent
    treatment: Treatment | None

    @property
    def kind(self) -> EventKind | None:
        """The event's kind, if given."""
        return self.source.kind


@dataclass(frozen=True)
class Course:
    """A treatment with its dates resolved."""

    index: int
    treatment: Treatment
    start: PartialDate
    end: PartialDate | None

    @property
    def one_day(self) -> bool:
        """A single-day procedure or operation rather than a course."""
        return self.end is None and not self.treatment.ongoing


@dataclass(frozen=True)
class Result:
    """One lab value at a resolved date."""

    date: PartialDate
    value: float
    note: Text | None = None


@dataclass(frozen=True)
class Track:
    """The results of one analyte in one unit, oldest first, with the patient's range."""

    group: Group
    analyte: Analyte
    unit: Unit
    range: Range | None
    label: Text | None
    results: tuple[Result, ...]

    def at(self, date: PartialDate) -> Result | None:
        """The result of ``date``, if any."""
        return next((r for r in self.results if r.date == date), None)


@dataclass(frozen=True)
class Ecog:
    """ECOG status at a resolved date."""

    index: int
    date: PartialDate
    value: int
    upper: int | None


@dataclass(frozen=True)
class TrackedLesion:
    """A lesion and its sizes at resolved dates, oldest first."""

    index: int
    """Position of the lesion (or of its data file) in the case's ``lesions``."""
    lesion: Lesion
    sizes: tuple[tuple[PartialDate, float | None], ...]


@dataclass(frozen=True)
class FinalStatus:
    """The outcome with its date resolved."""

    outcome: Outcome
    date: PartialDate


@dataclass
class ClinicalRecord:
    """Everything dated, identified and sorted; see the module docstring."""

    anchors: dict[str, PartialDate]
    events: list[Event] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    labs: list[Track] = field(default_factory=list)
    markers: list[Track] = field(default_factory=list)
    ecog: list[Ecog] = field(default_factory=list)
    lesions: list[TrackedLesion] = field(default_factory=list)
    assessments: list[recist.Assessment] = field(default_factory=list)
    outcome: FinalStatus | None = None

    def tracks(self) -> list[Track]:
        """Labs, then markers."""
        return [*self.labs, *self.markers]

    def track(self, name: str) -> Track | None:
        """The track of an analyte given by any of its names."""
        analyte = find_analyte(name)
        return next((t for t in self.tracks() if analyte and t.analyte.id == analyte.id), None)

    def course(self, treatment_id: str) -> Course | None:
        """The course of the treatment with this id."""
        return next((c for c in self.courses if c.treatment.id == treatment_id), None)

    def dates(self) -> list[PartialDate]:
        """Every date of the record."""
        found = [e.date for e in self.events]
        found += [d for c in self.courses for d in (c.start, c.end) if d is not None]
        found += [r.date for t in self.tracks() for r in t.results]
        found += [e.date for e in self.ecog] + [d for t in self.lesions for d, _ in t.sizes]
        return found

    def last_date(self) -> PartialDate | None:
        """The last follow-up: the outcome's date, else the latest date anywhere."""
        if self.outcome is not None:
            return self.outcome.date
        found = self.dates()
        return max(found, key=PartialDate.first_day) if found else None


@dataclass(frozen=True)
class _Value:
    """A result on its way into a track, with the places of its parts."""

    result: Result
    date_spot: Spot
    value_spot: Spot


class RecordBuilder:
    """Builds the record from a loaded case, reporting problems at their places."""

    def __init__(self, loaded: LoadedCase) -> None:
        self.loaded = loaded
        self.case = loaded.case
        self.record = ClinicalRecord(anchors=dict(self.case.anchors))

    def date(self, value: PartialDate | Offset, path: KeyPath) -> PartialDate | None:
        """``value`` resolved, or None after reporting why it cannot be."""
        try:
            return resolve(value, self.record.anchors)
        except UnknownAnchor as exc:
            hint = did_you_mean(exc.name, exc.known) or "define it under `anchors:`"
            self.loaded.report((*path, "anchor"), str(exc), "unknown-ref", suggestion=hint)
        except ValueError as exc:
            self.loaded.report(path, str(exc), "value")
        return None

    def build(self) -> ClinicalRecord:
        """Resolve every part of the clinical data."""
        self._courses()
        self._events()
        self.record.labs = self._tracks("labs")
        self.record.markers = self._tracks("markers")
        self._units_agree()
        self._ecog()
        self._lesions()
        self._outcome()
        return self.record

    def _courses(self) -> None:
        for i, treatment in enumerate(self.case.treatments):
            start = self.date(treatment.start, ("treatments", i, "start"))
            end = self.date(treatment.end, ("treatments", i, "end")) if treatment.end else None
            if start is not None:
                self.record.courses.append(Course(i, treatment, start, end))

    def _events(self) -> None:
        treatments = {t.id: t for t in self.case.treatments}
        for i, event in enumerate(self.case.timeline):
            date = self.date(event.date, ("timeline", i, "date"))
            if event.treatment is not None and event.treatment not in treatments:
                self.loaded.report(
                    ("timeline", i, "treatment"),
                    f"no treatment with id `{event.treatment}`",
                    "unknown-ref",
                    suggestion=did_you_mean(event.treatment, treatments),
                )
            if date is not None:
                treatment = treatments.get(event.treatment) if event.treatment else None
                self.record.events.append(Event(i, date, event, treatment))

    # -- labs and markers -------------------------------------------------------------------

    def _tracks(self, group: Group) -> list[Track]:
        tracks: list[Track] = []
        for i, entry in enumerate(getattr(self.case, group)):
            path: KeyPath = (group, i)
            if isinstance(entry, DataFile):
                rows = self._rows(entry, path, "lab")
                tracks.extend(self._tracks_from_rows(group, rows))
            else:
                track = self._series(group, entry, path)
                if track is not None:
                    tracks.append(track)
        return tracks

    def _series(self, group: Group, series: LabSeries, path: KeyPath) -> Track | None:
        spot = self.loaded.spot
        analyte = _analyte(series.analyte, spot((*path, "analyte")))
        if analyte is None:
            return None
        unit = _unit(analyte, series.unit, spot((*path, "unit")))
        values = []
        for j, item in enumerate(series.values):
            date = self.date(item.date, (*path, "values", j, "date"))
            if date is not None:
                values.append(
                    _Value(
                        Result(date, item.value, item.note),
                        spot((*path, "values", j, "date")),
                        spot((*path, "values", j, "value")),
                    )
                )
        if unit is None:
            return None
        if series.range is None:
            _no_range(analyte, spot((*path, "analyte")))
        return _track(group, analyte, unit, self._range(series.range), series.label, values)

    def _range(self, spec: Range | SexRange | None) -> Range | None:
        if isinstance(spec, SexRange):
            patient = self.case.patient
            return spec.female if patient and patient.sex.value == "female" else spec.male
        return spec

    def _rows(self, data: DataFile, path: KeyPath, kind: Literal["lab", "lesion"]) -> list[Row]:
        problem = path_problem(data.file)
        if problem is not None:
            self.loaded.report((*path, "file"), problem, "value")
            return []
        file = (self.loaded.folder / data.file).resolve()
        if not file.is_relative_to(self.loaded.folder):
            self.loaded.report(
                (*path, "file"), f"`{data.file}` points outside the case folder", "path-outside"
            )
            return []
        missing = not_a_file(file, data.file)
        if missing is not None:
            self.loaded.report((*path, "file"), missing, "file-missing")
            return []
        return read_rows(file, data.sheet, kind=kind, sink=self.loaded.diagnostics)

    def _tracks_from_rows(self, group: Group, rows: Sequence[Row]) -> list[Track]:
        by_analyte: dict[str, list[Row]] = {}
        analytes: dict[str, Analyte] = {}
        for row in rows:
            analyte = _analyte(row.analyte, row.spot("analyte"))
            if analyte is not None:
                analytes[analyte.id] = analyte
                by_analyte.setdefault(analyte.id, []).append(row)
        tracks = []
        for analyte_id, analyte_rows in by_analyte.items():
            track = _track_from_rows(group, analytes[analyte_id], analyte_rows)
            if track is not None:
                tracks.append(track)
        return tracks

    def _units_agree(self) -> None:
        """One analyte, one unit: a second series in another unit is an error."""
        seen: dict[str, Track] = {}
        for group in ("labs", "markers"):
            for i, track in enumerate(getattr(self.record, group)):
                first = seen.setdefault(track.analyte.id, track)
                if first is not track and first.unit.id != track.unit.id:
                    _unit_mismatch(
                        track.analyte,
                        track.results[0].value,
                        track.unit,
                        first.unit,
                        self.loaded.spot((group, i, "unit")),
                    )

    # -- ECOG, lesions, outcome ---------------------------------------------------------------

    def _ecog(self) -> None:
        for i, item in enumerate(self.case.ecog):
            date = self.date(item.date, ("ecog", i, "date"))
            if item.upper is not None and item.upper < item.value:
                self.loaded.report(("ecog", i, "upper"), "`upper` is below `value`", "value")
            if date is not None:
                self.record.ecog.append(Ecog(i, date, item.value, item.upper))
        self.record.ecog.sort(key=lambda e: e.date.first_day())

    def _lesions(self) -> None:
        for i, entry in enumerate(self.case.lesions):
            if isinstance(entry, DataFile):
                rows = self._rows(entry, ("lesions", i), "lesion")
                self.record.lesions.extend(_lesions_from_rows(i, rows))
                continue
            sizes: list[tuple[PartialDate, float | None]] = []
            for j, m in enumerate(entry.measurements):
                path: KeyPath = ("lesions", i, "measurements", j, "date")
                date = self.date(m.date, path)
                if date is None:
                    continue
                if any(d == date for d, _ in sizes):
                    self.loaded.report(
                        path, f"lesion {entry.id} is measured twice on {date}", "duplicate-value"
                    )
                sizes.append((date, m.mm))
            ordered = tuple(sorted(sizes, key=lambda s: s[0].first_day()))
            self.record.lesions.append(TrackedLesion(i, entry, ordered))
        self._recist()

    def _recist(self) -> None:
        tracked = [t for t in self.record.lesions if not t.lesion.new]
        lesions = [
            recist.Lesion(t.lesion.id, t.lesion.organ, t.lesion.node, t.lesion.target)
            for t in tracked
        ]
        measurements = [
            recist.Measurement(t.lesion.id, d.first_day(), mm) for t in tracked for d, mm in t.sizes
        ]
        targets = [
            m.when
            for m in measurements
            if any(lesion.id == m.lesion and lesion.target for lesion in lesions)
        ]
        if not targets:
            return
        new = [
            (t.lesion.id, t.sizes[0][0].first_day())
            for t in self.record.lesions
            if t.lesion.new and t.sizes
        ]
        baseline, progression = self._recist_settings()
        start = baseline.first_day() if baseline else min(targets)
        for problem in recist.target_problems(lesions, measurements, start):
            index = next(
                (
                    i
                    for i, e in enumerate(self.case.lesions)
                    if isinstance(e, Lesion) and e.id == problem.lesion
                ),
                None,
            )
            path: KeyPath = ("lesions", index) if index is not None else ("lesions",)
            self.loaded.report(
                path, f"RECIST: {problem.message}", "recist", severity=Severity.warning
            )
        try:
            self.record.assessments = recist.assess(
                lesions,
                measurements,
                baseline=start,
                new_lesions=new,
                non_target_progression=[p.first_day() for p in progression],
            )
        except ValueError as exc:
            self.loaded.report(
                ("lesions",), f"RECIST cannot be assessed: {exc}", "recist", key=True
            )

    def _recist_settings(self) -> tuple[PartialDate | None, list[PartialDate]]:
        settings = self.case.recist
        if settings is None:
            return None, []
        baseline = (
            self.date(settings.baseline, ("recist", "baseline"))
            if settings.baseline is not None
            else None
        )
        progression = [
            self.date(when, ("recist", "non_target_progression", j))
            for j, when in enumerate(settings.non_target_progression)
        ]
        return baseline, [p for p in progression if p is not None]

    def _outcome(self) -> None:
        outcome = self.case.outcome
        if outcome is not None:
            date = self.date(outcome.date, ("outcome", "date"))
            if date is not None:
                self.record.outcome = FinalStatus(outcome, date)


def _analyte(name: str, spot: Spot) -> Analyte | None:
    analyte = find_analyte(name)
    if analyte is None:
        hint = suggest_analyte(name)
        spot.report(
            f"unknown analyte `{name}`",
            "unknown-analyte",
            f"did you mean `{hint}`?" if hint else None,
        )
    return analyte


def _unit(analyte: Analyte, spelling: str, spot: Spot) -> Unit | None:
    unit = find_unit(analyte, spelling)
    if unit is None:
        spot.report(
            f"`{spelling}` is not a unit of {analyte.names['en']}",
            "unit",
            suggest_unit(analyte, spelling),
        )
    return unit


def _no_range(
    analyte: Analyte, spot: Spot, hint: str = "add `range: {low: …, high: …}` from the laboratory"
) -> None:
    if analyte.kind != "pathology":
        spot.report(
            f"{analyte.names['en']} has no reference range",
            "range-missing",
            hint,
            Severity.warning,
        )


def _track(
    group: Group,
    analyte: Analyte,
    unit: Unit,
    range_: Range | None,
    label: Text | None,
    values: Sequence[_Value],
) -> Track:
    """A track of checked values: possible, and one per date."""
    kept: dict[PartialDate, Result] = {}
    for item in values:
        low, high = value_bounds(analyte, unit.id)
        value = item.result.value
        if (low is not None and value < low) or (high is not None and value > high):
            item.value_spot.report(f"{value:g} is impossible for {analyte.names['en']}", "value")
        if item.result.date in kept:
            item.date_spot.report(
                f"{analyte.names['en']} has two results on {item.result.date}", "duplicate-value"
            )
            continue
        kept[item.result.date] = item.result
    ordered = tuple(sorted(kept.values(), key=lambda r: r.date.first_day()))
    return Track(group, analyte, unit, range_, label, ordered)


def _track_from_rows(group: Group, analyte: Analyte, rows: Sequence[Row]) -> Track | None:
    unit = _unit(analyte, rows[0].unit, rows[0].spot("unit"))
    if unit is None:
        return None
    values = []
    for row in rows:
        row_unit = find_unit(analyte, row.unit)
        if row_unit is None:
            _unit(analyte, row.unit, row.spot("unit"))
            continue
        if row_unit.id != unit.id:
            _unit_mismatch(analyte, row.value, row_unit, unit, row.spot("unit"))
            continue
        values.append(_Value(Result(row.date, row.value), row.spot("date"), row.spot("value")))
    limits = [(r.low, r.high) for r in rows if r.low is not None or r.high is not None]
    range_ = Range(low=limits[0][0], high=limits[0][1]) if limits else None
    if range_ is None:
        _no_range(analyte, rows[0].spot("analyte"), "add `low` and `high` columns")
    return _track(group, analyte, unit, range_, None, values)


def _lesions_from_rows(index: int, rows: Sequence[Row]) -> list[TrackedLesion]:
    by_id: dict[str, list[Row]] = {}
    for row in rows:
        by_id.setdefault(row.cells["lesion"], []).append(row)
    lesions = []
    for lesion_id, lesion_rows in by_id.items():
        first = lesion_rows[0]
        organ = first.cells["organ"]
        lesion = Lesion(
            id=lesion_id,
            site=first.cells.get("site") or f"{organ} {lesion_id}",
            organ=organ,
            node=organ.lower() in ("lymph-node", "lymph node", "node", "лимфоузел"),
            measurements=[Measurement(date=r.date, mm=r.number) for r in lesion_rows],
        )
        sizes = tuple(
            sorted(((r.date, r.number) for r in lesion_rows), key=lambda s: s[0].first_day())
        )
        lesions.append(TrackedLesion(index, lesion, sizes))
    return lesions


def _unit_mismatch(analyte: Analyte, value: float, unit: Unit, expected: Unit, spot: Spot) -> None:
    message = (
        f"{analyte.names['en']} is given in {unit.labels['en']} here but in "
        f"{expected.labels['en']} elsewhere"
    )
    try:
        converted = convert(value, analyte, unit.id, expected.id)
    except ValueError:
        spot.report(message, "unit-mismatch", f"give every {analyte.names['en']} value in one unit")
        return
    spot.report(
        message,
        "unit-mismatch",
        f"convert: {value:g} {unit.labels['en']} = {converted:.4g} {expected.labels['en']}",
    )


def build_record(loaded: LoadedCase) -> ClinicalRecord:
    """Resolve the clinical data of ``loaded``; problems go to ``loaded.diagnostics``."""
    return RecordBuilder(loaded).build()
