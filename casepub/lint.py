"""``casepub check`` beyond loading: every checker that needs the journal profile and the
manuscript as it will be built (journal requirements, CARE, consistency, bilingual parity).

A checker is a function ``(loaded, profile, manuscript) -> list[Diagnostic]``; each lives in
its own module and knows nothing of the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from casepub.build import default_mode, profile_for
from casepub.care import check_care
from casepub.consistency import check_consistency
from casepub.diagnostics import Diagnostic
from casepub.journal_checks import check_journal
from casepub.load.loaded import LoadedCase
from casepub.parity import check_parity
from casepub.placeholders import check_placeholders
from casepub.profiles import Profile
from casepub.render import Manuscript, build_manuscript

Checker = Callable[[LoadedCase, Profile, Manuscript], list[Diagnostic]]

CHECKERS: Sequence[Checker] = (
    check_journal,
    check_care,
    check_consistency,
    check_parity,
    check_placeholders,
)
"""Run in this order; their findings are sorted by place afterwards."""


@dataclass(frozen=True)
class Linted:
    """The profile a case was checked against and what the checkers found."""

    profile: Profile
    manuscript: Manuscript
    findings: list[Diagnostic]


def lint(loaded: LoadedCase, journal: str | None = None) -> Linted:
    """Run every checker on ``loaded`` for ``journal`` (or the case's own profile)."""
    profile = profile_for(loaded, journal)
    mode = profile.language or default_mode(loaded)
    manuscript = build_manuscript(loaded, mode, profile=profile)
    found = [d for checker in CHECKERS for d in checker(loaded, profile, manuscript)]
    return Linted(profile, manuscript, found)
