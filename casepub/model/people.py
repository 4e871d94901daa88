"""Authors, affiliations and CRediT contributor roles."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from casepub.model.common import Code, StrictModel, Text

_ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_SPIN_RE = re.compile(r"^\d{4}-\d{4}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID_RE = r"^[A-Za-z][A-Za-z0-9_-]*$"


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an ORCID iD (``0000-0002-1825-0097``)."""
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def _orcid(value: str) -> str:
    match = _ORCID_RE.match(value.strip())
    if not match:
        raise ValueError(
            f"{value!r} is not an ORCID iD; expected 0000-0000-0000-0000 "
            "(four groups of four digits, the last may be X)"
        )
    orcid = match.group(1)
    if not orcid_checksum_ok(orcid):
        raise ValueError(f"ORCID iD {orcid} has a wrong check digit; copy it from orcid.org")
    return orcid


def _spin(value: str) -> str:
    if not _SPIN_RE.match(value):
        raise ValueError(f"{value!r} is not an eLibrary SPIN code; expected 1234-5678")
    return value


def _email(value: str) -> str:
    if not _EMAIL_RE.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


Orcid = Annotated[str, AfterValidator(_orcid)]
Spin = Annotated[
    str, BeforeValidator(lambda v: f"{v}" if isinstance(v, int) else v), AfterValidator(_spin)
]
Email = Annotated[str, AfterValidator(_email)]
Identifier = Annotated[str, Field(pattern=_ID_RE)]


class CreditRole(StrEnum):
    """The 14 CRediT contributor roles (https://credit.niso.org)."""

    conceptualization = "conceptualization"
    data_curation = "data-curation"
    formal_analysis = "formal-analysis"
    funding_acquisition = "funding-acquisition"
    investigation = "investigation"
    methodology = "methodology"
    project_administration = "project-administration"
    resources = "resources"
    software = "software"
    supervision = "supervision"
    validation = "validation"
    visualization = "visualization"
    writing_original_draft = "writing-original-draft"
    writing_review_editing = "writing-review-editing"


class Affiliation(StrictModel):
    """An institution, named in both languages without its legal form (GOST R 7.0.7-2021)."""

    name: Text
    """Institution name, e.g. ``{ru: НМИЦ онкологии им. Н.Н. Блохина, en: N.N. Blokhin …}``."""
    department: Text | None = None
    """Department or institute within the institution."""
    address: Text | None = None
    """Street address, if the journal prints it."""
    postal_code: Code | None = None
    """Postal code."""
    city: Text
    """City."""
    country: Text
    """Country."""
    ror: str | None = None
    """ROR identifier (https://ror.org/…), when known."""


class Author(StrictModel):
    """One author, with the name in both languages and the identifiers journals ask for."""

    id: Identifier
    """Short key used to refer to the author elsewhere in the case (contributions)."""
    family: Text
    """Family name: ``Перегудов`` or ``{ru: Перегудов, en: Peregudov}``. A Cyrillic-only name
    is transliterated for the English block as the references are (BSI by default); an ``en:``
    name with Latin letters is printed as written (``casepub check`` names look-alike Cyrillic
    letters in it)."""
    given: Text
    """Given name(s) and patronymic: ``{ru: Николай Александрович, en: Nikolay A.}``."""
    affiliations: list[Identifier] = Field(min_length=1)
    """Keys of the author's affiliations, in order (see ``affiliations``)."""
    orcid: Orcid | None = None
    """ORCID iD, ``0000-0002-6965-8236`` (the check digit is verified)."""
    spin: Spin | None = None
    """eLibrary SPIN code, ``2623-8259``."""
    author_id: Code | None = None
    """eLibrary (RSCI) AuthorID."""
    email: Email | None = None
    """E-mail address; required for the corresponding author."""
    corresponding: bool = False
    """Whether this is the corresponding author (exactly one author must be)."""
    position: Text | None = None
    """Position, degrees and titles, for the "Information about the authors" section."""
