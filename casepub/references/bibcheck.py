"""Checks on a bibliography, each reported at the line of the entry it is about.

Codes: ``bib-field-missing`` (a field the entry type needs), ``bib-doi``, ``bib-pmid``,
``bib-year`` (also a ``date`` or ``month`` that is not one), ``bib-pages``, ``bib-macro``
(a @string that is not defined, or one joined with ``#``, which bibtexparser does not expand),
``bib-duplicate`` (two entries with one DOI or one title), ``bib-translit`` (a Russian source
with letters that Russian transliteration cannot spell) and ``bib-english-title`` (a Russian
source without the English title that the English "References" should show).

``check_styles`` adds, as ``bib-field-missing`` warnings, what a citation style prints and an
entry lacks: a GOST book without its place or publisher, a web page without the date it was
visited (checked for every style), an article without volume or pages.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import bibtexparser

from casepub.diagnostics import Diagnostic, Severity
from casepub.references.bibfields import (
    has_cyrillic,
    non_russian_letters,
    normalise_doi,
    parse_date,
    parse_month,
    split_top,
)
from casepub.references.bibtex import BibEntry, Bibliography
from casepub.references.csljson import csl_type, entry_url, is_russian, to_csl
from casepub.references.latex import latex_to_text

_MONTH_MACROS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
_MIN_TITLE = 20
"""Titles shorter than this (normalised) are too generic to call two entries duplicates."""


@dataclass(frozen=True)
class _Need:
    """A field an entry type needs (any of ``fields``, the first preferred), described as
    ``what``; missing, it is an error unless ``warning``."""

    fields: tuple[str, ...]
    what: str
    warning: bool = False


_AUTHOR = _Need(("author", "editor"), "author")
_TITLE = _Need(("title",), "title")
_YEAR = _Need(("year", "date"), "year")
_NEEDS: dict[str, tuple[_Need, ...]] = {
    "article-journal": (_AUTHOR, _TITLE, _Need(("journal", "journaltitle"), "journal"), _YEAR),
    "book": (_AUTHOR, _TITLE, _Need(("publisher",), "publisher", warning=True), _YEAR),
    "chapter": (_Need(("author",), "author"), _TITLE, _Need(("booktitle",), "book title"), _YEAR),
    "webpage": (
        _TITLE,
        _Need(("url",), "URL"),
        _Need(("urldate",), "date when the page was visited", warning=True),
    ),
}
_OTHERS = (_TITLE, _YEAR)

_PAGE = r"(?:[A-Za-z]{0,3}\d+[A-Za-z]?|[ivxlcdm]+|[IVXLCDM]+)"
_RANGE = rf"{_PAGE}(?:\s*(?:-{{1,3}}|[‐‑–—])\s*{_PAGE})?"
_PAGES = re.compile(rf"{_RANGE}(?:\s*,\s*{_RANGE})*\+?")


def check_bibliography(bib: Bibliography, cited: Sequence[str] = ()) -> list[Diagnostic]:
    """Every problem of ``bib``'s entries, in file order.

    ``cited`` (the keys cited by the text) does not change the checks: an entry is checked
    whether or not it is cited, since a shared .bib is still one file to keep right.
    """
    entries = sorted(bib.entries.values(), key=lambda entry: entry.line)
    found: list[Diagnostic] = []
    macros = _macro_problems(bib)
    for entry in entries:
        report = _Reporter(bib.display, entry, found)
        _check_fields(entry, report)
        _check_identifiers(entry, report)
        _check_dates(entry, report)
        _check_pages(entry, report)
        for field, message, hint in macros.get(entry.key, []):
            report(field, message, "bib-macro", hint)
        _check_russian(entry, report)
    found.extend(_duplicates(bib.display, entries))
    return sorted(found, key=lambda d: (d.line or 0, d.code))


@dataclass
class _Reporter:
    """Adds diagnostics located at one entry."""

    file: str
    entry: BibEntry
    sink: list[Diagnostic]

    def __call__(
        self,
        field: str,
        message: str,
        code: str,
        suggestion: str | None = None,
        severity: Severity = Severity.error,
    ) -> None:
        path = f"{self.entry.key}.{field}" if field else self.entry.key
        self.sink.append(
            Diagnostic(self.file, self.entry.line, 1, path, message, code, severity, suggestion)
        )


def _present(entry: BibEntry, field: str) -> bool:
    if field == "url":
        return entry_url(entry) is not None
    return bool(entry.fields.get(field, "").strip())


def _check_fields(entry: BibEntry, report: _Reporter) -> None:
    kind = csl_type(entry)
    for need in _NEEDS.get(kind, _OTHERS):
        if any(_present(entry, field) for field in need.fields):
            continue
        others = "".join(f" or `{field} = {{…}}`" for field in need.fields[1:])
        report(
            need.fields[0],
            f"@{entry.entry_type} `{entry.key}` has no {need.what}",
            "bib-field-missing",
            f"add `{need.fields[0]} = {{…}}`{others}",
            Severity.warning if need.warning else Severity.error,
        )


def _check_identifiers(entry: BibEntry, report: _Reporter) -> None:
    doi = entry.fields.get("doi", "").strip()
    if doi and normalise_doi(doi) is None:
        report(
            "doi",
            f"`{doi}` is not a DOI",
            "bib-doi",
            "write the DOI itself, like 10.1002/cncr.29099, or remove the field",
        )
    pmid = entry.fields.get("pmid", "").strip()
    if pmid and not pmid.isdigit():
        report(
            "pmid",
            f"PubMed ID `{pmid}` is not a number",
            "bib-pmid",
            "write only the digits, like 24228906",
        )


def _check_dates(entry: BibEntry, report: _Reporter) -> None:
    last = datetime.date.today().year + 1
    hint = f"write the year of publication, 1500–{last}, like 2017"
    year = latex_to_text(entry.fields.get("year", ""))
    if entry.fields.get("year", "").strip() and not (
        re.fullmatch(r"\d{4}", year) and 1500 <= int(year) <= last
    ):
        report("year", f"`{year}` is not a year of publication", "bib-year", hint)
    date = entry.fields.get("date", "").strip()
    if date:
        parts = parse_date(date)
        if parts is None:
            report(
                "date",
                f"`{date}` is not a date",
                "bib-year",
                "write it as 2016, 2016-02 or 2016-02-09",
            )
        elif not all(1500 <= part[0] <= last for part in parts):
            report("date", f"`{date}` is not a date of publication", "bib-year", hint)
    month = entry.fields.get("month", "").strip()
    if month and parse_month(month) is None:
        report(
            "month",
            f"`{month}` is not a month",
            "bib-year",
            "write the month as jan…dec or 1–12",
        )


def _check_pages(entry: BibEntry, report: _Reporter) -> None:
    raw = entry.fields.get("pages", "").strip()
    if raw and not _PAGES.fullmatch(latex_to_text(raw)):
        report(
            "pages",
            f"`{raw}` is not a page or a page range",
            "bib-pages",
            "write only the numbers, like 12--19, e123 or S12--S19",
        )


def _check_russian(entry: BibEntry, report: _Reporter) -> None:
    if not is_russian(to_csl({entry.key: entry})[0]):
        return
    title_unspellable = False
    for field, counterpart in (
        ("title", "englishtitle"),
        ("journal", "englishjournal"),
        ("journaltitle", "englishjournal"),
    ):
        letters = non_russian_letters(latex_to_text(entry.fields.get(field, "")))
        if not letters or entry.fields.get(counterpart, "").strip():
            continue
        title_unspellable = title_unspellable or field == "title"
        what = "title" if field == "title" else "journal's name"
        report(
            field,
            f"the {what} has letters that Russian does not use ({', '.join(letters)}); "
            "the English references cannot transliterate them correctly",
            "bib-translit",
            f"add `{counterpart} = {{…}}` with the English form",
            Severity.warning,
        )
    title = latex_to_text(entry.fields.get("title", ""))
    if title_unspellable or not has_cyrillic(title):
        return
    if not entry.fields.get("englishtitle", "").strip():
        report(
            "englishtitle",
            "a Russian source without an English title: the English references will show "
            "only the transliterated title",
            "bib-english-title",
            "add `englishtitle = {…}`: the article's official English title or a translation",
            Severity.warning,
        )


def _normal_title(entry: BibEntry) -> str:
    text = latex_to_text(entry.fields.get("title", "")).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _duplicates(display: str, entries: Sequence[BibEntry]) -> Iterator[Diagnostic]:
    """Entries with the DOI (case aside) or the title of an earlier entry."""
    by_doi: dict[str, BibEntry] = {}
    by_title: dict[str, BibEntry] = {}
    for entry in entries:
        match: tuple[BibEntry, str, str] | None = None
        doi = normalise_doi(entry.fields.get("doi", ""))
        if doi is not None:
            first = by_doi.setdefault(doi.casefold(), entry)
            if first is not entry:
                match = (first, f"the same DOI ({doi})", "doi")
        title = _normal_title(entry)
        if len(title) >= _MIN_TITLE:
            first = by_title.setdefault(title, entry)
            if first is not entry and match is None:
                match = (first, "the same title", "title")
        if match is None:
            continue
        first, what, field = match
        yield Diagnostic(
            display,
            entry.line,
            1,
            f"{entry.key}.{field}",
            f"`{entry.key}` has {what} as `{first.key}` (line {first.line}): the same work twice?",
            "bib-duplicate",
            Severity.warning,
            f"keep one entry and cite it as @{first.key}",
        )


def _macro_problems(bib: Bibliography) -> dict[str, list[tuple[str, str, str]]]:
    """Fields that use a @string which is not defined, or one inside a ``#`` concatenation
    (bibtexparser expands neither), by entry key: (field, message, suggestion)."""
    try:
        text = bib.path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])  # type: ignore[attr-defined]
    except Exception:  # the reading stage reports unreadable files
        return {}
    strings = {block.key.lower() for block in library.strings}
    found: dict[str, list[tuple[str, str, str]]] = {}
    for block in library.entries:
        if block.key not in bib.entries:
            continue
        for field in block.fields:
            problem = _macro_problem(str(field.value), strings)
            if problem:
                name = field.key.lower()
                message = problem.replace("{field}", f"`{name}`")
                hint = "write the whole value in braces, or define the @string before the entry"
                found.setdefault(block.key, []).append((name, message, hint))
    return found


def _macro_problem(value: str, strings: set[str]) -> str | None:
    parts = _top_parts(value)
    if parts is None:
        return None
    for part in parts:
        if part[:1] in ("{", '"') or part.isdigit():
            continue
        name = part.lower()
        if name in _MONTH_MACROS:
            continue
        if name not in strings:
            return f"{{field}} uses `{part}`, which no @string defines"
        if len(parts) > 1:
            return (
                f"{{field}} joins the @string `{part}` with `#`; casepub cannot expand a "
                "@string inside a concatenation"
            )
    return None


def _top_parts(value: str) -> list[str] | None:
    """The ``#``-separated parts of a raw BibTeX value, or None if it is not well formed."""
    parts = [part.strip() for part in split_top(value)]
    return None if any(not part for part in parts) else parts


def too_many_references(
    bib: Bibliography, limit: int, cited: Sequence[str] | None
) -> list[Diagnostic]:
    """An error when more sources are cited (or, for a bare .bib, listed) than ``limit``."""
    count = len(cited) if cited is not None else len(bib.entries)
    if count <= limit:
        return []
    what = "cited" if cited is not None else "in the file"
    return [
        Diagnostic(
            bib.display,
            None,
            None,
            "",
            f"{count} references {what}; the journal allows {limit}",
            "bib-too-many",
            suggestion="cite fewer sources, or check the journal's limit",
        )
    ]


# --------------------------------------------------------------------------------------------
# What the styles print
# --------------------------------------------------------------------------------------------

STYLE_NAMES = {"gost": "GOST R 7.0.5", "vancouver": "Vancouver"}
"""The styles whose needs are known, by their short names."""


@dataclass(frozen=True)
class _StyleNeed:
    """A field (any of ``fields``) that ``styles`` print for an entry of a CSL type."""

    fields: tuple[str, ...]
    what: str
    styles: tuple[str, ...] = ("gost", "vancouver")


_PLACE = _StyleNeed(("address", "location"), "place of publication")
_PUBLISHER = _StyleNeed(("publisher",), "publisher")
"""(A book's publisher and a web page's visit date are checked for every style, above.)"""
_PAGE_NUMBERS = _StyleNeed(("pages",), "pages")
_VOLUME = _StyleNeed(("volume", "number", "issue"), "volume or issue")
_STYLE_NEEDS: dict[str, tuple[_StyleNeed, ...]] = {
    "article-journal": (_VOLUME, _PAGE_NUMBERS),
    "book": (_PLACE,),
    "chapter": (_PLACE, _PUBLISHER, _PAGE_NUMBERS),
    "paper-conference": (_PLACE, _PAGE_NUMBERS),
    "thesis": (
        _PLACE,
        _StyleNeed(("school", "institution", "publisher"), "university", ("vancouver",)),
    ),
    "report": (_StyleNeed(("institution", "publisher", "organization"), "institution"),),
    "patent": (
        _StyleNeed(("number",), "patent number"),
        _StyleNeed(("location", "address"), "country"),
    ),
    "standard": (_StyleNeed(("number",), "number of the standard"),),
    "article": (_StyleNeed(("doi", "url", "howpublished", "eprint"), "DOI or URL"),),
}


def check_styles(bib: Bibliography, styles: Sequence[str]) -> list[Diagnostic]:
    """One warning per field that one of ``styles`` (short names; others are not known)
    prints for an entry's type and the entry lacks, at the entry's line."""
    wanted = [style for style in styles if style in STYLE_NAMES]
    found: list[Diagnostic] = []
    for entry in sorted(bib.entries.values(), key=lambda entry: entry.line):
        report = _Reporter(bib.display, entry, found)
        for need in _STYLE_NEEDS.get(csl_type(entry), ()):
            needing = [STYLE_NAMES[style] for style in wanted if style in need.styles]
            if not needing or any(_present(entry, field) for field in need.fields):
                continue
            others = "".join(f" or `{field}`" for field in need.fields[1:])
            report(
                need.fields[0],
                f"@{entry.entry_type} `{entry.key}` has no {need.what}, which "
                f"{' and '.join(needing)} print{'s' if len(needing) == 1 else ''}",
                "bib-field-missing",
                f"add `{need.fields[0]} = {{…}}`{others}",
                Severity.warning,
            )
    return found
