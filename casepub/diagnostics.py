"""Diagnostics: every problem casepub finds, with its file, line, column, key path and code."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Protocol


class Severity(StrEnum):
    """How bad a finding is; errors stop a build."""

    error = "error"
    warning = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One finding, printed as ``file:line:col: key.path: message [code]``."""

    file: str
    line: int | None
    col: int | None
    path: str
    message: str
    code: str
    severity: Severity = Severity.error
    suggestion: str | None = None

    def format(self) -> str:
        """The one-line human form."""
        where = self.file or "casepub"
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        prefix = "" if self.severity is Severity.error else f"{self.severity.value}: "
        key = f" {self.path}:" if self.path else ""
        hint = f" ({self.suggestion})" if self.suggestion else ""
        return f"{where}:{key} {prefix}{self.message}{hint} [{self.code}]"

    def as_dict(self) -> dict[str, object]:
        """The JSON form."""
        return asdict(self)


@dataclass
class DiagnosticList:
    """Findings collected across the stages of a run, in the order found."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        """Record a finding."""
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Record several findings."""
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        """The findings that stop a build."""
        return [d for d in self.items if d.severity is Severity.error]

    def sorted(self) -> list[Diagnostic]:
        """Findings ordered by file and position."""
        return sorted(self.items, key=lambda d: (d.file, d.line or 0, d.col or 0, d.code))


class Spot(Protocol):
    """Where a value came from (a key of case.yaml, a cell of a spreadsheet): reports there."""

    def report(
        self,
        message: str,
        code: str,
        suggestion: str | None = None,
        severity: Severity = Severity.error,
    ) -> None:
        """Record a finding at this place."""


@dataclass(frozen=True)
class FileSpot:
    """A line and column of some file, reporting into a list of diagnostics."""

    sink: DiagnosticList
    file: str
    line: int | None
    col: int | None
    path: str = ""

    def report(
        self,
        message: str,
        code: str,
        suggestion: str | None = None,
        severity: Severity = Severity.error,
    ) -> None:
        """Record a finding at this place."""
        self.sink.add(
            Diagnostic(
                self.file, self.line, self.col, self.path, message, code, severity, suggestion
            )
        )


class CasepubError(Exception):
    """An expected failure: reported as diagnostics, never as a traceback."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = list(diagnostics)

    @classmethod
    def at(
        cls,
        file: str,
        message: str,
        code: str,
        *,
        line: int | None = None,
        col: int | None = None,
        path: str = "",
        suggestion: str | None = None,
    ) -> CasepubError:
        """An error made of one diagnostic."""
        return cls([Diagnostic(file, line, col, path, message, code, suggestion=suggestion)])


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``did you mean `x`?`` for the closest of ``choices``, if any is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{matches[0]}`?" if matches else None


def to_json(diagnostics: Sequence[Diagnostic]) -> str:
    """Diagnostics as a JSON list."""
    return json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=2)
