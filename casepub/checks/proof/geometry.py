"""Where text may go on a page: the text area inside the margins, its columns and the bands
the running header and the page number use — read from the typst template of a journal
profile, or from a DOCX's section properties."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree  # type: ignore[import-untyped, unused-ignore]

    from casepub.profiles import Profile

POINTS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
TWIP = 1 / 20
"""A twentieth of a point, the DOCX unit of length."""


@dataclass(frozen=True)
class Geometry:
    """The margins (points from each edge of the page), the body's columns and gutter."""

    top: float
    bottom: float
    left: float
    right: float
    columns: int = 1
    gutter: float = 0.0
    line_numbers: bool = False
    """Line numbers are printed in the left margin (a DOCX under review)."""

    def body(self, width: float) -> tuple[float, float]:
        """The left and right edges of the text area on a page ``width`` wide."""
        return self.left, width - self.right

    def column_edges(self, width: float) -> list[tuple[float, float]]:
        """Left and right edge of each column on a page ``width`` wide."""
        left, right = self.body(width)
        column = (right - left - self.gutter * (self.columns - 1)) / self.columns
        return [
            (left + i * (column + self.gutter), left + i * (column + self.gutter) + column)
            for i in range(self.columns)
        ]


A4_WIDTH = 210 * POINTS["mm"]
_TYPST_MARGIN = 2.5 * POINTS["cm"]
TYPST_DEFAULT = Geometry(_TYPST_MARGIN, _TYPST_MARGIN, _TYPST_MARGIN, _TYPST_MARGIN)
"""typst's own margins (2.5 cm on A4) when a template sets none."""

DOCX_DEFAULT = Geometry(top=72.0, bottom=72.0, left=72.0, right=72.0)
"""Word's margins (1 inch) when a document's section sets none."""

_LENGTH = r"([\d.]+)\s*(pt|mm|cm|in)"
_MARGIN = re.compile(r"margin\s*[:=]\s*\(([^)]*)\)")
"""``#set page(margin: (…))``, or the template's ``#let cp-margin = (…)``."""
_SIDE = re.compile(r"\b(top|bottom|left|right|x|y|rest)\s*:\s*" + _LENGTH)
_COLUMNS = re.compile(r"\bcolumns\(\s*(\d+)\s*(?:,\s*gutter\s*:\s*" + _LENGTH + r")?")
_TWO_COLUMNS = re.compile(r"^#show:\s*cp-two-columns\b", re.M)
"""The template's two-column body (``set page(columns: 2)``), applied by the manuscript."""
_GUTTER = re.compile(r"cp-gutter\s*=\s*" + _LENGTH)


def _points(number: str, unit: str) -> float:
    return float(number) * POINTS[unit]


def _columns(source: str) -> tuple[int, tuple[str, str] | None]:
    """The body's column count and gutter (number, unit), if the source sets one."""
    if _TWO_COLUMNS.search(source):
        gutter = _GUTTER.search(source)
        return 2, (gutter.group(1), gutter.group(2)) if gutter else None
    columns = _COLUMNS.search(source)
    if columns is None:
        return 1, None
    count, number, unit = columns.groups()
    return int(count), (number, unit) if number else None


def typst_geometry(source: str) -> Geometry:
    """The page a typst document sets: ``#set page(margin: (…))`` and the body's
    ``columns(n, gutter: …)`` (typst's defaults where it sets none)."""
    sides = {
        "top": TYPST_DEFAULT.top,
        "bottom": TYPST_DEFAULT.bottom,
        "left": TYPST_DEFAULT.left,
        "right": TYPST_DEFAULT.right,
    }
    found = _MARGIN.search(source)
    for name, number, unit in _SIDE.findall(found.group(1) if found else ""):
        targets = {"x": ("left", "right"), "y": ("top", "bottom")}.get(name, (name,))
        for target in ("top", "bottom", "left", "right") if name == "rest" else targets:
            sides[target] = _points(number, unit)
    top, bottom, left, right = (sides[s] for s in ("top", "bottom", "left", "right"))
    count, gutter_length = _columns(source)
    if count < 2:
        return Geometry(top, bottom, left, right)
    width = A4_WIDTH - sides["left"] - sides["right"]
    gutter = _points(*gutter_length) if gutter_length else 0.04 * width  # typst's default: 4 %
    return Geometry(top, bottom, left, right, columns=count, gutter=gutter)


def profile_geometry(profile: Profile) -> Geometry:
    """The PDF page of ``profile``: its template's margins, and its columns (the manuscript
    applies the template's two-column body when the profile has two)."""
    template = profile.template("pandoc/template.typ")
    return _geometry(template.read_text(encoding="utf-8"), profile.output.columns)


@cache
def _geometry(source: str, columns: int) -> Geometry:
    """Keyed by the template's text, not its path: an edited template is measured anew."""
    if columns > 1:
        source += "\n#show: cp-two-columns\n"
    return typst_geometry(source)


def pdf_geometry(pdf: Path, fallback: Geometry) -> Geometry:
    """The page of a PDF made by typst: read from the typst source beside it (the build keeps
    ``x.typ`` next to ``x.pdf``), else ``fallback``."""
    source = pdf.with_suffix(".typ")
    try:
        return typst_geometry(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return fallback


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_geometry(document: etree._Element) -> Geometry:
    """The page of a DOCX as its first section sets it (Word's defaults where it does not)."""
    section = document.find(f".//{W}sectPr")
    if section is None:
        return DOCX_DEFAULT
    margin = section.find(f"{W}pgMar")
    columns = section.find(f"{W}cols")

    def twips(element: etree._Element | None, name: str, default: float) -> float:
        value = element.get(f"{W}{name}") if element is not None else None
        return float(value) * TWIP if value and value.lstrip("-").isdigit() else default

    count = int(twips(columns, "num", 1 * TWIP) / TWIP) if columns is not None else 1
    return Geometry(
        top=abs(twips(margin, "top", DOCX_DEFAULT.top)),
        bottom=abs(twips(margin, "bottom", DOCX_DEFAULT.bottom)),
        left=twips(margin, "left", DOCX_DEFAULT.left),
        right=twips(margin, "right", DOCX_DEFAULT.right),
        columns=max(1, count),
        gutter=twips(columns, "space", 36.0) if count > 1 else 0.0,
        line_numbers=section.find(f"{W}lnNumType") is not None,
    )
