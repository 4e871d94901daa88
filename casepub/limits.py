"""The limits casepub puts on what it reads, in one place (documented in docs/limits.md).

A case is a few hundred kilobytes of text, a bibliography of some dozens of entries and a
handful of images. Anything far larger is a mistake (a wrong file, an export of a whole
library) or an attack, and is refused with a message naming the limit before it is parsed,
so that checking never hangs or exhausts memory.
"""

from __future__ import annotations

MB = 1024 * 1024

MAX_CASE_YAML_BYTES = 5 * MB
"""case.yaml."""
MAX_SECTION_BYTES = 5 * MB
"""One Markdown section file."""
MAX_BIB_BYTES = 10 * MB
"""The .bib file."""
MAX_DATA_BYTES = 20 * MB
"""One CSV or XLSX file of lab results or lesion sizes."""
MAX_XLSX_UNPACKED_BYTES = 200 * MB
"""The unpacked size of an XLSX file (a zip): protects against zip bombs."""
MAX_IMAGE_BYTES = 40 * MB
"""One figure image (PNG, JPEG or SVG)."""
MAX_IMAGE_PIXELS = 150_000_000
"""Width × height of a figure image (a 12 000 × 12 000 scan fits)."""
MAX_TEXT_BYTES = MAX_SECTION_BYTES
"""Any other text file casepub reads from the case folder."""

MAX_YAML_DEPTH = 64
"""Nesting of lists and mappings in case.yaml (a real case nests 6 deep)."""
MAX_YAML_ALIASES = 100
"""``*alias`` uses in case.yaml."""
MAX_YAML_NODES = 200_000
"""Values in case.yaml counted with every alias expanded (a real case has a few thousand):
a "billion laughs" alias bomb stops here."""
MAX_BIB_FIELD_CHARS = 100_000
"""One field of a BibTeX entry (an abstract is a few thousand)."""
MAX_BIB_BRACE_DEPTH = 32
"""``{…}`` nesting inside one BibTeX entry."""


def size_text(size: int) -> str:
    """``52428800`` → ``50.0 MB``; ``2048`` → ``2 KB``."""
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(size // 1024, 1)} KB" if size >= 1024 else f"{size} bytes"


def limit_text(limit: int) -> str:
    """A limit as people say it: ``5 MB`` (``MAX_IMAGE_BYTES`` → ``50 MB``)."""
    return f"{round(limit / MB)} MB" if limit >= MB else size_text(limit)
