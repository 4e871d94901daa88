"""The daemon process: builds one request at a time, through the command line's own code.

Started detached by a client (``casepub build`` after an in-process build, or ``casepub
daemon start``) with the client's interpreter and environment. It

1. computes its identity before importing the pipeline, so it never claims code it did not
   load, and takes its lock (one daemon per identity key; a second one exits at once);
2. imports the pipeline, then listens on its socket (mode 0600 in a 0700 folder) and serves
   only its own user (``SO_PEERCRED``);
3. for a build: refuses a client of another identity (and exits, so that a fresh daemon takes
   its place), changes to the client's folder, runs ``casepub.cli`` with the client's
   arguments, streams stdout and stderr back and ends with the exit code. A client that
   goes away (Ctrl+C) interrupts the build as Ctrl+C would; outputs are written atomically;
4. exits after ``$CASEPUB_DAEMON_IDLE`` seconds without a request (default 30 minutes), when
   casepub's code, templates or installed packages change on disk, on ``casepub daemon
   stop`` or SIGTERM — removing its socket.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import select
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from casepub.daemon import protocol
from casepub.daemon.identity import (
    Identity,
    Place,
    current_identity,
    idle_seconds,
    private_dir,
)

CHECK_SECONDS = 30.0
"""How often an idle daemon checks its identity against the files on disk."""
LOCK_SECONDS = 3.0
"""How long a new daemon waits for the one it replaces to let go of the lock."""


def _log(message: str) -> None:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    print(f"{stamp} casepub daemon {os.getpid()}: {message}", file=sys.__stderr__, flush=True)


class _Channel(io.RawIOBase):
    """One output stream of the client: every write becomes a frame on the connection."""

    def __init__(self, conn: socket.socket, kind: bytes, tty: bool, lost: threading.Event):
        super().__init__()
        self.conn, self.kind, self.tty, self.lost = conn, kind, tty, lost

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.tty

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if chunk and not self.lost.is_set():
            try:
                protocol.send(self.conn, self.kind, chunk)
            except OSError:
                self.lost.set()  # the client is gone: the rest is dropped
        return len(chunk)


def _stream(
    conn: socket.socket, kind: bytes, tty: bool, encoding: object, lost: threading.Event
) -> io.TextIOWrapper:
    name, errors = encoding if isinstance(encoding, list) and len(encoding) == 2 else (None, None)
    return io.TextIOWrapper(
        _Channel(conn, kind, tty, lost),  # type: ignore[arg-type]
        encoding=name if isinstance(name, str) else "utf-8",
        errors=errors if isinstance(errors, str) else "strict",
        write_through=True,
    )


class _CancelWatch(threading.Thread):
    """Interrupts the build (SIGINT to the main thread, as Ctrl+C would) when the client
    cancels or goes away."""

    def __init__(self, conn: socket.socket, lost: threading.Event) -> None:
        super().__init__(name="cancel-watch", daemon=True)
        self.conn, self.lost = conn, lost
        self.done = threading.Event()
        self.guard = threading.Lock()
        self.main = threading.main_thread().ident or 0

    def run(self) -> None:
        while not self.done.is_set():
            if not select.select([self.conn], [], [], 0.1)[0]:
                continue
            try:
                data = self.conn.recv(64)
            except OSError:
                data = b""
            if not data:
                self.lost.set()
            with self.guard:
                if not self.done.is_set():
                    _log("the client cancelled: interrupting the build")
                    signal.pthread_kill(self.main, signal.SIGINT)
            return

    def stop(self) -> None:
        with self.guard:
            self.done.set()
        self.join()


@contextmanager
def _as_client(request: dict[str, object], conn: socket.socket) -> Iterator[threading.Event]:
    """The client's folder, terminal (size, type, colours), umask and output streams, for
    one build."""
    lost = threading.Event()
    ttys = request.get("isatty")
    ttys = ttys if isinstance(ttys, list) and len(ttys) == 2 else [False, False]
    encodings = request.get("encoding")
    encodings = encodings if isinstance(encodings, list) and len(encodings) == 2 else [0, 0]
    terminal = request.get("terminal")
    terminal = terminal if isinstance(terminal, dict) else {}
    saved_env = {name: os.environ.get(name) for name in terminal}
    saved_streams = sys.stdout, sys.stderr
    home = os.getcwd()
    os.chdir(str(request["cwd"]))
    umask = request.get("umask")
    saved_umask = os.umask(umask if isinstance(umask, int) else 0o022)
    _set_env(terminal)
    sys.stdout = _stream(conn, protocol.STDOUT, bool(ttys[0]), encodings[0], lost)
    sys.stderr = _stream(conn, protocol.STDERR, bool(ttys[1]), encodings[1], lost)
    try:
        yield lost
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        sys.stdout, sys.stderr = saved_streams
        _set_env(saved_env)
        os.umask(saved_umask)
        os.chdir(home)


def _set_env(values: Mapping[str, object]) -> None:
    """Set each variable to its value, or unset it for None."""
    for name, value in values.items():
        if isinstance(value, str):
            os.environ[name] = value
        else:
            os.environ.pop(name, None)


def _resident_mib() -> float | None:
    """This process's resident memory (Linux ``/proc``), or None."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    found = next(
        (line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")), None
    )
    return round(int(found) / 1024, 1) if found else None


def _peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end (Linux); where the system cannot tell,
    the folder's mode 0700 is the only guard and the peer is taken to be this user."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return os.getuid()
    creds = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[1])


class Daemon:
    """The serving loop of one daemon."""

    def __init__(self, identity: Identity, place: Place, idle: float) -> None:
        self.identity, self.place, self.idle = identity, place, idle
        self.started = time.time()
        self.last = time.monotonic()
        self.builds = 0
        self.stopping = ""

    def status(self) -> dict[str, object]:
        """What ``casepub daemon status`` shows."""
        from casepub import __version__

        return {
            "pid": os.getpid(),
            "socket": str(self.place.socket),
            "log": str(self.place.log),
            "started": self.started,
            "uptime": time.time() - self.started,
            "builds": self.builds,
            "key": self.identity.key,
            "code": self.identity.code,
            "casepub": __version__,
            "python": sys.executable,
            "idle_timeout": self.idle,
            "memory_mib": _resident_mib(),
        }

    def serve(self, listener: socket.socket) -> str:
        """Serve until idle, outdated or stopped; return why it stopped."""
        listener.settimeout(min(CHECK_SECONDS, self.idle))
        while not self.stopping:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                self._check_idle()
                continue
            except KeyboardInterrupt:  # a cancel that came as the build ended
                continue
            try:
                with conn:
                    self._handle(conn)
            except KeyboardInterrupt:
                continue
            except (OSError, protocol.ConnectionLost, ValueError) as exc:
                _log(f"request failed: {exc!r}")
            self.last = time.monotonic()
        return self.stopping

    def _check_idle(self) -> None:
        if time.monotonic() - self.last >= self.idle:
            self.stopping = f"idle for {self.idle:g} s"
        elif current_identity(os.environ).code != self.identity.code:
            self.stopping = "casepub's code, templates or packages changed"

    def _handle(self, conn: socket.socket) -> None:
        if _peer_uid(conn) != os.getuid():
            _log(f"refused a client of user {_peer_uid(conn)}")
            protocol.send_json(conn, protocol.REFUSED, {"reason": "user"})
            return
        conn.settimeout(5.0)
        kind, payload = protocol.receive(conn)
        request = protocol.payload_json(payload) if kind == protocol.REQUEST else {}
        command = request.get("command")
        if command == "status":
            protocol.send_json(conn, protocol.STATUS, self.status())
        elif command == "stop":
            self.stopping = "asked to stop"
            protocol.send_json(conn, protocol.STATUS, {**self.status(), "stopping": True})
        elif command == "build":
            self._build(conn, request)
        else:
            protocol.send_json(conn, protocol.REFUSED, {"reason": "request"})

    def _build(self, conn: socket.socket, request: dict[str, object]) -> None:
        outdated = current_identity(os.environ).code != self.identity.code  # ~2 ms
        if outdated or request.get("identity") != self.identity.to_json():
            self.stopping = "a client of another identity (code, templates or packages changed)"
            protocol.send_json(conn, protocol.REFUSED, {"reason": "identity"})
            return
        argv, cwd = request.get("argv"), request.get("cwd")
        if not isinstance(argv, list) or not isinstance(cwd, str) or not os.path.isdir(cwd):
            protocol.send_json(conn, protocol.REFUSED, {"reason": "request"})
            return
        protocol.send(conn, protocol.ACCEPTED)  # fails when the client gave up waiting
        conn.settimeout(None)
        started = time.perf_counter()
        code = self._run(conn, request, [str(a) for a in argv])
        self.builds += 1
        _log(f"build {self.builds} in {cwd}: exit {code}, {time.perf_counter() - started:.3f} s")
        with contextlib.suppress(OSError):
            protocol.send_json(conn, protocol.EXIT, {"code": code})

    def _run(self, conn: socket.socket, request: dict[str, object], argv: list[str]) -> int:
        from casepub.cli import run_in_daemon

        with _as_client(request, conn) as lost:
            watch = _CancelWatch(conn, lost)
            watch.start()
            try:
                with warnings.catch_warnings():  # each build warns afresh, as a new process
                    return run_in_daemon(argv)
            except KeyboardInterrupt:
                return 130
            except SystemExit as exc:
                return exc.code if isinstance(exc.code, int) else 1
            finally:
                watch.stop()


def _hold(lock: Path) -> IO[str] | None:
    """Take the daemon's lock, waiting a little for a daemon that is exiting; None when
    another daemon holds it."""
    handle = lock.open("a")
    deadline = time.monotonic() + LOCK_SECONDS
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() > deadline:
                handle.close()
                return None
            time.sleep(0.05)


def _listen(place: Place) -> socket.socket:
    place.socket.unlink(missing_ok=True)  # a killed daemon's; we hold the lock
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(os.fsencode(place.socket))
    finally:
        os.umask(old)
    listener.listen(8)
    return listener


def warm() -> None:
    """Build a new case (``casepub new``) once, out of sight, so that the first served build
    is as fast as the next: the pipeline imported, templates compiled, converters loaded."""
    from casepub.cli import run_in_daemon
    from casepub.scaffold import new_case

    with tempfile.TemporaryDirectory(prefix="casepub-daemon-warm-") as scratch:
        case = Path(scratch) / "warm-up"
        new_case(case)
        out = str(Path(scratch) / "out")
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            code = run_in_daemon(["build", str(case), "--format", "pdf", "--out", out])
    if code:
        _log(f"the warm-up build failed (exit {code}); serving anyway")


def _in_forked_child() -> None:
    """A process forked during a build (the chart worker) writes to the daemon's log, never
    into the client's connection, and does not answer SIGTERM as the daemon does."""
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main() -> int:
    """Run a daemon for this interpreter and environment until it has reason to stop."""
    identity = current_identity(os.environ)  # before the imports: the code about to load
    folder = private_dir(os.environ)
    if folder is None:
        return 1
    place = Place.of(folder, identity.key)
    lock = _hold(place.lock)
    if lock is None:
        _log("another daemon serves this identity; exiting")
        return 0
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate)
    os.register_at_fork(after_in_child=_in_forked_child)
    try:
        warm()
        listener = _listen(place)
        _log(f"serving {place.socket} (identity {identity.key}/{identity.code})")
        with listener:
            why = Daemon(identity, place, idle_seconds(os.environ)).serve(listener)
        _log(f"exiting: {why}")
    except SystemExit:
        _log("exiting: terminated")
    finally:
        place.socket.unlink(missing_ok=True)
        lock.close()
    return 0


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(0)
