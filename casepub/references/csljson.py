"""BibTeX entries → CSL-JSON items for pandoc's citeproc, and their English form.

``to_csl`` turns the entries that ``bibtex.read_bibliography`` read into CSL-JSON, as written
by Zotero/Better BibTeX, JabRef, Mendeley or by hand: LaTeX accents and commands become
Unicode, ``{Braces}`` that protect case become ``<span class="nocase">``, names are split the
BibTeX way, dates come from ``date`` or ``year``/``month``/``day``, DOIs lose their
``https://doi.org/`` prefix. ``and others`` becomes the name ``{"literal": "others"}``, which
pandoc's citeproc prints as "et al." (or "и др.").

``to_english`` makes the items of the English "References" list: a Russian source gets
transliterated names, title and imprint, its English title in square brackets (from the
``englishtitle`` field), its journal's English name (``englishjournal``), ``language: en``
and the key ``casepub-in-russ`` so that the list can end it with "(In Russ.)".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from casepub.references.bibfields import (
    csl_date,
    has_cyrillic,
    issued_date,
    language_code,
    normalise_doi,
    parse_names,
    unconcatenate,
)
from casepub.references.bibtex import BibEntry
from casepub.references.cslinput import normalised_item
from casepub.references.kinds import (
    EDN_KEY,
    FLAG,
    PATENT_COUNTRIES,
    issue_designation,
    kind_flags,
    preprint_server,
)
from casepub.references.latex import latex_to_text

IN_RUSS_KEY = "casepub-in-russ"
"""Set (``True``) on a Russian source in the English list; pandoc ignores unknown keys."""
ENGLISH_TITLE_KEY = "casepub-english-title"
"""The entry's ``englishtitle``, kept in the item for ``to_english``."""
ENGLISH_CONTAINER_KEY = "casepub-english-container-title"
"""The entry's ``englishjournal`` (``englishbooktitle``), kept in the item for ``to_english``."""
ENGLISH_PUBLISHER_KEY = "casepub-english-publisher"
"""The entry's ``englishpublisher`` (``englishinstitution``), for the English list."""
HOLDER_KEY = "casepub-holder"
"""The holder (assignee) of a patent: biblatex's ``holder``."""
INVENTORS_KEY = "casepub-inventors"
"""Set on a patent with more than one inventor ("inventors" in Vancouver)."""

NAME_VARIABLES = ("author", "editor", "translator")

# --------------------------------------------------------------------------------------------
# Entries → CSL-JSON
# --------------------------------------------------------------------------------------------

_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "booklet": "pamphlet",
    "incollection": "chapter",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "standard": "standard",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "patent": "patent",
    "unpublished": "manuscript",
    "dataset": "dataset",
    "software": "software",
}
_GENRES = {
    "phdthesis": "PhD thesis",
    "mastersthesis": "Master's thesis",
    "candthesis": "Candidate thesis",
    "techreport": "Technical report",
    "resreport": "Research report",
}
"""Genres of thesis entry types, and of biblatex's localisation keys in ``type``."""
_URL_IN_TEXT = re.compile(r"\\url\{([^}]*)\}|(https?://\S+)")


def entry_url(entry: BibEntry) -> str | None:
    """The entry's ``url``, or the ``\\url{…}`` of an old-style ``howpublished``."""
    url = entry.fields.get("url", "").strip()
    if url:
        return _unescape_url(url)
    match = _URL_IN_TEXT.search(entry.fields.get("howpublished", ""))
    if match:
        return _unescape_url(match.group(1) or match.group(2))
    return None


def _unescape_url(url: str) -> str:
    url = re.sub(r"\\([_%&#$~])", r"\1", url.strip())
    return url.removeprefix("\\url{").removesuffix("}") if url.startswith("\\url{") else url


def csl_type(entry: BibEntry) -> str:
    """The CSL type of a BibTeX/biblatex entry type (misc with a URL → webpage; a preprint,
    whatever its entry type, → article)."""
    if entry.csl is not None:
        return str(entry.csl.get("type") or "document")
    if preprint_server(entry.entry_type, _lowered(entry.fields)) is not None:
        return "article"
    if entry.entry_type == "misc":
        return "webpage" if entry_url(entry) else "document"
    return _TYPES.get(entry.entry_type, "document")


def to_csl(entries: Mapping[str, BibEntry]) -> list[dict[str, Any]]:
    """CSL-JSON items of ``entries``, in their order, with ``id`` = the BibTeX key."""
    return [
        _item(entry) if entry.csl is None else normalised_item(entry.csl)
        for entry in entries.values()
    ]


def _item(entry: BibEntry) -> dict[str, Any]:
    fields = {name: unconcatenate(value) for name, value in entry.fields.items()}

    def text(*names: str, markup: bool = False) -> str:
        for name in names:
            value = latex_to_text(fields.get(name, ""), markup=markup)
            if value:
                return value
        return ""

    kind = csl_type(entry)
    item: dict[str, Any] = {"id": entry.key, "type": kind}
    for variable in NAME_VARIABLES:
        if fields.get(variable, "").strip():
            item[variable] = parse_names(fields[variable])
    title = text("title", markup=True)
    subtitle = text("subtitle", markup=True)
    if title and subtitle:
        title = f"{title}: {subtitle}"
    if title or subtitle:
        item["title"] = title or subtitle
    container_fields = ["journaltitle", "journal"]
    if kind != "book":
        container_fields.append("booktitle")
    values: dict[str, str] = {
        "container-title": text(*container_fields, markup=True),
        "container-title-short": text("shortjournal", "journalabbreviation"),
        "collection-title": text("series", markup=True),
        "event-title": text("eventtitle", markup=True),
        "event-place": text("venue"),
        "publisher": text("publisher", "school", "institution", "organization"),
        "publisher-place": text("location", "address"),
        "edition": _edition(text("edition")),
        "volume": text("volume"),
        "page": text("pages"),
        "number-of-pages": text("pagetotal"),
        "chapter-number": text("chapter"),
        "version": text("version"),
        "genre": _genre(text("type"), entry.entry_type),
        "ISBN": text("isbn"),
        "ISSN": text("issn"),
    }
    number = text("number")
    if kind == "article":  # a preprint: its server and its number there
        values["container-title"] = ""
        values["publisher"] = _preprint_publisher(entry, fields, values["publisher"])
        values["number"] = _preprint_number(fields, number)
    elif text("issue"):
        values["issue"] = text("issue")
        values["number"] = number
    elif kind.startswith("article"):
        values["issue"] = number
    elif kind in ("book", "chapter") and values["collection-title"]:
        values["collection-number"] = number
    else:
        values["number"] = number
    if kind.startswith("article-"):
        # Reference styles print no publisher for a journal article; exporters (JabRef,
        # Zotero) still write the journal's, which GOST would print.
        values["publisher"] = values["publisher-place"] = ""
        values.update(issue_designation(values["volume"], values.pop("issue", "")))
    if kind == "patent":
        values["publisher-place"] = values["publisher-place"] or PATENT_COUNTRIES.get(
            text("type").casefold(), ""
        )
        values["genre"] = ""
        values[HOLDER_KEY] = text("holder")
        values[INVENTORS_KEY] = FLAG if len(item.get("author", [])) > 1 else ""
    howpublished = text("howpublished")
    notes = [text("note"), "" if _URL_IN_TEXT.search(howpublished) else howpublished]
    values["note"] = ". ".join(note for note in notes if note)
    item.update({name: value for name, value in values.items() if value})
    issued = issued_date(fields)
    if issued:
        item["issued"] = issued
    _identifiers(entry, fields, item)
    if fields.get("urldate", "").strip():
        item["accessed"] = csl_date(fields["urldate"])
    if fields.get("eventdate", "").strip():
        item["event-date"] = csl_date(fields["eventdate"])
    kind_flags(item)
    if text("edn"):
        item[EDN_KEY] = text("edn")
    language = _language(fields, item)
    if language:
        item["language"] = language
    english_title = text("englishtitle", markup=True)
    if english_title:
        item[ENGLISH_TITLE_KEY] = english_title
    english_container = text("englishjournal", "englishbooktitle", markup=True)
    if english_container:
        item[ENGLISH_CONTAINER_KEY] = english_container
    english_publisher = text("englishpublisher", "englishinstitution")
    if english_publisher:
        item[ENGLISH_PUBLISHER_KEY] = english_publisher
    return item


def _lowered(fields: Mapping[str, str]) -> dict[str, str]:
    return {name: latex_to_text(unconcatenate(value)) for name, value in fields.items()}


def _preprint_publisher(entry: BibEntry, fields: Mapping[str, str], publisher: str) -> str:
    server = preprint_server(entry.entry_type, _lowered(fields))
    return server or publisher or latex_to_text(fields.get("howpublished", ""))


def _preprint_number(fields: Mapping[str, str], number: str) -> str:
    """``arXiv:2001.00001`` for an arXiv e-print, else the entry's number."""
    eprint = latex_to_text(fields.get("eprint", "")).strip()
    kind = latex_to_text(fields.get("eprinttype", "") or fields.get("archiveprefix", ""))
    if eprint and kind.strip().casefold() == "arxiv":
        return f"arXiv:{eprint}"
    return number


def _genre(written: str, entry_type: str) -> str:
    """The ``type`` field (a biblatex key such as ``phdthesis`` made readable), or the genre
    that the entry type implies."""
    if written:
        return _GENRES.get(written.casefold(), written)
    return _GENRES.get(entry_type, "") if entry_type.endswith("thesis") else ""


def _edition(value: str) -> str:
    """``8``, ``8th``, ``8th ed.`` → ``8`` (the style adds "ed."); other text as written."""
    match = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?(?:\s*ed(?:ition|\.)?)?", value, re.IGNORECASE)
    return match.group(1) if match else value


def _identifiers(entry: BibEntry, fields: Mapping[str, str], item: dict[str, Any]) -> None:
    doi_text = fields.get("doi", "").strip()
    pmid = fields.get("pmid", "").strip()
    pmcid = fields.get("pmcid", "").strip()
    eprint = fields.get("eprint", "").strip()
    eprint_type = fields.get("eprinttype", "").strip().lower()
    if eprint and eprint_type in ("pubmed", "pmid") and not pmid:
        pmid = eprint
    elif eprint and eprint_type in ("pmc", "pmcid", "pubmedcentral") and not pmcid:
        pmcid = eprint
    elif eprint and eprint_type == "doi" and not doi_text:
        doi_text = eprint
    doi = None
    if doi_text:
        doi = normalise_doi(doi_text) or re.sub(r"\\([_%&#$])", r"\1", doi_text)
        item["DOI"] = doi
    if pmid:
        item["PMID"] = re.sub(r"^pmid:?\s*", "", pmid, flags=re.IGNORECASE)
    if pmcid:
        item["PMCID"] = pmcid
    url = entry_url(entry)
    if url and not (doi and (normalise_doi(url) or "").casefold() == doi.casefold()):
        item["URL"] = url


def _language(fields: Mapping[str, str], item: Mapping[str, Any]) -> str | None:
    for name in ("langid", "language"):
        if fields.get(name, "").strip():
            code = language_code(fields[name])
            if code:
                return code
    if has_cyrillic(str(item.get("title", ""))) or any(
        has_cyrillic(part) for part in _name_parts(item)
    ):
        return "ru"
    return None


def _name_parts(item: Mapping[str, Any]) -> list[str]:
    return [
        str(value)
        for variable in NAME_VARIABLES
        for name in item.get(variable, [])
        for value in name.values()
    ]


def is_russian(item: dict[str, Any]) -> bool:
    """Whether a CSL item is a Russian-language source: ``language`` ru (or ru-…), or no
    language and Cyrillic in its title or names."""
    language = str(item.get("language") or "").casefold()
    if language:
        return language == "ru" or language.startswith("ru-")
    return has_cyrillic(str(item.get("title", ""))) or any(
        has_cyrillic(part) for part in _name_parts(item)
    )
