"""The case's clinical data: timeline, treatments, labs, markers, ECOG, lesions, outcome.

Everything the figures, tables and derived values are made of. Dates are ``DateRef``s:
a calendar date of any precision or an offset from one of the case's ``anchors``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from casepub.model.common import KEEP_WRITTEN, Number, StrictModel, Text
from casepub.model.dates import DateRef
from casepub.model.people import Identifier

ResponseCode = Literal["CR", "PR", "SD", "PD", "NE"]


class EventKind(StrEnum):
    """What kind of event a timeline entry is; it picks the marker in the timeline figure."""

    symptom = "symptom"
    diagnosis = "diagnosis"
    imaging = "imaging"
    biopsy = "biopsy"
    surgery = "surgery"
    procedure = "procedure"
    drug_start = "drug-start"
    drug_stop = "drug-stop"
    lab = "lab"
    response = "response"
    status = "status"
    death = "death"
    last_follow_up = "last-follow-up"


class TimelineEvent(StrictModel):
    """A dated event of the case history: a row of the CARE timeline table."""

    date: DateRef
    """When it happened: ``2016-12-08``, ``2016-12``, ``2016`` or ``{anchor: …, days: …}``."""
    kind: EventKind | None = None
    """``symptom``, ``diagnosis``, ``imaging``, ``biopsy``, ``surgery``, ``procedure``,
    ``drug-start``, ``drug-stop``, ``lab``, ``response``, ``status``, ``death`` or
    ``last-follow-up``."""
    event: Text
    """What happened."""
    outcome: Text | None = None
    """Result or outcome of the event, if any."""
    treatment: Identifier | None = None
    """``id`` of the treatment given at this event; fills the table's intervention column."""
    response: ResponseCode | None = None
    """Response as the clinicians recorded it (``CR``, ``PR``, ``SD``, ``PD``, ``NE``)."""


class TreatmentKind(StrEnum):
    """Kind of treatment."""

    drug = "drug"
    locoregional = "locoregional"
    surgery = "surgery"
    radiotherapy = "radiotherapy"
    observation = "observation"
    other = "other"


class Route(StrEnum):
    """Route of administration."""

    iv = "iv"
    im = "im"
    sc = "sc"
    po = "po"
    intra_arterial = "intra-arterial"
    intraperitoneal = "intraperitoneal"
    other = "other"


class Dose(StrictModel):
    """An amount with its unit: ``{value: 30, unit: mg}``."""

    value: Annotated[float, Field(gt=0), KEEP_WRITTEN]
    """The amount."""
    unit: str
    """``mg``, ``mL``, ``mg/m2``, ``mg/kg``, ``g``, ``ug``, ``U``, ``cm3``, ``MBq``, ``GBq``,
    ``Gy`` (Russian spellings such as ``мг`` are accepted too)."""


class AgentDose(StrictModel):
    """One agent of a treatment and its dose."""

    agent: Text
    """The agent: ``{ru: блеомицин, en: bleomycin}``."""
    dose: Dose | None = None
    """Its dose per administration."""


class Treatment(StrictModel):
    """A drug course, a locoregional procedure (TACE…), an operation or radiotherapy."""

    id: Identifier
    """Key for timeline events, tables and ``{{ duration("…") }}`` in the text."""
    kind: TreatmentKind
    """``drug``, ``locoregional``, ``surgery``, ``radiotherapy``, ``observation`` (a period
    without treatment, drawn as a bar) or ``other``."""
    name: Text
    """What it is: ``{ru: Октреотид длительного действия, en: Octreotide LAR}``, ``ТАХЭ``…"""
    agents: list[AgentDose] = []
    """Agents with doses (chemoembolisation mixtures, combinations)."""
    dose: Dose | None = None
    """Dose of a single-agent drug per administration."""
    route: Route | None = None
    """Route: ``iv``, ``im``, ``sc``, ``po``, ``intra-arterial``…"""
    schedule: Text | None = None
    """How often: ``{ru: 1 раз в 28 дней, en: every 28 days}``."""
    cycles: Annotated[int, Field(ge=1)] | None = None
    """Number of cycles or courses given."""
    start: DateRef
    """First day (the date itself for a one-day procedure)."""
    end: DateRef | None = None
    """Last day; leave out for a one-day procedure."""
    ongoing: bool = False
    """Still given at the last follow-up."""
    line: Annotated[int, Field(ge=1)] | None = None
    """Line of systemic therapy."""
    target: Text | None = None
    """Target of a locoregional procedure: ``{ru: правая доля печени, en: right lobe}``."""
    embolic: Text | None = None
    """Embolic agent of a chemoembolisation."""
    reason_stopped: Text | None = None
    """Why it was stopped."""
    lane: Text | None = None
    """Row of the timeline figure (treatments sharing a lane share a row); default: name."""

    @model_validator(mode="after")
    def _ongoing_has_no_end(self) -> Treatment:
        if self.ongoing and self.end is not None:
            raise ValueError("an `ongoing` treatment has no `end`")
        return self


class Range(StrictModel):
    """A reference range; either limit may be open (``{high: 108}`` = below 108)."""

    low: Number | None = None
    """Lower limit of normal."""
    high: Number | None = None
    """Upper limit of normal (ULN)."""

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low is None and self.high is None:
            raise ValueError("give `low:`, `high:` or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self


class SexRange(StrictModel):
    """Reference ranges that differ by sex."""

    female: Range | None = None
    """Range for women."""
    male: Range | None = None
    """Range for men."""


def _range_kind(value: Any) -> str:
    return "sex" if isinstance(value, dict) and value.keys() & {"female", "male"} else "range"


RangeSpec = Annotated[
    Annotated[Range, Tag("range")] | Annotated[SexRange, Tag("sex")],
    Discriminator(_range_kind),
]


class LabValue(StrictModel):
    """One dated result."""

    date: DateRef
    """Date of the sample."""
    value: Number
    """The result, in the series' unit, printed with the decimals written here (``2.0``)."""
    note: Text | None = None
    """A remark on this result."""


class LabSeries(StrictModel):
    """The results of one analyte, in one unit, with the laboratory's reference range."""

    analyte: str
    """Analyte name or abbreviation, Russian or English: ``ALT``, ``АЛТ``, ``chromogranin A``."""
    unit: str
    """Unit as the laboratory prints it: ``ед./л``, ``U/L``, ``мкмоль/л``, ``ng/mL``…"""
    range: RangeSpec | None = None
    """Reference range: ``{low: 4, high: 32}``, ``{high: 108}``, or per sex."""
    values: list[LabValue] = Field(min_length=1)
    """Dated results."""
    label: Text | None = None
    """A name to print instead of the catalogue's."""


class DataFile(StrictModel):
    """Results exported by a hospital system, as CSV or XLSX in the case folder.

    Columns (header names in Russian or English, any order): date/дата,
    analyte/показатель, value/значение, unit/единицы, and optionally low/нижняя,
    high/верхняя (the reference range). For lesions: lesion/очаг, date/дата, mm/мм.
    """

    file: str
    """Path of the ``.csv`` or ``.xlsx`` file, relative to the case folder."""
    sheet: str | None = None
    """Worksheet of an XLSX file; default: the first."""


def _series_kind(value: Any) -> str:
    return "file" if isinstance(value, dict) and "file" in value else "series"


SeriesEntry = Annotated[
    Annotated[LabSeries, Tag("series")] | Annotated[DataFile, Tag("file")],
    Discriminator(_series_kind),
]


class EcogValue(StrictModel):
    """ECOG performance status at a date; ``upper`` for a range such as 0–1."""

    date: DateRef
    """Date of the assessment."""
    value: Annotated[int, Field(strict=True, ge=0, le=5)]
    """ECOG 0–5."""
    upper: Annotated[int, Field(strict=True, ge=0, le=5)] | None = None
    """Upper end when the status was recorded as a range (``value: 0, upper: 1``)."""


class Measurement(StrictModel):
    """A lesion's size at one imaging study."""

    date: DateRef
    """Date of the study."""
    mm: Annotated[float, Field(ge=0), KEEP_WRITTEN] | None
    """Longest diameter (short axis for a lymph node) in mm; 0 = gone; null = not evaluable."""


class Lesion(StrictModel):
    """One lesion followed on imaging."""

    id: Identifier
    """Key of the lesion, ``L1``."""
    site: Text
    """Where it is: ``{ru: "печень, S7", en: "liver, segment 7"}``."""
    organ: str
    """Organ, for RECIST's two-per-organ rule: ``liver``, ``lung``, ``lymph-node``…"""
    node: bool = False
    """A lymph node: measured by its short axis."""
    target: bool = True
    """A RECIST target lesion (measured at baseline); false for non-target or new lesions."""
    new: bool = False
    """A new lesion that appeared during follow-up (RECIST: progression)."""
    measurements: list[Measurement] = Field(min_length=1)
    """Sizes over time."""
    not_followed: Text | None = None
    """Why the lesion was not measured again (e.g. resected); silences the check."""


def _lesion_kind(value: Any) -> str:
    return "file" if isinstance(value, dict) and "file" in value else "lesion"


LesionEntry = Annotated[
    Annotated[Lesion, Tag("lesion")] | Annotated[DataFile, Tag("file")],
    Discriminator(_lesion_kind),
]


class Recist(StrictModel):
    """Settings of the RECIST 1.1 assessment computed from ``lesions``."""

    baseline: DateRef | None = None
    """Baseline study; default: the first measurement of a target lesion."""
    non_target_progression: list[DateRef] = []
    """Dates of unequivocal progression of non-target disease."""


class OutcomeStatus(StrEnum):
    """Status at the last follow-up."""

    alive_ned = "alive-no-evidence-of-disease"
    alive_stable = "alive-stable-disease"
    alive_disease = "alive-with-disease"
    dead = "dead"
    lost = "lost-to-follow-up"


class Outcome(StrictModel):
    """How the case stands at the last follow-up."""

    status: OutcomeStatus
    """Status at the last follow-up."""
    date: DateRef
    """Date of the last follow-up (or of death)."""
    cause_of_death: Text | None = None
    """Cause of death, if the patient died."""
    text: Text | None = None
    """The state in words."""
    adverse_events: Text | None = None
    """Adverse and unanticipated events, or a statement that there were none (CARE 10d)."""

    @model_validator(mode="after")
    def _death_cause(self) -> Outcome:
        if self.cause_of_death is not None and self.status is not OutcomeStatus.dead:
            raise ValueError("`cause_of_death` is only for `status: dead`")
        return self
