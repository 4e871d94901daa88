"""What a PDF puts where, read with PDFium (pypdfium2): per page its text runs (one PDF text
object each: a line, or the part of a line in one font) with their boxes and sizes, its
graphics, and — only where two runs touch — the box of every glyph.

Runs rather than glyphs are read first because a page has a hundred times fewer of them: the
proof of an 11-page manuscript reads about 1,500 runs instead of 35,000 glyphs. Coordinates
are points from the page's top-left corner (y grows downwards).
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

TEXT, PATH, IMAGE, SHADING, FORM = 1, 2, 3, 4, 5
"""PDFium's kinds of page object."""

_BUFFER_CHARS = 4096
_WHITESPACE = frozenset(" \t\r\n\u00a0\u2009\u202f\ufffe")


@dataclass(frozen=True)
class Box:
    """A rectangle on the page: left, top, right, bottom (y downwards)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @staticmethod
    def around(boxes: Iterable[Box]) -> Box:
        """The smallest box holding all of ``boxes``."""
        listed = list(boxes)
        return Box(
            min(b.x0 for b in listed),
            min(b.top for b in listed),
            max(b.x1 for b in listed),
            max(b.bottom for b in listed),
        )

    def overlap(self, other: Box) -> tuple[float, float]:
        """Width and height of the intersection (zero or negative: none)."""
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0),
            min(self.bottom, other.bottom) - max(self.top, other.top),
        )


@dataclass(frozen=True)
class Run:
    """A PDF text object: its text, box and font size (in points, as printed)."""

    text: str
    box: Box
    size: float
    handle: int
    """The object's address, to find its glyphs."""


@dataclass(frozen=True)
class Glyph:
    """One printed character, its box and the word (of its run) it belongs to."""

    char: str
    box: Box
    word: int


@dataclass
class Page:
    """One page: its number (from 1), size, runs and text."""

    number: int
    width: float
    height: float
    runs: list[Run]
    text: str
    _page: pdfium.PdfPage = field(repr=False)
    _textpage: pdfium.PdfTextPage = field(repr=False)
    _graphics: list[Box] | None = field(default=None, repr=False)

    def graphics(self) -> list[Box]:
        """The boxes of the page's drawings and images (paths, images, forms)."""
        if self._graphics is None:
            self._graphics = _graphics(self._page, self.height)
        return self._graphics

    def glyphs(self, runs: list[Run]) -> dict[int, list[Glyph]]:
        """The glyphs of ``runs`` by run handle (whitespace left out; words numbered per run)."""
        return _glyphs(self._textpage, self.height, {r.handle for r in runs})


class UnreadablePdf(Exception):
    """PDFium could not open the file."""


@contextmanager
def read_pdf(path: Path | bytes) -> Iterator[Iterator[Page]]:
    """The pages of the PDF at ``path`` (or its bytes), read one at a time."""
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise UnreadablePdf(str(exc)) from None
    try:
        yield (_page(document, index) for index in range(len(document)))
    finally:
        document.close()


def _page(document: pdfium.PdfDocument, index: int) -> Page:
    page = document[index]
    width, height = page.get_size()
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    return Page(index + 1, width, height, _runs(page, textpage, height), text, page, textpage)


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


_text_object = ctypes.CFUNCTYPE(ctypes.c_void_p, *raw.FPDFText_GetTextObject.argtypes)(
    _address(raw.FPDFText_GetTextObject)
)
"""``FPDFText_GetTextObject`` answering the object's address as a plain int: the glyph loop
calls it for every character of a page, and a cast per call would double its time."""


def _bounds(handle: object, height: float) -> Box | None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(handle, left, bottom, right, top):
        return None
    return Box(left.value, height - top.value, right.value, height - bottom.value)


def _scale(handle: object) -> float:
    matrix = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(handle, matrix):
        return 1.0
    return math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c)) or 1.0


def _runs(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, height: float) -> list[Run]:
    runs = []
    buffer = (ctypes.c_ushort * _BUFFER_CHARS)()
    size = ctypes.c_float()
    for index in range(raw.FPDFPage_CountObjects(page.raw)):
        handle = raw.FPDFPage_GetObject(page.raw, index)
        if raw.FPDFPageObj_GetType(handle) != TEXT:
            continue
        box = _bounds(handle, height)
        written = raw.FPDFTextObj_GetText(handle, textpage.raw, buffer, _BUFFER_CHARS * 2)
        text = bytes(buffer)[: max(written - 2, 0)].decode("utf-16-le", "replace")
        if box is None or not text.strip():
            continue
        raw.FPDFTextObj_GetFontSize(handle, size)
        runs.append(
            Run(text.replace("\x02", "-"), box, size.value * _scale(handle), _address(handle))
        )
    return runs


def _graphics(page: pdfium.PdfPage, height: float) -> list[Box]:
    boxes = []
    for index in range(raw.FPDFPage_CountObjects(page.raw)):
        handle = raw.FPDFPage_GetObject(page.raw, index)
        if raw.FPDFPageObj_GetType(handle) in (PATH, IMAGE, SHADING, FORM):
            box = _bounds(handle, height)
            if box is not None:
                boxes.append(box)
    return boxes


def _glyphs(
    textpage: pdfium.PdfTextPage, height: float, wanted: set[int]
) -> dict[int, list[Glyph]]:
    found: dict[int, list[Glyph]] = {}
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    words: dict[int, int] = {}
    handle = textpage.raw
    for index in range(raw.FPDFText_CountChars(handle)):
        owner = _text_object(handle, index)
        if owner not in wanted:
            continue
        char = chr(raw.FPDFText_GetUnicode(handle, index))
        if char in _WHITESPACE:
            words[owner] = words.get(owner, 0) + 1
            continue
        raw.FPDFText_GetCharBox(handle, index, left, right, bottom, top)
        box = Box(left.value, height - top.value, right.value, height - bottom.value)
        found.setdefault(owner, []).append(Glyph(char, box, words.get(owner, 0)))
    return found
