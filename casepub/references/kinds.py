"""What kind of source a BibTeX entry is beyond its entry type, and the parts of a journal
issue that the styles print in their own words.

- **Issue designations**: ``Suppl 1``, ``15_suppl``, ``4 Suppl 2``, ``S1``, ``Pt 2``,
  ``Spec No``, ``прил. 1``, ``ч. 2`` in ``number``/``issue`` or after the volume become CSL's
  ``issue``, ``supplement-number`` and ``part-number`` and the flags ``casepub-supplement``
  and ``casepub-special-issue``; GOST prints "Suppl. 1" (Russian sources "прил. 1"),
  Vancouver "Suppl 1".
- **Preprints** (an entry on a preprint server, or ``pubstate = {preprint}``) become CSL
  ``article`` with the server as ``publisher``, as Zotero exports them.
- **Clinical guidelines** (``type = {клинические рекомендации}`` or a title that says so) get
  ``casepub-guideline``: their ``number`` is the ID of the Ministry of Health's rubricator.
- **Genres** written in Russian (``дис. … канд. мед. наук``) get the English words that the
  English list prints (``casepub-english-genre``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from casepub.references.bibfields import has_cyrillic

SUPPLEMENT_FLAG = "casepub-supplement"
SPECIAL_ISSUE_FLAG = "casepub-special-issue"
GUIDELINE_FLAG = "casepub-guideline"
EDN_KEY = "casepub-edn"
"""The EDN of eLibrary (``edn`` in BibTeX, "EDN: …" in a CSL-JSON ``note``)."""
ENGLISH_GENRE_KEY = "casepub-english-genre"
FLAG = "yes"
"""The value of a flag: pandoc's citeproc tests a variable's presence, and keeps only text."""
SUPPLEMENT = "Suppl"
SPECIAL_ISSUE = "Spec No"
"""The values of the supplement and special-issue flags: NLM's words, which Vancouver prints
(a CSL group whose variables are all empty is dropped, so the flag itself must print)."""

# --------------------------------------------------------------------------------------------
# Supplements, parts and special issues
# --------------------------------------------------------------------------------------------

_SUPPLEMENT = r"(?:suppl(?:ement)?|прил(?:ожение)?|доп(?:олнение)?)\.?"
_PART = r"(?:pt|part|ч|часть)\.?"
_SPECIAL = r"(?:spec(?:ial)?\.?\s*(?:no|iss(?:ue)?|number)\.?|спец(?:\.|иальный)?\s*вып(?:\.|уск)?)"
_DESIGNATION = re.compile(
    rf"(?P<core>[^\s,]*?)[\s,]*(?:(?P<supplement>{_SUPPLEMENT})\s*(?P<supplement_number>[\w.-]*)"
    rf"|(?P<part>{_PART})\s*(?P<part_number>\d\w*|[IVXivx]+)|(?P<special>{_SPECIAL}))",
    re.IGNORECASE,
)
_BARE_SUPPLEMENT = re.compile(r"S(\d+)")


def issue_designation(volume: str, issue: str) -> dict[str, str]:
    """The CSL variables of a volume and an issue that may carry a supplement, a part or a
    special issue: ``("62", "Suppl 1")`` → volume 62, supplement 1; ``("38", "15_suppl")``
    → volume 38, issue 15, a supplement without a number."""
    found: dict[str, str] = {}
    volume_core = _designation(volume, found)
    issue_core = _designation(issue, found)
    if volume_core:
        found["volume"] = volume_core
    if issue_core:
        found["issue"] = issue_core
    return found


def _designation(text: str, found: dict[str, str]) -> str:
    """The plain number of ``text``; what follows it goes into ``found``."""
    value = re.sub(r"[_()]", " ", text).strip()
    bare = _BARE_SUPPLEMENT.fullmatch(value)
    if bare:
        found.update({SUPPLEMENT_FLAG: SUPPLEMENT, "supplement-number": bare.group(1)})
        return ""
    match = _DESIGNATION.fullmatch(value)
    if not match:
        return text.strip()
    if match.group("supplement"):
        found[SUPPLEMENT_FLAG] = SUPPLEMENT
        if match.group("supplement_number"):
            found["supplement-number"] = match.group("supplement_number").rstrip(".")
    elif match.group("part"):
        found["part-number"] = match.group("part_number")
    else:
        found[SPECIAL_ISSUE_FLAG] = SPECIAL_ISSUE
    return match.group("core")


# --------------------------------------------------------------------------------------------
# Preprints
# --------------------------------------------------------------------------------------------

PREPRINT_SERVERS = {
    name.casefold(): name
    for name in (
        "arXiv",
        "bioRxiv",
        "medRxiv",
        "ChemRxiv",
        "PsyArXiv",
        "SSRN",
        "Research Square",
        "Preprints.org",
        "Preprints",
        "Authorea",
        "OSF Preprints",
        "SciELO Preprints",
    )
}
"""Preprint servers by the names exporters write in ``eprinttype``, ``publisher``, ``journal``."""
_PREPRINT_ENTRY_TYPES = {"misc", "online", "unpublished", "article", "report", "electronic"}


def preprint_server(entry_type: str, fields: Mapping[str, str]) -> str | None:
    """The server of a preprint (``""`` when the entry says it is one without naming it), or
    None when the entry is not a preprint."""
    if entry_type not in _PREPRINT_ENTRY_TYPES:
        return None
    names: tuple[str, ...] = ("journal", "journaltitle")
    if entry_type != "article":  # an article with an arXiv id is still a journal article
        names += ("eprinttype", "archiveprefix", "publisher")
    for name in names:
        server = PREPRINT_SERVERS.get(fields.get(name, "").strip().casefold())
        if server:
            return server
    if entry_type != "article" and "preprint" in fields.get("howpublished", "").casefold():
        return ""
    says = (fields.get("pubstate", ""), fields.get("type", ""))
    if any(value.strip().casefold() in ("preprint", "препринт") for value in says):
        return ""
    return None


# --------------------------------------------------------------------------------------------
# Clinical guidelines and genres
# --------------------------------------------------------------------------------------------

_GUIDELINE = re.compile(r"клинич\w*\s+рекоменд|clinical\s+(?:practice\s+)?guideline", re.IGNORECASE)


def is_guideline(genre: str, title: str) -> bool:
    """Whether a source is a clinical guideline (by its genre or its title)."""
    return bool(_GUIDELINE.search(genre) or _GUIDELINE.search(title))


_ENGLISH_GENRES = (
    (re.compile(r"автореф", re.IGNORECASE), "dissertation abstract"),
    (re.compile(r"\bдис(?:с|\.|серт)", re.IGNORECASE), "dissertation"),
    (re.compile(r"клинич\w*\s+рекоменд", re.IGNORECASE), "clinical guidelines"),
    (re.compile(r"препринт", re.IGNORECASE), "preprint"),
    (re.compile(r"отч[её]т", re.IGNORECASE), "report"),
    (re.compile(r"стандарт", re.IGNORECASE), "standard"),
)


def kind_flags(item: dict[str, Any]) -> None:
    """Add to a CSL item the flag of clinical guidelines and the English words of its genre."""
    genre = str(item.get("genre", ""))
    if item.get("type") in ("report", "webpage", "document", "book") and is_guideline(
        genre, str(item.get("title", ""))
    ):
        item[GUIDELINE_FLAG] = FLAG
    english = english_genre(genre) or _ENGLISH_THESES.get(genre)
    if english:
        item[ENGLISH_GENRE_KEY] = english


_ENGLISH_THESES = {"PhD thesis": "dissertation", "Master's thesis": "master's thesis"}
"""Citing Medicine's words for the thesis genres that csljson gives entry types."""


def english_genre(genre: str) -> str | None:
    """The English words for a genre written in Russian, None if it is not Russian or not
    known (the English list then transliterates it)."""
    if not has_cyrillic(genre):
        return None
    for pattern, english in _ENGLISH_GENRES:
        if pattern.search(genre):
            return english
    return None


PATENT_COUNTRIES = {
    "patent": "",
    "patentus": "United States",
    "patentuk": "United Kingdom",
    "patentde": "Germany",
    "patentfr": "France",
    "patenteu": "European Union",
    "patentjp": "Japan",
    "patentru": "Российская Федерация",
}
"""biblatex's patent types (in ``type``) and the country they name."""
