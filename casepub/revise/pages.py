"""Where a text is printed in a PDF: its page and its lines on the page.

The PDF's text layer (PDFium) is read line by line; the running header and the page number
(in the top and bottom margins of the profile's page) are not counted, so line 1 is the first
line of the text area. A word hyphenated at a line's end counts on the line where it starts.
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


def _page_words(page: pdfium.PdfPage, number: int, geometry: Geometry) -> list[Word]:
    _, height = page.get_size()
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    words: list[Word] = []
    line, offset, joined = 0, 0, False
    for piece in _BREAK.split(text):
        start, offset = offset, offset + len(piece)
        if _BREAK.fullmatch(piece):
            joined = piece in ("\ufffe", "\x02")
            continue
        folded = words_of(piece)
        if not folded or not _in_body(textpage, text, start, height, geometry):
            joined = False
            continue
        if joined and words:  # the rest of a word hyphenated at the previous line's end
            last = words.pop()
            words.append(Word(last.text + folded.pop(0), last.page, last.line))
        line += 1
        words += [Word(w, number, line) for w in folded]
        joined = False
    return words


def _in_body(
    textpage: pdfium.PdfTextPage, text: str, start: int, height: float, geometry: Geometry
) -> bool:
    """Whether the line starting at character ``start`` is in the text area (not the
    running header or the page number)."""
    index = start + len(text[start:]) - len(text[start:].lstrip())
    box: tuple[float, float, float, float] = textpage.get_charbox(index)
    _, bottom, _, top = box
    below_header = height - top >= geometry.top - SLACK
    above_footer = height - bottom <= height - geometry.bottom + SLACK
    return below_header and above_footer


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
