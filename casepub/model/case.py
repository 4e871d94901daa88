"""The root of a case file: ``cases/<id>/case.yaml``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from casepub.model.clinical import Diagnosis, Patient
from casepub.model.cohort import Cohort
from casepub.model.common import Code, Lang, LocalizedList, PartialDate, StrictModel, Text
from casepub.model.data import (
    EcogValue,
    LesionEntry,
    Outcome,
    Recist,
    SeriesEntry,
    TimelineEvent,
    Treatment,
)
from casepub.model.narrative import Abstract, Declarations, Figure, Sections
from casepub.model.people import Affiliation, Author, Identifier
from casepub.model.series import ClinicalExample

FORMAT_VERSION = 1


class ArticleType(StrEnum):
    """Kind of article."""

    case_report = "case-report"
    case_series = "case-series"
    original_article = "original-article"


class Journal(StrictModel):
    """Where the article is (or will be) published, once known."""

    name: Text
    """Journal title in each language."""
    abbreviation: str | None = None
    """ISO abbreviation of the English title."""
    issn: str | None = Field(default=None, pattern=r"^\d{4}-\d{3}[\dX]$")
    """Print or electronic ISSN, ``2587-7593``."""
    year: Annotated[int, Field(ge=1800, le=2100)] | None = None
    """Year of publication."""
    volume: Code | None = None
    """Volume."""
    issue: Code | None = None
    """Issue number."""
    pages: Code | None = Field(default=None, pattern=r"^[A-Za-z]?\d+([-–][A-Za-z]?\d+)?$")
    """Pages, ``92-100``."""
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    """DOI of the article, without ``https://doi.org/``."""


def _keywords_kind(value: Any) -> str:
    return "plain" if isinstance(value, list) else "localized"


Keywords = Annotated[
    Annotated[list[str], Tag("plain")] | Annotated[LocalizedList, Tag("localized")],
    Discriminator(_keywords_kind),
]


class Suppression(StrictModel):
    """A finding of ``casepub check`` the authors have judged and accept, with why."""

    code: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """The finding's code, e.g. ``range-missing``."""
    path: str | None = None
    """Only the finding at this key path (``labs[2].analyte``); default: every one of ``code``."""
    reason: str = Field(min_length=3)
    """Why it is accepted; printed by ``casepub check``."""
    journals: list[str] = []
    """Only when checking for these journal profiles (``[preprint]``); default: for every one."""


class Case(StrictModel):
    """A case report, a case series or an original (observational) article."""

    format: Literal[1] = 1
    """Version of the case format; ``1``."""
    language: Lang = "ru"
    """Language of the main text: ``ru`` (with the English block) or ``en``."""
    article_type: ArticleType = ArticleType.case_report
    """``case-report`` (CARE), ``case-series`` or ``original-article`` (IMRAD): it picks the
    sections, the abstract headings and the reporting checklist."""
    title: Text
    """Article title; CARE asks for the area of focus and the words "case report"."""
    running_title: Text | None = None
    """Short title for the running header."""
    authors: list[Author] = Field(min_length=1)
    """Authors in byline order."""
    affiliations: dict[Identifier, Affiliation] = Field(min_length=1)
    """Institutions, by key; authors refer to these keys."""
    keywords: Keywords
    """Key words: ``{ru: [...], en: [...]}`` (CARE asks for 2–5)."""
    abstract: Abstract
    """Abstract: ``{ru: …, en: …}``, or a list of ``{heading, text}`` parts."""
    journal: Journal | None = None
    """Publication data, when known; it makes the "For citation" line."""
    profile: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    """Journal profile to build for by default (``casepub journals`` lists them)."""
    patient: Patient | None = None
    """The de-identified patient (a case report must have one)."""
    diagnosis: Diagnosis | None = None
    """The diagnosis (a case report must have one)."""
    anchors: dict[Identifier, PartialDate] = {}
    """Named dates that others count from: ``{presentation: 2016-02-09, treatment_start: …}``.
    ``presentation`` dates the patient's ``age``; offsets and ``{{ months(…) }}`` use any."""
    timeline: list[TimelineEvent] = []
    """Dated events, in order: the timeline table and figure (CARE 7)."""
    treatments: list[Treatment] = []
    """Drug courses, locoregional procedures, operations."""
    labs: list[SeriesEntry] = []
    """Laboratory results, per analyte, or CSV/XLSX files of them."""
    markers: list[SeriesEntry] = []
    """Tumour markers (chromogranin A, serotonin, CA 19-9…), like ``labs``."""
    ecog: list[EcogValue] = []
    """ECOG performance status over time."""
    lesions: list[LesionEntry] = []
    """Lesions measured on imaging (RECIST 1.1 is computed from them), or CSV/XLSX files."""
    recist: Recist | None = None
    """Baseline and non-target progression for the RECIST assessment."""
    outcome: Outcome | None = None
    """Status at the last follow-up."""
    sections: Sections
    """The narrative in CARE order."""
    examples: list[ClinicalExample] = []
    """Clinical examples: the patients of a case series, or illustrative cases of an article,
    each printed as "Клинический пример N" / "Clinical example N" in its section."""
    figures: list[Figure] = []
    """Images with bilingual captions, numbered in order of first reference."""
    declarations: Declarations
    """Consent, conflicts of interest, funding, contributions, acknowledgements."""
    suppress: list[Suppression] = []
    """Warnings (and journal findings) that ``casepub check`` should not report; errors that
    stop a build cannot be suppressed."""
    bibliography: str | None = None
    """Path of the BibTeX file, relative to the case folder: ``references.bib``."""
    cohort: Cohort | None = None
    """Data tables with their codebook, and statistics tables (case series, original
    articles; docs/statistics.md)."""
