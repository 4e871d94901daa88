"""RECIST 1.1 response of solid tumours over time (Eisenhauer et al., Eur J Cancer 2009;45:228–247).

Pure functions on plain data. ``target_problems`` checks the choice of target lesions;
``assess`` gives one time-point response per follow-up date from the sum of the target
diameters (long axis; short axis for lymph nodes), new lesions and non-target progression.

Thresholds are tested in exact rational arithmetic on the diameters as written (12.3 mm is
123/10, not the nearest binary float), so that exactly −30 % is PR and exactly +20 % with
≥ 5 mm is PD.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

MAX_TARGETS = 5
MAX_TARGETS_PER_ORGAN = 2
MIN_TARGET_MM = 10
"""Smallest measurable non-nodal lesion (long axis)."""
MIN_TARGET_NODE_MM = 15
"""Smallest pathological lymph node that may be a target (short axis)."""
NORMAL_NODE_MM = 10
"""A node below this short axis is normal again: it counts as gone for CR."""
PR_DECREASE = Fraction(3, 10)
"""PR: the sum fell by at least this fraction of the baseline sum."""
PD_INCREASE = Fraction(1, 5)
"""PD: the sum rose by at least this fraction of the nadir …"""
PD_MIN_MM = 5
"""… and by at least this many millimetres."""


class Response(StrEnum):
    """Time-point response."""

    CR = "CR"
    PR = "PR"
    SD = "SD"
    PD = "PD"
    NE = "NE"


@dataclass(frozen=True)
class Lesion:
    """A lesion followed through the study."""

    id: str
    organ: str
    """E.g. "liver", "lymph node", "lung"; targets are counted per organ."""
    node: bool
    """A lymph node: measured by its short axis."""
    target: bool
    """Chosen as a target lesion at baseline."""


@dataclass(frozen=True)
class Measurement:
    """One lesion's diameter on one date."""

    lesion: str
    """The ``Lesion.id``."""
    when: dt.date
    mm: float | None
    """Longest diameter (short axis for nodes); 0: disappeared; None: not evaluated."""


@dataclass(frozen=True)
class Assessment:
    """The response at one follow-up date and the numbers it was decided on."""

    when: dt.date
    sum_mm: float | None
    """Sum of the target diameters; None if any target was not evaluated."""
    baseline_mm: float
    nadir_mm: float
    """Smallest sum before this assessment, baseline included."""
    change_from_baseline: float | None
    """Fraction: -0.41 is −41 %."""
    change_from_nadir: float | None
    """Fraction; None also when the nadir is 0 mm."""
    new_lesions: tuple[str, ...]
    """Ids of the lesions first seen at this date."""
    response: Response
    reason: str
    """The rule that decided, e.g. "sum −41.2 % from baseline (≥30 % decrease)"."""


@dataclass(frozen=True)
class Problem:
    """A breach of the RECIST rules or an inconsistency in the data."""

    lesion: str | None
    message: str


_Table = dict[tuple[str, dt.date], Fraction | None]


def target_problems(
    lesions: Sequence[Lesion], measurements: Sequence[Measurement], baseline: dt.date
) -> list[Problem]:
    """Every breach of the target selection rules, and of the data's consistency."""
    problems = _data_problems(lesions, measurements)
    table = _table(measurements)
    targets = [lesion for lesion in lesions if lesion.target]
    if not targets:
        problems.append(Problem(None, "no target lesions"))
    if len(targets) > MAX_TARGETS:
        problems.append(Problem(None, f"more than {MAX_TARGETS} target lesions ({len(targets)})"))
    organs = Counter(_organ_key(lesion.organ) for lesion in targets)
    names = {_organ_key(lesion.organ): lesion.organ for lesion in reversed(targets)}
    for organ, count in organs.items():
        if count > MAX_TARGETS_PER_ORGAN:
            message = (
                f"more than {MAX_TARGETS_PER_ORGAN} target lesions in {names[organ]} ({count})"
            )
            problems.append(Problem(None, message))
    for lesion in targets:
        problem = _baseline_problem(lesion, table.get((lesion.id, baseline)), baseline)
        if problem is not None:
            problems.append(problem)
    return problems


def assess(
    lesions: Sequence[Lesion],
    measurements: Sequence[Measurement],
    *,
    baseline: dt.date | None = None,
    new_lesions: Sequence[tuple[str, dt.date]] = (),
    non_target_progression: Sequence[dt.date] = (),
) -> list[Assessment]:
    """One response per follow-up date, in date order.

    ``baseline`` defaults to the earliest date on which a target lesion was measured.
    ``new_lesions`` are (id, date first seen); ``non_target_progression`` the dates of
    unequivocal progression of non-target lesions. Raises ``ValueError`` when the data cannot
    be assessed (unknown or duplicate ids, a target not measured at baseline, events dated on or
    before baseline); the selection rules themselves are ``target_problems``' job.
    """
    problems = _data_problems(lesions, measurements)
    if problems:
        raise ValueError("; ".join(_describe(problem) for problem in problems))
    table = _table(measurements)
    targets = [lesion for lesion in lesions if lesion.target]
    if not targets:
        raise ValueError("no target lesions")
    start = baseline if baseline is not None else _first_target_date(targets, table)
    base = _baseline_sum(targets, table, start)
    firsts = _first_seen(new_lesions)
    events = [*firsts.values(), *non_target_progression]
    if any(when <= start for when in events):
        raise ValueError(f"new lesion or non-target progression dated on or before {start}")
    news: dict[dt.date, list[str]] = defaultdict(list)
    for lesion_id, when in firsts.items():
        news[when].append(lesion_id)
    progressions = set(non_target_progression)
    dates = sorted({when for _, when in table if when > start} | set(news) | progressions)
    nadir = base
    assessments = []
    for when in dates:
        values = {target.id: table.get((target.id, when)) for target in targets}
        assessment, total = _assess_date(
            when, targets, values, base, nadir, tuple(news[when]), when in progressions
        )
        assessments.append(assessment)
        if total is not None:
            nadir = min(nadir, total)
    return assessments


def _assess_date(
    when: dt.date,
    targets: Sequence[Lesion],
    values: dict[str, Fraction | None],
    base: Fraction,
    nadir: Fraction,
    new: tuple[str, ...],
    progression: bool,
) -> tuple[Assessment, Fraction | None]:
    """The response at one date, and the target sum it adds to the nadir's candidates."""
    missing = [lesion_id for lesion_id, value in values.items() if value is None]
    partial = sum((value for value in values.values() if value is not None), Fraction(0))
    total = None if missing else partial
    response, reason = _decide(targets, values, missing, partial, base, nadir, new, progression)
    assessment = Assessment(
        when=when,
        sum_mm=None if total is None else float(total),
        baseline_mm=float(base),
        nadir_mm=float(nadir),
        change_from_baseline=None if total is None else float(_change(total, base)),
        change_from_nadir=None if total is None or nadir == 0 else float(_change(total, nadir)),
        new_lesions=new,
        response=response,
        reason=reason,
    )
    return assessment, total


def _decide(
    targets: Sequence[Lesion],
    values: dict[str, Fraction | None],
    missing: list[str],
    partial: Fraction,
    base: Fraction,
    nadir: Fraction,
    new: tuple[str, ...],
    progression: bool,
) -> tuple[Response, str]:
    """Apply the rules in order of precedence: PD, NE, CR, PR, SD."""
    if new:
        return Response.PD, f"new lesion{'s' if len(new) > 1 else ''}: {', '.join(new)}"
    if progression:
        return Response.PD, "unequivocal progression of non-target lesions"
    if _progressed(partial, nadir):
        # Missing targets can only add to the sum: if the evaluated ones already show PD, it is PD.
        what = "sum of evaluated targets" if missing else "sum"
        note = f"; {', '.join(missing)} not evaluated" if missing else ""
        return Response.PD, f"{what} {_rise(partial, nadir)} (≥20 % and ≥5 mm increase{note})"
    if missing:
        return Response.NE, f"target lesion not evaluated: {', '.join(missing)}"
    if all(_gone(target, values[target.id]) for target in targets):
        return Response.CR, "all target lesions gone (lymph nodes < 10 mm short axis)"
    from_base = _percent(_change(partial, base))
    if partial <= base * (1 - PR_DECREASE):
        return Response.PR, f"sum {from_base} from baseline (≥30 % decrease)"
    return Response.SD, f"sum {from_base} from baseline, {_rise(partial, nadir)}: neither PR nor PD"


def _progressed(total: Fraction, nadir: Fraction) -> bool:
    """≥ 20 % and ≥ 5 mm above the nadir."""
    return total - nadir >= nadir * PD_INCREASE and total - nadir >= PD_MIN_MM


def _gone(target: Lesion, mm: Fraction | None) -> bool:
    """Disappeared: 0 mm, or a lymph node back below 10 mm short axis."""
    if mm is None:
        return False
    return mm < NORMAL_NODE_MM if target.node else mm == 0


def _change(value: Fraction, reference: Fraction) -> Fraction:
    return (value - reference) / reference


def _rise(total: Fraction, nadir: Fraction) -> str:
    """E.g. "+21.7 % (+13 mm) from nadir 60 mm"."""
    rise = _signed_mm(total - nadir)
    if nadir:
        rise = f"{_percent(_change(total, nadir))} ({rise})"
    return f"{rise} from nadir {_mm(nadir)}"


def _percent(fraction: Fraction) -> str:
    """A signed percentage with a true minus sign, e.g. "−41.2 %"."""
    value = round(float(fraction) * 100, 1)
    return "0 %" if value == 0 else f"{value:+.1f} %".replace("-", "−")


def _mm(value: Fraction) -> str:
    return f"{float(value):g} mm"


def _signed_mm(value: Fraction) -> str:
    return f"{float(value):+g} mm".replace("-", "−")


def _first_seen(new_lesions: Sequence[tuple[str, dt.date]]) -> dict[str, dt.date]:
    """Each new lesion's first date (a lesion listed again later is not new again)."""
    firsts: dict[str, dt.date] = {}
    for lesion_id, when in new_lesions:
        firsts[lesion_id] = min(when, firsts.get(lesion_id, when))
    return firsts


def _first_target_date(targets: Sequence[Lesion], table: _Table) -> dt.date:
    ids = {target.id for target in targets}
    dates = [when for (lesion_id, when), mm in table.items() if lesion_id in ids and mm is not None]
    if not dates:
        raise ValueError("no target lesion was ever measured")
    return min(dates)


def _baseline_sum(targets: Sequence[Lesion], table: _Table, baseline: dt.date) -> Fraction:
    values = [table.get((target.id, baseline)) for target in targets]
    missing = [target.id for target, mm in zip(targets, values, strict=True) if mm is None]
    if missing:
        raise ValueError(f"target lesion not measured at baseline {baseline}: {', '.join(missing)}")
    total = sum((mm for mm in values if mm is not None), Fraction(0))
    if total == 0:
        raise ValueError(f"sum of target lesions is 0 mm at baseline {baseline}")
    return total


def _baseline_problem(lesion: Lesion, mm: Fraction | None, baseline: dt.date) -> Problem | None:
    """A target lesion too small, or not measured, at baseline."""
    if mm is None:
        return Problem(lesion.id, f"target lesion not measured at baseline ({baseline})")
    if lesion.node and mm < MIN_TARGET_NODE_MM:
        message = f"target lymph node below {MIN_TARGET_NODE_MM} mm short axis at baseline"
        return Problem(lesion.id, f"{message} ({_mm(mm)})")
    if not lesion.node and mm < MIN_TARGET_MM:
        message = f"target lesion below {MIN_TARGET_MM} mm at baseline"
        return Problem(lesion.id, f"{message} ({_mm(mm)})")
    return None


def _data_problems(lesions: Sequence[Lesion], measurements: Sequence[Measurement]) -> list[Problem]:
    """Duplicate or unknown ids, double measurements, impossible diameters."""
    problems = []
    ids = Counter(lesion.id for lesion in lesions)
    problems += [Problem(lesion_id, "duplicate lesion id") for lesion_id, n in ids.items() if n > 1]
    seen: set[tuple[str, dt.date]] = set()
    for m in measurements:
        if m.lesion not in ids:
            problems.append(Problem(m.lesion, f"measurement of an unknown lesion ({m.when})"))
        if (m.lesion, m.when) in seen:
            problems.append(Problem(m.lesion, f"measured more than once on {m.when}"))
        seen.add((m.lesion, m.when))
        if m.mm is not None and not (math.isfinite(m.mm) and m.mm >= 0):
            problems.append(Problem(m.lesion, f"impossible diameter {m.mm} mm ({m.when})"))
    return problems


def _table(measurements: Sequence[Measurement]) -> _Table:
    """Diameters by (lesion, date), as exact fractions of the numbers written; bad ones dropped."""
    table: _Table = {}
    for m in measurements:
        valid = m.mm is not None and math.isfinite(m.mm) and m.mm >= 0
        table[(m.lesion, m.when)] = Fraction(str(m.mm)) if valid else None
    return table


def _organ_key(organ: str) -> str:
    return " ".join(organ.split()).casefold()


def _describe(problem: Problem) -> str:
    return f"{problem.lesion}: {problem.message}" if problem.lesion else problem.message
