"""Run the pandoc that pypandoc-binary ships; never a system pandoc, never the network."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypandoc

from casepub.diagnostics import CasepubError
from casepub.resources import templates_dir


@cache
def pandoc_executable() -> str:
    """Path of the bundled pandoc binary."""
    return str(pypandoc.get_pandoc_path())


@cache
def pandoc_version() -> str:
    """``3.9`` etc., for golden files and diagnostics."""
    return str(pypandoc.get_pandoc_version())


@dataclass(frozen=True)
class Citeproc:
    """What citeproc needs: the bibliography file and the CSL style."""

    bibliography: Path
    csl: Path


def pandoc_dir() -> Path:
    """Filters and per-format templates shared by every output."""
    return templates_dir() / "base" / "pandoc"


def run_pandoc(
    markdown: str,
    to: str,
    *,
    workdir: Path,
    citeproc: Citeproc | None,
    extra: list[str] | None = None,
    output: Path | None = None,
) -> bytes:
    """Convert ``markdown`` to format ``to``; return stdout (or write ``output``)."""
    args = [
        pandoc_executable(),
        "--from",
        "markdown",
        "--to",
        to,
        "--lua-filter",
        str(pandoc_dir() / "casepub.lua"),
        "--resource-path",
        str(workdir),
        "--fail-if-warnings=false",
    ]
    if citeproc is not None:
        args += [
            "--citeproc",
            "--bibliography",
            str(citeproc.bibliography),
            "--csl",
            str(citeproc.csl),
        ]
    args += extra or []
    if output is not None:
        args += ["--output", str(output)]
    result = subprocess.run(
        args, input=markdown.encode("utf-8"), cwd=workdir, capture_output=True, check=False
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise CasepubError.at("", f"pandoc failed ({to}): {message}", "pandoc")
    return result.stdout
