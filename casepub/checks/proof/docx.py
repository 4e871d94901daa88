"""The proof of a DOCX, read from its XML (no Word library): no template or markup left in
its paragraphs (``proof-residue``), every table column wide enough for its longest unbreakable
token — a date, a number with its unit — (``proof-overflow``), the document's title and author
set, and no author in a blinded copy (``proof-properties``), and every paragraph style it uses
defined with a look of its own (``proof-style``)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from casepub.checks.proof.geometry import TWIP, Geometry, W, docx_geometry
from casepub.checks.proof.residue import residue_in
from casepub.checks.proof.subject import Subject, caption_kind, caption_label, quoted
from casepub.convert.docx_measure import SLACK, Weight, has_digit, text_width, unbreakable
from casepub.diagnostics import Diagnostic

CM = 72 / 2.54
DC = "{http://purl.org/dc/elements/1.1/}"
DEFAULT_CELL_MARGIN = 108 * TWIP
"""Left and right padding of a table cell when neither table nor style sets it (Word's)."""
DEFAULT_TEXT_WIDTH = (12240 - 2 * 1440) * TWIP
"""A Letter page less Word's 1-inch margins: what a section without a page size gets."""
PLAIN_STYLES = frozenset({"Normal", "BodyText", "FirstParagraph", "Compact"})
"""pandoc's styles that are meant to look like the body text."""


class UnreadableDocx(Exception):
    """The file is not a DOCX the proof can read."""


@dataclass
class Docx:
    """The parts of a DOCX the proof reads."""

    document: etree._Element
    styles: etree._Element | None
    core: etree._Element | None
    footnotes: etree._Element | None

    @classmethod
    def read(cls, source: Path | bytes) -> Docx:
        """Parse the package at ``source``; :class:`UnreadableDocx` when it is broken."""
        try:
            return cls._read(source)
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
            raise UnreadableDocx(str(exc)) from None

    @classmethod
    def _read(cls, source: Path | bytes) -> Docx:
        opened = source if isinstance(source, Path) else io.BytesIO(source)
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        with zipfile.ZipFile(opened) as archive:
            names = set(archive.namelist())

            def part(name: str) -> etree._Element | None:
                if name not in names:
                    return None
                return etree.fromstring(archive.read(name), parser)

            document = part("word/document.xml")
            if document is None:
                raise KeyError("no word/document.xml")
            return cls(
                document,
                part("word/styles.xml"),
                part("docProps/core.xml"),
                part("word/footnotes.xml"),
            )

    @cached_property
    def geometry(self) -> Geometry:
        return docx_geometry(self.document)

    @cached_property
    def text_width(self) -> float:
        """The width between the margins, in points."""
        section = self.document.find(f".//{W}sectPr")
        size = section.find(f"{W}pgSz") if section is not None else None
        width = size.get(f"{W}w") if size is not None else None
        if width is None or not width.isdigit():
            return DEFAULT_TEXT_WIDTH
        return int(width) * TWIP - self.geometry.left - self.geometry.right

    @cached_property
    def style_elements(self) -> dict[str, etree._Element]:
        if self.styles is None:
            return {}
        return {s.get(f"{W}styleId", ""): s for s in self.styles.iter(f"{W}style")}

    def style_size(self, style_id: str | None, seen: frozenset[str] = frozenset()) -> float | None:
        """The font size (points) style ``style_id`` sets, following ``basedOn``."""
        style = self.style_elements.get(style_id or "")
        if style is None or style_id in seen:
            return None
        size = style.find(f"{W}rPr/{W}sz")
        if size is not None and (value := size.get(f"{W}val", "")).isdigit():
            return int(value) / 2
        parent = style.find(f"{W}basedOn")
        parent_id = parent.get(f"{W}val") if parent is not None else None
        return self.style_size(parent_id, seen | {style_id or ""})

    @cached_property
    def default_size(self) -> float:
        """The document's default font size (``docDefaults``), else Word's 10 pt."""
        if self.styles is not None:
            size = self.styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz")
            if size is not None and (value := size.get(f"{W}val", "")).isdigit():
                return int(value) / 2
        return 10.0


def proof_docx(source: Path | bytes, subject: Subject) -> list[Diagnostic]:
    """Every finding in the DOCX ``source`` (its text, tables, properties and styles)."""
    try:
        docx = Docx.read(source)
    except UnreadableDocx as exc:
        return [subject.finding("", f"the DOCX cannot be read: {exc}", "proof-unreadable")]
    return [
        *_residue(docx, subject),
        *_tables(docx, subject),
        *_properties(docx, subject),
        *_styles(docx, subject),
    ]


# --- text ------------------------------------------------------------------------------------


def paragraph_text(paragraph: etree._Element) -> str:
    """The text of a ``w:p``: its runs' text, tabs and line breaks as spaces."""
    parts = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        parts.append(node.text or "" if node.tag == f"{W}t" else " ")
    return "".join(parts)


def _style(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else ""


def _residue(docx: Docx, subject: Subject) -> Iterator[Diagnostic]:
    heading = ""
    parts = [("", docx.document), ("footnote ", docx.footnotes)]
    for prefix, root in parts:
        if root is None:
            continue
        for number, paragraph in enumerate(root.iter(f"{W}p"), 1):
            text = paragraph_text(paragraph)
            if _style(paragraph).startswith("Heading"):
                heading = text.strip()
            for residue in residue_in(text):
                under = f" under {quoted(heading)}" if heading and not prefix else ""
                yield subject.finding(
                    f"{prefix}paragraph {number}{under}", residue.message, "proof-residue"
                )
    if docx.core is not None:
        title = docx.core.findtext(f"{DC}title") or ""
        for residue in residue_in(title):
            yield subject.finding("title property", residue.message, "proof-residue")


# --- tables ----------------------------------------------------------------------------------


def _twips(element: etree._Element | None, name: str = "w") -> float | None:
    value = element.get(f"{W}{name}") if element is not None else None
    return int(value) * TWIP if value is not None and value.lstrip("-").isdigit() else None


def _column_widths(docx: Docx, table: etree._Element) -> list[float]:
    """The printed width of each grid column (points): the grid, scaled to the table's width
    when that is a share of the page (``pct``) or a length (``dxa``)."""
    grid = [_twips(col) or 0.0 for col in table.iterfind(f"{W}tblGrid/{W}gridCol")]
    total = sum(grid)
    width = table.find(f"{W}tblPr/{W}tblW")
    kind = width.get(f"{W}type") if width is not None else None
    value = width.get(f"{W}w", "") if width is not None else ""
    target = None
    if kind == "pct" and value.rstrip("%").replace(".", "", 1).isdigit():
        share = float(value.rstrip("%")) / (100 if value.endswith("%") else 5000)
        target = docx.text_width * share
    elif kind == "dxa" and value.isdigit():
        target = int(value) * TWIP
    if target and total > 0:
        return [w * target / total for w in grid]
    return grid


def _cell_margins(docx: Docx, table: etree._Element) -> float:
    """Left plus right padding of the table's cells."""
    style = table.find(f"{W}tblPr/{W}tblStyle")
    places = [table.find(f"{W}tblPr/{W}tblCellMar")]
    if style is not None:
        element = docx.style_elements.get(style.get(f"{W}val", ""))
        if element is not None:
            places.append(element.find(f"{W}tblPr/{W}tblCellMar"))
    for margins in places:
        if margins is not None:
            left = _twips(margins.find(f"{W}left")) or _twips(margins.find(f"{W}start"))
            right = _twips(margins.find(f"{W}right")) or _twips(margins.find(f"{W}end"))
            return (left or DEFAULT_CELL_MARGIN) + (right or DEFAULT_CELL_MARGIN)
    return 2 * DEFAULT_CELL_MARGIN


def _run_size(docx: Docx, run: etree._Element, paragraph_size: float) -> float:
    size = run.find(f"{W}rPr/{W}sz")
    if size is not None and (value := size.get(f"{W}val", "")).isdigit():
        return int(value) / 2
    return paragraph_size


def _is_bold(docx: Docx, paragraph: etree._Element) -> bool:
    if paragraph.find(f".//{W}rPr/{W}b") is not None:
        return True
    style = docx.style_elements.get(_style(paragraph))
    return style is not None and style.find(f"{W}rPr/{W}b") is not None


def _values_in(docx: Docx, cell: etree._Element, table_size: float) -> list[tuple[float, str]]:
    """The cell's dates and values — the pieces a line break must not split (a value that
    runs on across runs, ``12.03.`` + ``2021``, is one) — with their printed widths. Words
    may be hyphenated by the reader's word processor, so they are not held to their column."""
    found: list[tuple[float, str]] = []
    for paragraph in cell.iterfind(f"{W}p"):
        size = docx.style_size(_style(paragraph)) or table_size
        sizes = [_run_size(docx, r, size) for r in paragraph.iter(f"{W}r")]
        weight: Weight = "bold" if _is_bold(docx, paragraph) else "regular"
        biggest = max(sizes, default=size)
        found += [
            (text_width(token, biggest, weight) * SLACK, token)
            for token in unbreakable(paragraph_text(paragraph))
            if has_digit(token)
        ]
    return found


def _table_name(subject: Subject, table: etree._Element, number: int) -> str:
    caption = table.find(f"{W}tblPr/{W}tblCaption")
    text = caption.get(f"{W}val", "") if caption is not None else ""
    found = caption_label(text)
    if found is not None and caption_kind(found) == "table":
        return subject.float_name("table", int(found.group("number")), text)
    previous = table.getprevious()
    while previous is not None and previous.tag != f"{W}p":
        previous = previous.getprevious()
    text = paragraph_text(previous) if previous is not None else ""
    found = caption_label(text)
    if found is not None and caption_kind(found) == "table":
        return subject.float_name("table", int(found.group("number")), text)
    return f"table {number} of the document"


@dataclass
class _Tightest:
    """The token that overshoots a column most, and how many do."""

    token: str
    need: float
    overshoot: float
    count: int = 1


def _tight_columns(docx: Docx, table: etree._Element, widths: list[float]) -> dict[int, _Tightest]:
    """Per column, the dates and values wider than the room its cells leave for text."""
    padding = _cell_margins(docx, table)
    style = table.find(f"{W}tblPr/{W}tblStyle")
    size = docx.style_size(style.get(f"{W}val") if style is not None else None)
    size = size or docx.default_size
    tight: dict[int, _Tightest] = {}
    for row in table.iterfind(f"{W}tr"):
        column = 0
        for cell in row.iterfind(f"{W}tc"):
            span_element = cell.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_element.get(f"{W}val", "1")) if span_element is not None else 1
            room = sum(widths[column : column + span]) - padding
            for need, token in _values_in(docx, cell, size):
                if need <= room + 0.5 or span != 1:
                    continue
                found = tight.get(column)
                if found is None:
                    tight[column] = _Tightest(token, need, need - room)
                    continue
                found.count += 1
                if need - room > found.overshoot:
                    found.token, found.need, found.overshoot = token, need, need - room
            column += span
    return tight


def _header(table: etree._Element) -> list[str]:
    first = table.find(f"{W}tr")
    if first is None:
        return []
    return [" ".join(paragraph_text(c).split()) for c in first.iterfind(f"{W}tc")]


def _tables(docx: Docx, subject: Subject) -> Iterator[Diagnostic]:
    for number, table in enumerate(docx.document.iter(f"{W}tbl"), 1):
        widths = _column_widths(docx, table)
        tight = _tight_columns(docx, table, widths) if widths else {}
        if not tight:
            continue
        name, header = _table_name(subject, table, number), _header(table)
        padding = _cell_margins(docx, table)
        for column, found in sorted(tight.items()):
            label = f" {quoted(header[column], 24)}" if column < len(header) else ""
            others = f" ({found.count} tokens do not fit)" if found.count > 1 else ""
            yield subject.finding(
                name,
                f"column {column + 1}{label} is {widths[column] / CM:.2f} cm wide, but "
                f"{quoted(found.token, 30)} needs {(found.need + padding) / CM:.2f} cm with the "
                f"cell's padding: it will be broken inside{others}",
                "proof-overflow",
            )


# --- properties and styles -------------------------------------------------------------------


def _properties(docx: Docx, subject: Subject) -> Iterator[Diagnostic]:
    if subject.role == "attachment":
        return
    core = docx.core
    title = (core.findtext(f"{DC}title") if core is not None else None) or ""
    author = (core.findtext(f"{DC}creator") if core is not None else None) or ""
    if not title.strip():
        yield subject.finding(
            "properties",
            "the document has no title property (docProps/core.xml dc:title)",
            "proof-properties",
        )
    blinded = subject.role == "blinded"
    if blinded and author.strip():
        yield subject.finding(
            "properties",
            f"the blinded copy names its author in its properties: {quoted(author)}",
            "proof-properties",
        )
    elif not blinded and not author.strip():
        yield subject.finding(
            "properties",
            "the document has no author property (docProps/core.xml dc:creator)",
            "proof-properties",
        )


def _has_look(docx: Docx, style_id: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``style_id`` or a style it is based on (short of pandoc's plain body styles)
    sets any paragraph or character formatting."""
    element = docx.style_elements.get(style_id)
    if element is None or style_id in PLAIN_STYLES or style_id in seen:
        return style_id in PLAIN_STYLES
    if element.find(f"{W}pPr") is not None or element.find(f"{W}rPr") is not None:
        return True
    parent = element.find(f"{W}basedOn")
    parent_id = parent.get(f"{W}val", "") if parent is not None else ""
    return (
        bool(parent_id)
        and parent_id not in PLAIN_STYLES
        and _has_look(docx, parent_id, seen | {style_id})
    )


def _styles(docx: Docx, subject: Subject) -> Iterator[Diagnostic]:
    used: dict[str, int] = {}
    for paragraph in docx.document.iter(f"{W}p"):
        style = _style(paragraph)
        if style:
            used[style] = used.get(style, 0) + 1
    for style_id, count in sorted(used.items()):
        element = docx.style_elements.get(style_id)
        paragraphs = f"{count} paragraph{'s' if count > 1 else ''}"
        if element is None:
            yield subject.finding(
                "styles",
                f"{paragraphs} in style «{style_id}», which the document does not define: "
                "Word shows them as Normal",
                "proof-style",
            )
        elif element.get(f"{W}customStyle") in ("1", "true") and not _has_look(docx, style_id):
            name = element.find(f"{W}name")
            shown = name.get(f"{W}val", style_id) if name is not None else style_id
            yield subject.finding(
                "styles",
                f"style «{shown}» ({paragraphs}) has no look of its own: it prints as body text "
                "(give it one in the reference DOCX)",
                "proof-style",
            )
