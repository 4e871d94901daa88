"""Checks on the clinical data as a whole: order of events, periods, death, follow-up."""

from __future__ import annotations

from casepub.clinical.floats import GENERATED_SECTIONS, NEEDS, available
from casepub.clinical.record import ClinicalRecord
from casepub.clinical.value_texts import check_values
from casepub.clinical.values import DOSE_UNITS, dose_unit
from casepub.diagnostics import Severity, did_you_mean
from casepub.load.checks import Places
from casepub.load.loaded import LoadedCase
from casepub.load.series import example_passages
from casepub.load.yamlsource import KeyPath
from casepub.model.data import EventKind, OutcomeStatus, TreatmentKind
from casepub.references.citations import find_citations


def check_record(loaded: LoadedCase, record: ClinicalRecord) -> None:
    """Report what cannot be true of the record, or is probably a slip."""
    _dose_units(loaded)
    check_values(loaded, record)
    _generated_refs(loaded, record)
    _periods(loaded, record)
    _timeline_order(loaded, record)
    _surgery_before_diagnosis(loaded, record)
    _after_death(loaded, record)
    _lesions_followed(loaded, record)


def _periods(loaded: LoadedCase, record: ClinicalRecord) -> None:
    for course in record.courses:
        if course.end is not None and course.end.surely_before(course.start):
            loaded.report(
                ("treatments", course.index, "end"),
                f"ends ({course.end}) before it starts ({course.start})",
                "order",
            )


def _timeline_order(loaded: LoadedCase, record: ClinicalRecord) -> None:
    latest = None
    for event in record.events:
        if latest is not None and event.date.surely_before(latest.date):
            loaded.report(
                ("timeline", event.index, "date"),
                f"{event.date} is listed after {latest.date}",
                "order",
                suggestion="list the timeline in date order",
                severity=Severity.warning,
            )
        if latest is None or latest.date.surely_before(event.date):
            latest = event


def _surgery_before_diagnosis(loaded: LoadedCase, record: ClinicalRecord) -> None:
    diagnoses = [e.date for e in record.events if e.kind is EventKind.diagnosis]
    if not diagnoses:
        return
    first = min(diagnoses, key=lambda d: d.first_day())
    for course in record.courses:
        if course.treatment.kind is TreatmentKind.surgery and course.start.surely_before(first):
            loaded.report(
                ("treatments", course.index, "start"),
                f"surgery on {course.start} comes before the diagnosis ({first})",
                "order",
                severity=Severity.warning,
            )


def _after_death(loaded: LoadedCase, record: ClinicalRecord) -> None:
    final = record.outcome
    if final is None or final.outcome.status is not OutcomeStatus.dead:
        return
    death = final.date
    for event in record.events:
        if death.surely_before(event.date):
            loaded.report(
                ("timeline", event.index, "date"),
                f"{event.date} is after the patient's death ({death})",
                "order",
            )
    for course in record.courses:
        if death.surely_before(course.start):
            loaded.report(
                ("treatments", course.index, "start"),
                f"starts after the patient's death ({death})",
                "order",
            )
        if course.treatment.ongoing:
            loaded.report(
                ("treatments", course.index, "ongoing"),
                "cannot be ongoing: the patient has died",
                "order",
            )
    for ecog in record.ecog:
        if death.surely_before(ecog.date):
            loaded.report(
                ("ecog", ecog.index, "date"), f"after the patient's death ({death})", "order"
            )


def _lesions_followed(loaded: LoadedCase, record: ClinicalRecord) -> None:
    for tracked in record.lesions:
        lesion = tracked.lesion
        if len(tracked.sizes) == 1 and lesion.not_followed is None:
            loaded.report(
                ("lesions", tracked.index),
                f"lesion {lesion.id} is measured once and never again",
                "lesion-once",
                severity=Severity.warning,
                suggestion="add its later sizes, or say why in `not_followed:`",
            )


def _dose_units(loaded: LoadedCase) -> None:
    for i, treatment in enumerate(loaded.case.treatments):
        doses: list[tuple[KeyPath, str]] = []
        if treatment.dose is not None:
            doses.append((("treatments", i, "dose", "unit"), treatment.dose.unit))
        doses += [
            (("treatments", i, "agents", j, "dose", "unit"), a.dose.unit)
            for j, a in enumerate(treatment.agents)
            if a.dose is not None
        ]
        for path, unit in doses:
            if dose_unit(unit) is None:
                loaded.report(
                    path,
                    f"unknown dose unit `{unit}`",
                    "unit",
                    suggestion=did_you_mean(unit, DOSE_UNITS)
                    or "use mg, mL, g, ug, U, cm3, mg/m2, mg/kg, MBq, GBq or Gy",
                )


def _generated_refs(loaded: LoadedCase, record: ClinicalRecord) -> None:
    """``@fig:labs`` and the like need the data that draws them."""
    have = set(available(record, len(loaded.case.examples)))
    for passages in [*loaded.sections.values(), *example_passages(loaded)]:
        for passage in passages.values():
            places = Places(
                passage, ((c.token, c.line, c.col) for c in find_citations(passage.raw))
            )
            for citation in find_citations(passage.text):
                mark = places.next(citation.token)
                if citation.key in GENERATED_SECTIONS and citation.key not in have:
                    loaded.diagnostics.add(
                        passage.diagnostic(
                            mark,
                            f"`{citation.key}` is made from {NEEDS[citation.key]}, "
                            "which the case does not have",
                            "unknown-ref",
                        )
                    )
