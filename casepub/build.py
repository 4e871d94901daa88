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
from casepub.images import without_metadata
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.profiles import DEFAULT_PROFILE, Profile, load_profile
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
    translit: Translit | None = None
    official_titles: bool | None = None
    journal: str | None = None
    """Journal profile; None: the case's ``profile``, else the neutral preprint."""

    def references(self, profile: Profile) -> ReferenceOptions:
        """How the reference lists are made: the profile's settings, unless given here."""
        settings = profile.references
        return ReferenceOptions(
            style=self.csl or settings.style,
            english_style=settings.english_style,
            translit=self.translit or settings.translit,
            official_title=(
                settings.official_titles if self.official_titles is None else self.official_titles
            ),
        )


def profile_for(loaded: LoadedCase, journal: str | None) -> Profile:
    """The journal profile to build for: asked for, named by the case, or the default."""
    return load_profile(journal or loaded.case.profile or DEFAULT_PROFILE)


def default_mode(loaded: LoadedCase) -> LangMode:
    """A Russian case builds in the bilingual Russian-journal form; an English one in English."""
    return "bilingual" if loaded.case.language == "ru" else "en"


def build_case(target: Path, options: BuildOptions) -> list[Path]:
    """Build one case; return every file written (media and Markdown first)."""
    loaded = load_case(target)
    profile = profile_for(loaded, options.journal)
    mode = options.lang or profile.language or default_mode(loaded)
    workdir = options.out.resolve() / loaded.id
    references = options.references(profile)
    manuscript = build_manuscript(loaded, mode, MEDIA_DIR, references, profile)
    markdown = render_markdown(manuscript, profile)
    charts, written = _write_media(loaded, manuscript, workdir, profile)
    stem = (
        f"{loaded.id}.{mode}"
        if profile.id == DEFAULT_PROFILE
        else f"{loaded.id}.{profile.id}.{mode}"
    )
    citeproc, csl_json = citeproc_for(loaded, manuscript.lang, references, workdir / stem)
    written += csl_json
    written.append(write_atomic(workdir / f"{stem}.md", markdown))
    job = Job(
        markdown,
        workdir,
        stem,
        citeproc,
        timestamp=_timestamp(loaded),
        profile=profile,
        loaded=loaded,
        manuscript=manuscript,
        references=references,
        charts=charts,
    )
    for name in options.formats:
        written.extend(OutputFormat.registry[name]().write(job))
    return written


def _write_media(
    loaded: LoadedCase, manuscript: Manuscript, workdir: Path, profile: Profile
) -> tuple[dict[str, Callable[[], Figure]], list[Path]]:
    """Copy the case's images and draw the generated charts next to the Markdown, their dates
    under the profile's date policy."""
    charts: dict[str, Callable[[], Figure]] = {}
    written = []
    for item in manuscript.figures:
        assert item.path is not None
        target = workdir / item.path
        if item.spec.image is not None:
            written.append(write_atomic(target, without_metadata(item.spec.image)))
        elif item.spec.chart is not None and loaded.record is not None:
            from casepub.render.charts import chart_files, draw  # matplotlib only if needed

            make = partial(
                draw,
                item.spec.chart,
                loaded.case,
                loaded.record,
                manuscript.langs,
                profile.dates,
            )
            charts[target.stem] = make
            for suffix, data in chart_files(make).items():
                written.append(write_atomic(target.with_suffix(suffix), data))
    return charts, written


def citeproc_for(
    loaded: LoadedCase, lang: str, references: ReferenceOptions, stem: Path
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
        for suffix, items in csl_items(loaded.bibliography, references).items()
    ]
    csl = style_path(references.style or DEFAULT_STYLE[lang])
    return Citeproc(written[0], csl), written


def _timestamp(loaded: LoadedCase) -> int:
    """A fixed PDF date from the case itself, so the same case gives the same PDF."""
    journal = loaded.case.journal
    year = journal.year if journal and journal.year else 2000
    return calendar.timegm((year, 1, 1, 0, 0, 0, 0, 0, 0))
