"""Narrative sections in CARE order, the abstract, figures and declarations."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from casepub.model.common import Localized, StrictModel, Text
from casepub.model.panels import Panel, PanelGrid, panels_problem
from casepub.model.people import CreditRole, Identifier

SECTION_KEYS: tuple[str, ...] = (
    "introduction",
    "methods",
    "patient_information",
    "clinical_findings",
    "timeline",
    "diagnostic_assessment",
    "therapeutic_intervention",
    "follow_up",
    "results",
    "discussion",
    "patient_perspective",
    "conclusion",
)
"""The narrative sections in print order: CARE's (items 4–12), with IMRAD's ``methods`` and
``results`` where a case series or an original article has them."""

STORY_SECTIONS = frozenset(
    {
        "patient_information",
        "clinical_findings",
        "timeline",
        "diagnostic_assessment",
        "therapeutic_intervention",
        "follow_up",
        "patient_perspective",
    }
)
"""Sections that tell the patient's story (not the literature): their dates are the
patient's, lie within the timeline, and become relative under a relative-date journal."""


class SectionFiles(StrictModel):
    """Paths of Markdown files, relative to the case folder, per language."""

    ru: str | None = None
    """Russian text file, e.g. ``sections/discussion.ru.md``."""
    en: str | None = None
    """English text file, e.g. ``sections/discussion.en.md``."""


class Section(StrictModel):
    """A narrative section: inline Markdown, or Markdown files, and an optional own heading."""

    title: Text | None = None
    """A heading that replaces the standard one (e.g. ``Клиническое наблюдение``)."""
    text: Text | None = None
    """The section's Markdown, inline."""
    file: SectionFiles | str | None = None
    """Markdown file(s) with the section's text: one path with ``{lang}`` in it
    (``sections/discussion.{lang}.md``) or ``{ru: …, en: …}``."""


def _section_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "full" if value.keys() & {"title", "text", "file"} else "localized"
    return "plain"


SectionEntry = Annotated[
    Annotated[Section, Tag("full")]
    | Annotated[Localized, Tag("localized")]
    | Annotated[str, Tag("plain")],
    Discriminator(_section_kind),
]


class Sections(StrictModel):
    """The narrative, in print order; each section is optional and in ``ru`` and/or ``en``.

    A section is Markdown with pandoc citations (``[@key]``) and figure references
    (``@fig:id``), either inline (``introduction: {ru: …, en: …}``) or in files
    (``discussion: {file: sections/discussion.{lang}.md}``).
    """

    introduction: SectionEntry | None = None
    """Background and why the case matters, with references (CARE 4)."""
    methods: SectionEntry | None = None
    """Materials and methods of a case series or an original article: design, setting,
    selection, variables, statistics (STROBE 4–12)."""
    patient_information: SectionEntry | None = None
    """Demographics, main symptoms, history, comorbidities (CARE 5)."""
    clinical_findings: SectionEntry | None = None
    """Relevant physical examination findings (CARE 6)."""
    timeline: SectionEntry | None = None
    """Text before the timeline table built from ``timeline`` (CARE 7)."""
    diagnostic_assessment: SectionEntry | None = None
    """Diagnostic methods, challenges, reasoning, staging (CARE 8)."""
    therapeutic_intervention: SectionEntry | None = None
    """Interventions, their administration and changes (CARE 9)."""
    follow_up: SectionEntry | None = None
    """Follow-up and outcomes, adherence, adverse events (CARE 10)."""
    results: SectionEntry | None = None
    """Results of a case series or an original article (STROBE 13–17)."""
    discussion: SectionEntry | None = None
    """Strengths, limitations, literature, rationale (CARE 11)."""
    patient_perspective: SectionEntry | None = None
    """The patient's own view (CARE 12)."""
    conclusion: SectionEntry | None = None
    """The take-away lessons."""


AbstractHeading = Literal[
    "background", "aim", "methods", "results", "conclusions", "case", "conclusion"
]


class AbstractPart(StrictModel):
    """One headed part of a structured abstract: a standard ``part`` or an own ``heading``."""

    part: AbstractHeading | None = None
    """A standard heading in both languages: ``background`` (Актуальность), ``aim`` (Цель),
    ``methods`` (Материал и методы), ``results`` (Результаты), ``conclusions`` (Выводы),
    ``case`` (Описание клинического случая), ``conclusion`` (Заключение)."""
    heading: Text | None = None
    """An own heading: ``{ru: Обоснование, en: Background}``."""
    text: Text
    """The part's text."""

    @model_validator(mode="after")
    def _one_heading(self) -> AbstractPart:
        if (self.part is None) == (self.heading is None):
            raise ValueError("give the part either `part:` (a standard heading) or `heading:`")
        return self


def _abstract_kind(value: Any) -> str:
    return "structured" if isinstance(value, list) else "plain"


Abstract = Annotated[
    Annotated[list[AbstractPart], Tag("structured")] | Annotated[Text, Tag("plain")],
    Discriminator(_abstract_kind),
]
"""Plain text per language, or a list of headed parts."""


class Figure(StrictModel):
    """An image from the case folder, or several lettered panels, with a caption in each
    language."""

    id: Identifier
    """Key for references in the text: ``@fig:<id>``."""
    file: str | None = None
    """Image path relative to the case folder (PNG, JPEG or SVG); or give ``panels``."""
    panels: list[Panel] = []
    """A multi-panel figure: its images in letter order (а, б, в… / a, b, c…), instead of
    ``file``. The caption names a panel with ``{{ panel("b") }}`` ("б" / "b")."""
    grid: PanelGrid | None = None
    """Layout of the panels: ``{columns: 3}`` or ``{rows: 2, columns: 3}``; default: as square
    as the panels make, at most three across."""
    caption: Text
    """Caption: ``{ru: МРТ органов брюшной полости …, en: Abdominal MRI …}``."""
    section: str | None = Field(default=None)
    """Section after which to place the figure; by default the one that first cites it."""

    @model_validator(mode="after")
    def _file_or_panels(self) -> Figure:
        if (self.file is None) == (not self.panels):
            raise ValueError("give the figure either `file:` (one image) or `panels:` (several)")
        problem = panels_problem(self.panels, self.grid)
        if problem:
            raise ValueError(problem)
        return self

    def images(self) -> list[tuple[str, tuple[str | int, ...]]]:
        """Each image file of the figure with its key path under the figure (``("file",)``,
        ``("panels", 1, "file")``)."""
        if self.file is not None:
            return [(self.file, ("file",))]
        return [(panel.file, ("panels", i, "file")) for i, panel in enumerate(self.panels)]


class Contribution(StrictModel):
    """What one author did, as CRediT roles."""

    author: Identifier
    """The author's ``id``."""
    roles: list[CreditRole] = Field(min_length=1)
    """CRediT roles, e.g. ``[conceptualization, writing-original-draft]``."""


class Declarations(StrictModel):
    """The statements every case report must carry."""

    consent: Text
    """Informed consent of the patient to publication (CARE 13)."""
    conflicts: Text
    """Conflicts of interest, or that there are none."""
    funding: Text
    """Funding, or that there was none."""
    contributions: list[Contribution] = Field(min_length=1)
    """Author contributions (CRediT)."""
    ethics: Text | None = None
    """Ethics committee approval, when the journal asks for it."""
    acknowledgements: Text | None = None
    """Acknowledgements."""
