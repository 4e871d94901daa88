"""What the plotting functions receive: plain data whose texts are already in final language.

The plots know nothing of the case model or of languages; the caller resolves labels
(bilingual ones joined as "Серотонин, нг/мл / Serotonin, ng/mL") and dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

PeriodKind = Literal["drug", "locoregional", "surgery", "radiotherapy", "observation", "other"]
EventKind = Literal[
    "symptom",
    "diagnosis",
    "imaging",
    "biopsy",
    "surgery",
    "procedure",
    "drug-start",
    "drug-stop",
    "lab",
    "response",
    "status",
    "death",
    "last-follow-up",
]
ResponseCode = Literal["CR", "PR", "SD", "PD", "NE"]
DateMode = Literal["exact", "month", "relative"]


@dataclass(frozen=True)
class DateScale:
    """How the date axis is labelled: calendar dates (``exact``), calendar dates no finer than
    the month (``month``), or whole months from ``day0`` (``relative``: "−6", "0", "6", "12")."""

    policy: DateMode = "exact"
    day0: dt.date | None = None
    """Day 0 of a relative axis; None: the start of the plotted range."""


CALENDAR = DateScale()
"""Calendar dates on the axis, as given (the default)."""


@dataclass(frozen=True)
class Period:
    """A treatment given over a span of time: a bar in the timeline, a shaded band elsewhere."""

    label: str
    start: dt.date
    end: dt.date | None
    """None: ongoing at the end of the plotted range."""
    kind: PeriodKind
    lane: str
    """Row of the swimmer chart this bar is drawn in (e.g. "Октреотид / Octreotide")."""


@dataclass(frozen=True)
class Marker:
    """A one-day event: a procedure, an operation, a scan, a status, death."""

    label: str
    when: dt.date
    kind: EventKind
    lane: str


@dataclass(frozen=True)
class ResponseMark:
    """A response assessment: drawn as an annotation at its date."""

    when: dt.date
    code: ResponseCode
    label: str
    """Shown text, e.g. "PR" or "ЧО / PR"."""


@dataclass(frozen=True)
class Point:
    """One dated value; ``upper`` makes it a range (ECOG 0–1)."""

    when: dt.date
    value: float
    upper: float | None = None


@dataclass(frozen=True)
class Series:
    """The values of one analyte (or one lesion) over time."""

    label: str
    points: tuple[Point, ...]
    low: float | None = None
    """Lower reference limit, if any."""
    high: float | None = None
    """Upper reference limit (ULN), if any."""


@dataclass(frozen=True)
class Texts:
    """Final texts of one figure (axis labels, legend titles), already translated."""

    x_label: str
    y_label: str
    legend: dict[str, str] = field(default_factory=dict)
    """Legend entries by key, e.g. {"reference": "Норма / Reference", "sum": "Сумма / Sum"}."""
    lanes: tuple[str, ...] = ()
    """Swimmer-chart rows in top-to-bottom order (timeline only)."""
    dates: DateScale = CALENDAR
    """How the date axis is labelled (``x_label`` should match: "Months from …")."""
