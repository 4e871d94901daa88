"""``casepub serve``: a live preview of one case in the browser, rebuilt on every save.

A builder thread renders the case as HTML (the real build) with the check's findings; a
watcher thread asks for a rebuild after each burst of saves; the HTTP server (127.0.0.1 only)
shows the latest result, and the open page reloads itself when a build finishes.
"""

from __future__ import annotations

import errno
import signal
import sys
import threading
from pathlib import Path

from casepub.diagnostics import CasepubError
from casepub.load.loader import case_file
from casepub.profiles import load_profile, profile_ids
from casepub.render import LangMode
from casepub.serve.preview import Preview, Settings
from casepub.serve.server import PreviewServer
from casepub.serve.watch import watch_folder

SERVE_OUT = Path("build/.serve")
"""Where the preview's builds go (not watched)."""

__all__ = ["SERVE_OUT", "serve"]


def serve(
    target: Path,
    *,
    port: int = 8000,
    lang: LangMode | None = None,
    journal: str | None = None,
    out: Path = SERVE_OUT,
) -> int:
    """Serve the live preview of ``target`` until Ctrl+C; return the exit code."""
    if not 0 <= port <= 65535:
        raise CasepubError.at("", f"port {port} is not a port number (0-65535)", "serve-port")
    yaml_file = case_file(target)
    if not yaml_file.is_file():
        raise CasepubError.at(str(yaml_file), "no such case file", "file-missing")
    journals = profile_ids()
    if journal is not None:
        load_profile(journal)  # an unknown profile fails now, not in the page
        journals += [] if journal in journals else [journal]
    preview = Preview(target, out, Settings(lang=lang, journal=journal))
    try:
        server = PreviewServer(port, preview, str(target), journals)
    except OSError as exc:
        reason = "is in use; try --port 0" if exc.errno == errno.EADDRINUSE else str(exc)
        raise CasepubError.at("", f"port {port} {reason}", "serve-port") from None
    stop = threading.Event()
    threads = [
        threading.Thread(target=preview.run, args=(stop,), name="build", daemon=True),
        threading.Thread(
            target=watch_folder,
            args=(yaml_file.resolve().parent, out, preview.request, stop),
            name="watch",
            daemon=True,
        ),
    ]
    for thread in threads:
        thread.start()
    preview.request()
    print(
        f"casepub: serving {target} at {server.url} (Ctrl+C to stop)", file=sys.stderr, flush=True
    )
    _stop_on_signals()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.stopping.set()
        server.server_close()
        threads[1].join(timeout=2)
    print("casepub: stopped", file=sys.stderr, flush=True)
    return 0


def _stop_on_signals() -> None:
    """Ctrl+C (SIGINT) and SIGTERM stop the server cleanly — SIGINT even when the process
    that started it ignores that signal (nohup, test runners), which Python would inherit."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupt)
