"""No submission while a patient identifier is unresolved (issue 16, point 5).

``casepub check`` reports de-identification findings as warnings, since a draft may hold
them; ``casepub package`` makes what goes to a journal and refuses while one is left. A
finding is resolved by removing the identifier from the case, or by suppressing it in the
case file with the reason (``suppress: [{code: deid-name, path: …, reason: the patient's
written consent to be named}]``, see docs/checks.md).
"""

from __future__ import annotations

import dataclasses

from casepub.checks.suppress import apply_suppressions
from casepub.diagnostics import CasepubError, Severity
from casepub.load.loaded import LoadedCase

STRIPPED = ("deid-image-metadata",)
"""Findings about what casepub removes from every file it writes: no reason to refuse."""
SUGGESTION = (
    "remove it from the case, or record the reason it may stay (the patient's written "
    "consent) as a suppression of this finding in case.yaml"
)


def require_deidentified(loaded: LoadedCase, journal: str | None = None) -> None:
    """Raise :class:`CasepubError` listing, as errors, every de-identification finding of the
    case that is not suppressed for ``journal``."""
    found = [
        d
        for d in loaded.diagnostics.sorted()
        if d.code.startswith("deid-") and d.code not in STRIPPED
    ]
    if not found:
        return
    kept = apply_suppressions(loaded, found, journal).kept
    if kept:
        raise CasepubError(
            [
                dataclasses.replace(
                    d,
                    severity=Severity.error,
                    message=f"{d.message}; casepub package makes no submission while it is "
                    "unresolved",
                    suggestion=SUGGESTION,
                )
                for d in kept
            ]
        )
