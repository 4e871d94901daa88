"""Build a case: load → render Markdown → draw figures → write every requested format."""

from __future__ import annotations

import calendar
import dataclasses
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from casepub import worker
from casepub.cache import (
    Ledger,
    StageCache,
    Unchanged,
    build_variant,
    caching,
    case_folder,
    case_lock,
    code_fingerprint,
    digest,
    fingerprint,
    up_to_date,
)
from casepub.checks.proof.run import float_names, proof_made
from casepub.checks.proof.stored import replay
from casepub.convert.pandoc import Citeproc, parse_markdown, resolve_citations
from casepub.diagnostics import Diagnostic
from casepub.files import write_atomic
from casepub.formats import Job, OutputFormat
from casepub.images import without_metadata
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.parallel import together
from casepub.profiles import DEFAULT_PROFILE, Profile, load_profile
from casepub.references.lists import ReferenceOptions, csl_items
from casepub.references.styles import DEFAULT_STYLE, style_path
from casepub.references.translit import Translit
from casepub.render import LangMode, Manuscript, build_manuscript, render_markdown
from casepub.render.floats import FloatSpec
from casepub.worker import Pending
from casepub.worker_jobs import chart_files_of, draw_chart, identifier_warnings, png_twin

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
    proof: bool = True
    """Proof every output after writing it (:mod:`casepub.checks.proof`)."""

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
            author_form=settings.gost_authors,
        )

    def variant(self) -> dict[str, object]:
        """The options that change what a format's file contains (not which formats)."""
        return build_variant(self.lang, self.journal, self.csl, self.translit, self.official_titles)


def profile_for(loaded: LoadedCase, journal: str | None) -> Profile:
    """The journal profile to build for: asked for, named by the case, or the default."""
    return load_profile(journal or loaded.case.profile or DEFAULT_PROFILE)


def default_mode(loaded: LoadedCase) -> LangMode:
    """A Russian case builds in the bilingual Russian-journal form; an English one in English."""
    return "bilingual" if loaded.case.language == "ru" else "en"


@dataclass(frozen=True)
class Built:
    """What building one case wrote, how many warnings the case has, and what the proof of
    its outputs found."""

    paths: list[Path]
    warnings: int
    proof: list[Diagnostic] = field(default_factory=list)


def build_case(target: Path, options: BuildOptions) -> list[Path]:
    """Build one case; return every file written (media and Markdown first)."""
    return build(target, options).paths


def build(target: Path, options: BuildOptions) -> Built:
    """Build one case.

    Nothing is converted that an earlier build made from the same inputs (see
    :mod:`casepub.cache`): an unchanged case is answered from the ledger, charts whose data
    did not change come from the cache, and so does each format whose inputs are unchanged.
    """
    variant = options.variant()
    unchanged = up_to_date(target, options.out, variant, options.formats)
    if unchanged is not None:
        return _replayed(unchanged, options)
    out = options.out.resolve()
    with case_lock(out, case_folder(target).name):
        # Another build of this case may have finished while this one waited.
        unchanged = up_to_date(target, options.out, variant, options.formats)
        if unchanged is not None:
            return _replayed(unchanged, options)
        return _build(target, options, variant)


def _replayed(unchanged: Unchanged, options: BuildOptions) -> Built:
    """An earlier build that still stands, with the proof findings stored for its files."""
    findings = replay(options.out, unchanged.paths) if options.proof else []
    return Built(unchanged.paths, unchanged.warnings, findings)


def _build(target: Path, options: BuildOptions, variant: dict[str, object]) -> Built:
    """The build itself, under the case's lock.

    The charts and the scan for identifiers go to the worker process (:mod:`casepub.worker`)
    as soon as the manuscript is known; pandoc runs meanwhile, since it needs neither; each
    format waits for the charts only where it needs their files. Several formats convert at
    once, each in its own thread (the converters are separate processes)."""
    loaded = load_case(target, scan_identifiers=False)
    out = options.out.resolve()
    for leftover in (out / loaded.id).glob(".*.tmp"):  # a killed build's unfinished file
        leftover.unlink(missing_ok=True)
    inputs = fingerprint(loaded.folder, out, variant)
    ledger, key = Ledger(out, loaded.id), digest(json.dumps(variant, sort_keys=True))
    profile = profile_for(loaded, options.journal)
    mode = options.lang or profile.language or default_mode(loaded)
    workdir = options.out.resolve() / loaded.id
    references = options.references(profile)
    cache = StageCache(out)
    with caching(cache):
        manuscript = build_manuscript(loaded, mode, MEDIA_DIR, references, profile)
    suffixes = [".svg", *([".png"] if PNG_FORMATS & set(options.formats) else [])]
    media = start_media(loaded, manuscript, workdir, profile, cache, suffixes)
    identifiers = Pending(identifier_warnings, loaded)  # in the worker, after the charts
    markdown = render_markdown(manuscript, profile)
    stem = (
        f"{loaded.id}.{mode}"
        if profile.id == DEFAULT_PROFILE
        else f"{loaded.id}.{profile.id}.{mode}"
    )
    written = list(media.paths)
    citeproc, csl_json = citeproc_for(loaded, manuscript.lang, references, workdir / stem)
    written += csl_json
    written.append(write_atomic(workdir / f"{stem}.md", markdown))
    job = Job(
        markdown,
        workdir,
        stem,
        citeproc,
        timestamp=pdf_timestamp(loaded),
        profile=profile,
        loaded=loaded,
        manuscript=manuscript,
        references=references,
        charts=media.charts,
        png_twins=media.png_twins(workdir),
        media_ready=media.ready,
    )
    common = list(written)
    proof: list[Diagnostic] = []
    floats = float_names(manuscript)
    check = partial(proof_made, profile=profile, floats=floats, cache=cache)
    stale = [name for name in options.formats if ledger.fresh(f"{key}:{name}", inputs) is None]
    if len(PANDOC_FORMATS.intersection(stale)) > 1:  # read the Markdown once for them all
        job = _parsed_once(job, workdir, stale)
    converted = _convert(job, stale, check if options.proof else None)
    for name in options.formats:
        if name in converted:
            made, found = converted[name]
            ledger.record(f"{key}:{name}", inputs, made)
        else:
            made = ledger.fresh(f"{key}:{name}", inputs) or []
            found = check(made) if options.proof else []
        written.extend(made)
        proof += found
    media.ready()
    loaded.diagnostics.extend(identifiers.result())
    warnings = len(loaded.diagnostics.sorted())
    ledger.record(f"{key}:common", inputs, common, warnings)
    ledger.save()
    return Built(written, warnings, proof)


@dataclass
class Media:
    """The case's images and generated charts beside the Markdown: every path (known at once,
    in figure order) and the charts still being drawn, written by :meth:`ready`."""

    paths: list[Path]
    charts: dict[str, Callable[[], Figure]]
    drawing: list[tuple[Path, tuple[str, str], Pending[dict[str, bytes]]]]
    """Charts being drawn: target, (cache key, suffix), the drawing."""
    cache: StageCache
    lock: threading.Lock = field(default_factory=threading.Lock)
    written: set[tuple[str, str]] = field(default_factory=set)

    def add(
        self,
        target: Path,
        key: str,
        suffix: str,
        draw: Callable[[], Pending[dict[str, bytes]]],
    ) -> Pending[dict[str, bytes]]:
        """The chart file ``target`` as ``suffix``: written now from the cache, or being
        drawn (``draw`` starts it)."""
        self.paths.append(target.with_suffix(suffix))
        files = self.cache.files("chart", key)
        if files is not None:
            write_atomic(target.with_suffix(suffix), files[suffix])
            return Pending.done(files)
        drawing = draw()
        self.drawing.append((target, (key, suffix), drawing))
        return drawing

    def png_twins(self, workdir: Path) -> tuple[str, ...]:
        """The charts' PNG files, as paths in ``workdir``."""
        return tuple(
            p.relative_to(workdir).as_posix()
            for p in self.paths
            if p.suffix == ".png" and p.stem in self.charts
        )

    def ready(self, suffix: str | None = None) -> None:
        """Wait for the charts (those drawn as ``suffix``, or all) and write their files; safe
        from several threads, each waiting only for what it asked for."""
        for target, (key, drawn_as), pending in self.drawing:
            if suffix is not None and drawn_as != suffix:
                continue
            files = pending.result()
            with self.lock:
                if (key, drawn_as) in self.written:
                    continue
                self.cache.store("chart", key, files)
                for name, data in files.items():
                    write_atomic(target.with_suffix(name), data)
                self.written.add((key, drawn_as))


def start_media(
    loaded: LoadedCase,
    manuscript: Manuscript,
    workdir: Path,
    profile: Profile,
    cache: StageCache,
    suffixes: Sequence[str],
) -> Media:
    """Copy the case's images and start drawing the generated charts (SVG in the worker; the
    PNG twin, where a format needs one, rasterised from it here), their dates under the
    profile's date policy; a chart whose data did not change comes from ``cache``."""
    media = Media([], {}, [], cache)
    for item in manuscript.figures:
        assert item.path is not None
        target = workdir / item.path
        if item.spec.image is not None:
            media.paths.append(write_atomic(target, without_metadata(item.spec.image)))
        elif item.spec.panels:
            media.paths += _write_panels(item.spec, target, workdir, item.path, cache)
        elif item.spec.chart is not None and loaded.record is not None:
            make = partial(
                draw_chart, item.spec.chart, loaded.case, loaded.record, manuscript.langs, profile
            )
            media.charts[target.stem] = make
            key = _chart_key(loaded, item.spec.chart, manuscript, profile)
            svg = media.add(
                target,
                digest(key, ".svg"),
                ".svg",
                partial(Pending, chart_files_of, make, [".svg"]),
            )
            if ".png" in suffixes:
                media.add(target, digest(key, ".png"), ".png", partial(_twin_of, svg))
    return media


Proof = Callable[[list[Path]], list[Diagnostic]]


def _parsed_once(job: Job, workdir: Path, formats: Sequence[str]) -> Job:
    """The job with its Markdown read by pandoc once, and its citations resolved once (in a
    thread) for the formats that print citeproc's citations."""
    parsed = parse_markdown(job.markdown, workdir)
    if parsed is None or job.citeproc is None or not CITED_FORMATS.intersection(formats):
        return dataclasses.replace(job, parsed=parsed)
    cited = Pending.soon(resolve_citations, parsed, workdir, job.citeproc)
    return dataclasses.replace(job, parsed=parsed, cited=cited.result)


def _twin_of(svg: Pending[dict[str, bytes]]) -> Pending[dict[str, bytes]]:
    """A chart's PNG twin: rasterised as soon as the worker has drawn the SVG, in a thread;
    without a worker, when a format asks for it (the SVG is then drawn in this thread)."""
    if worker.running():
        return Pending.soon(png_twin, svg)
    return Pending(png_twin, svg, here=True)


def _convert(
    job: Job, names: Sequence[str], check: Proof | None
) -> dict[str, tuple[list[Path], list[Diagnostic]]]:
    """Write each format in ``names`` and proof its files (``check``), several formats at
    once (pandoc and the other converters are processes of their own, so is each proof's
    reading mostly): each one's files and findings."""

    def write(name: str) -> tuple[list[Path], list[Diagnostic]]:
        made = OutputFormat.registry[name]().write(job)
        return made, check(made) if check is not None else []

    return dict(zip(names, together([partial(write, name) for name in names]), strict=True))


def _write_panels(
    spec: FloatSpec, target: Path, workdir: Path, path: str, cache: StageCache
) -> list[Path]:
    """A multi-panel figure: the composed image (from the cache when its panels did not
    change) and each panel on its own, without metadata."""
    from casepub.render.panels import compose, panel_paths

    contents = [without_metadata(p) for p in spec.panels]
    key = digest("panels", *contents, repr(spec.shape), spec.letters, code_fingerprint())
    files = cache.files("panels", key)
    if files is None:
        files = {".png": compose(spec.panels, spec.shape, spec.letters)}
        cache.store("panels", key, files)
    written = [write_atomic(target, files[".png"])]
    for name, data in zip(panel_paths(path, spec.panels), contents, strict=True):
        written.append(write_atomic(workdir / name, data))
    return written


PANDOC_FORMATS = frozenset({"pdf", "docx", "html", "latex"})
"""Formats pandoc writes (the PDF through typst source)."""

CITED_FORMATS = frozenset({"docx", "html", "latex"})
"""Formats whose writers print the citations citeproc made (typst's writes its own)."""

PNG_FORMATS = frozenset({"docx", "latex"})
"""Formats that take the charts as PNG (the others use SVG)."""

_DRAWN_FROM = {"language", "anchors", "timeline", "treatments", "outcome"}
CHART_DATA: dict[str, frozenset[str]] = {
    "timeline": frozenset(_DRAWN_FROM | {"lesions", "recist"}),
    "labs": frozenset(_DRAWN_FROM | {"labs", "patient"}),
    "markers": frozenset(_DRAWN_FROM | {"markers", "patient"}),
    "lesions": frozenset(_DRAWN_FROM | {"lesions", "recist"}),
    "ecog": frozenset(_DRAWN_FROM | {"ecog"}),
    "swimmer": frozenset({"language", "anchors", "examples"}),
}
"""The case fields each generated chart is drawn from (with the data files these name):
every chart shades the treatments on a date axis; each adds its own data."""


def _chart_key(loaded: LoadedCase, chart: str, manuscript: Manuscript, profile: Profile) -> str:
    """The hash of everything a chart is drawn from: its data, languages, date policy, page
    columns (its width), code."""
    fields = CHART_DATA[chart]
    data = loaded.case.model_dump_json(include=set(fields), warnings=False)
    files = sorted(
        getattr(entry, "file", "")
        for group in ("labs", "markers", "lesions")
        if group in fields
        for entry in getattr(loaded.case, group)
    )
    contents = [(loaded.folder / f).read_bytes() for f in files if f]
    return digest(
        chart,
        data,
        *contents,
        ",".join(manuscript.langs),
        profile.dates.model_dump_json(),
        str(profile.output.columns),
        code_fingerprint(),
    )


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


def pdf_timestamp(loaded: LoadedCase) -> int:
    """A fixed PDF date from the case itself, so the same case gives the same PDF."""
    journal = loaded.case.journal
    year = journal.year if journal and journal.year else 2000
    return calendar.timegm((year, 1, 1, 0, 0, 0, 0, 0, 0))
