"""Suppressions: a case file may record findings its authors accept, each with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from casepub.diagnostics import Diagnostic, Severity
from casepub.load.loaded import LoadedCase
from casepub.model.case import Suppression

SUPPRESSIBLE_ERRORS = ("journal-",)
"""Error codes that may be suppressed: journal findings, which never stop a build."""


@dataclass(frozen=True)
class Filtered:
    """Findings to report, the ones suppressed (with the suppression), and unused ones."""

    kept: list[Diagnostic]
    suppressed: list[tuple[Diagnostic, Suppression]]
    unused: list[Diagnostic]


def _matches(rule: Suppression, diagnostic: Diagnostic) -> bool:
    if rule.code != diagnostic.code:
        return False
    return rule.path is None or rule.path == diagnostic.path


def _suppressible(diagnostic: Diagnostic) -> bool:
    return diagnostic.severity is Severity.warning or diagnostic.code.startswith(
        SUPPRESSIBLE_ERRORS
    )


def apply_suppressions(
    loaded: LoadedCase, found: Sequence[Diagnostic], journal: str | None = None
) -> Filtered:
    """Split ``found`` by the case's ``suppress`` list; a rule that matches nothing is a
    warning (``suppress-unused``), so stale suppressions do not pile up. Rules limited to
    other journals than ``journal`` (the profile checked against) take no part."""
    rules = [r for r in loaded.case.suppress if not r.journals or journal in r.journals]
    kept: list[Diagnostic] = []
    suppressed: list[tuple[Diagnostic, Suppression]] = []
    used: set[int] = set()
    for diagnostic in found:
        index = next(
            (
                i
                for i, rule in enumerate(rules)
                if _suppressible(diagnostic) and _matches(rule, diagnostic)
            ),
            None,
        )
        if index is None:
            kept.append(diagnostic)
        else:
            used.add(index)
            suppressed.append((diagnostic, rules[index]))
    unused = []
    for i, rule in enumerate(rules):
        if i not in used:
            number = loaded.case.suppress.index(rule)
            mark = loaded.source.locate(("suppress", number))
            unused.append(
                Diagnostic(
                    loaded.source.file,
                    mark.line if mark else None,
                    mark.col if mark else None,
                    f"suppress[{number}]",
                    f"suppression of `{rule.code}` matches no finding",
                    "suppress-unused",
                    Severity.warning,
                    "remove it",
                )
            )
    return Filtered(kept, suppressed, unused)
