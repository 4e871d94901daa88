"""``casepub package``: every file a journal's submission system asks for, in one zip.

The zip holds the manuscript (DOCX, PDF), a title page, a blinded manuscript (no author names,
affiliations, contributions or acknowledgements), each figure (TIFF at the profile's dpi, and
SVG), each table (DOCX), the CARE checklist with the section where each item is reported, the
cover letter, the .bib and ``MANIFEST.txt`` with the SHA-256 of every file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import tempfile
import zipfile
from functools import partial
from pathlib import Path

import jinja2
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from casepub.build import BuildOptions, citeproc_for, default_mode, profile_for
from casepub.checks.checklist import filled_checklist, write_formats
from casepub.checks.deid_gate import require_deidentified
from casepub.checks.proof.geometry import profile_geometry
from casepub.checks.proof.run import as_errors, float_names, proof_package
from casepub.convert.docx_reference import reference_docx
from casepub.convert.pandoc import run_pandoc
from casepub.diagnostics import CasepubError
from casepub.files import write_atomic
from casepub.formats import Job, OutputFormat, docx_table_options
from casepub.images import without_metadata
from casepub.load.loaded import LoadedCase, display_path
from casepub.load.loader import load_case
from casepub.model import LANGS, Lang, text_in
from casepub.profiles import Profile
from casepub.render import Manuscript, build_manuscript, render_markdown
from casepub.render.floats import Float
from casepub.render.markdown import template_failure
from casepub.render.panels import compose

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def blinded(manuscript: Manuscript) -> Manuscript:
    """The manuscript without anything that names or places the authors."""
    fronts = [
        dataclasses.replace(f, byline=[], affiliations=[], contact=None, citation=None)
        for f in manuscript.fronts
    ]
    statements = [
        s for s in manuscript.statements if s.key not in ("contributions", "acknowledgements")
    ]
    return dataclasses.replace(manuscript, fronts=fronts, statements=statements, authors_info=[])


def title_page(manuscript: Manuscript) -> Manuscript:
    """The title page: fronts and declarations, no body, references or figures."""
    fronts = [dataclasses.replace(f, abstract=[], keywords=[]) for f in manuscript.fronts]
    return dataclasses.replace(manuscript, fronts=fronts, sections=[], references=[], floats=[])


def cover_letter(
    loaded: LoadedCase, manuscript: Manuscript, profile: Profile, lang: Lang
) -> str | None:
    """The profile's cover letter, filled in, or None if it has none in ``lang``."""
    template = profile.cover_letter.get(lang)
    if template is None:
        return None
    case = loaded.case
    corresponding = next((a for a in case.authors if a.corresponding), case.authors[0])
    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    values = {
        "title": {lang: text_in(case.title, lang) or "" for lang in LANGS},
        "summary": {lang: _summary(manuscript, lang) for lang in LANGS},
        "corresponding": {
            lang: _name(corresponding.given, corresponding.family, lang) for lang in LANGS
        },
        "journal": profile.name,
    }
    try:
        return env.from_string(template).render(**values)
    except Exception as exc:  # the profile's template: any failure is the template's
        file, offset = _cover_letter_place(profile, lang)
        raise template_failure(exc, file, path=f"cover_letter.{lang}", line_offset=offset) from None


def _cover_letter_place(profile: Profile, lang: Lang) -> tuple[str, int]:
    """The profile.yaml that gives the cover letter in ``lang`` and the number of lines before
    the template's first line in it (for a block scalar ``|``; else its key's line)."""
    for folder in profile.folders:
        file = folder / "profile.yaml"
        try:
            root = yaml.compose(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        node = _child(_child(root, "cover_letter"), lang)
        if node is not None:
            block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
            return display_path(file), node.start_mark.line + (1 if block else 0)
    return "profile.yaml", 0


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if getattr(k, "value", None) == key), None)


def _summary(manuscript: Manuscript, lang: Lang) -> str:
    front = next((f for f in manuscript.fronts if f.lang == lang), manuscript.fronts[0])
    return front.abstract[-1][1].split(". ")[0].rstrip(".") + "." if front.abstract else ""


def _name(given: object, family: object, lang: Lang) -> str:
    return " ".join(filter(None, (text_in(given, lang), text_in(family, lang))))  # type: ignore[arg-type]


def build_package(target: Path, options: BuildOptions, *, revision: bool = False) -> Path:
    """Write ``<out>/<id>/<id>.<journal>.submission.zip``; return its path. A ``revision``
    adds the marked manuscript and the response to the reviewers (:mod:`casepub.revise`)."""
    loaded = load_case(target)
    profile = profile_for(loaded, options.journal)
    require_deidentified(loaded, profile.id)
    mode = options.lang or profile.language or default_mode(loaded)
    references = options.references(profile)
    manuscript = build_manuscript(loaded, mode, "media", references, profile)
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="casepub-package-") as scratch:
        work = Path(scratch)
        _charts(loaded, manuscript, work, files, profile)
        for name, version in (
            ("manuscript", manuscript),
            ("blinded-manuscript", blinded(manuscript)),
            ("title-page", title_page(manuscript)),
        ):
            _documents(name, version, profile, work, files, loaded)
        for item in manuscript.floats:
            if item.kind == "table":
                files[f"tables/table{item.number}.docx"] = _table_docx(item, work, profile)
        checklist = filled_checklist(loaded, options.journal, work / "manuscript.typ")
        for path in write_formats(checklist, work, "care-checklist"):
            files[path.name] = path.read_bytes()
        for lang in dict.fromkeys(manuscript.langs):
            letter = cover_letter(loaded, manuscript, profile, lang)
            if letter is not None:
                files[f"cover-letter.{lang}.txt"] = letter.encode("utf-8")
        if revision:
            from casepub.revise.package import revision_files  # git and the PDF's text

            files.update(revision_files(target, options, work))
        zip_name = f"{loaded.id}.{profile.id}.submission.zip"
        geometry = profile_geometry(profile)
        proof = proof_package(files, work, zip_name, geometry, float_names(manuscript))
        if proof:  # a submission is never made from a failed proof
            raise CasepubError(as_errors(proof))
    if loaded.bibliography is not None:
        files["references.bib"] = loaded.bibliography.path.read_bytes()
    files["MANIFEST.txt"] = _manifest(files, revised_since(loaded) if revision else None).encode(
        "utf-8"
    )
    out = options.out.resolve() / loaded.id / zip_name
    return write_atomic(out, _zip(files))


def _charts(
    loaded: LoadedCase,
    manuscript: Manuscript,
    work: Path,
    files: dict[str, bytes],
    profile: Profile,
) -> None:
    dpi = profile.output.figure_dpi
    media = work / "media"
    media.mkdir()
    for item in manuscript.figures:
        assert item.path is not None
        stem = f"figures/figure{item.number}"
        if item.spec.image is not None:
            data = without_metadata(item.spec.image)
            (work / item.path).write_bytes(data)
            files[f"{stem}{item.spec.image.suffix}"] = data
        elif item.spec.panels:
            data = compose(item.spec.panels, item.spec.shape, item.spec.letters)
            (work / item.path).write_bytes(data)
            files[f"{stem}.png"] = data
        elif item.spec.chart is not None and loaded.record is not None:
            from casepub.render.charts import chart_files, draw, submission_files

            make = partial(
                draw,
                item.spec.chart,
                loaded.case,
                loaded.record,
                manuscript.langs,
                profile.dates,
                profile.output.columns,
            )
            for suffix, data in chart_files(make).items():
                (work / item.path).with_suffix(suffix).write_bytes(data)
                if suffix == ".svg":
                    files[f"{stem}.svg"] = data
            tiff = submission_files(make)
            files[f"{stem}-{dpi}dpi.tiff"] = tiff.get(f"-{dpi}dpi.tiff") or next(
                iter(tiff.values())
            )


def _documents(
    name: str,
    manuscript: Manuscript,
    profile: Profile,
    work: Path,
    files: dict[str, bytes],
    loaded: LoadedCase,
) -> None:
    markdown = render_markdown(manuscript, profile)
    citeproc, _ = citeproc_for(
        loaded, manuscript.lang, BuildOptions().references(profile), work / name
    )
    # the manuscript gives the DOCX its properties: the blinded one has no authors to give
    job = Job(markdown, work, name, citeproc, profile=profile, manuscript=manuscript)
    for fmt in ("docx", "pdf"):
        for path in OutputFormat.registry[fmt]().write(job):
            if path.suffix == f".{fmt}":
                files[f"{name}.{fmt}"] = path.read_bytes()


def _table_docx(item: Float, work: Path, profile: Profile) -> bytes:
    """One table as a DOCX of its own, styled and sized like the manuscript's."""
    assert item.table is not None
    header = "| " + " | ".join(item.table.header) + " |"
    rule = "|" + "|".join("---" for _ in item.table.header) + "|"
    rows = ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in item.table.rows]
    caption = ": " + "\\\n".join(item.caption)
    markdown = "\n".join([header, rule, *rows, "", caption, ""])
    target = work / f"table{item.number}.docx"
    reference = write_atomic(work / f".reference-{profile.id}.docx", reference_docx(profile))
    options = ["--reference-doc", str(reference), *docx_table_options(profile)]
    run_pandoc(markdown, "docx", workdir=work, citeproc=None, output=target, extra=options)
    return target.read_bytes()


def _manifest(files: dict[str, bytes], since: str | None = None) -> str:
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in sorted(files.items())]
    head = "SHA-256 of every file of this submission package\n\n"
    if since is not None:
        revised = [n for n in sorted(files) if n.startswith(REVISION_MEMBERS)]
        head += (
            f"A revised submission: changes since `{since}`. The revision's files: "
            + ", ".join(revised)
            + ".\n\n"
        )
    return head + "\n".join(lines) + "\n"


REVISION_MEMBERS = ("marked-manuscript", "response-to-reviewers")
"""The names of the members ``--revision`` adds."""


def revised_since(loaded: LoadedCase) -> str:
    """The version a revision answers (responses.yaml's ``since``)."""
    from casepub.revise.letter import require_responses

    return require_responses(loaded).responses.since


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data)
    return buffer.getvalue()
