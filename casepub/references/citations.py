"""Find pandoc citations (``[@key]``, ``@key``) and figure references (``@fig:id``) in Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# pandoc: a key starts with a letter, digit or _, and may hold internal punctuation.
_CITATION_RE = re.compile(
    r"(?<![\w@.\-+])-?@(?:\{(?P<braced>[^}]+)\}|(?P<key>[\w](?:[\w:.#$%&\-+?<>~/]*[\w])?))"
)
CROSSREF_PREFIXES = ("fig:", "tbl:")


@dataclass(frozen=True)
class Citation:
    """A citation key found in a text, with its 0-based line and column within the text."""

    key: str
    line: int
    col: int
    token: str
    """The citation as written from its ``@``: ``@key`` or ``@{key}``."""

    @property
    def is_crossref(self) -> bool:
        """Whether this is a figure or table reference rather than a bibliography key."""
        return self.key.startswith(CROSSREF_PREFIXES)


def find_citations(markdown: str) -> Iterator[Citation]:
    """Every ``@key`` in ``markdown``, outside code spans, in order."""
    for line_no, line in enumerate(markdown.splitlines()):
        cleaned = re.sub(r"`[^`]*`", lambda m: " " * len(m.group()), line)
        for match in _CITATION_RE.finditer(cleaned):
            key = match.group("braced") or match.group("key")
            token = match.group(0).lstrip("-")
            yield Citation(key, line_no, match.start(), token)
