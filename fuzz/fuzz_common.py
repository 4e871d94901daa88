"""What the casepub fuzz harnesses share: atheris if present, the known crashes, the runner.

Not a test module: the harnesses put this folder on ``sys.path`` and import it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from types import ModuleType

atheris: ModuleType | None
try:
    import atheris as _atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]
except ImportError:  # the test suite calls TestOneInput without atheris
    atheris = None
else:
    atheris = _atheris

INSTRUMENTED = ("casepub", "yaml", "bibtexparser")
"""Packages whose imports atheris instruments for coverage feedback."""


def instrumenting(fuzzing: bool) -> AbstractContextManager[object]:
    """Around a harness's imports: instrument them for coverage feedback when it is fuzzing,
    not when the tests import it."""
    if atheris is None or not fuzzing:
        return nullcontext()
    context: AbstractContextManager[object] = atheris.instrument_imports(include=list(INSTRUMENTED))
    return context


KNOWN_CRASHES: tuple[tuple[str, str], ...] = ()
"""(exception class name, text in its message) of crashes reported but not yet fixed, each
with a strict-xfail regression test in tests/test_properties.py. Every crash found so far is
fixed; add an entry to fuzz past a new one while its fix is under way."""

SKIP_KNOWN = os.environ.get("CASEPUB_FUZZ_SKIP_KNOWN", "") not in ("", "0")
"""``CASEPUB_FUZZ_SKIP_KNOWN=1``: carry on past the known crashes to look for new ones."""


def known(exc: BaseException) -> bool:
    """Whether ``exc`` is one of ``KNOWN_CRASHES`` (and those are to be skipped)."""
    if not SKIP_KNOWN:
        return False
    names = {cls.__name__ for cls in type(exc).__mro__}
    return any(name in names and text in str(exc) for name, text in KNOWN_CRASHES)


def main(test_one_input: Callable[[bytes], None]) -> None:
    """Run ``test_one_input`` under libFuzzer with the command line's options."""
    if atheris is None:
        sys.exit("atheris is not installed: pip install -e '.[fuzz]'")
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
