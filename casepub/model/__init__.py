"""The case format, declared once as pydantic models (``casepub schema`` exports it)."""

from casepub.model.case import FORMAT_VERSION, Case, Journal
from casepub.model.clinical import Diagnosis, Patient
from casepub.model.common import LANGS, Lang, Localized, PartialDate, text_in, text_langs
from casepub.model.data import EventKind, TimelineEvent, Treatment
from casepub.model.dates import DateRef, Offset
from casepub.model.narrative import SECTION_KEYS, Figure, Section, Sections
from casepub.model.people import Affiliation, Author, CreditRole

__all__ = [
    "FORMAT_VERSION",
    "LANGS",
    "SECTION_KEYS",
    "Affiliation",
    "Author",
    "Case",
    "CreditRole",
    "DateRef",
    "Diagnosis",
    "EventKind",
    "Figure",
    "Journal",
    "Lang",
    "Localized",
    "Offset",
    "PartialDate",
    "Patient",
    "Section",
    "Sections",
    "TimelineEvent",
    "Treatment",
    "text_in",
    "text_langs",
]
