"""The de-identified patient, the diagnosis and the timeline of events."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from casepub.model.common import PartialDate, StrictModel, Text


class Sex(StrEnum):
    """Sex of the patient."""

    female = "female"
    male = "male"


class Patient(StrictModel):
    """The patient, de-identified: no names, no exact date of birth, no record numbers."""

    sex: Sex
    """``female`` or ``male``."""
    age: Annotated[int, Field(strict=True, ge=0, le=120)]
    """Age in full years at presentation. Ages over 89 are identifying (HIPAA)."""
    initial: str | None = Field(default=None, pattern=r"^[A-ZА-ЯЁ]\.?$")
    """Optional initial (``Ф.``); print it only with the patient's written consent."""
    ethnicity: Text | None = None
    """Ethnicity or origin, when relevant to the case."""
    occupation: Text | None = None
    """Occupation, when relevant to the case."""


class PathologyFinding(StrictModel):
    """One histological or immunohistochemical result."""

    date: PartialDate | None = None
    """Date of the specimen."""
    specimen: Text
    """What was examined: ``{ru: биоптат печени, en: liver biopsy}``."""
    result: Text
    """The conclusion in words."""
    grade: str | None = Field(default=None, pattern=r"^G[1-4X]$")
    """WHO grade, ``G1`` … ``G3``."""
    ki67: Annotated[float, Field(ge=0, le=100)] | None = None
    """Ki-67 proliferation index, per cent."""


class Diagnosis(StrictModel):
    """The diagnosis as the clinicians stated it, with its structured parts."""

    text: Text
    """The diagnosis in words."""
    icd10: str | None = Field(default=None, pattern=r"^[A-Z]\d{2}(\.\d{1,2})?$")
    """ICD-10 code, ``C17.2``."""
    tnm: str | None = Field(
        default=None, pattern=r"^[cpyra]{0,3}T[0-4xXis][a-d]?\s?N[0-3xX][a-c]?\s?M[01xX][a-c]?$"
    )
    """TNM category, ``T1NxM1`` or ``pT3N1M1``."""
    stage: str | None = Field(default=None, pattern=r"^(0|I{1,3}|IV)[A-C]?$")
    """Stage group in Roman numerals: ``IV``, ``IIIB``."""
    grade: str | None = Field(default=None, pattern=r"^G[1-4X]$")
    """WHO grade of the tumour, ``G1`` … ``G3``."""
    ki67: Annotated[float, Field(ge=0, le=100)] | None = None
    """Ki-67 proliferation index, per cent."""
    pathology: list[PathologyFinding] = []
    """Histology and immunohistochemistry results, in date order."""
    other: list[Text] = []
    """Further structured statements (receptor status, syndromes)."""
