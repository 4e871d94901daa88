"""Reading authors' files and writing outputs atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from casepub.diagnostics import CasepubError


def read_text(path: Path, display: str) -> str:
    """The file's text as UTF-8 (a BOM is allowed), or a diagnostic saying where it is not."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # the codec skips it
        start = exc.start + bom
        line = data.count(b"\n", 0, start) + 1
        line_start = max(data.rfind(b"\n", 0, start) + 1, bom)
        col = len(data[line_start:start].decode("utf-8", "replace")) + 1
        hint = "save the file as UTF-8"
        try:
            data.decode("cp1251")
            hint += "; it looks like Windows-1251"
        except UnicodeDecodeError:
            pass
        message = "the file is not valid UTF-8 text"
        raise CasepubError.at(
            display, message, "encoding", line=line, col=col, suggestion=hint
        ) from None


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file, so no half-written file remains."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
