"""The preview's state: the settings asked for, the latest build, and the thread that rebuilds.

One builder thread runs the builds; a save (or a settings change) during a build asks for one
more, so a burst of saves costs at most two builds.
"""

from __future__ import annotations

import secrets
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from casepub.build import BuildOptions, build_case, default_mode
from casepub.checks.lint import lint
from casepub.checks.suppress import apply_suppressions
from casepub.diagnostics import CasepubError, Diagnostic, Severity
from casepub.load.loader import load_case
from casepub.render import LangMode

ALL_LANGS: tuple[LangMode, ...] = ("ru", "en", "bilingual")


@dataclass(frozen=True)
class Settings:
    """What the page asked for; None: the case's (or profile's) default."""

    lang: LangMode | None = None
    journal: str | None = None


@dataclass(frozen=True)
class Result:
    """One build attempt: the page (None if it failed), the check's findings, what failed."""

    html: bytes | None = None
    findings: tuple[Diagnostic, ...] = ()
    errors: tuple[Diagnostic, ...] = ()
    crash: str | None = None
    langs: tuple[LangMode, ...] = ALL_LANGS
    lang: LangMode | None = None
    journal: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the manuscript was built."""
        return self.html is not None

    def summary(self) -> str:
        """One line for the terminal."""
        if self.crash is not None:
            return "internal error during the build; the traceback is in the page"
        if not self.ok:
            return f"build failed: {len(self.errors)} error(s); see the page"
        errors = sum(d.severity is Severity.error for d in self.findings)
        return (
            f"built in {self.seconds:.1f} s: check found {errors} error(s), "
            f"{len(self.findings) - errors} warning(s)"
        )


@dataclass(frozen=True)
class State:
    """What the page shows: the latest result and whether a build is running."""

    generation: str
    """Changes with every finished build (and with every server start)."""
    building: bool
    settings: Settings
    result: Result | None


def build_preview(target: Path, out: Path, settings: Settings) -> Result:
    """Check and build ``target`` as HTML; never raises (failures are in the result)."""
    start = time.perf_counter()
    found: list[Diagnostic] = []
    langs = ALL_LANGS
    try:
        loaded = load_case(target)
        langs = ALL_LANGS if default_mode(loaded) == "bilingual" else ("en",)
        lang = settings.lang if settings.lang in langs else None
        linted = lint(loaded, settings.journal)
        filtered = apply_suppressions(
            loaded, loaded.diagnostics.sorted() + linted.findings, linted.profile.id
        )
        found = filtered.kept + filtered.unused
        mode = lang or linted.profile.language or default_mode(loaded)
        options = BuildOptions(formats=["html"], lang=mode, journal=settings.journal, out=out)
        page = next(p for p in build_case(target, options) if p.suffix == ".html")
        return Result(
            html=page.read_bytes(),
            findings=tuple(found),
            langs=langs,
            lang=mode,
            journal=linted.profile.id,
            seconds=time.perf_counter() - start,
        )
    except CasepubError as exc:
        return Result(findings=tuple(found), errors=tuple(exc.diagnostics), langs=langs)
    except Exception:
        return Result(findings=tuple(found), crash=traceback.format_exc(), langs=langs)


@dataclass
class Preview:
    """The case being previewed, its latest build, and the builder loop."""

    target: Path
    out: Path
    settings: Settings = Settings()
    _generation: int = 0
    _building: bool = False
    _result: Result | None = None
    _version: int = 0
    _boot: str = field(default_factory=lambda: secrets.token_hex(4))
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _wanted: threading.Event = field(default_factory=threading.Event)

    def request(self, settings: Settings | None = None) -> None:
        """Ask for a rebuild (with new settings, if given)."""
        with self._changed:
            if settings is not None:
                self.settings = settings
        self._wanted.set()

    def state(self) -> State:
        """The current state, consistent."""
        with self._changed:
            return State(
                f"{self._boot}.{self._generation}", self._building, self.settings, self._result
            )

    def wait(self, version: int, timeout: float) -> int:
        """Block until the state differs from ``version`` (or ``timeout``); the new version."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != version, timeout)
            return self._version

    def _publish(self, building: bool, result: Result | None = None) -> None:
        with self._changed:
            self._building = building
            if result is not None:
                self._result = result
                self._generation += 1
            self._version += 1
            self._changed.notify_all()

    def run(self, stop: threading.Event) -> None:
        """Build whenever asked, until ``stop`` is set."""
        while not stop.is_set():
            if not self._wanted.wait(0.2):
                continue
            self._wanted.clear()
            self._publish(building=True)
            result = build_preview(self.target, self.out, self.settings)
            self._publish(building=False, result=result)
            if not stop.is_set():
                print(f"casepub: {result.summary()}", file=sys.stderr, flush=True)
