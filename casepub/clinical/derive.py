"""Values computed from the record: flags, multiples of ULN, change, CTCAE grade, ages,
durations. Pure functions; formatting for a language is the renderer's job."""

from __future__ import annotations

from typing import Literal

from casepub.clinical.dates import days_between, whole_months, whole_years
from casepub.clinical.record import ClinicalRecord, Course, Result, Track
from casepub.model import PartialDate
from casepub.model.data import Range

Flag = Literal["high", "low"]

CTCAE_ENZYMES = ("alt", "ast")
"""Analytes graded by multiples of ULN with CTCAE v5 (normal baseline)."""


def flag(value: float, range_: Range | None) -> Flag | None:
    """``high`` above the upper limit, ``low`` below the lower one, else None."""
    if range_ is None:
        return None
    if range_.high is not None and value > range_.high:
        return "high"
    if range_.low is not None and value < range_.low:
        return "low"
    return None


def uln_multiple(value: float, range_: Range | None) -> float | None:
    """The value as a multiple of the upper limit of normal (None without a ULN)."""
    if range_ is None or not range_.high:
        return None
    return value / range_.high


def change_from_baseline(track: Track, result: Result) -> float | None:
    """Fractional change from the track's first result (``-0.66`` = −66 %)."""
    baseline = track.results[0].value
    if baseline == 0:
        return None
    return (result.value - baseline) / baseline


def ctcae_grade(track: Track, result: Result) -> int | None:
    """CTCAE v5 grade of ALT/AST elevation with a normal baseline: G1 >ULN–3×, G2 >3–5×,
    G3 >5–20×, G4 >20×; 0 within normal; None for other analytes or without a ULN."""
    if track.analyte.id not in CTCAE_ENZYMES:
        return None
    multiple = uln_multiple(result.value, track.range)
    if multiple is None:
        return None
    for grade, bound in ((4, 20.0), (3, 5.0), (2, 3.0), (1, 1.0)):
        if multiple > bound:
            return grade
    return 0


def age_at(record: ClinicalRecord, age: int, date: PartialDate) -> int | None:
    """The patient's age at ``date``, from the age at ``anchors.presentation``."""
    presentation = record.anchors.get("presentation")
    if presentation is None:
        return None
    return age + whole_years(presentation, date)


def course_end(record: ClinicalRecord, course: Course) -> PartialDate:
    """Last day of a course: its end, the last follow-up if ongoing, or its start."""
    if course.end is not None:
        return course.end
    if course.treatment.ongoing:
        return record.last_date() or course.start
    return course.start


def duration(record: ClinicalRecord, course: Course, unit: Literal["days", "months"]) -> int:
    """Length of a course in days or whole months (to the last follow-up if ongoing)."""
    end = course_end(record, course)
    if unit == "days":
        return days_between(course.start, end)
    return whole_months(course.start, end)
