"""Build a case: load → render Markdown → draw figures → write every requested format."""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from casepub.convert.pandoc import Citeproc
from casepub.files import write_atomic
from casepub.formats import Job, OutputFormat
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.references.lists import ReferenceOptions, csl_items
from casepub.references.styles import DEFAULT_STYLE, style_path
from casepub.references.translit import Translit
from casepub.render import LangMode, Manuscript, build_manuscript, render_markdown

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MEDIA_DIR = "media"


@dataclass(frozen=True)
class BuildOptions:
    """What to build: formats, language mode (None: the case's default) and where."""

    formats: Sequence[str] = ("pdf",)
    lang: LangMode | None = None
    out: Path = Path("build")
    csl: str | None = None
    translit: Translit = "bsi"
    official_titles: bool = False

    @property
    def references(self) -> ReferenceOptions:
        """How the reference lists are made."""
        return ReferenceOptions(
            style=self.csl, translit=self.translit, official_title=self.official_titles
        )


def default_mode(loaded: LoadedCase) -> LangMode:
    """A Russian case builds in the bilingual Russian-journal form; an English one in English."""
    return "bilingual" if loaded.case.language == "ru" else "en"


def build_case(target: Path, options: BuildOptions) -> list[Path]:
    """Build one case; return every file written (media and Markdown first)."""
    loaded = load_case(target)
    mode = options.lang or default_mode(loaded)
    workdir = options.out.resolve() / loaded.id
    manuscript = build_manuscript(loaded, mode, MEDIA_DIR, options.references)
    markdown = render_markdown(manuscript)
    charts, written = _write_media(loaded, manuscript, workdir)
    stem = f"{loaded.id}.{mode}"
    citeproc, references = _citeproc(loaded, manuscript.lang, options, workdir / stem)
    written += references
    written.append(write_atomic(workdir / f"{stem}.md", markdown))
    job = Job(markdown, workdir, stem, citeproc, timestamp=_timestamp(loaded), charts=charts)
    for name in options.formats:
        written.extend(OutputFormat.registry[name]().write(job))
    return written


def _write_media(
    loaded: LoadedCase, manuscript: Manuscript, workdir: Path
) -> tuple[dict[str, Callable[[], Figure]], list[Path]]:
    """Copy the case's images and draw the generated charts next to the Markdown."""
    charts: dict[str, Callable[[], Figure]] = {}
    written = []
    for item in manuscript.figures:
        assert item.path is not None
        target = workdir / item.path
        if item.spec.image is not None:
            written.append(write_atomic(target, item.spec.image.read_bytes()))
        elif item.spec.chart is not None and loaded.record is not None:
            from casepub.render.charts import chart_files, draw  # matplotlib only if needed

            make = partial(draw, item.spec.chart, loaded.case, loaded.record, manuscript.langs)
            charts[target.stem] = make
            for suffix, data in chart_files(make).items():
                written.append(write_atomic(target.with_suffix(suffix), data))
    return charts, written


def _citeproc(
    loaded: LoadedCase, lang: str, options: BuildOptions, stem: Path
) -> tuple[Citeproc | None, list[Path]]:
    """The CSL-JSON the manuscript cites from (kept for inspection) and its style.

    The lists themselves are already in the Markdown; this run only numbers the citations."""
    if loaded.bibliography is None:
        return None, []
    written = [
        write_atomic(
            stem.with_name(f"{stem.name}.references{suffix}.json"),
            json.dumps(items, ensure_ascii=False, indent=1) + "\n",
        )
        for suffix, items in csl_items(loaded.bibliography, options.references).items()
    ]
    csl = style_path(options.csl or DEFAULT_STYLE[lang])
    return Citeproc(written[0], csl), written


def _timestamp(loaded: LoadedCase) -> int:
    """A fixed PDF date from the case itself, so the same case gives the same PDF."""
    journal = loaded.case.journal
    year = journal.year if journal and journal.year else 2000
    return calendar.timegm((year, 1, 1, 0, 0, 0, 0, 0, 0))
