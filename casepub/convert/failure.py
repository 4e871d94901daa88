"""A converter (pandoc, typst) that failed: its raw message and where in its input it points.

The converters raise :class:`ConverterError`, a :class:`CasepubError` saying what the tool
said; ``casepub.formats`` turns it into the author's terms (the case file and section) and
keeps the raw message in a log file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casepub.diagnostics import CasepubError, Diagnostic


@dataclass(frozen=True)
class Failure:
    """What a converter said, and where."""

    tool: str
    """``pandoc`` or ``typst``."""
    raw: str
    """The whole message, for the log."""
    summary: str
    """The first line of the error, in the tool's words."""
    input: str = "markdown"
    """What ``line`` counts in: ``markdown`` (pandoc's input), ``typst`` (the .typ source),
    ``template`` (the file ``file``), or ``none``."""
    line: int | None = None
    col: int | None = None
    file: Path | None = None
    snippet: str | None = None
    """The text the error points at (typst's underlined span, an image's path), to find in
    the case's own files."""


class ConverterError(CasepubError):
    """A converter failed; ``failure`` holds its message and position."""

    def __init__(self, failure: Failure) -> None:
        where = str(failure.file) if failure.file is not None else ""
        line = failure.line if failure.input != "markdown" else None
        super().__init__(
            [
                Diagnostic(
                    where,
                    line,
                    failure.col if line is not None else None,
                    "",
                    f"{failure.tool} failed: {failure.summary}",
                    failure.tool,
                )
            ]
        )
        self.failure = failure
