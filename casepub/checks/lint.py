"""``casepub check`` beyond loading: every registered checker, run against the journal
profile and the manuscript as it will be built."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from casepub.build import default_mode, profile_for
from casepub.checks.registry import CHECKERS, Checker
from casepub.diagnostics import Diagnostic
from casepub.load.loaded import LoadedCase
from casepub.profiles import Profile
from casepub.render import Manuscript, build_manuscript

CHECKER_MODULES = (
    "journal",
    "care",
    "reporting",
    "consistency",
    "parity",
    "placeholders",
    "scripts",
    "responses",
)
"""The modules under ``casepub.checks`` whose ``@checker`` functions ``casepub check`` runs,
in this order."""

for _module in CHECKER_MODULES:
    import_module(f"casepub.checks.{_module}")


def registered() -> list[Checker]:
    """The checkers in ``CHECKER_MODULES`` order, whichever order their modules were imported
    in (another command may import one first), so that equal findings keep one order."""
    rank = {f"casepub.checks.{name}": index for index, name in enumerate(CHECKER_MODULES)}
    return sorted(CHECKERS.values(), key=lambda check: rank.get(check.__module__, len(rank)))


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
    found = [d for checker in registered() for d in checker(loaded, profile, manuscript)]
    return Linted(profile, manuscript, found)
