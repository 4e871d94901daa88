"""What loading a case yields: the validated model, its source map and resolved texts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from casepub.diagnostics import Diagnostic, DiagnosticList, FileSpot, Severity
from casepub.load.yamlsource import KeyPath, Mark, SourceMap, format_path
from casepub.model import Case, Lang
from casepub.references.bibtex import Bibliography

if TYPE_CHECKING:
    from casepub.clinical.record import ClinicalRecord


@dataclass(frozen=True)
class Passage:
    """A piece of Markdown, with the source text it came from to locate things in it."""

    text: str
    file: str
    path: str
    origin: Mark
    raw: str

    def position(self, line: int, col: int) -> Mark:
        """File position of the 0-based ``line`` and ``col`` within ``raw``."""
        return self.origin.moved(line, col)

    def diagnostic(
        self,
        mark: Mark | None,
        message: str,
        code: str,
        *,
        severity: Severity = Severity.error,
        suggestion: str | None = None,
    ) -> Diagnostic:
        """A finding at ``mark`` of this passage (at its start when None)."""
        mark = mark or self.origin
        return Diagnostic(
            self.file, mark.line, mark.col, self.path, message, code, severity, suggestion
        )


@dataclass
class LoadedCase:
    """A validated case with everything it refers to read in."""

    id: str
    folder: Path
    yaml_file: Path
    case: Case
    source: SourceMap
    sections: dict[str, dict[Lang, Passage]]
    bibliography: Bibliography | None
    diagnostics: DiagnosticList = field(default_factory=DiagnosticList)
    record: ClinicalRecord | None = None

    def spot(self, path: KeyPath, *, key: bool = False) -> FileSpot:
        """The place of ``path`` in case.yaml (its key with ``key=True``), to report at."""
        mark = self.source.keys.get(path) if key else None
        mark = mark or self.source.locate(path)
        return FileSpot(
            self.diagnostics,
            self.source.file,
            mark.line if mark else None,
            mark.col if mark else None,
            format_path(path),
        )

    def diagnostic(
        self,
        path: KeyPath,
        message: str,
        code: str,
        *,
        suggestion: str | None = None,
        severity: Severity = Severity.error,
        key: bool = False,
    ) -> Diagnostic:
        """A finding at ``path`` of case.yaml (its key with ``key=True``), returned rather
        than recorded: checkers whose findings go through suppressions use it."""
        mark = self.source.keys.get(path) if key else None
        return self.source.diagnostic(path, message, code, severity, suggestion, mark=mark)

    def report(
        self,
        path: KeyPath,
        message: str,
        code: str,
        *,
        suggestion: str | None = None,
        severity: Severity = Severity.error,
        key: bool = False,
    ) -> None:
        """Record a finding at ``path`` of case.yaml (at its key with ``key=True``)."""
        self.spot(path, key=key).report(message, code, suggestion, severity)


def display_path(path: Path) -> str:
    """A path relative to the working directory when it is below it, else absolute."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)
