"""Markdown → JATS fragments through the bundled pandoc: section text, titles, captions,
abstracts, statements, table cells.

Every snippet of a manuscript goes through pandoc in one pass. The Markdown becomes pandoc's
JSON, in which citations, links to figures and tables, and footnotes are replaced by JATS
``xref`` elements; the JSON then becomes JATS (pandoc's ``jats_publishing`` writer). Each
snippet is wrapped in a div, which the JATS writer turns into ``<boxed-text id=…>``; the
fragments are taken from there.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from casepub.convert.pandoc import pandoc_executable
from casepub.diagnostics import CasepubError

Element = Any
"""An ``lxml.etree._Element`` (lxml has no type stubs)."""

XLINK = "http://www.w3.org/1999/xlink"
MATHML = "http://www.w3.org/1998/Math/MathML"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

FORMATTING = frozenset(
    {
        "bold",
        "italic",
        "sub",
        "sup",
        "sc",
        "monospace",
        "underline",
        "strike",
        "overline",
        "roman",
        "sans-serif",
        "fixed-case",
        "ruby",
        "named-content",
        "styled-content",
    }
)
"""Inline styles that every JATS element with text allows (kwd, role, series…)."""
TITLE_INLINES = FORMATTING | {"ext-link", "email", "uri", "xref", "inline-formula", "break"}
"""What titles, captions and labels may hold besides text."""

_SNIPPET = "casepub-snippet-"
_NOTE = "casepub-note-"
_FENCE = ":" * 12
_MARKDOWN = "markdown-auto_identifiers"
"""pandoc's Markdown as the manuscript reads it, but headings get no made-up ids (they could
clash with the ids of the document)."""


@dataclass(frozen=True)
class Targets:
    """What the text may refer to: cited keys and floats, with their JATS ids."""

    citations: Mapping[str, tuple[str, int]]
    """Citation key → (``ref`` id, number)."""
    floats: Mapping[str, tuple[str, str]]
    """Float id (``fig:x``, ``tbl:y``) → (``ref-type``, JATS id)."""


@dataclass(frozen=True)
class Note:
    """A footnote of the text: its id, number and converted paragraphs."""

    id: str
    number: int
    blocks: list[Element] = field(default_factory=list)


class Fragments:
    """Markdown snippets, converted together. ``add`` them, ``convert`` once, then read each
    as blocks (``blocks``) or as inline content (``fill``)."""

    def __init__(self, note_id: Callable[[int], str]) -> None:
        self.targets = Targets({}, {})
        self.note_id = note_id
        """Makes the id of footnote N (called once per footnote)."""
        self.notes: list[Note] = []
        self._snippets: list[str] = []
        self._converted: dict[str, Element] | None = None

    def add(self, markdown: str) -> int:
        """Queue ``markdown``; return its handle."""
        if self._converted is not None:
            raise RuntimeError("snippets are added before convert()")
        self._snippets.append(markdown)
        return len(self._snippets) - 1

    def convert(self, targets: Targets) -> None:
        """Run pandoc over every snippet; citations and float links become ``xref``s to
        ``targets``."""
        self.targets = targets
        document = self._parse()
        transform = _Transform(self)
        document["blocks"] = transform.blocks(document["blocks"])
        for number, (_, blocks) in enumerate(transform.notes, 1):
            document["blocks"].append(_div(f"{_NOTE}{number}", blocks))
        jats = _run(["--from", "json", "--to", "jats_publishing", "--wrap=none"], document)
        root = etree.fromstring(
            b'<fragments xmlns:xlink="%s" xmlns:mml="%s">%s</fragments>'
            % (XLINK.encode(), MATHML.encode(), jats),
            etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True),
        )
        self._converted = {str(box.get("id")): box for box in root.iterchildren("boxed-text")}
        self.notes = [
            Note(note_id, number, list(self._box(f"{_NOTE}{number}")))
            for number, (note_id, _) in enumerate(transform.notes, 1)
        ]

    def blocks(self, handle: int) -> list[Element]:
        """The block elements (``p``, ``list``, ``sec``…) of a snippet."""
        return list(self._box(f"{_SNIPPET}{handle}"))

    def fill(self, target: Element, handle: int, allowed: Iterable[str] = TITLE_INLINES) -> None:
        """Append the inline content of a snippet (see ``inline_markdown``) to ``target``,
        keeping only ``allowed`` elements (the others give their text). A snippet that is
        not one paragraph gives its Markdown as text."""
        children = list(self._box(f"{_SNIPPET}{handle}"))
        if len(children) == 1 and children[0].tag == "p":
            paragraph = children[0]
            append_text(target, paragraph.text)
            for child in list(paragraph):
                target.append(child)
        elif children:
            append_text(target, plain(self._snippets[handle]))
        restrict(target, frozenset(allowed))

    def _box(self, box_id: str) -> Element:
        if self._converted is None:
            raise RuntimeError("convert() has not run")
        return self._converted[box_id]

    def _parse(self) -> dict[str, Any]:
        """One pandoc JSON document whose top-level blocks are the snippets' divs."""
        ids = [f"{_SNIPPET}{i}" for i in range(len(self._snippets))]
        markdown = "".join(
            f"{_FENCE} {{#{box_id}}}\n{text}\n{_FENCE}\n\n"
            for box_id, text in zip(ids, self._snippets, strict=True)
        )
        document: dict[str, Any] = json.loads(_run(["--from", _MARKDOWN, "--to", "json"], markdown))
        found = [_div_id(block) for block in document["blocks"]]
        if found == ids:
            return document
        # A snippet broke out of its div (an unclosed fence or div of its own): read each alone.
        blocks = []
        for box_id, text in zip(ids, self._snippets, strict=True):
            alone = json.loads(_run(["--from", _MARKDOWN, "--to", "json"], text))
            blocks.append(_div(box_id, alone["blocks"]))
        document["blocks"] = blocks
        return document


class _Transform:
    """Replaces citations, float links and footnotes in pandoc's JSON by JATS ``xref``s."""

    def __init__(self, fragments: Fragments) -> None:
        self.fragments = fragments
        self.targets = fragments.targets
        self.notes: list[tuple[str, list[Any]]] = []
        """Each footnote's id and blocks, in order."""

    def blocks(self, value: Any) -> Any:
        if isinstance(value, list):
            result: list[Any] = []
            for item in value:
                item = self.blocks(item)
                result.extend(self._replace(item) if isinstance(item, dict) else [item])
            return result
        if isinstance(value, dict):
            return {key: self.blocks(item) for key, item in value.items()}
        return value

    def _replace(self, node: dict[str, Any]) -> list[Any]:
        kind = node.get("t")
        if kind == "Cite":
            return self._cite(node)
        if kind == "Link":
            return self._link(node)
        if kind == "Note":
            number = len(self.notes) + 1
            rid = self.fragments.note_id(number)
            self.notes.append((rid, node["c"]))
            return [_raw(f'<xref ref-type="fn" rid="{rid}">{number}</xref>')]
        return [node]

    def _cite(self, node: dict[str, Any]) -> list[Any]:
        citations = node["c"][0]
        keys = [c["citationId"] for c in citations]
        if not all(key in self.targets.citations for key in keys):
            return [node]  # not in the bibliography: left as written
        out: list[Any] = [_str("[")]
        if any(c["citationPrefix"] or c["citationSuffix"] for c in citations):
            for i, citation in enumerate(citations):
                if i:
                    out += [_str(";"), {"t": "Space"}]
                if citation["citationPrefix"]:
                    out += [*citation["citationPrefix"], {"t": "Space"}]
                out.append(self._xref([citation["citationId"]]))
                out += citation["citationSuffix"]
        else:
            for i, run in enumerate(_runs(sorted(keys, key=self._number), self._number)):
                if i:
                    out += [_str(","), {"t": "Space"}]
                out.append(self._xref(run))
        out.append(_str("]"))
        return out

    def _number(self, key: str) -> int:
        return self.targets.citations[key][1]

    def _xref(self, keys: list[str]) -> dict[str, Any]:
        """One ``xref`` to a key, or to a run of three or more numbers shown as ``1–3``."""
        rids = " ".join(self.targets.citations[key][0] for key in keys)
        numbers = [self._number(key) for key in keys]
        text = f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
        return _raw(f'<xref ref-type="bibr" rid="{rids}">{text}</xref>')

    def _link(self, node: dict[str, Any]) -> list[Any]:
        target = str(node["c"][2][0])
        found = self.targets.floats.get(target[1:]) if target.startswith("#") else None
        if found is None:
            return [node]
        ref_type, rid = found
        return [_raw(f'<xref ref-type="{ref_type}" rid="{rid}">'), *node["c"][1], _raw("</xref>")]


def _runs(keys: list[str], number: Callable[[str], int]) -> list[list[str]]:
    """Sorted keys grouped into runs of consecutive numbers; runs of two are split."""
    runs: list[list[str]] = []
    for key in keys:
        if runs and number(key) == number(runs[-1][-1]) + 1:
            runs[-1].append(key)
        elif not runs or number(key) != number(runs[-1][-1]):
            runs.append([key])
    split: list[list[str]] = []
    for run in runs:
        split.extend([run] if len(run) > 2 else [[key] for key in run])
    return split


def _raw(jats: str) -> dict[str, Any]:
    return {"t": "RawInline", "c": ["jats", jats]}


def _str(text: str) -> dict[str, Any]:
    return {"t": "Str", "c": text}


def _div(box_id: str, blocks: list[Any]) -> dict[str, Any]:
    return {"t": "Div", "c": [[box_id, [], []], blocks]}


def _div_id(block: Any) -> str | None:
    if isinstance(block, dict) and block.get("t") == "Div":
        return str(block["c"][0][0])
    return None


def _run(args: list[str], source: str | dict[str, Any]) -> bytes:
    text = source if isinstance(source, str) else json.dumps(source, ensure_ascii=False)
    result = subprocess.run(
        [pandoc_executable(), *args],
        input=text.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise CasepubError.at("", f"pandoc failed (jats): {message}", "pandoc")
    return result.stdout


# --------------------------------------------------------------------------------------------
# Inline snippets
# --------------------------------------------------------------------------------------------

_BLOCK_MARKER = re.compile(r"^(?:(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)([.)])|([-+*>#|(:~]))(?=\s|$)")
"""What starts a list, heading, quote, table or definition at the start of a line."""
_PARENTHESISED = re.compile(r"^\((?=\w+\)(?:\s|$))")
"""An ``(a)``/``(1)`` list marker."""


def inline_markdown(text: str) -> str:
    """``text`` as pandoc reads it inside a line (a table cell, a caption): on one line, and
    a leading ``-``, ``1.``, ``#``… escaped so that it is not read as a list or heading."""
    line = plain(text)
    line = _BLOCK_MARKER.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(2) else f"\\{m.group(3)}", line
    )
    return _PARENTHESISED.sub(r"\\(", line)


# --------------------------------------------------------------------------------------------
# Tree helpers
# --------------------------------------------------------------------------------------------


def append_text(target: Element, text: str | None) -> None:
    """Add ``text`` at the end of ``target``'s content."""
    if not text:
        return
    children = list(target)
    if children:
        children[-1].tail = (children[-1].tail or "") + text
    else:
        target.text = (target.text or "") + text


def restrict(target: Element, allowed: frozenset[str]) -> None:
    """Replace each child of ``target`` not in ``allowed`` by its content, recursively through
    the styles (``bold`` in ``kwd`` may hold only styles too)."""
    index = 0
    while index < len(target):
        child = target[index]
        if child.tag in allowed:
            if child.tag in FORMATTING:
                restrict(child, allowed)
            index += 1
            continue
        unwrap(child)


def unwrap(element: Element) -> None:
    """Replace ``element`` by its text and children (its tail stays)."""
    parent = element.getparent()
    position = parent.index(element)
    children = list(element)
    before = parent[position - 1] if position else None

    def add(text: str | None, after: Element | None) -> None:
        if not text:
            return
        if after is None:
            parent.text = (parent.text or "") + text
        else:
            after.tail = (after.tail or "") + text

    tail = element.tail
    parent.remove(element)
    add(element.text, before)
    for offset, child in enumerate(children):
        parent.insert(position + offset, child)
    last = children[-1] if children else before
    add(tail, last)


_SPACE = re.compile(r"[ \t\r\n]+")


def plain(text: str) -> str:
    """``text`` on one line, without surrounding spaces (no-break spaces are kept)."""
    return _SPACE.sub(" ", text).strip(" ")
