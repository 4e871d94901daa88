"""What is being proofed and how its findings are told: the file's name as shown, how a page
is named (a PDF's own pages, or a DOCX's as LibreOffice prints them), the page geometry, and
the floats' names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from casepub.checks.proof.geometry import Geometry
from casepub.diagnostics import Diagnostic, Severity

Role = Literal["manuscript", "blinded", "attachment"]

CODES = {
    "proof-residue": "template or markup left in the text",
    "proof-overlap": "glyphs of different words printed over each other",
    "proof-overflow": "text outside the text area, across a column, or a too narrow column",
    "proof-caption": "a caption away from its float",
    "proof-properties": "DOCX document properties missing (or naming the authors when blinded)",
    "proof-style": "a DOCX paragraph or table in a style the document does not define",
    "proof-unreadable": "an output the proof cannot open",
}
"""Every code the proof reports (each documented in docs/checks.md)."""


@dataclass(frozen=True)
class Subject:
    """One output file under proof."""

    shown: str
    """The file as diagnostics name it."""
    geometry: Geometry | None = None
    """The PDF page's text area; None for formats without pages."""
    pages: str = "page {n}"
    """How a page is named (``{n}``: its number)."""
    floats: Mapping[tuple[str, int], str] = field(default_factory=dict)
    """Names of the floats by kind and number: ``("table", 3) → "treatments"``."""
    role: Role = "manuscript"
    """What a DOCX is for: a ``manuscript`` names its title and authors in its properties, a
    ``blinded`` copy its title only, an ``attachment`` (a table, a checklist) need not."""

    def finding(self, where: str, message: str, code: str) -> Diagnostic:
        """A proof finding at ``where`` (a page, a paragraph, a line) of this file."""
        assert code in CODES, code
        return Diagnostic(self.shown, None, None, where, message, code, Severity.warning)

    def at_line(self, line: int | None, message: str, code: str) -> Diagnostic:
        """A finding at ``line`` of a text output (HTML, XML)."""
        assert code in CODES, code
        return Diagnostic(self.shown, line, None, "", message, code, Severity.warning)

    def on_page(self, number: int, message: str, code: str) -> Diagnostic:
        """A finding on page ``number``."""
        return self.finding(self.pages.format(n=number), message, code)

    def float_name(self, kind: str, number: int, caption: str = "") -> str:
        """``table 3 (treatments)``; the caption's words when the float's id is not known."""
        name = self.floats.get((kind, number)) or _caption_words(caption)
        return f"{kind} {number}" + (f" ({name})" if name else "")


def _caption_words(caption: str) -> str:
    """The caption's text after its label and number, shortened."""
    found = caption_label(caption)
    rest = caption[found.end() :].lstrip(" .:") if found else ""
    following = _caption_regex()[2].search(rest)  # the caption in the next language
    rest = (rest[: following.start()] if following else rest).strip(" .:")
    return rest if len(rest) <= 40 else rest[:39].rstrip() + "…"


def quoted(text: str, limit: int = 40) -> str:
    """``«text»``, shortened to ``limit`` characters."""
    text = " ".join(text.split())
    return f"«{text if len(text) <= limit else text[: limit - 1].rstrip() + '…'}»"


@cache
def _caption_regex() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str]]:
    """A caption's start (``Таблица 3.``, ``Fig. 2.``) in any language of any profile."""
    from casepub.profiles import load_profile, profile_ids
    from casepub.resources import base_labels, merged

    kinds: dict[str, str] = {}
    wordings = [base_labels()]
    for profile_id in profile_ids():
        overrides = {str(k): v for k, v in load_profile(profile_id).labels.items()}
        wordings.append(
            {lang: merged(words, overrides.get(lang, {})) for lang, words in base_labels().items()}
        )
    for wording in wordings:
        for words in wording.values():
            for kind in ("figure", "table"):
                label = words.get(kind)
                if isinstance(label, str) and label.strip():
                    kinds[label.strip()] = kind
    alternatives = "|".join(re.escape(label) for label in sorted(kinds, key=len, reverse=True))
    return (
        re.compile(rf"^\s*(?P<label>{alternatives})\s*(?P<number>\d+)\b"),
        kinds,
        re.compile(rf"\s(?:{alternatives})\s*\d+\b"),
    )


def caption_label(text: str) -> re.Match[str] | None:
    """The label and number a caption starts with, if ``text`` starts one."""
    return _caption_regex()[0].match(text)


def caption_kind(found: re.Match[str]) -> str:
    """``figure`` or ``table`` for a matched caption label."""
    return _caption_regex()[1][found.group("label")]
