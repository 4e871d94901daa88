"""The client side: hand ``casepub build`` to the daemon, or say to build in-process.

The standard library only. Nothing here ever fails a build: a daemon that is absent, dead,
busy, of another identity or broken mid-build means "build in-process", and the caller then
starts a fresh daemon when none is running.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from casepub.daemon import protocol
from casepub.daemon.identity import (
    Identity,
    Place,
    current_identity,
    disabled_reason,
    private_dir,
)

WAIT_SECONDS = 0.5
"""How long a client waits for a busy daemon to take its build before building itself."""
START_SECONDS = 30.0
"""How long ``casepub daemon start`` waits for a new daemon to answer."""
LOG_LIMIT = 1 << 20
_PACKAGE_PARENT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Attempt:
    """What the daemon did with a build: its exit code, or None to build in-process (and
    then, with ``start``, start a daemon for the next build)."""

    code: int | None
    start: bool = False


def _where(env: Mapping[str, str]) -> tuple[Identity, Place] | None:
    folder = private_dir(env)
    if folder is None:
        return None
    identity = current_identity(env)
    place = Place.of(folder, identity.key)
    return (identity, place) if place.usable else None


def lock_free(lock: Path) -> bool:
    """Whether no daemon holds ``lock`` (each holds its own for as long as it lives)."""
    try:
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def connect(place: Place, timeout: float = WAIT_SECONDS) -> socket.socket | None:
    """A connection to the daemon of ``place``; None when there is none. A socket file
    nobody listens on (a daemon that was killed) is removed."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(timeout)
    try:
        conn.connect(os.fsencode(place.socket))
        return conn
    except ConnectionRefusedError:
        conn.close()
        if lock_free(place.lock):  # not a daemon still starting: a stale file
            place.socket.unlink(missing_ok=True)
        return None
    except OSError:
        conn.close()
        return None


def build(argv: Sequence[str], env: Mapping[str, str] = os.environ) -> Attempt:
    """Run ``casepub`` with ``argv`` in the daemon, streaming its output here."""
    if disabled_reason(env):
        return Attempt(None)
    found = _where(env)
    if found is None:
        return Attempt(None)
    identity, place = found
    conn = connect(place)
    if conn is None:
        return Attempt(None, start=True)
    with conn:
        try:
            return _served(conn, identity, argv)
        except (ValueError, protocol.ConnectionLost):  # a garbled answer: build here
            return Attempt(None, start=True)


TERMINAL_ENV = ("TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR")
"""Variables that change only how output looks on the terminal: sent with each request."""


def _request(identity: Identity, argv: Sequence[str]) -> dict[str, object]:
    size = shutil.get_terminal_size()
    streams = (sys.stdout, sys.stderr)
    mask = os.umask(0o022)
    os.umask(mask)
    terminal = {name: os.environ.get(name) for name in TERMINAL_ENV}
    return {
        "command": "build",
        "identity": identity.to_json(),
        "argv": list(argv),
        "cwd": os.getcwd(),
        "umask": mask,
        "isatty": [_isatty(s) for s in streams],
        "encoding": [[getattr(s, "encoding", None), getattr(s, "errors", None)] for s in streams],
        "terminal": {**terminal, "COLUMNS": str(size.columns), "LINES": str(size.lines)},
    }


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _served(conn: socket.socket, identity: Identity, argv: Sequence[str]) -> Attempt:
    try:
        protocol.send_json(conn, protocol.REQUEST, _request(identity, argv))
        kind, payload = protocol.receive(conn)  # within WAIT_SECONDS, or it is busy
    except (OSError, protocol.ConnectionLost):
        return Attempt(None)
    if kind != protocol.ACCEPTED:
        reason = protocol.payload_json(payload).get("reason") if kind == protocol.REFUSED else ""
        return Attempt(None, start=reason == "identity")
    conn.settimeout(None)
    try:
        return _stream(conn)
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):
            protocol.send(conn, protocol.CANCEL)
        raise


def _stream(conn: socket.socket) -> Attempt:
    """Print the daemon's output as it comes; its exit code at the end."""
    while True:
        try:
            kind, payload = protocol.receive(conn)
        except (OSError, protocol.ConnectionLost):
            return Attempt(None, start=True)  # it died mid-build: build here
        if kind == protocol.STDOUT:
            _write(sys.stdout, payload)
        elif kind == protocol.STDERR:
            _write(sys.stderr, payload)
        elif kind == protocol.EXIT:
            code = protocol.payload_json(payload).get("code")
            return Attempt(code if isinstance(code, int) else 1)


def _write(stream: TextIO, data: bytes) -> None:
    binary: BinaryIO | None = getattr(stream, "buffer", None)
    stream.flush()
    if binary is not None:
        binary.write(data)
        binary.flush()
    else:
        stream.write(data.decode(getattr(stream, "encoding", None) or "utf-8", "replace"))
        stream.flush()


def spawn(env: Mapping[str, str] = os.environ) -> Place | None:
    """Start a daemon for this interpreter and environment, detached (its own session, no
    terminal, output to its log file); return its place, or None when none can live here.
    A daemon that finds another one alive for the same place exits at once."""
    found = _where(env)
    if found is None:
        return None
    place = found[1]
    try:
        if place.log.exists() and place.log.stat().st_size > LOG_LIMIT:
            place.log.unlink()
        log = os.open(place.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        return None
    import subprocess  # only when starting one: a served build does not need it

    code = (
        f"import sys; sys.path.insert(0, {str(_PACKAGE_PARENT)!r}); "
        "from casepub.daemon.server import main; raise SystemExit(main())"
    )
    try:
        subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd=place.socket.parent,
            env=dict(env),
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        return None
    finally:
        os.close(log)
    return place


def start_after_build(env: Mapping[str, str] = os.environ) -> None:
    """After an in-process build: start a daemon for the next one (never raises)."""
    if disabled_reason(env) is None:
        spawn(env)


def ask(place: Place, command: str, timeout: float = 5.0) -> dict[str, object] | None:
    """Send ``command`` (status, stop) to the daemon of ``place``; its answer, or None."""
    conn = connect(place, timeout)
    if conn is None:
        return None
    with conn:
        try:
            protocol.send_json(conn, protocol.REQUEST, {"command": command})
            kind, payload = protocol.receive(conn)
        except (OSError, protocol.ConnectionLost):
            return None
    return protocol.payload_json(payload) if kind == protocol.STATUS else None


def places(env: Mapping[str, str] = os.environ) -> list[Place]:
    """Every daemon socket in this user's daemon folder."""
    folder = private_dir(env)
    if folder is None:
        return []
    return [Place.of(folder, p.stem) for p in sorted(folder.glob("*.sock"))]


def current_place(env: Mapping[str, str] = os.environ) -> tuple[Identity, Place] | None:
    """The identity and place of the daemon this environment would use."""
    return _where(env)


def wait_until_up(place: Place, seconds: float = START_SECONDS) -> dict[str, object] | None:
    """Poll the daemon of ``place`` until it answers (its status), or give up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = ask(place, "status")
        if status is not None:
            return status
        time.sleep(0.05)
    return None


def wait_until_gone(place: Place, seconds: float = 10.0) -> bool:
    """Wait for the daemon of ``place`` to exit (its lock released)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if lock_free(place.lock):
            return True
        time.sleep(0.05)
    return False
