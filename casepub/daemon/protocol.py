"""The daemon's wire format: frames of a kind byte, a 4-byte length and a payload.

Client → daemon: ``REQUEST`` (JSON), then possibly ``CANCEL``. Daemon → client: ``ACCEPTED``,
then ``STDOUT``/``STDERR`` chunks in the order they were written, then ``EXIT`` (JSON
``{"code": n}``); or one ``REFUSED`` (JSON ``{"reason": …}``) instead of all of that.
"""

from __future__ import annotations

import json
import socket
import struct

REQUEST, CANCEL = b"q", b"c"
ACCEPTED, STDOUT, STDERR, EXIT, REFUSED, STATUS = b"a", b"o", b"e", b"x", b"r", b"s"
_HEADER = struct.Struct(">cI")
MAX_FRAME = 64 * 1024 * 1024


class ConnectionLost(Exception):
    """The other side closed the connection before a whole frame arrived."""


def send(conn: socket.socket, kind: bytes, payload: bytes = b"") -> None:
    """Send one frame."""
    conn.sendall(_HEADER.pack(kind, len(payload)) + payload)


def send_json(conn: socket.socket, kind: bytes, data: object) -> None:
    """Send one frame whose payload is ``data`` as JSON."""
    send(conn, kind, json.dumps(data).encode("utf-8"))


def _exactly(conn: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = conn.recv(min(size, 1 << 16))
        if not chunk:
            raise ConnectionLost
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def receive(conn: socket.socket) -> tuple[bytes, bytes]:
    """The next frame's kind and payload."""
    kind, size = _HEADER.unpack(_exactly(conn, _HEADER.size))
    if size > MAX_FRAME:
        raise ConnectionLost
    return kind, _exactly(conn, size)


def payload_json(payload: bytes) -> dict[str, object]:
    """A JSON object payload (an empty one when it is not an object)."""
    data = json.loads(payload.decode("utf-8"))
    return data if isinstance(data, dict) else {}
