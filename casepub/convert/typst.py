"""Compile typst source to PDF with the typst compiler the ``typst`` package ships."""

from __future__ import annotations

import json
import re
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import typst

from casepub.convert.failure import ConverterError, Failure
from casepub.diagnostics import CasepubError

_SPAN = re.compile(r"┌─ (?P<file>.+?):(?P<line>\d+):(?P<col>\d+)\s*$", re.M)
_CARET = re.compile(r"^\s*│\s*(\^+)\s*$")


def typst_failure(exc: Exception, source: Path, root: Path) -> Failure:
    """What typst's error says, where in which file it points, and the text it underlines.

    typst's diagnostic reads ``error: message`` / ``┌─ file:line:col`` / the line / carets."""
    message = str(getattr(exc, "message", None) or exc)
    raw = str(getattr(exc, "diagnostic", None) or message)
    hints = [str(h) for h in getattr(exc, "hints", None) or []]
    if "escape the project root" in message:
        message += " (typst may read only files inside the build folder)"
    match = _SPAN.search(raw)
    if match is None:
        return Failure("typst", raw, message, "none", file=source)
    named = Path(match.group("file"))  # relative to the working directory, else the root
    file = next(
        (p.resolve() for p in (named, root / named) if p.is_file()), (root / named).resolve()
    )
    line, col = int(match.group("line")), int(match.group("col"))
    snippet = None
    rest = raw[match.end() :].splitlines()
    code = next((r for r in rest if re.match(rf"^\s*{line} │", r)), None)
    caret = next((c for r in rest if (c := _CARET.match(r))), None)
    if code is not None and caret is not None:
        text = code.split("│", 1)[1][1:]
        start = caret.start(1) - (len(code) - len(text))
        snippet = text[start : start + len(caret.group(1))] or None
    kind = "typst" if file == source.resolve() else "template"
    summary = message + "".join(f"; hint: {h}" for h in hints if "--root" not in h)
    return Failure("typst", raw, summary, kind, line, col, file, snippet)


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
        raise ConverterError(typst_failure(exc, source, root)) from None
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
        raise ConverterError(typst_failure(exc, source, root)) from None
    items = json.loads(raw)
    return [Landmark(str(i["text"]).strip(), i["label"], int(i["page"])) for i in items]


def png_from_svg(svg: bytes, dpi: int) -> bytes:
    """The SVG drawn as a PNG at ``dpi`` by typst's renderer, on white, with its resolution
    stored (pHYs), as Word and LibreOffice size images by it.

    Five times faster than drawing the chart again with matplotlib's Agg, and the raster
    matches the SVG the PDF shows (the two backends lay text out slightly differently)."""
    width, height = (_svg_points(svg, side) for side in ("width", "height"))
    with tempfile.TemporaryDirectory(prefix="casepub-png-") as folder:
        Path(folder, "chart.svg").write_bytes(svg)
        source = Path(folder, "page.typ")
        source.write_text(
            f"#set page(width: {width}pt, height: {height}pt, margin: 0pt, fill: white)\n"
            '#image("chart.svg", width: 100%, height: 100%)\n',
            encoding="utf-8",
        )
        png = typst.compile(
            str(source), root=folder, format="png", ppi=dpi, ignore_system_fonts=True
        )
    if not isinstance(png, bytes):
        raise CasepubError.at("", "typst returned no PNG", "typst")
    return _with_resolution(png, dpi)


def _svg_points(svg: bytes, side: str) -> str:
    match = re.search(rb"<svg[^>]*?\s" + side.encode() + rb'="([\d.]+)pt"', svg)
    if match is None:
        raise CasepubError.at("", f"an SVG without a {side} in points", "typst")
    return match.group(1).decode()


def _with_resolution(png: bytes, dpi: int) -> bytes:
    """``png`` with a pHYs chunk (pixels per metre) right after its header."""
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    header_end = 8 + 8 + 13 + 4  # signature, IHDR length and type, IHDR data, CRC
    if png[12:16] != b"IHDR" or b"pHYs" in png[header_end : header_end + 8]:
        return png
    return png[:header_end] + chunk + png[header_end:]
