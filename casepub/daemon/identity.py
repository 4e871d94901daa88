"""Where the daemon lives, whether it may be used, and what it was started from.

The standard library only: the client computes all of this on every build, in a few
milliseconds, before anything heavy is imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import site
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from casepub import __version__

DAEMON_ENV = "CASEPUB_DAEMON"
"""``0`` (or ``false``, ``no``, ``off``): never use or start the daemon; ``1`` (any other
value): use it even where ``CI`` is set (a benchmark of warm rebuilds on a CI machine)."""
DIR_ENV = "CASEPUB_DAEMON_DIR"
"""The daemon's folder, instead of ``$XDG_RUNTIME_DIR/casepub`` or ``~/.cache/casepub/daemon``."""
IDLE_ENV = "CASEPUB_DAEMON_IDLE"
"""Seconds without a request after which the daemon exits (default 1800)."""
DEFAULT_IDLE = 1800.0

BUILD_ENV = (
    "SOURCE_DATE_EPOCH",
    "TZ",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "PATH",
    "HOME",
    "TMPDIR",
    "PYTHONPATH",
    "PYTHONHASHSEED",
    "MPLCONFIGDIR",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "TYPST_FONT_PATHS",
)
"""Environment variables that can change what a build writes (besides ``CASEPUB_*``): a
daemon serves only clients whose values are its own."""

_FALSE = frozenset({"0", "false", "no", "off"})
_PACKAGE = Path(__file__).resolve().parent.parent
SOCKET_PATH_MAX = 100
"""A Unix socket's path must fit in ``sun_path`` (108 bytes on Linux)."""


def disabled_reason(env: Mapping[str, str]) -> str | None:
    """Why builds may not use or start the daemon here, or None when they may."""
    chosen = env.get(DAEMON_ENV, "").strip().lower()
    if chosen in _FALSE:
        return f"{DAEMON_ENV}={env[DAEMON_ENV]}"
    if chosen:
        return None
    ci = env.get("CI", "").strip().lower()
    if ci and ci not in _FALSE:
        return f"CI={env['CI']}"
    return None


def daemon_dir(env: Mapping[str, str]) -> Path:
    """``$CASEPUB_DAEMON_DIR``, else ``$XDG_RUNTIME_DIR/casepub``, else
    ``~/.cache/casepub/daemon``."""
    if env.get(DIR_ENV):
        return Path(env[DIR_ENV])
    if env.get("XDG_RUNTIME_DIR"):
        return Path(env["XDG_RUNTIME_DIR"]) / "casepub"
    return Path.home() / ".cache" / "casepub" / "daemon"


def private_dir(env: Mapping[str, str]) -> Path | None:
    """The daemon folder, made with mode 0700 if missing (and set to 0700 if it is ours but
    open to others); None when it cannot be made or belongs to another user."""
    folder = daemon_dir(env)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
        if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode):
            return None
        if stat.S_IMODE(info.st_mode) != 0o700:
            folder.chmod(0o700)
    except OSError:
        return None
    return folder


def _files_state(root: Path, lines: list[str]) -> None:
    """``path mtime size`` of every file under ``root`` (not hidden, not ``__pycache__``)."""
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        try:
            if entry.is_dir():
                _files_state(Path(entry.path), lines)
            else:
                info = entry.stat()
                lines.append(f"{entry.path}\0{info.st_mtime_ns}\0{info.st_size}")
        except OSError:
            lines.append(f"{entry.path}\0gone")


def code_state() -> str:
    """A fingerprint of casepub's code and templates from the files' times and sizes."""
    lines: list[str] = []
    _files_state(_PACKAGE, lines)
    beside = _PACKAGE.parent / "templates"  # a checkout: the templates beside the package
    if not (_PACKAGE / "templates").is_dir() and beside.is_dir():
        _files_state(beside, lines)
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def packages_state() -> str:
    """The modification times of the site-packages folders: installing, upgrading or
    removing a package changes them."""
    folders = [*site.getsitepackages(), site.getusersitepackages()]
    times = []
    for folder in folders:
        try:
            times.append(f"{folder}\0{os.stat(folder).st_mtime_ns}")
        except OSError:
            continue
    return "\n".join(times)


@dataclass(frozen=True)
class Identity:
    """What a daemon was started from. ``key`` names its socket (one daemon per user,
    interpreter, casepub package folder and build environment); ``code`` must also match
    for it to serve."""

    key: str
    code: str
    fields: dict[str, str]

    def to_json(self) -> dict[str, object]:
        """The identity as a request carries it."""
        return {"key": self.key, "code": self.code}


def build_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The variables of ``env`` that can change a build (``CASEPUB_*`` but the daemon's own,
    and :data:`BUILD_ENV`)."""
    return {
        name: value
        for name, value in sorted(env.items())
        if (name.startswith("CASEPUB_") and not name.startswith(DAEMON_ENV)) or name in BUILD_ENV
    }


def current_identity(env: Mapping[str, str]) -> Identity:
    """The identity a daemon serving this process would have to have."""
    where = {
        "uid": str(os.getuid()),
        "python": sys.executable,
        "prefix": sys.prefix,
        "package": str(_PACKAGE),  # two checkouts run by one interpreter: two daemons
        "environment": json.dumps(build_environment(env), sort_keys=True),
    }
    what = {
        "python_version": sys.version,
        "casepub": __version__,
        "code": code_state(),
        "packages": packages_state(),
    }
    key = hashlib.sha256(json.dumps(where, sort_keys=True).encode()).hexdigest()[:16]
    code = hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:16]
    return Identity(key, code, {**where, **what})


@dataclass(frozen=True)
class Place:
    """The files of one daemon in the daemon folder."""

    socket: Path
    lock: Path
    log: Path

    @classmethod
    def of(cls, folder: Path, key: str) -> Place:
        """The files of the daemon ``key`` in ``folder``."""
        return cls(folder / f"{key}.sock", folder / f"{key}.lock", folder / f"{key}.log")

    @property
    def usable(self) -> bool:
        """Whether the socket's path fits a Unix socket address."""
        return len(os.fsencode(self.socket)) <= SOCKET_PATH_MAX


def idle_seconds(env: Mapping[str, str]) -> float:
    """``$CASEPUB_DAEMON_IDLE`` seconds, else :data:`DEFAULT_IDLE`."""
    try:
        value = float(env.get(IDLE_ENV, DEFAULT_IDLE))
    except ValueError:
        return DEFAULT_IDLE
    return value if value > 0 else DEFAULT_IDLE
