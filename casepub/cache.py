"""Incremental builds: what each stage made, kept under ``<out>/.cache`` by the hash of its
inputs, so a rebuild redoes only what its inputs changed and a rebuild with nothing changed
converts nothing at all.

- :func:`fingerprint` hashes everything a build reads: the case folder, casepub's code and
  templates, and the build options.
- :class:`StageCache` keeps content-addressed entries (a few named files each) per stage —
  charts, reference lists. An entry is written to a temporary folder and renamed into place,
  so an interrupted build never leaves a half-written entry; a damaged one is a miss.
- :class:`Ledger` records, per case and output format, the fingerprint it was built from and
  the hash of every file written. :func:`up_to_date` answers an unchanged build from it
  before anything heavy is imported.

This module imports only the standard library, so that answer takes milliseconds.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CACHE_DIR = ".cache"
_PACKAGE = Path(__file__).resolve().parent


def digest(*parts: bytes | str) -> str:
    """SHA-256 of ``parts``, each length-prefixed so that no two sequences collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _skipped(path: Path) -> bool:
    return path.name.startswith(".") or path.name == "__pycache__"


def tree_hash(root: Path, skip: Sequence[Path] = ()) -> str:
    """Hash of every file under ``root`` (names and bytes), leaving out hidden files,
    ``__pycache__`` and the folders in ``skip``."""
    parts: list[bytes | str] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs if not _skipped(here / d) and (here / d).resolve() not in skip
        )
        for name in sorted(files):
            path = here / name
            if not _skipped(path) and path.is_file():
                parts += [str(path.relative_to(root)), path.read_bytes()]
    return digest(*parts)


@cache
def code_fingerprint() -> str:
    """casepub's own code and templates: a new version of either rebuilds everything."""
    templates = next(
        (t for t in (_PACKAGE / "templates", _PACKAGE.parent / "templates") if t.is_dir()), None
    )
    trees = [tree_hash(_PACKAGE, skip=[(_PACKAGE / "templates").resolve()])]
    if templates is not None:
        trees.append(tree_hash(templates))
    return digest(*trees)


def fingerprint(case_folder: Path, out: Path, options: Mapping[str, object]) -> str:
    """Everything one build reads: the case folder (but not ``out`` inside it), casepub,
    and the options — a journal profile folder or a .csl file named there included."""
    parts: list[bytes | str] = [code_fingerprint(), json.dumps(options, sort_keys=True)]
    parts.append(tree_hash(case_folder, skip=[out.resolve()]))
    for value in options.values():
        if isinstance(value, str) and value and ("/" in value or value.endswith(".csl")):
            path = Path(value)
            if path.is_dir():
                parts.append(tree_hash(path))
            elif path.is_file():
                parts.append(path.read_bytes())
    return digest(*parts)


class StageCache:
    """Entries of named files, per stage and key, under ``<out>/.cache/<stage>/``."""

    def __init__(self, out: Path) -> None:
        self.root = out / CACHE_DIR

    def _entry(self, stage: str, key: str) -> Path:
        return self.root / stage / key[:2] / key

    def files(self, stage: str, key: str) -> dict[str, bytes] | None:
        """The files stored under ``key``, or None when there is no complete entry."""
        entry = self._entry(stage, key)
        try:
            index = json.loads((entry / "index.json").read_text(encoding="utf-8"))
            found = {name: (entry / name).read_bytes() for name in index}
        except (OSError, ValueError):
            return None
        intact = all(hashlib.sha256(found[n]).hexdigest() == h for n, h in index.items())
        return found if intact else None

    def store(self, stage: str, key: str, files: Mapping[str, bytes]) -> None:
        """Keep ``files`` under ``key``: written aside, then renamed into place at once."""
        entry = self._entry(stage, key)
        entry.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{key[:8]}.", dir=entry.parent))
        try:
            for name, data in files.items():
                (scratch / name).write_bytes(data)
            index = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
            (scratch / "index.json").write_text(json.dumps(index), encoding="utf-8")
            if entry.exists():
                shutil.rmtree(entry, ignore_errors=True)  # a damaged entry being replaced
            os.replace(scratch, entry)
        except OSError:
            pass  # another build stored the same entry first: same content
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


_ACTIVE: ContextVar[StageCache | None] = ContextVar("casepub_stage_cache", default=None)


@contextmanager
def caching(cache: StageCache) -> Iterator[None]:
    """Make ``cache`` the one stages deep in the pipeline (the reference lists) use while a
    build runs, without passing it through every call on the way."""
    token = _ACTIVE.set(cache)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active_cache() -> StageCache | None:
    """The stage cache of the build under way, or None outside a build."""
    return _ACTIVE.get()


class Ledger:
    """Per output of one case: the fingerprint it was built from and its files' hashes."""

    def __init__(self, out: Path, case_id: str) -> None:
        self.path = out / CACHE_DIR / "ledger" / f"{case_id}.json"
        try:
            self.entries: dict[str, dict[str, object]] = json.loads(
                self.path.read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            self.entries = {}

    def fresh(self, output: str, inputs: str) -> list[Path] | None:
        """The files of ``output`` if it was built from ``inputs`` and none was changed or
        removed since; else None."""
        entry = self.entries.get(output)
        if not entry or entry.get("inputs") != inputs:
            return None
        files = entry.get("files")
        if not isinstance(files, list):
            return None
        try:
            if all(file_hash(Path(name)) == digest_ for name, digest_ in files):
                return [Path(name) for name, _ in files]
        except (OSError, ValueError, TypeError):
            return None
        return None

    def record(self, output: str, inputs: str, files: Iterable[Path], warnings: int = 0) -> None:
        """Note that ``output`` was built from ``inputs`` as ``files`` (and how many warnings
        the case had, for the summary of a later unchanged build)."""
        self.entries[output] = {
            "inputs": inputs,
            "files": [[str(p), file_hash(p)] for p in files],
            "warnings": warnings,
        }

    def save(self) -> None:
        """Write the ledger atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(prefix=".ledger.", dir=self.path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(self.entries, stream, indent=1)
        os.replace(scratch, self.path)


def build_variant(
    lang: str | None,
    journal: str | None,
    csl: str | None,
    translit: str | None,
    official_titles: bool | None,
) -> dict[str, object]:
    """The build options that change what a format's file contains (not which formats)."""
    return {
        "lang": lang,
        "journal": journal,
        "csl": csl,
        "translit": translit,
        "official_titles": official_titles,
    }


@dataclass(frozen=True)
class Unchanged:
    """An earlier build that still stands: its files and the warnings its case had."""

    paths: list[Path]
    warnings: int


@contextmanager
def case_lock(out: Path, case_id: str) -> Iterator[None]:
    """Hold the build of ``case_id`` into ``out`` for this process: a second build of the
    same case waits rather than writing the same files at the same time. The lock is the
    operating system's (``flock``), so a killed build releases it. Its file lives in the
    system's temporary folder, keyed by ``out`` and ``case_id``, so that a build that fails
    before writing leaves nothing in ``out``."""
    folder = Path(tempfile.gettempdir()) / f"casepub-locks-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{digest(str(out.resolve()), case_id)[:32]}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def case_folder(target: Path) -> Path:
    """The case folder of ``target`` (a folder or its case.yaml)."""
    return (target if target.is_dir() else target.parent).resolve()


def up_to_date(
    target: Path, out: Path, variant: Mapping[str, object], formats: Sequence[str]
) -> Unchanged | None:
    """The files of an earlier build of ``target`` with the same inputs and options, if all
    of them are still as written; None when anything must be built."""
    folder = case_folder(target)
    if not (folder / "case.yaml").is_file():
        return None
    ledger = Ledger(out.resolve(), folder.name)
    inputs = fingerprint(folder, out, variant)
    key = digest(json.dumps(variant, sort_keys=True))
    written: list[Path] = []
    for output in ["common", *formats]:
        files = ledger.fresh(f"{key}:{output}", inputs)
        if files is None:
            return None
        written += files
    warnings = ledger.entries[f"{key}:common"].get("warnings", 0)
    return Unchanged(written, warnings if isinstance(warnings, int) else 0)
