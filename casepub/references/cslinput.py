"""CSL-JSON as a bibliography, beside BibTeX: Zotero's "CSL JSON" export (and Better BibTeX's,
Mendeley's, or citeproc's own input).

Each item becomes a ``BibEntry`` keyed by its ``id``, at the line of that ``id``, that keeps
the item itself (``csl``) for the lists, and BibTeX-named fields made from it for the checks
(``bibcheck`` reads ``doi``, ``pages``, ``year``… whatever file they came from). ``to_csl``
then only tidies the item: the language as a code, the DOI without its ``https://doi.org/``,
supplements and parts of the issue, the flags of ``kinds``, and the identifiers that Zotero
keeps in ``note`` ("PMID: 123", "EDN: ABCDEF").
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from casepub.diagnostics import Diagnostic
from casepub.files import read_text
from casepub.limits import MAX_BIB_BYTES
from casepub.references.bibfields import has_cyrillic, language_code, normalise_doi
from casepub.references.bibtex import BibEntry, Bibliography
from casepub.references.kinds import EDN_KEY, issue_designation, kind_flags

_ENTRY_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "book": "book",
    "chapter": "incollection",
    "entry-encyclopedia": "inreference",
    "paper-conference": "inproceedings",
    "thesis": "thesis",
    "report": "report",
    "webpage": "online",
    "post-weblog": "online",
    "patent": "patent",
    "standard": "standard",
    "article": "online",
    "dataset": "dataset",
    "software": "software",
    "manuscript": "unpublished",
}
"""The BibTeX entry type named in diagnostics for a CSL type (others: ``misc``)."""
_FIELDS = {
    "title": "title",
    "publisher": "publisher",
    "publisher-place": "address",
    "volume": "volume",
    "issue": "number",
    "page": "pages",
    "edition": "edition",
    "genre": "type",
    "number-of-pages": "pagetotal",
    "ISBN": "isbn",
    "DOI": "doi",
    "PMID": "pmid",
    "PMCID": "pmcid",
    "URL": "url",
    "language": "langid",
    "event-place": "venue",
    "collection-title": "series",
    "casepub-english-title": "englishtitle",
    "casepub-english-container-title": "englishjournal",
}
"""CSL variables and the BibTeX fields the checks know them by."""
_NOTE_IDS = re.compile(r"^\s*(PMID|PMCID|EDN|DOI)\s*:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_ID = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)')


def read_csl_json(path: Path, display: str) -> tuple[Bibliography, list[Diagnostic]]:
    """The items of a CSL-JSON file (a list of objects, or one object) as a bibliography."""
    text = read_text(path, display, MAX_BIB_BYTES, "bibliographies")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Diagnostic(
            display, exc.lineno, exc.colno, "", f"not CSL-JSON: {exc.msg}", "bib-syntax"
        )
        return Bibliography(path, display, {}), [problem]
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        message = "CSL-JSON is a list of items (objects with an `id`)"
        return Bibliography(path, display, {}), [
            Diagnostic(display, 1, 1, "", message, "bib-syntax")
        ]
    lines = _id_lines(text)
    entries: dict[str, BibEntry] = {}
    problems: list[Diagnostic] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or str(item.get("id", "")).strip() == "":
            problems.append(_no_id(display, index))
            continue
        key = str(item["id"])
        line = lines.get(key, [1]).pop(0) if lines.get(key) else 1
        if key in entries:
            message = f"entry key `{key}` is used twice"
            problems.append(Diagnostic(display, line, 1, key, message, "bib-duplicate-key"))
            continue
        entries[key] = BibEntry(key, _entry_type(item), bibtex_fields(item), line, csl=item)
    return Bibliography(path, display, entries), problems


def _no_id(display: str, index: int) -> Diagnostic:
    return Diagnostic(
        display,
        None,
        None,
        f"[{index}]",
        f"item {index + 1} of the list is not an object with an `id`",
        "bib-syntax",
        suggestion='give every item an "id": the key the text cites it by',
    )


def _id_lines(text: str) -> dict[str, list[int]]:
    """The lines of each ``"id": …`` in the file, in order."""
    found: dict[str, list[int]] = {}
    for match in _ID.finditer(text):
        raw = match.group(1)
        key = json.loads(raw) if raw.startswith('"') else raw
        found.setdefault(str(key), []).append(text.count("\n", 0, match.start()) + 1)
    return found


def _entry_type(item: Mapping[str, Any]) -> str:
    kind = str(item.get("type", ""))
    if kind == "thesis" and re.search(r"master", str(item.get("genre", "")), re.IGNORECASE):
        return "mastersthesis"
    return _ENTRY_TYPES.get(kind, "misc")


def bibtex_fields(item: Mapping[str, Any]) -> dict[str, str]:
    """The item's data under BibTeX field names, as the checks read them."""
    fields = {bib: _text(item.get(csl)) for csl, bib in _FIELDS.items()}
    container = _text(item.get("container-title"))
    fields["journal" if str(item.get("type", "")).startswith("article-") else "booktitle"] = (
        container
    )
    for variable in ("author", "editor"):
        fields[variable] = _names(item.get(variable))
    fields["number"] = fields["number"] or _text(item.get("number"))
    fields |= _dates(item)
    return {name: value for name, value in fields.items() if value}


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) else ""


def _names(names: Any) -> str:
    """A CSL name list as BibTeX writes it: ``Family, Given and {Organisation}``."""
    if not isinstance(names, list):
        return ""
    written = []
    for name in names:
        if not isinstance(name, Mapping):
            continue
        if name.get("literal"):
            written.append("{" + str(name["literal"]) + "}")
        elif name.get("family"):
            given = f", {name['given']}" if name.get("given") else ""
            written.append(f"{name['family']}{given}")
    return " and ".join(written)


def _dates(item: Mapping[str, Any]) -> dict[str, str]:
    found = {}
    for variable, field in (("issued", "date"), ("accessed", "urldate")):
        date = item.get(variable)
        if not isinstance(date, Mapping):
            continue
        parts = date.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            found[field] = "/".join(_iso(part) for part in parts if isinstance(part, list))
        elif date.get("raw") or date.get("literal"):
            found[field] = str(date.get("raw") or date.get("literal"))
    return found


def _iso(parts: list[Any]) -> str:
    return "-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts[:3]))


def normalised_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item made ready for the styles (see the module docstring)."""
    tidy = copy.deepcopy(dict(item))
    tidy["id"] = str(tidy["id"])
    note = str(tidy.get("note", ""))
    for name, value in _NOTE_IDS.findall(note):
        key = {"edn": EDN_KEY}.get(name.lower(), name.upper())
        tidy.setdefault(key, value)
    if tidy.get("DOI"):
        tidy["DOI"] = normalise_doi(str(tidy["DOI"])) or str(tidy["DOI"])
    language = language_code(str(tidy.get("language", ""))) if tidy.get("language") else None
    if language:
        tidy["language"] = language
    elif has_cyrillic(str(tidy.get("title", ""))):
        tidy["language"] = "ru"
    if str(tidy.get("type", "")).startswith("article-"):
        volume, issue = _text(tidy.pop("volume", "")), _text(tidy.pop("issue", ""))
        tidy |= issue_designation(volume, issue)
    kind_flags(tidy)
    return tidy
