"""Read a BibTeX file with bibtexparser 2, keeping each entry's line for diagnostics."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

from casepub.diagnostics import CasepubError, Diagnostic
from casepub.files import read_text
from casepub.limits import MAX_BIB_BRACE_DEPTH, MAX_BIB_BYTES, MAX_BIB_FIELD_CHARS

_SHOWN_OF_A_LONG_FIELD = 200


@dataclass(frozen=True)
class BibEntry:
    """One entry: its key, type, fields (macros expanded) and 1-based line; an item read from
    CSL-JSON keeps the item itself in ``csl`` (its ``fields`` are made from it)."""

    key: str
    entry_type: str
    fields: dict[str, str]
    line: int
    csl: dict[str, Any] | None = None


@dataclass(frozen=True)
class Bibliography:
    """The entries of one .bib file, by key."""

    path: Path
    display: str
    entries: dict[str, BibEntry]


def read_bibliography(path: Path, display: str) -> tuple[Bibliography, list[Diagnostic]]:
    """Parse ``path`` (BibTeX, or CSL-JSON when it ends in ``.json``); broken blocks and
    duplicate keys become diagnostics."""
    if path.suffix.lower() == ".json":
        from casepub.references.cslinput import read_csl_json  # it builds on this module

        return read_csl_json(path, display)
    text = read_text(path, display, MAX_BIB_BYTES, "bibliographies")
    _check_nesting(text, display)
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    problems: list[Diagnostic] = list(_missing_commas(text, display))
    try:
        library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    except Exception as exc:  # bibtexparser raises bare exceptions on some input
        raise CasepubError.at(display, f"cannot read BibTeX: {exc}", "bib-syntax") from None
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(
                Diagnostic(
                    display,
                    line,
                    1,
                    block.key,
                    f"entry key `{block.key}` is used twice",
                    "bib-duplicate-key",
                )
            )
        elif isinstance(block, ParsingFailedBlock):
            problems.append(
                Diagnostic(
                    display,
                    line,
                    1,
                    "",
                    "cannot parse this BibTeX entry" + _reason(block.error),
                    "bib-syntax",
                    suggestion="check braces and commas",
                )
            )
    entries: dict[str, BibEntry] = {}
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        fields: dict[str, str] = {}
        for f in entry.fields:
            value = str(f.value)
            if len(value) > MAX_BIB_FIELD_CHARS:
                problems.append(
                    Diagnostic(
                        display,
                        line,
                        1,
                        f"{entry.key}.{f.key.lower()}",
                        f"the field `{f.key}` is {len(value)} characters long; casepub reads "
                        f"fields of up to {MAX_BIB_FIELD_CHARS}",
                        "too-large",
                        suggestion="is a whole text pasted into it? shorten the field",
                    )
                )
                value = value[:_SHOWN_OF_A_LONG_FIELD]
            fields[f.key.lower()] = value
        entries[entry.key] = BibEntry(entry.key, entry.entry_type.lower(), fields, line)
    return Bibliography(path, display, entries), problems


def _check_nesting(text: str, display: str) -> None:
    """Refuse braces nested deeper than ``MAX_BIB_BRACE_DEPTH`` (the LaTeX reader recurses
    per level); an ``@`` at the start of a line resets the count, as a new entry does."""
    depth = 0
    line = 1
    for match in _BRACES.finditer(text):
        char = match.group()
        if char == "\n":
            line += 1
        elif char == "{":
            depth += 1
            if depth > MAX_BIB_BRACE_DEPTH:
                col = match.start() - text.rfind("\n", 0, match.start())
                raise CasepubError.at(
                    display,
                    f"braces `{{` are nested more than {MAX_BIB_BRACE_DEPTH} deep: not read",
                    "bib-syntax",
                    line=line,
                    col=col,
                    suggestion="check the braces of this entry",
                )
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == "@" and match.start() > 0 and text[match.start() - 1] == "\n":
            depth = 0


_MISSING_COMMA = re.compile(r"\}[ \t]*\r?\n[ \t]*([A-Za-z][\w-]*)[ \t]*=")


def _missing_commas(text: str, display: str) -> list[Diagnostic]:
    """``journal = {…}`` ending a line and a field on the next without a comma between:
    bibtexparser reads both as one value, and the second field seems missing."""
    found = []
    for match in _MISSING_COMMA.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - text.rfind("\n", 0, match.start())
        found.append(
            Diagnostic(
                display,
                line,
                col,
                "",
                f"no comma between this field and the next one, `{match.group(1)}`",
                "bib-syntax",
                suggestion="put a comma after the closing brace",
            )
        )
    return found


_BRACES = re.compile(r"[{}\n]|(?m:^@)")


def _reason(error: Exception) -> str:
    """bibtexparser keeps the reason of an aborted block in ``abort_reason``, not the text."""
    reason = str(getattr(error, "abort_reason", "") or error).strip().rstrip(".")
    return f": {reason[0].lower()}{reason[1:]}" if reason else ""
