"""The one way to add a checker: decorate it with ``@checker("name")`` in its module, and list
the module in :data:`casepub.checks.lint.CHECKER_MODULES`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casepub.diagnostics import Diagnostic
    from casepub.load.loaded import LoadedCase
    from casepub.profiles import Profile
    from casepub.render import Manuscript

Checker = Callable[["LoadedCase", "Profile", "Manuscript"], list["Diagnostic"]]

CHECKERS: dict[str, Checker] = {}
"""Registered checkers by name, in registration order; their findings are sorted by place
afterwards, so the order only decides which of two equal findings is told first."""


def checker(name: str) -> Callable[[Checker], Checker]:
    """Register the decorated function as the checker ``name``."""

    def register(function: Checker) -> Checker:
        if name in CHECKERS and CHECKERS[name] is not function:
            raise ValueError(f"two checkers are named {name!r}")
        CHECKERS[name] = function
        return function

    return register
