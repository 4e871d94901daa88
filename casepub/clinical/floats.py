"""Which generated figures and tables a case's data supports, and where they go by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the record imports the loader, which checks references against these ids
    from casepub.clinical.record import ClinicalRecord

GENERATED_SECTIONS: dict[str, tuple[str, ...]] = {
    "tbl:timeline": ("timeline",),
    "fig:timeline": ("timeline",),
    "tbl:treatments": ("therapeutic_intervention", "timeline"),
    "tbl:labs": ("clinical_findings", "diagnostic_assessment", "follow_up"),
    "tbl:markers": ("diagnostic_assessment", "follow_up", "clinical_findings"),
    "fig:labs": ("follow_up", "therapeutic_intervention", "diagnostic_assessment"),
    "fig:markers": ("follow_up", "therapeutic_intervention", "diagnostic_assessment"),
    "fig:lesions": ("follow_up", "therapeutic_intervention"),
    "fig:ecog": ("follow_up", "therapeutic_intervention"),
    "fig:swimmer": ("patient_information", "follow_up"),
}
"""Each generated float's id and the sections it goes after (first that exists) when the
text does not refer to it."""

NEEDS = {
    "tbl:timeline": "timeline events or treatments",
    "fig:timeline": "two or more dated treatments or events",
    "tbl:treatments": "treatments",
    "tbl:labs": "labs",
    "tbl:markers": "markers",
    "fig:labs": "a lab analyte with two or more results",
    "fig:markers": "a marker with two or more results",
    "fig:lesions": "lesions with a RECIST assessment",
    "fig:ecog": "two or more ECOG values",
    "fig:swimmer": "two or more clinical examples (`examples:`)",
}


def available(record: ClinicalRecord, examples: int = 0) -> list[str]:
    """Ids of the generated floats this record (and ``examples`` clinical examples) has data
    for, in a stable order."""
    has = {
        "tbl:timeline": bool(record.events or record.courses),
        "fig:timeline": len(record.events) + len(record.courses) >= 2,
        "tbl:treatments": bool(record.courses),
        "tbl:labs": bool(record.labs),
        "tbl:markers": bool(record.markers),
        "fig:labs": any(len(t.results) >= 2 for t in record.labs),
        "fig:markers": any(len(t.results) >= 2 for t in record.markers),
        "fig:lesions": bool(record.assessments),
        "fig:ecog": len(record.ecog) >= 2,
        "fig:swimmer": examples >= 2,
    }
    return [key for key in GENERATED_SECTIONS if has[key]]
