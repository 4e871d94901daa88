"""Figures and tables ("floats"): numbered per kind in order of first reference in the text,
placed after the section that first refers to them (or their default section), captioned in
every front language, and linked from ``@fig:…`` / ``@tbl:…`` in the text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image

from casepub.model import SECTION_KEYS, Lang
from casepub.render.tables import Table
from casepub.resources import labels

Kind = Literal["figure", "table"]

WIDE_CHARTS = frozenset({"timeline", "swimmer"})
"""Generated charts that span both columns of a two-column page: the timeline's and the
swimmer plot's lanes and labels are unreadable at a column's width."""

WIDE_ASPECT = 1.8
"""An image at least this many times wider than tall spans both columns of a two-column page
(at a column's width it would be a strip a few centimetres high)."""


@dataclass(frozen=True)
class FloatSpec:
    """A figure or table before numbering."""

    id: str
    """``fig:scan``, ``tbl:labs``…"""
    caption: dict[Lang, str]
    """Caption text per front language, without label and number."""
    sections: tuple[str, ...]
    """Where it goes when the text does not refer to it: the first of these that exists."""
    table: Table | None = None
    image: Path | None = None
    """An image file of the case."""
    chart: str | None = None
    """Key of a generated chart (``labs``, ``timeline``…), drawn at build time."""
    panels: tuple[Path, ...] = ()
    """The panel images of a multi-panel figure, composed at build time."""
    shape: tuple[int, int] = (1, 1)
    """Rows and columns of the panels."""
    letters: Lang = "en"
    """The language of the letters drawn on the panels."""

    @property
    def kind(self) -> Kind:
        """``figure`` or ``table``, from the id."""
        return "table" if self.id.startswith("tbl:") else "figure"

    def is_wide(self) -> bool:
        """Whether the figure spans both columns of a two-column page (tables are judged by
        their width when laid out, in the pandoc filter)."""
        if self.chart is not None:
            return self.chart in WIDE_CHARTS
        if self.panels:
            rows, columns = self.shape
            panel = image_aspect(self.panels[0]) or 1.0
            return columns * panel / rows >= WIDE_ASPECT
        aspect = image_aspect(self.image) if self.image is not None else None
        return aspect is not None and aspect >= WIDE_ASPECT


@dataclass(frozen=True)
class Float:
    """A numbered, placed float."""

    spec: FloatSpec
    number: int
    section: str
    caption: list[str]
    """One line per front language: ``Рис. 1. …``, ``Fig. 1. …``."""
    path: str | None
    """Where the image is written, relative to the Markdown (figures only)."""
    wide: bool = False
    """Spans both columns of a two-column page (see :meth:`FloatSpec.is_wide`)."""
    continued: tuple[str, ...] = ()
    """A table's caption on the pages it continues on, one line per language."""

    @property
    def id(self) -> str:
        """The float's id."""
        return self.spec.id

    @property
    def kind(self) -> Kind:
        """``figure`` or ``table``."""
        return self.spec.kind

    @property
    def table(self) -> Table | None:
        """The table's content."""
        return self.spec.table


def number_floats(
    specs: Sequence[FloatSpec],
    references: Sequence[tuple[str, str]],
    present: Sequence[str],
    langs: Sequence[Lang],
    media_dir: str,
) -> list[Float]:
    """Number ``specs`` by first reference (``references`` = (id, section) in text order),
    then the unreferenced ones; place each in a ``present`` section."""
    by_id = {spec.id: spec for spec in specs}
    order: dict[str, str] = {}
    for float_id, section in references:
        if float_id in by_id and float_id not in order:
            order[float_id] = section
    for spec in specs:
        if spec.id not in order:
            order[spec.id] = next(
                (s for s in spec.sections if s in present),
                present[-1] if present else SECTION_KEYS[-1],
            )
    # Numbers follow the order the floats stand in: by section, and within a section the
    # referenced ones (in order of reference) before those placed there by default.
    reference_order = list(order)
    in_document = sorted(
        order.items(),
        key=lambda item: (
            SECTION_KEYS.index(item[1]) if item[1] in SECTION_KEYS else len(SECTION_KEYS),
            reference_order.index(item[0]),
        ),
    )
    counters = {"figure": 0, "table": 0}
    numbered = []
    for float_id, section in in_document:
        spec = by_id[float_id]
        counters[spec.kind] += 1
        number = counters[spec.kind]
        label = "figure" if spec.kind == "figure" else "table"
        caption = [f"{labels()[lang][label]} {number}. {spec.caption[lang]}" for lang in langs]
        path = _media_path(spec, number, media_dir) if spec.kind == "figure" else None
        continued = tuple(labels()[lang]["table_continued"].format(number=number) for lang in langs)
        numbered.append(
            Float(
                spec,
                number,
                section,
                caption,
                path,
                spec.is_wide(),
                continued if spec.kind == "table" else (),
            )
        )
    return numbered


_SVG_SIZE = re.compile(
    r'viewBox\s*=\s*["\'][-\d.eE+]+[\s,]+[-\d.eE+]+[\s,]+([\d.eE+]+)[\s,]+([\d.eE+]+)'
)


def image_aspect(path: Path) -> float | None:
    """Width / height of a PNG, JPEG or SVG (from its ``viewBox``), or None if unknown."""
    try:
        if path.suffix.lower() == ".svg":
            match = _SVG_SIZE.search(path.read_bytes()[:4096].decode("utf-8", "replace"))
            if match is None:
                return None
            width, height = float(match.group(1)), float(match.group(2))
        else:
            with Image.open(path) as image:
                width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return width / height if height > 0 else None


def _media_path(spec: FloatSpec, number: int, media_dir: str) -> str:
    if spec.panels:
        return f"{media_dir}/fig{number:02d}-{spec.id.split(':', 1)[1]}.{spec.letters}.png"
    if spec.image is not None:
        return f"{media_dir}/fig{number:02d}-{spec.image.name}"
    return f"{media_dir}/fig{number:02d}-{spec.chart}.svg"


_REFERENCE = re.compile(r"\[-?@((?:fig|tbl):[\w-]+)\]|(?<![\w@])@((?:fig|tbl):[\w-]+)")


def link_references(markdown: str, floats: Sequence[Float], lang: Lang) -> str:
    """``@fig:x`` → ``[рис. 1](#fig:x)``; ``@tbl:y`` → ``[табл. 2](#tbl:y)``."""
    by_id = {f.id: f for f in floats}
    words = labels()[lang]

    def replace(match: re.Match[str]) -> str:
        float_id = match.group(1) or match.group(2)
        found = by_id.get(float_id)
        if found is None:
            return match.group(0)
        word = words["figure_ref"] if found.kind == "figure" else words["table_ref"]
        return f"[{word}\u00a0{found.number}](#{float_id})"

    return _REFERENCE.sub(replace, markdown)


def references_in(markdown: str) -> list[str]:
    """Float ids referred to in ``markdown``, in order."""
    return [m.group(1) or m.group(2) for m in _REFERENCE.finditer(markdown)]


Drawer = Callable[[], dict[str, bytes]]
"""Draws a generated chart: file suffix (``.svg``, ``.png``) → bytes."""
