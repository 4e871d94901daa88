"""The HTTP side: the page, the manuscript, an event stream and the settings form.

Only these routes exist; nothing is read from disk by path, so there is nothing to traverse.
Requests must name this server as their host (no DNS rebinding) and forms must come from it.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from casepub.serve.page import APP_JS, placeholder, render_page
from casepub.serve.preview import ALL_LANGS, Preview, Settings

HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 15.0
MAX_FORM_BYTES = 4096

PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; "
    "frame-src 'self'; img-src data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
MANUSCRIPT_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline' data:; font-src data:; "
    "media-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
)
"""The manuscript runs no scripts and loads nothing: its resources are embedded."""


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its preview."""

    daemon_threads = True

    def __init__(self, port: int, preview: Preview, case: str, journals: Sequence[str]) -> None:
        super().__init__((HOST, port), PreviewHandler)
        self.preview = preview
        self.case = case
        self.journals = list(journals)
        self.stopping = threading.Event()

    def handle_error(self, request: object, client_address: object) -> None:
        """One line, not a traceback: a closed tab or a reload is not an error."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            print(f"casepub: preview request failed: {error!r}", file=sys.stderr, flush=True)

    @property
    def port(self) -> int:
        """The port bound (useful with port 0)."""
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{HOST}:{self.port}/"


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the preview's own routes and nothing else."""

    server: PreviewServer
    server_version = "casepub"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows builds, not requests."""

    def _host_ok(self) -> bool:
        port = self.server.port
        if self.headers.get("Host") in {f"{HOST}:{port}", f"localhost:{port}"}:
            return True
        self._send(HTTPStatus.MISDIRECTED_REQUEST, b"unknown host\n", "text/plain")
        return False

    def _send(self, status: HTTPStatus, body: bytes, kind: str, policy: str = PAGE_POLICY) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self._common_headers(policy)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _common_headers(self, policy: str) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", policy)

    def do_GET(self) -> None:
        """The page, the manuscript, the script, the state and the event stream."""
        if not self._host_ok():
            return
        route = urlsplit(self.path).path
        preview = self.server.preview
        if route == "/":
            page = render_page(preview.state(), self.server.case, self.server.journals)
            self._send(HTTPStatus.OK, page.encode(), "text/html")
        elif route == "/manuscript":
            result = preview.state().result
            html = result.html if result and result.html is not None else None
            body = html or placeholder("No manuscript yet: see the errors above.").encode()
            self._send(HTTPStatus.OK, body, "text/html", MANUSCRIPT_POLICY)
        elif route == "/app.js":
            self._send(HTTPStatus.OK, APP_JS.encode(), "text/javascript")
        elif route == "/state":
            self._send(HTTPStatus.OK, self._state_json().encode(), "application/json")
        elif route == "/events" and self.command == "GET":
            self._events()
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        """Change the language or the journal, then rebuild."""
        if not self._host_ok():
            return
        origin = self.headers.get("Origin")
        if origin not in (None, "null", f"http://{self.headers.get('Host')}"):
            self._send(HTTPStatus.FORBIDDEN, b"cross-site form\n", "text/plain")
            return
        if urlsplit(self.path).path != "/settings":
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
            return
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit() or int(length) > MAX_FORM_BYTES:
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"bad form\n", "text/plain")
            return
        form = parse_qs(self.rfile.read(int(length)).decode("utf-8", "replace"))
        lang = form.get("lang", [""])[0]
        journal = form.get("journal", [""])[0]
        current = self.server.preview.state().settings
        self.server.preview.request(
            Settings(
                lang=next((m for m in ALL_LANGS if m == lang), current.lang),
                journal=journal if journal in self.server.journals else current.journal,
            )
        )
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", "/")
        self.send_header("Content-Length", "0")
        self._common_headers(PAGE_POLICY)
        self.end_headers()

    def _state_json(self) -> str:
        state = self.server.preview.state()
        ok = state.result.ok if state.result else None
        return json.dumps({"generation": state.generation, "building": state.building, "ok": ok})

    def _events(self) -> None:
        """Server-Sent Events: the state whenever it changes, a comment now and then."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self._common_headers(PAGE_POLICY)
        self.end_headers()
        version = -1
        try:
            while not self.server.stopping.is_set():
                seen = self.server.preview.wait(version, KEEPALIVE_SECONDS)
                if seen == version:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    version = seen
                    self.wfile.write(f"data: {self._state_json()}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
