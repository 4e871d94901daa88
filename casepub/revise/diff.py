"""``casepub diff``: the marked manuscript between two versions of a case.

Both versions are rendered to Markdown by the normal pipeline, read by pandoc, and merged
with every change marked (:mod:`casepub.revise.marking`); the new version's figures and
reference list are used. The merged document is written as PDF (typst), DOCX (Word
revisions) and HTML by the normal format writers, with ``revise.lua`` for the marks.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from casepub.build import (
    MEDIA_DIR,
    PNG_FORMATS,
    BuildOptions,
    citeproc_for,
    default_mode,
    pdf_timestamp,
    profile_for,
    start_media,
)
from casepub.cache import StageCache, caching
from casepub.checks.proof.run import float_names, proof_made
from casepub.convert.pandoc import READER, Citeproc, pandoc_dir, pandoc_executable
from casepub.diagnostics import CasepubError, Diagnostic
from casepub.files import write_atomic
from casepub.formats import Job, OutputFormat
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.model import text_in
from casepub.profiles import DEFAULT_PROFILE
from casepub.render import LangMode, Manuscript, build_manuscript, render_markdown
from casepub.revise.changes import Change, compare_loaded
from casepub.revise.docx_revisions import mark_whole_paragraphs
from casepub.revise.marking import Json, Marker, marked_document
from casepub.revise.versions import CODE, case_folder_of, materialise, resolve_revision

DIFF_FORMATS = ("pdf", "docx", "html")

LEGEND = {
    "ru": (
        "Изменения с версии {rev}: ",
        "вставленный текст",
        "удалённый текст",
        "; черта на полях отмечает изменённые строки.",
    ),
    "en": (
        "Changes since {rev}: ",
        "inserted text",
        "deleted text",
        "; a bar in the margin marks each changed line.",
    ),
}
REDRAWN = {
    "ru": "рисунок перерисован: изменились данные, по которым он построен",
    "en": "figure redrawn: the data it is drawn from changed",
}
REPLACED = {"ru": "изображение заменено", "en": "image replaced"}


@dataclass(frozen=True)
class DiffOptions:
    """What to compare and write."""

    rev_from: str
    rev_to: str | None = None
    """None: the case folder as it is now."""
    formats: Sequence[str] = ("pdf",)
    lang: LangMode | None = None
    journal: str | None = None
    out: Path = Path("build")
    author: str | None = None
    """The revisions' author; default: the case's first author."""
    proof: bool = True


@dataclass(frozen=True)
class Diffed:
    """What ``casepub diff`` wrote, the changes it found, and the proof's findings."""

    paths: list[Path]
    changes: list[Change]
    marked: int
    proof: list[Diagnostic] = field(default_factory=list)


def write_diff(case: Path, options: DiffOptions) -> Diffed:
    """Write the marked manuscript of ``case`` from ``options.rev_from`` to ``rev_to``."""
    unknown = [f for f in options.formats if f not in DIFF_FORMATS]
    if unknown:
        raise CasepubError.at(
            "casepub", f"`casepub diff` writes {', '.join(DIFF_FORMATS)}, not {unknown[0]}", CODE
        )
    with tempfile.TemporaryDirectory(prefix="casepub-diff-") as scratch:
        old_dir = materialise(case, options.rev_from, Path(scratch) / "from")
        new_dir = (
            materialise(case, options.rev_to, Path(scratch) / "to")
            if options.rev_to
            else case_folder_of(case)
        )
        old = _load(old_dir, options.rev_from)
        new = _load(new_dir, options.rev_to or "the working folder")
        return _write(case, old, new, options, Path(scratch))


def _load(folder: Path, rev: str) -> LoadedCase:
    """The case at ``folder``; a version that does not load says which it is."""
    try:
        return load_case(folder)
    except CasepubError as exc:
        note = Diagnostic("casepub", None, None, "", f"the version at `{rev}` does not load", CODE)
        raise CasepubError([*exc.diagnostics, note]) from None


def _write(
    case: Path, old: LoadedCase, new: LoadedCase, options: DiffOptions, scratch: Path
) -> Diffed:
    changes = compare_loaded(old, new)
    profile = profile_for(new, options.journal)
    mode = options.lang or profile.language or default_mode(new)
    references = BuildOptions(journal=options.journal).references(profile)
    out = options.out.resolve()
    workdir = out / new.id
    cache = StageCache(out)
    with caching(cache):
        before = build_manuscript(old, mode, MEDIA_DIR, references, profile)
        after = build_manuscript(new, mode, MEDIA_DIR, references, profile)
    suffixes = [".svg", *([".png"] if PNG_FORMATS & set(options.formats) else [])]
    media = start_media(new, after, workdir, profile, cache, suffixes)
    written = list(media.paths)
    middle = "diff" if profile.id == DEFAULT_PROFILE else f"{profile.id}.diff"
    stem = f"{new.id}.{middle}.{mode}"
    citeproc, csl_json = citeproc_for(new, after.lang, references, workdir / stem)
    written += csl_json
    marker = Marker(options.author or first_author(new, after.lang), _date(case, options))
    # the old citations as the old version printed them: a deleted one shows its old number
    old_citeproc, _ = citeproc_for(old, before.lang, references, scratch / f"{old.id}.old")
    document = marked_document(
        _pandoc_json(render_markdown(before, profile), workdir, old_citeproc),
        _pandoc_json(render_markdown(after, profile), workdir),
        marker,
    )
    _note_figures(document, changes, after, marker)
    document["blocks"].insert(0, _legend(case, options, after))
    source = json.dumps(document, ensure_ascii=False)
    written.append(write_atomic(workdir / f"{stem}.json", source + "\n"))
    job = Job(
        source,
        workdir,
        stem,
        citeproc,
        timestamp=pdf_timestamp(new),
        profile=profile,
        loaded=new,
        manuscript=after,
        references=references,
        charts=media.charts,
        media_ready=media.ready,
        reader="json",
        filters=(pandoc_dir() / "revise.lua",),
    )
    findings: list[Diagnostic] = []
    for name in options.formats:
        made = OutputFormat.registry[name]().write(job)
        if name == "docx":
            docx = made[-1]
            write_atomic(docx, mark_whole_paragraphs(docx.read_bytes()))
        written += made
        if options.proof:
            findings += proof_made(made, profile, float_names(after), cache)
    media.ready()
    return Diffed(written, changes, marker.marked, findings)


def first_author(loaded: LoadedCase, lang: str) -> str:
    """The first author's name as Word shows a reviser: given name(s) and family name."""
    author = loaded.case.authors[0]
    given = text_in(author.given, lang) or text_in(author.given, "en") or ""  # type: ignore[arg-type]
    family = text_in(author.family, lang) or text_in(author.family, "en") or ""  # type: ignore[arg-type]
    return f"{given} {family}".strip() or "casepub"


def _date(case: Path, options: DiffOptions) -> str:
    """The revisions' date: the ``--to`` commit's (the same every run), else now."""
    if options.rev_to and not Path(options.rev_to).is_dir():
        return resolve_revision(case, options.rev_to).date()
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _revision_label(case: Path, rev: str) -> str:
    """``HEAD~1 (3f2a9c1, 2024-03-01)`` for a commit; a folder's name for a folder."""
    if Path(rev).is_dir():
        return Path(rev).resolve().name
    revision = resolve_revision(case, rev)
    short = revision.commit[:7]
    day = revision.date()[:10]
    return f"{rev} ({short}, {day})" if not revision.commit.startswith(rev) else f"{short} ({day})"


def _pandoc_json(markdown: str, workdir: Path, citeproc: Citeproc | None = None) -> Json:
    """``markdown`` read by pandoc as the formats read it, as a pandoc document; with
    ``citeproc``, its citations printed (in each ``Cite``'s text)."""
    cite = (
        ["--citeproc", "--bibliography", str(citeproc.bibliography), "--csl", str(citeproc.csl)]
        if citeproc
        else []
    )
    result = subprocess.run(
        [pandoc_executable(), "--sandbox", "--from", READER, "--to", "json", *cite],
        input=markdown.encode("utf-8"),
        cwd=workdir,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise CasepubError.at("casepub", f"pandoc could not read the manuscript: {message}", CODE)
    return json.loads(result.stdout)


def _str_inlines(text: str) -> list[Json]:
    inlines: list[Json] = []
    for word in text.split(" "):
        if inlines:
            inlines.append({"t": "Space"})
        if word:
            inlines.append({"t": "Str", "c": word})
    return inlines


def _legend(case: Path, options: DiffOptions, manuscript: Manuscript) -> Json:
    """The legend at the top: since which version, and what the marks mean."""
    rev = _revision_label(case, options.rev_from)
    paragraphs = []
    for lang in manuscript.langs:
        since, inserted, deleted, bar = LEGEND[lang]
        inlines = [
            *_str_inlines(since.format(rev=rev)),
            {"t": "Span", "c": [["", ["sample-insertion"], []], _str_inlines(inserted)]},
            {"t": "Str", "c": ","},
            {"t": "Space"},
            {"t": "Span", "c": [["", ["sample-deletion"], []], _str_inlines(deleted)]},
            *_str_inlines(bar),
        ]
        paragraphs.append({"t": "Para", "c": inlines})
    return {"t": "Div", "c": [["", ["revision-legend"], []], paragraphs]}


def _note_figures(
    document: Json, changes: list[Change], manuscript: Manuscript, marker: Marker
) -> None:
    """A note at the end of the caption of each figure whose chart was redrawn or whose
    image was replaced."""
    notes: dict[str, dict[str, str]] = {}
    for change in changes:
        if change.place.startswith("fig:") and change.kind == "changed":
            if change.aspect == "redrawn":
                notes[change.place] = REDRAWN
            elif change.aspect == "image":
                notes[change.place] = REPLACED
    for figure in _figures(document["blocks"]):
        texts = notes.get(figure["c"][0][0])
        caption = figure["c"][1][1]
        if texts is None or not caption or caption[-1]["t"] not in ("Plain", "Para"):
            continue
        text = " / ".join(texts[lang] for lang in manuscript.langs)
        caption[-1]["c"].append(marker.note(f"[{text}]"))


def _figures(blocks: list[Json]) -> list[Json]:
    found = []
    for block in blocks:
        if block["t"] == "Figure":
            found.append(block)
        elif block["t"] == "Div":
            found += _figures(block["c"][1])
    return found
