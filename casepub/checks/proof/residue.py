"""Template and markup that must never reach a reader: Jinja (``{{ }}``, ``{% %}``), pandoc
citations and cross-references (``[@key]``, ``@fig:x``), raw attributes and divs, typst code
(``#set``, ``#figure(``) and TeX commands (``\\begin{``, ``\\textbf{``).

The patterns are narrow on purpose: an ``@`` in an e-mail address, a ``#`` before a number
(``#1``) or a ``%`` after one are prose, not residue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("template", re.compile(r"\{\{|\}\}|\{%|%\}|\{#-?\s|\s-?#\}|\{#[\w:-]+\}")),
    ("citation", re.compile(r"\[-?@(?=[\w\u0400-\u04ff])")),
    ("cross-reference", re.compile(r"(?<![\w.@])@(?:fig|tbl|sec|eq):(?=[\w-])")),
    (
        "pandoc",
        re.compile(r"\{=(?:typst|latex|tex|html5?|openxml|jats|docx)\}|^:::|\]\{[.#]", re.M),
    ),
    (
        "typst",
        re.compile(
            r"#(?:set|let|show|import|include)(?=\s+[\w(\"])"
            r"|#(?:figure|table|image|place|block|box|text|align|columns|grid|pagebreak|heading"
            r"|par|page|link|emph|strong|footnote|metadata|context|v|h)[(\[]"
        ),
    ),
    ("TeX", re.compile(r"\\(?:begin|end)\{|\\[A-Za-z]{2,}\{")),
)
"""Each kind of residue and what finds it."""


@dataclass(frozen=True)
class Residue:
    """A piece of template or markup found in a text."""

    kind: str
    found: str
    offset: int
    context: str
    """The text around it."""

    @property
    def message(self) -> str:
        """What the finding says."""
        return f"{self.kind} residue `{self.found}` in the text: «{self.context}»"


def residue_in(text: str, context: int = 24) -> Iterator[Residue]:
    """Every residue in ``text``, in order (at most one per line of text and kind)."""
    found: list[Residue] = []
    seen: set[tuple[str, int]] = set()
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start())
            if (kind, line) in seen:
                continue
            seen.add((kind, line))
            start, end = max(0, match.start() - context), match.end() + context
            around = " ".join(text[start:end].split())
            found.append(Residue(kind, match.group(0).strip(), match.start(), around))
    yield from sorted(found, key=lambda r: r.offset)
