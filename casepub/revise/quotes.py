"""The printed text of a place of the case, and what of it a revision changed.

A place (``sections.discussion``, ``labs[2]``, ``fig:lesions``, ``references:smith2020``) is
printed as units: the sentences of a section, the caption and rows of a table, the caption
of a figure, the entry of a reference. Comparing the units of the submitted and the revised
manuscript gives the text the response letter quotes: units added or changed, and units
removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from casepub.render import Manuscript

QuoteKind = Literal["new", "removed", "unchanged"]

DATA_TABLES: dict[str, tuple[str, ...]] = {
    "labs": ("tbl:labs",),
    "markers": ("tbl:markers",),
    "timeline": ("tbl:timeline",),
    "treatments": ("tbl:treatments", "tbl:timeline"),
}
"""The generated tables that print each list of the case's data."""

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«(\[]?[A-ZА-ЯЁ0-9])")
_ENTRY = re.compile(r"^::: \{#(?P<id>\S+) \.csl-entry\}\n(?P<body>.*?)\n:::$", re.M | re.S)
_LEFT_MARGIN = re.compile(r"\[(?P<number>[^\]]*)\]\{\.csl-left-margin\}")
_SPAN = re.compile(r"\[(?P<text>(?:\\.|[^\[\]\\])*)\]\{[^}]*\}")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\([^)]*\)")
_CITATION = re.compile(r"\[(?P<keys>-?@[^\]]+)\]")
_CITED_KEY = re.compile(r"@([\w:.#$%&+?<>~/-]+)")


@dataclass(frozen=True)
class Quote:
    """A piece of printed text: added or changed (``new``), gone from the revised manuscript
    (``removed``), or quoted to show what a change concerns (``unchanged``: the caption of a
    redrawn figure)."""

    text: str
    kind: QuoteKind = "new"


@dataclass(frozen=True)
class Printed:
    """A manuscript's printed units by place, and the number of each reference."""

    units: dict[str, list[str]]
    numbers: dict[str, str]


def printed(manuscript: Manuscript) -> Printed:
    """The units of every place of ``manuscript`` (built without a journal's grouping of
    sections, so that each section keeps its own key)."""
    units: dict[str, list[str]] = {}
    for section in manuscript.sections:
        units[f"sections.{section.key}"] = sentences(section.markdown)
    for item in manuscript.floats:
        rows = [" | ".join(row) for row in item.table.rows] if item.table else []
        units[item.spec.id] = [item.caption[0], *rows]
    numbers: dict[str, str] = {}
    for found in _ENTRY.finditer(
        manuscript.references[0].markdown if manuscript.references else ""
    ):
        key = found.group("id").removeprefix("ref-")
        margin = _LEFT_MARGIN.search(found.group("body"))
        numbers[key] = margin.group("number").strip().rstrip(".") if margin else ""
        units[f"references:{key}"] = [_LEFT_MARGIN.sub("", found.group("body")).strip()]
    front = manuscript.fronts[0]
    units["title"] = [front.title]
    units["abstract"] = [s for _, text in front.abstract for s in sentences(text)]
    return Printed(units, numbers)


def sentences(markdown: str) -> list[str]:
    """The sentences of a Markdown text, paragraph by paragraph, on one line each."""
    found: list[str] = []
    for paragraph in re.split(r"\n\s*\n", markdown):
        flat = " ".join(paragraph.split())
        found += [s for s in _SENTENCE_END.split(flat) if s]
    return found


def unit_places(place: str) -> list[str]:
    """The places whose units print ``place``: itself, or the tables of a data list."""
    head = re.match(r"[a-z_]+", place)
    if head and head.group(0) in DATA_TABLES and not place.startswith("sections."):
        return list(DATA_TABLES[head.group(0)])
    return [place]


def changed_quotes(place: str, old: Printed, new: Printed) -> list[Quote]:
    """What the revision changed of ``place``: the new units, then the removed ones; for a
    figure whose caption stayed, its caption (the figure itself changed)."""
    quotes: list[Quote] = []
    removed: list[Quote] = []
    for name in unit_places(place):
        before, after = old.units.get(name, []), new.units.get(name, [])
        matcher = SequenceMatcher(None, before, after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            quotes += [Quote(text) for text in after[j1:j2]]
            removed += [Quote(text, "removed") for text in gone(before[i1:i2], after[j1:j2])]
    if not quotes and not removed and place.startswith("fig:") and place in new.units:
        quotes.append(Quote(new.units[place][0], "unchanged"))
    return quotes + removed


def gone(before: list[str], after: list[str]) -> list[str]:
    """The units of ``before`` that no unit of ``after`` rewrites (an edited sentence is
    quoted as it is now; a sentence like none of the new ones was removed)."""
    return [
        unit
        for unit in before
        if all(SequenceMatcher(None, unit, new).ratio() < SIMILAR for new in after)
    ]


SIMILAR = 0.5
"""How alike two units must be for one to count as the other rewritten."""


def plain(markdown: str, numbers: dict[str, str]) -> str:
    """A unit as the letter quotes it: links and spans reduced to their text, citations to
    the numbers the revised manuscript gives them."""

    def cite(found: re.Match[str]) -> str:
        keys = _CITED_KEY.findall(found.group("keys"))
        return "[" + ", ".join(numbers.get(k.rstrip(".,;"), k) for k in keys) + "]"

    text = _CITATION.sub(cite, markdown)
    text = _LINK.sub(lambda m: m.group("text"), text)
    while (inner := _SPAN.sub(lambda m: m.group("text"), text)) != text:  # nested spans
        text = inner
    return text
