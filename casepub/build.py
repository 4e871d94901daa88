"""Build a case: load → render Markdown → write every requested format, atomically."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from casepub.convert.pandoc import Citeproc
from casepub.files import write_atomic
from casepub.formats import Job, OutputFormat
from casepub.load import LoadedCase, load_case
from casepub.references.styles import DEFAULT_STYLE, style_path
from casepub.render import LangMode, build_manuscript, render_markdown

MEDIA_DIR = "media"


@dataclass(frozen=True)
class BuildOptions:
    """What to build: formats, language mode (None: the case's default) and where."""

    formats: Sequence[str] = ("pdf",)
    lang: LangMode | None = None
    out: Path = Path("build")
    csl: str | None = None


def default_mode(loaded: LoadedCase) -> LangMode:
    """A Russian case builds in the bilingual Russian-journal form; an English one in English."""
    return "bilingual" if loaded.case.language == "ru" else "en"


def build_case(target: Path, options: BuildOptions) -> list[Path]:
    """Build one case; return every file written (Markdown first)."""
    loaded = load_case(target)
    mode = options.lang or default_mode(loaded)
    workdir = options.out.resolve() / loaded.id
    manuscript = build_manuscript(loaded, mode, MEDIA_DIR)
    markdown = render_markdown(manuscript)
    written = [_copy_media(f.source, workdir / f.path) for f in manuscript.figures]
    stem = f"{loaded.id}.{mode}"
    written.append(write_atomic(workdir / f"{stem}.md", markdown))
    job = Job(
        markdown,
        workdir,
        stem,
        _citeproc(loaded, manuscript.lang, options.csl),
        timestamp=_timestamp(loaded),
    )
    for name in options.formats:
        written.extend(OutputFormat.registry[name]().write(job))
    return written


def _citeproc(loaded: LoadedCase, lang: str, csl: str | None) -> Citeproc | None:
    if loaded.bibliography is None:
        return None
    return Citeproc(loaded.bibliography.path, style_path(csl or DEFAULT_STYLE[lang]))


def _timestamp(loaded: LoadedCase) -> int:
    """A fixed PDF date from the case itself, so the same case gives the same PDF."""
    journal = loaded.case.journal
    year = journal.year if journal and journal.year else 2000
    return calendar.timegm((year, 1, 1, 0, 0, 0, 0, 0, 0))


def _copy_media(source: Path, target: Path) -> Path:
    return write_atomic(target, source.read_bytes())
