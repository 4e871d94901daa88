"""Proof findings kept in the build's stage cache (``<out>/.cache/proof``) by the hash of the
file they were found in and of casepub's code: an output that did not change is not proofed
again, and an unchanged build still tells its findings. Standard library only."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from casepub.cache import StageCache, code_fingerprint, digest, file_hash
from casepub.diagnostics import Diagnostic, Severity

PROOFED = frozenset({".pdf", ".docx", ".html", ".xml"})
"""The outputs the proof reads (LaTeX and typst sources are markup by design)."""
STAGE = "proof"


def shown(path: Path) -> str:
    """``path`` as findings name it: relative to the working directory when below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _key(path: Path) -> str:
    return digest(STAGE, file_hash(path), code_fingerprint())


def recall(cache: StageCache, path: Path) -> list[Diagnostic] | None:
    """The findings stored for ``path`` as it is now, or None if it was never proofed."""
    try:
        files = cache.files(STAGE, _key(path))
    except OSError:
        return None
    if files is None:
        return None
    items = json.loads(files["findings.json"])
    return [
        Diagnostic(**{**item, "file": shown(path), "severity": Severity(item["severity"])})
        for item in items
    ]


def keep(cache: StageCache, path: Path, findings: Iterable[Diagnostic]) -> None:
    """Store the findings of ``path`` (``file`` is filled in again when recalled)."""
    items = [{**d.as_dict(), "file": ""} for d in findings]
    data = json.dumps(items, ensure_ascii=False).encode("utf-8")
    cache.store(STAGE, _key(path), {"findings.json": data})


def replay(out: Path, paths: Sequence[Path]) -> list[Diagnostic]:
    """The stored findings of every proofed file among ``paths`` (an unchanged build)."""
    cache = StageCache(out.resolve())
    found: list[Diagnostic] = []
    for path in paths:
        if path.suffix in PROOFED and path.is_file():
            found += recall(cache, path) or []
    return found
