"""Run the pandoc that pypandoc-binary ships; never a system pandoc, never the network.

pandoc runs with ``--sandbox``: its readers and writers read only the files named on the
command line (template, reference DOCX, bibliography, CSL). The images of the build folder and
the style sheet reach the writers through the media bag, filled by casepub's Lua filter after
checking that each path stays in the build folder. The Markdown is read without raw HTML and
raw TeX (``-raw_html-raw_tex``): such markup in the author's text prints as text and can
neither embed a file in the HTML nor reach LaTeX. casepub's templates use neither; they do use
raw typst blocks (``{=typst}``), which the checks refuse in the author's text.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from casepub.convert.failure import ConverterError, Failure
from casepub.resources import templates_dir

READER = "markdown-raw_html-raw_tex"
"""pandoc Markdown without raw HTML and raw TeX (see the module docstring)."""


@cache
def pandoc_executable() -> str:
    """Path of the bundled pandoc binary (found without importing pypandoc, whose import
    brings the standard library's HTTP client: a tenth of a build's start-up)."""
    spec = find_spec("pypandoc")
    if spec is not None and spec.origin is not None:
        bundled = (
            Path(spec.origin).parent
            / "files"
            / f"pandoc{'.exe' if sys.platform == 'win32' else ''}"
        )
        if bundled.is_file():
            return str(bundled)
    import pypandoc

    return str(pypandoc.get_pandoc_path())


@cache
def pandoc_version() -> str:
    """``3.9`` etc., for golden files and diagnostics."""
    import pypandoc

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
    reader: str = READER,
) -> bytes:
    """Convert ``markdown`` (or another ``reader``'s input: ``json``, a pandoc document) to
    format ``to``; return stdout (or write ``output``)."""
    args = [
        pandoc_executable(),
        "--sandbox",
        "--from",
        reader,
        "--to",
        to,
        "--lua-filter",
        str(pandoc_dir() / "casepub.lua"),
        "--resource-path",
        str(workdir),
        "--fail-if-warnings=false",
    ]
    if citeproc is not None:
        args += _citeproc_args(citeproc)
    args += extra or []
    if output is not None:
        args += ["--output", str(output)]
    result = subprocess.run(
        args, input=markdown.encode("utf-8"), cwd=workdir, capture_output=True, check=False
    )
    message = result.stderr.decode("utf-8", "replace").strip()
    if result.returncode != 0 or _UNREADABLE.search(message):
        raise ConverterError(pandoc_failure(message, to))
    return result.stdout


def parse_markdown(markdown: str, workdir: Path) -> str | None:
    """The pandoc document (JSON) of ``markdown``, read once for several formats, which then
    do not read the Markdown again; None when pandoc cannot read it (each format then reports
    why, at its line)."""
    return _to_json(markdown, READER, [], workdir)


def resolve_citations(document: str, workdir: Path, citeproc: Citeproc) -> str | None:
    """``document`` (pandoc JSON) with its citations resolved by citeproc, once for the
    formats whose writers print what citeproc made (pandoc's typst writer writes typst's own
    citations unless citeproc runs in the same process); None when that fails (each format
    then runs citeproc itself and reports why)."""
    return _to_json(document, "json", _citeproc_args(citeproc), workdir)


def _to_json(source: str, reader: str, options: list[str], workdir: Path) -> str | None:
    """pandoc's JSON document of ``source``, or None when pandoc fails."""
    result = subprocess.run(
        [pandoc_executable(), "--sandbox", "--from", reader, "--to", "json", *options],
        input=source.encode("utf-8"),
        cwd=workdir,
        capture_output=True,
        check=False,
    )
    return result.stdout.decode("utf-8") if result.returncode == 0 else None


def _citeproc_args(citeproc: Citeproc) -> list[str]:
    return ["--citeproc", "--bibliography", str(citeproc.bibliography), "--csl", str(citeproc.csl)]


_UNREADABLE = re.compile(r"^\[WARNING\] Could not fetch resource (.+?)(?::.*)?$", re.M)
_YAML = re.compile(r"Error parsing YAML metadata at .*?\(line (\d+), column (\d+)\)")
_TEMPLATE = re.compile(r'Error compiling template "?(.+?)"? \(line (\d+), column (\d+)\)')
_FILTER = re.compile(r"Error running filter [^\n]*:\n(?:[^\n]*?:\d+: )?(?:casepub: )?([^\n]*)")
_QUOTED = re.compile(r"`([^`]+)`")


def pandoc_failure(message: str, to: str) -> Failure:
    """What pandoc's stderr ``message`` says, and where it points."""
    lines = [line for line in message.splitlines() if line.strip()]
    first = next((line for line in lines if not line.startswith("[WARNING]")), "")
    summary = f"{first or (lines[0] if lines else 'no message')} (writing {to})"
    if match := _YAML.search(message):
        detail = " ".join(lines[1:3])
        return Failure(
            "pandoc",
            message,
            f"a metadata block (--- … ---) in the text is not valid YAML: {detail}",
            "markdown",
            int(match.group(1)),
            int(match.group(2)),
        )
    if match := _TEMPLATE.search(message):
        detail = " ".join(lines[1:2])
        return Failure(
            "pandoc",
            message,
            f"the pandoc template is broken: {detail}",
            "template",
            int(match.group(2)),
            int(match.group(3)),
            Path(match.group(1)),
        )
    if match := _FILTER.search(message):
        quoted = _QUOTED.search(match.group(1))
        snippet = quoted.group(1) if quoted else None
        return Failure("pandoc", message, match.group(1), "none", snippet=snippet)
    if match := _UNREADABLE.search(message):
        name = match.group(1).strip()
        return Failure(
            "pandoc",
            message,
            f"`{name}` could not be read: pandoc may read only the build folder's images and "
            "the files casepub names",
            "none",
            snippet=name,
        )
    return Failure("pandoc", message, summary, "none")
