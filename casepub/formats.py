"""Output formats as small registered classes: each turns the Markdown into one file."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from casepub.convert.docx_properties import core_properties, with_properties
from casepub.convert.docx_reference import reference_docx, text_height, text_width
from casepub.convert.explain import explain
from casepub.convert.failure import ConverterError
from casepub.convert.pandoc import READER, Citeproc, pandoc_dir, pandoc_version, run_pandoc
from casepub.convert.typst import compile_pdf
from casepub.diagnostics import CasepubError
from casepub.files import write_atomic
from casepub.profiles import DEFAULT_PROFILE, Profile, load_profile

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from casepub.load.loaded import LoadedCase
    from casepub.references.lists import ReferenceOptions
    from casepub.render.context import Manuscript


@dataclass(frozen=True)
class Job:
    """One manuscript to write: its Markdown, where it goes and what citeproc needs."""

    markdown: str
    workdir: Path
    stem: str
    citeproc: Citeproc | None
    timestamp: int | None = None
    profile: Profile = field(default_factory=lambda: load_profile(DEFAULT_PROFILE))
    """The journal profile: its pandoc templates and output settings."""
    loaded: LoadedCase | None = None
    """The case, for formats built from the data rather than the Markdown (JATS)."""
    manuscript: Manuscript | None = None
    references: ReferenceOptions | None = None
    charts: dict[str, Callable[[], Figure]] = field(default_factory=dict)
    """Generated figures (their drawing functions) by file stem, for formats that render
    them again (TIFF)."""
    png_twins: tuple[str, ...] = ()
    """The PNG twins of the generated charts (paths in the work folder), which may still be
    in the making while a format that only names them (LaTeX) is written."""
    media_ready: Callable[[str], None] = lambda suffix: None
    """Waits until the chart files drawn as ``suffix`` (``.svg``, ``.png``) are in the work
    folder: a format calls it just before its converter reads them, so that the charts are
    drawn meanwhile (the images are there from the start)."""
    reader: str = READER
    """What ``markdown`` is: pandoc Markdown, or ``json`` (a pandoc document: the marked
    manuscript of ``casepub diff``)."""
    filters: tuple[Path, ...] = ()
    """Lua filters run after casepub's own (PDF, DOCX, HTML)."""

    def filter_options(self) -> list[str]:
        """The pandoc options that run ``filters``."""
        return [option for f in self.filters for option in ("--lua-filter", str(f))]

    parsed: str | None = None
    """The pandoc document (JSON) read from ``markdown`` once, when several formats convert
    it: each then skips reading the Markdown again."""

    cited: Callable[[], str | None] | None = None
    """The parsed document with its citations resolved (citeproc run once), when several
    formats convert it; each but the PDF starts from it and runs no citeproc of its own."""

    def pandoc_source(self, *, cited: bool = False) -> tuple[str, str, Citeproc | None]:
        """What pandoc reads, as what, and the citeproc run it still needs. ``cited``: the
        writer prints the citations citeproc made — not typst's, which writes typst's own
        citations unless citeproc runs in the same process."""
        if cited and self.cited is not None and (document := self.cited()) is not None:
            return document, "json", None
        if self.parsed is not None:
            return self.parsed, "json", self.citeproc
        return self.markdown, self.reader, self.citeproc

    def path(self, suffix: str) -> Path:
        """The output file with ``suffix`` (``.pdf``) in the work folder."""
        return self.workdir / f"{self.stem}{suffix}"


@contextmanager
def converting(job: Job, fmt: str, template: Path | None = None) -> Iterator[None]:
    """Run a converter for ``fmt``: a failure is told in the author's terms (the case file and
    section that caused it) and its raw message kept in ``<stem>.<fmt>.log`` (a stale log of an
    earlier failure is removed on success)."""
    log = job.path(f".{fmt}.log")
    try:
        yield
    except ConverterError as exc:
        failure = exc.failure
        write_atomic(
            log,
            f"casepub: {failure.tool} failed writing {job.stem}.{fmt}\n\n{failure.raw.rstrip()}\n",
        )
        typ = job.path(".typ") if fmt == "pdf" else None
        found = explain(
            failure,
            fmt=fmt,
            log=log,
            markdown=job.markdown,
            generated=typ,
            loaded=job.loaded,
            template=template,
        )
        raise CasepubError([found]) from None
    log.unlink(missing_ok=True)


class OutputFormat(ABC):
    """A kind of output file. Subclasses register themselves under ``name``."""

    name: ClassVar[str]
    suffix: ClassVar[str]
    registry: ClassVar[dict[str, type[OutputFormat]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        OutputFormat.registry[cls.name] = cls

    @abstractmethod
    def write(self, job: Job) -> list[Path]:
        """Write the output; return every file written."""


class PdfFormat(OutputFormat):
    """PDF through typst: pandoc writes typst source (kept for inspection), typst compiles."""

    name = "pdf"
    suffix = ".pdf"

    def write(self, job: Job) -> list[Path]:
        template = job.profile.template("pandoc/template.typ")
        with converting(job, self.name, template):
            text, reader, citeproc = job.pandoc_source()
            source = run_pandoc(
                text,
                "typst",
                reader=reader,
                workdir=job.workdir,
                citeproc=citeproc,
                extra=["--standalone", "--template", str(template), *job.filter_options()],
            )
            typ = write_atomic(job.path(".typ"), source)
            job.media_ready(".svg")
            pdf = compile_pdf(typ, job.workdir, timestamp=job.timestamp)
        return [typ, write_atomic(job.path(self.suffix), pdf)]


class DocxFormat(OutputFormat):
    """Word document, the format most submission systems take: a manuscript in the profile's
    font, size and spacing (the reference document), tables whose columns fit their dates and
    values (``docx-tables.lua``) and the document properties filled in."""

    name = "docx"
    suffix = ".docx"

    def write(self, job: Job) -> list[Path]:
        target = job.path(self.suffix)
        temporary = target.with_name(f".{target.name}.tmp")
        reference = write_atomic(
            job.workdir / f".reference-{job.profile.id}.docx", reference_docx(job.profile)
        )
        properties = core_properties(job.manuscript) if job.manuscript is not None else None
        options = ["--reference-doc", str(reference), *docx_table_options(job.profile)]
        job.media_ready(".png")  # after the above, which asks pandoc its version: meanwhile
        try:
            with converting(job, self.name):
                text, reader, citeproc = job.pandoc_source(cited=True)
                run_pandoc(
                    text,
                    "docx",
                    reader=reader,
                    workdir=job.workdir,
                    citeproc=citeproc,
                    output=temporary,
                    extra=[*options, *job.filter_options()],
                )
            docx = with_properties(temporary.read_bytes(), properties, job.timestamp)
        finally:
            temporary.unlink(missing_ok=True)
        return [write_atomic(target, docx)]


def docx_table_options(profile: Profile) -> list[str]:
    """pandoc options for DOCX tables: the column-width filter and what it measures against
    (the text width and the table font size of the profile), the text height no image may
    exceed beside its caption; and no syntax highlighting,
    whose styles would bring coloured text into the document."""
    output = profile.output
    newer = tuple(int(part) for part in pandoc_version().split(".")[:2]) >= (3, 8)
    return [
        "--syntax-highlighting=none" if newer else "--no-highlight",
        "--lua-filter",
        str(pandoc_dir() / "docx-tables.lua"),
        "--variable",
        f"casepub-text-width={text_width(output):.1f}",
        "--variable",
        f"casepub-text-height={text_height(output):.1f}",
        "--variable",
        f"casepub-table-font-size={output.table_font_size:g}",
    ]


class HtmlFormat(OutputFormat):
    """One self-contained HTML file: styles and images embedded."""

    name = "html"
    suffix = ".html"

    def write(self, job: Job) -> list[Path]:
        css = job.profile.template("pandoc/casepub.css")
        job.media_ready(".svg")
        with converting(job, self.name, css):
            text, reader, citeproc = job.pandoc_source(cited=True)
            html = run_pandoc(
                text,
                "html5",
                reader=reader,
                workdir=job.workdir,
                citeproc=citeproc,
                extra=[
                    "--standalone",
                    "--embed-resources",
                    "--css",
                    str(css),
                    "--section-divs",
                    *job.filter_options(),
                ],
            )
        return [write_atomic(job.path(self.suffix), html)]


class JatsFormat(OutputFormat):
    """JATS 1.3 Journal Publishing XML (``article-type="case-report"``) beside its media."""

    name = "jats"
    suffix = ".xml"

    def write(self, job: Job) -> list[Path]:
        from casepub.export import build_jats

        if job.loaded is None or job.manuscript is None:
            raise CasepubError.at("", "JATS needs the case, not only its Markdown", "jats")
        xml = build_jats(
            job.loaded, job.manuscript, reference_options=job.references, profile=job.profile
        )
        return [write_atomic(job.path(self.suffix), xml)]


class LatexFormat(OutputFormat):
    """LaTeX source for xelatex (fontspec, babel with Russian and English), figures as PNG."""

    name = "latex"
    suffix = ".tex"

    def write(self, job: Job) -> list[Path]:
        with converting(job, self.name):  # names the charts' PNG twins, reads none
            latex = self._latex(job)
        return [write_atomic(job.path(self.suffix), latex)]

    @staticmethod
    def _latex(job: Job) -> bytes:
        text, reader, citeproc = job.pandoc_source(cited=True)
        return run_pandoc(
            text,
            "latex",
            reader=reader,
            workdir=job.workdir,
            citeproc=citeproc,
            extra=[
                "--standalone",
                "--pdf-engine=xelatex",
                "--metadata",
                "mainfont=DejaVu Serif",
                "--metadata",
                "sansfont=DejaVu Sans",
                "--metadata",
                "monofont=DejaVu Sans Mono",
                "--metadata",
                "geometry=margin=2cm",
                "--metadata",
                "colorlinks=true",
                *(
                    ["--variable", f"casepub-png-twins={' '.join(job.png_twins)}"]
                    if job.png_twins
                    else []
                ),
            ],
        )


class FiguresFormat(OutputFormat):
    """Generated figures as TIFF at 300 and 600 dpi, in ``figures/``, for submission."""

    name = "figures"
    suffix = ".tiff"

    def write(self, job: Job) -> list[Path]:
        from casepub.render.charts import submission_files

        written = []
        for stem, make in sorted(job.charts.items()):
            for suffix, data in submission_files(make).items():
                written.append(write_atomic(job.workdir / "figures" / f"{stem}{suffix}", data))
        return written


FORMAT_NAMES: tuple[str, ...] = tuple(OutputFormat.registry)
