"""Read a BibTeX file with bibtexparser 2, keeping each entry's line for diagnostics."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

from casepub.diagnostics import CasepubError, Diagnostic
from casepub.files import read_text


@dataclass(frozen=True)
class BibEntry:
    """One entry: its key, type, fields (macros expanded) and 1-based line."""

    key: str
    entry_type: str
    fields: dict[str, str]
    line: int


@dataclass(frozen=True)
class Bibliography:
    """The entries of one .bib file, by key."""

    path: Path
    display: str
    entries: dict[str, BibEntry]


def read_bibliography(path: Path, display: str) -> tuple[Bibliography, list[Diagnostic]]:
    """Parse ``path``; broken blocks and duplicate keys become diagnostics."""
    text = read_text(path, display)
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    except Exception as exc:  # bibtexparser raises bare exceptions on some input
        raise CasepubError.at(display, f"cannot read BibTeX: {exc}", "bib-syntax") from None
    problems: list[Diagnostic] = []
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
    entries = {
        entry.key: BibEntry(
            key=entry.key,
            entry_type=entry.entry_type.lower(),
            fields={f.key.lower(): str(f.value) for f in entry.fields},
            line=(entry.start_line or 0) + 1,
        )
        for entry in library.entries
    }
    return Bibliography(path, display, entries), problems


def _reason(error: Exception) -> str:
    """bibtexparser keeps the reason of an aborted block in ``abort_reason``, not the text."""
    reason = str(getattr(error, "abort_reason", "") or error).strip().rstrip(".")
    return f": {reason[0].lower()}{reason[1:]}" if reason else ""
