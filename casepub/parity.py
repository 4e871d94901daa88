"""Placeholder: filled in by the parity checker."""

from __future__ import annotations

from casepub.diagnostics import Diagnostic
from casepub.load.loaded import LoadedCase
from casepub.profiles import Profile
from casepub.render import Manuscript


def check_parity(loaded: LoadedCase, profile: Profile, manuscript: Manuscript) -> list[Diagnostic]:
    """Nothing yet."""
    return []
