"""Text extraction from real outputs, and normalisation for comparing across line breaks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
from lxml import html as lxml_html
from pypdf import PdfReader

SMALL_CASE = Path(__file__).resolve().parent / "data" / "bad" / "value-ref"
"""A small Russian case with English texts, valid but for one value (``BROKEN_VALUE``)."""
BROKEN_VALUE = '    en: \'Follow-up: ALT {{ lab("ALT", "2024-03-01") }}.\''


def make_case(folder: Path, replaced: dict[str, str], added: str = "") -> Path:
    """A valid copy of ``SMALL_CASE`` in ``folder``, its case.yaml edited (each key of
    ``replaced`` must be in it; ``BROKEN_VALUE`` is replaced unless it is one) and ``added``
    appended."""
    shutil.copytree(SMALL_CASE, folder)
    (folder / "expected.txt").unlink()
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    fixed = {BROKEN_VALUE: "    en: Follow-up results, adherence and tolerability."}
    for old, new in (fixed | replaced).items():
        assert old in text, old
        text = text.replace(old, new)
    (folder / "case.yaml").write_text(text + added, encoding="utf-8")
    return folder


_STRIP = re.compile(r"[\s\-\u00ad\u2010\u2011\u00a0*_]+")


def squash(text: str) -> str:
    """Text without whitespace, hyphens or emphasis marks, for layout-proof comparison."""
    return _STRIP.sub("", text).lower()


def pdf_text(path: Path) -> str:
    """All text of a PDF, page after page (pypdf)."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def pdf_fonts_embedded(path: Path) -> dict[str, bool]:
    """Each font of the PDF and whether its program is embedded."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont"))] = embedded
    return fonts


def docx_text(path: Path) -> str:
    """Paragraph and table text of a DOCX (python-docx)."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def docx_styles_used(path: Path) -> set[str]:
    """Names of the paragraph styles the DOCX uses."""
    return {p.style.name for p in docx.Document(str(path)).paragraphs if p.style is not None}


def html_tree(path: Path) -> lxml_html.HtmlElement:
    """The parsed HTML document."""
    return lxml_html.fromstring(path.read_bytes())
