"""Where a text is printed in a PDF: its page and its lines on the page.

The PDF's text layer (PDFium) is read line by line; the running header and the page number
(in the top and bottom margins of the profile's page) are not counted, so line 1 is the first
line of the text area. When the page prints line numbers in its margin, those are used.
A word hyphenated at a line's end counts on the line where it starts.
Words are compared without case, punctuation or markup, so a quote found in the Markdown
(``[@key]`` citations, ``*emphasis*``) is found in the PDF whatever the typesetting did to it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import pypdfium2 as pdfium

from casepub.checks.proof.geometry import Geometry

_BREAK = re.compile(r"(\r\n|\n|\ufffe|\x02)")
"""A line break, or a hyphen PDFium keeps where a word was broken across two lines."""
_WORD = re.compile(r"[^\W_]+")
_MARKUP = [
    (re.compile(r"\[-?@[^\]]*\]"), " "),  # [@key], [@a; @b]
    (re.compile(r"(?<![\w@])@(fig|tbl):[\w-]+"), " "),  # @fig:x: printed as "Fig. 1"
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\{[#.][^}]*\}"), " "),  # {#id .class}
]
SLACK = 2.0
"""Points a line may reach into a margin and still be body text."""


@dataclass(frozen=True)
class Word:
    """A word as printed: folded for comparison, its page and its line on the page."""

    text: str
    page: int
    line: int


@dataclass(frozen=True)
class Spot:
    """Where a text is printed: from ``page``, ``line`` to ``end_page``, ``end_line``."""

    page: int
    line: int
    end_page: int
    end_line: int


def words_of(text: str) -> list[str]:
    """The folded words of a text (Markdown markup and citations left out)."""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def printed_words(pdf: Path | bytes, geometry: Geometry) -> list[Word]:
    """Every word of the PDF's text area, in reading order, with its page and line."""
    document = pdfium.PdfDocument(pdf)
    try:
        found: list[Word] = []
        for index in range(len(document)):
            found += _page_words(document[index], index + 1, geometry)
        return found
    finally:
        document.close()


@dataclass(frozen=True)
class _Piece:
    """A run of a page's text between two line breaks, with where it is printed."""

    words: list[str]
    left: float
    right: float
    middle: float
    """The vertical middle of its first character."""
    height: float
    joined: bool
    """It continues a word hyphenated at the end of the previous piece."""


def _page_words(page: pdfium.PdfPage, number: int, geometry: Geometry) -> list[Word]:
    """The page's words with their lines: the text area's printed lines from the top, the
    left column's before the right one's; the cells of a table row share their lines."""
    width, height = page.get_size()
    found = [p for p in _pieces(page.get_textpage(), height) if _in_body(p, height, geometry)]
    printed = [p for p in found if _is_line_number(p, geometry, width)]
    pieces = [p for p in found if p not in printed]
    columns = _columns(pieces, geometry, width)
    counted = _line_numbers(pieces, columns)
    lines = [_printed_number(p, printed) for p in pieces] if printed else counted
    words: list[Word] = []
    for piece, line in zip(pieces, lines, strict=True):
        folded = list(piece.words)
        if piece.joined and words and folded:  # the rest of a word hyphenated before
            last = words.pop()
            words.append(Word(last.text + folded.pop(0), last.page, last.line))
        words += [Word(w, number, line) for w in folded]
    return words


def _pieces(textpage: pdfium.PdfTextPage, height: float) -> list[_Piece]:
    text = textpage.get_text_range()
    pieces: list[_Piece] = []
    offset, joined = 0, False
    for part in _BREAK.split(text):
        start, offset = offset, offset + len(part)
        if _BREAK.fullmatch(part):
            joined = part in ("\ufffe", "\x02")
            continue
        folded = words_of(part)
        if folded:
            first = start + len(part) - len(part.lstrip())
            last = start + len(part.rstrip()) - 1
            left, bottom, _, top = _box(textpage, first)
            right = _box(textpage, last)[2]
            pieces.append(
                _Piece(folded, left, right, height - (top + bottom) / 2, top - bottom, joined)
            )
        joined = False
    return pieces


def _box(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, float, float, float]:
    box: tuple[float, float, float, float] = textpage.get_charbox(index)
    return box


def _in_body(piece: _Piece, height: float, geometry: Geometry) -> bool:
    """Whether a piece is in the text area (not the running header or the page number)."""
    return geometry.top - SLACK <= piece.middle <= height - geometry.bottom + SLACK


def _is_line_number(piece: _Piece, geometry: Geometry, width: float) -> bool:
    """A line number printed in a margin beside the text (``par.line`` numbering)."""
    in_margin = piece.right < geometry.left or piece.left > width - geometry.right
    return in_margin and len(piece.words) == 1 and piece.words[0].isdigit()


def _printed_number(piece: _Piece, printed: list[_Piece]) -> int:
    """The number printed in the margin beside ``piece`` (a heading, which has none: the
    number of the nearest numbered line)."""
    return int(min(printed, key=lambda p: abs(p.middle - piece.middle)).words[0])


def _columns(pieces: list[_Piece], geometry: Geometry, width: float) -> list[int]:
    """Each piece's column: the right one (1) only on a two-column page, from where the text
    jumps up to the right of the gutter and stays there (a table's cells right of the gutter
    are in the left column: the next row starts at the left again)."""
    if geometry.columns < 2:
        return [0] * len(pieces)
    (_, first_right), (second_left, _) = geometry.column_edges(width)[:2]
    gutter = (first_right + second_left) / 2
    right = [p.left >= gutter for p in pieces]
    for k in range(1, len(pieces)):
        jumped = pieces[k].middle < pieces[k - 1].middle - 3 * pieces[k].height
        rest = right[k:]
        if right[k] and jumped and sum(rest) >= COLUMN_SHARE * len(rest):
            return [0] * k + [int(r) for r in rest]
    return [0] * len(pieces)


COLUMN_SHARE = 0.8
"""The share of the text after a jump to the right of the gutter that must stay there for
it to be the right column (the rest: a float across both columns)."""


def _line_numbers(pieces: list[_Piece], columns: list[int]) -> list[int]:
    """The line of each piece: pieces whose middles lie within half a line of each other are
    one printed line; lines are numbered down the left column, then down the right."""
    order = sorted(range(len(pieces)), key=lambda i: (columns[i], pieces[i].middle))
    numbers = [0] * len(pieces)
    line, band, column = 0, -1e9, -1
    for index in order:
        piece = pieces[index]
        if columns[index] != column or piece.middle - band > piece.height / 2:
            line, band, column = line + 1, piece.middle, columns[index]
        numbers[index] = line
    return numbers


def find_text(words: list[Word], text: str) -> Spot | None:
    """Where ``text`` is printed among ``words``, or None if it is not found.

    The longest run of words the quote shares with the document places it; the quote's
    first and last words found around that run give its first and last line."""
    quote = words_of(text)
    if not quote:
        return None
    printed = [w.text for w in words]
    anchor = SequenceMatcher(None, printed, quote, autojunk=False).find_longest_match(
        0, len(printed), 0, len(quote)
    )
    if anchor.size < min(3, len(quote)):
        return None
    low = max(0, anchor.a - anchor.b - 8)
    high = min(len(printed), anchor.a + len(quote) - anchor.b + 8)
    blocks = [
        b
        for b in SequenceMatcher(
            None, printed[low:high], quote, autojunk=False
        ).get_matching_blocks()
        if b.size >= min(2, len(quote))
    ]
    first, last = words[low + blocks[0].a], words[low + blocks[-1].a + blocks[-1].size - 1]
    return Spot(first.page, first.line, last.page, last.line)
