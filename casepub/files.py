"""Reading authors' files and writing outputs atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from casepub.diagnostics import CasepubError
from casepub.limits import MAX_TEXT_BYTES, limit_text, size_text


def _too_large(display: str, size: int | None, limit: int, what: str) -> CasepubError:
    found = f"{size_text(size)}" if size is not None else f"over {limit_text(limit)}"
    return CasepubError.at(
        display,
        f"the file is too large ({found}); casepub reads {what} of up to {limit_text(limit)}",
        "too-large",
        suggestion="is it the right file? the limits are listed in docs/limits.md",
    )


def _unreadable(display: str, exc: OSError) -> CasepubError:
    reason = (exc.strerror or str(exc)).lower()
    hint = "name a file, not a folder" if isinstance(exc, IsADirectoryError) else None
    if isinstance(exc, PermissionError):
        hint = "let your user read it (chmod u+r)"
    return CasepubError.at(
        display, f"cannot read the file: {reason}", "file-missing", suggestion=hint
    )


def read_bytes(path: Path, display: str, limit: int, what: str = "files") -> bytes:
    """The file's bytes, or a diagnostic if it cannot be read or is over ``limit`` bytes (the
    size is checked before reading, and no more than ``limit + 1`` bytes are ever read)."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise _too_large(display, size, limit, what)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise _unreadable(display, exc) from None
    if len(data) > limit:  # grew meanwhile, or a device that reports no size
        raise _too_large(display, None, limit, what)
    return data


_UTF16_BOMS = {b"\xff\xfe": "UTF-16 (little-endian)", b"\xfe\xff": "UTF-16 (big-endian)"}


_KINDS = {".md": "section files", ".markdown": "section files", ".txt": "text files"}


def read_text(path: Path, display: str, limit: int = MAX_TEXT_BYTES, what: str = "") -> str:
    """The file's text as UTF-8 (a BOM is allowed), or a diagnostic saying where it is not:
    not UTF-8 (UTF-16 and Windows-1251 are named), a NUL byte, too large or unreadable."""
    data = read_bytes(path, display, limit, what or _KINDS.get(path.suffix.lower(), "files"))
    for signature, name in _UTF16_BOMS.items():
        if data.startswith(signature):
            raise CasepubError.at(
                display,
                f"the file is {name} text, not UTF-8",
                "encoding",
                line=1,
                col=1,
                suggestion="save the file as UTF-8 (in the editor's Save As… dialog)",
            )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # the codec skips it
        start = exc.start + bom
        line, col = _position(data, start, bom)
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
    nul = text.find("\x00")
    if nul >= 0:
        before = text[:nul]
        line = before.count("\n") + 1
        col = nul - (before.rfind("\n") + 1) + 1
        utf16 = data.count(b"\x00") * 4 >= len(data)
        raise CasepubError.at(
            display,
            "the file contains a NUL byte: it is not plain text",
            "encoding",
            line=line,
            col=col,
            suggestion="save the file as UTF-8" if utf16 else "remove it, or save as plain text",
        )
    return text


def _position(data: bytes, start: int, bom: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, start) + 1
    line_start = max(data.rfind(b"\n", 0, start) + 1, bom)
    return line, len(data[line_start:start].decode("utf-8", "replace")) + 1


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


MAX_NAME_BYTES = 255
"""The longest file or folder name the file systems casepub runs on accept."""


def path_problem(relative: str) -> str | None:
    """Why ``relative`` (a path written in a case file) cannot name a file, or None."""
    if "\x00" in relative:
        return "a path cannot contain a NUL character"
    longest = max((len(part.encode("utf-8")) for part in relative.split("/")), default=0)
    if longest > MAX_NAME_BYTES:
        return f"a name in this path is {longest} bytes long; at most {MAX_NAME_BYTES} fit"
    return None


def not_a_file(path: Path, relative: str, noun: str = "file") -> str | None:
    """Why ``path`` (written as ``relative``) is not a file casepub can read, or None."""
    try:
        if path.is_file():
            return None
        if path.is_dir():
            return f"`{relative}` is a folder, not a {noun}"
    except OSError as exc:
        return f"{noun} `{relative}` cannot be reached: {exc.strerror}"
    return f"{noun} `{relative}` does not exist"


def folder_state(folders: tuple[Path, ...]) -> tuple[tuple[str, int, int], ...]:
    """Path, modification time and size of every file under ``folders``: what a cache of
    something read from them is keyed by, so that a process that lives on (``casepub
    serve``, the build daemon) sees an edit, a new file or a removed one."""
    found: list[tuple[str, int, int]] = []
    for folder in folders:
        for parent, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                try:
                    info = os.stat(os.path.join(parent, name))
                except OSError:
                    continue
                found.append((os.path.join(parent, name), info.st_mtime_ns, info.st_size))
    return tuple(found)
