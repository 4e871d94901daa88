"""Compile typst source to PDF with the typst compiler the ``typst`` package ships."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import typst

from casepub.diagnostics import CasepubError


def compile_pdf(source: Path, root: Path, *, timestamp: int | None = None) -> bytes:
    """PDF bytes of ``source``; files it uses must lie under ``root``.

    Only the fonts embedded in typst are used (Libertinus Serif, New Computer Modern — both
    with Cyrillic), so the PDF looks the same on every machine and embeds its fonts.
    """
    try:
        pdf = typst.compile(
            str(source), root=str(root), ignore_system_fonts=True, timestamp=timestamp
        )
    except Exception as exc:  # typst raises its own TypstError with the compiler's message
        raise CasepubError.at(str(source), f"typst failed: {exc}", "typst") from None
    if not isinstance(pdf, bytes):
        raise CasepubError.at(str(source), "typst returned no PDF", "typst")
    return pdf


@dataclass(frozen=True)
class Landmark:
    """A heading, bold label or figure of a compiled document and the page it is on."""

    text: str
    label: str | None
    page: int


def landmarks(source: Path, root: Path) -> list[Landmark]:
    """Headings, bold labels and figures of ``source`` with their pages, in document order
    (from the ``<casepub-pages>`` metadata the casepub typst template writes)."""
    try:
        raw = typst.query(
            str(source),
            "<casepub-pages>",
            field="value",
            one=True,
            root=str(root),
            ignore_system_fonts=True,
        )
    except Exception as exc:
        raise CasepubError.at(str(source), f"typst failed: {exc}", "typst") from None
    items = json.loads(raw)
    return [Landmark(str(i["text"]).strip(), i["label"], int(i["page"])) for i in items]
