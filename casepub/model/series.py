"""Clinical examples inside an article: several short cases, each with its own patient,
diagnosis, treatments, events and outcome — the case report's own models, once per patient.

A case series, or an original article that ends with illustrative cases, lists them under
``examples:``; each is printed as a subsection ("Клинический пример 1" / "Clinical example 1")
opening with the patient and the diagnosis, and the patients together make the swimmer plot.
"""

from __future__ import annotations

from pydantic import Field

from casepub.model.clinical import Diagnosis, Patient
from casepub.model.common import PartialDate, StrictModel, Text
from casepub.model.data import Outcome, TimelineEvent, Treatment
from casepub.model.people import Identifier


class ClinicalExample(StrictModel):
    """One patient of a case series, or one illustrative case of an article."""

    id: Identifier
    """Key of the example (``p1``); names its lane in the swimmer plot."""
    title: Text | None = None
    """A heading after "Клинический пример N. " / "Clinical example N. "."""
    patient: Patient
    """The de-identified patient."""
    diagnosis: Diagnosis
    """The diagnosis (grade and Ki-67 are printed in the opening line)."""
    start: PartialDate
    """Day 0 of this patient in the swimmer plot: the start of treatment (the plot's axis
    counts months from it); the example's dates may count from it as ``{anchor: start, …}``."""
    treatments: list[Treatment] = []
    """Treatments, drawn as bars in the patient's lane (dates: YYYY, YYYY-MM, YYYY-MM-DD)."""
    timeline: list[TimelineEvent] = []
    """Dated events: ``response: PR`` marks a response, ``kind: death`` a death."""
    outcome: Outcome | None = None
    """Status at the last follow-up: the end of the lane (an arrow while alive)."""
    text: Text
    """The example's Markdown: history, findings, treatment, with ``@fig:…`` references."""
    section: str = Field(default="patient_information")
    """The section the example is printed in (after its text)."""
