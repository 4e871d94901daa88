"""``casepub care``: the filled CARE checklist — each item with the section of the manuscript
that reports it and the page of the built PDF — as Markdown, DOCX and PDF.

The manuscript PDF is built first (the pages are those of the file the author submits); its
typst source tells where each heading, bold label and table landed.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from casepub.build import BuildOptions, build_case
from casepub.checks.care import CareStatus, Place, care_report
from casepub.checks.lint import lint
from casepub.checks.suppress import apply_suppressions
from casepub.convert.pandoc import run_pandoc
from casepub.convert.typst import Landmark, compile_pdf, landmarks
from casepub.diagnostics import Diagnostic
from casepub.files import write_atomic
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.load.yamlsource import format_path
from casepub.model import text_in
from casepub.resources import labels

FORMATS = ("md", "docx", "pdf")


def write_checklist(
    target: Path, options: BuildOptions, formats: tuple[str, ...] = FORMATS
) -> list[Path]:
    """Build the manuscript PDF of ``target``, then write its filled CARE checklist."""
    loaded = load_case(target)
    built = build_case(target, dataclasses.replace(options, formats=["pdf"]))
    typ = next(p for p in built if p.suffix == ".typ")
    markdown = filled_checklist(loaded, options.journal, typ)
    name = typ.name.removesuffix(".typ").replace(f"{loaded.id}.", f"{loaded.id}.care.", 1)
    return write_formats(markdown, typ.parent, name, formats)


def filled_checklist(loaded: LoadedCase, journal: str | None, typ: Path) -> str:
    """The checklist for the manuscript whose typst source is ``typ`` (compiled already)."""
    linted = lint(loaded, journal)
    statuses = care_report(loaded, linted.profile, linted.manuscript)
    reasons = _accepted(loaded, linted.findings, linted.profile.id)
    return checklist_markdown(loaded, statuses, landmarks(typ, typ.parent), reasons, typ.name)


def _accepted(loaded: LoadedCase, findings: list[Diagnostic], journal: str) -> dict[str, str]:
    """Reasons the authors recorded for CARE items they accept as missing, by key path."""
    filtered = apply_suppressions(
        loaded, [d for d in findings if d.code == "care-missing"], journal
    )
    return {d.path or "": rule.reason for d, rule in filtered.suppressed}


def page_of(place: Place, pages: list[Landmark]) -> int | None:
    """The page where ``place`` is printed, or None if it is not found."""
    if place.anchor == "@page1":
        return 1
    if place.anchor.startswith("#"):
        label = place.anchor[1:]
        return next((m.page for m in pages if m.label == label), None)
    return next((m.page for m in pages if m.text == place.anchor), None)


def checklist_markdown(
    loaded: LoadedCase,
    statuses: list[CareStatus],
    pages: list[Landmark],
    reasons: dict[str, str],
    manuscript_name: str,
) -> str:
    """The checklist (in English, as journals ask for it; the "reported in" column in the
    manuscript's words) as pandoc Markdown with one table row per CARE sub-item."""
    words = labels()["en"]["care"]
    title = text_in(loaded.case.title, "en") or text_in(loaded.case.title, "ru") or ""
    header = (
        f"| {words['item']} | {words['topic']} | {words['text']} "
        f"| {words['where']} | {words['page']} |"
    )
    rows = [header, "|:--|:----|:----------|:-------|--:|"]
    for status in statuses:
        rows.append(_row(status, pages, reasons, words))
    intro = (
        f"# {words['checklist']}\n\n**{_escape(title)}**\n\n"
        f"CARE 2013/2017 (Riley et al., J Clin Epidemiol 2017;89:218–235) · "
        f"`{manuscript_name.removesuffix('.typ')}.pdf`\n\n"
    )
    return intro + "\n".join(rows) + "\n"


def _row(
    status: CareStatus, pages: list[Landmark], reasons: dict[str, str], words: dict[str, str]
) -> str:
    item = status.item
    if status.reported and status.place is not None:
        page = page_of(status.place, pages)
        where, number = status.place.heading, str(page) if page else "—"
    else:
        path = format_path(status.lacking or item.path)
        reason = reasons.get(path)
        where = f"**{words['missing']}**" + (f": {_escape(reason)}" if reason else "")
        number = "—"
    return f"| {item.id} | {item.topic} | {_escape(item.text)} | {where} | {number} |"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*")


def write_formats(
    markdown: str, folder: Path, name: str, formats: tuple[str, ...] = FORMATS
) -> list[Path]:
    """Write the checklist as ``folder/name.{md,docx,pdf}``; return the paths."""
    written = [write_atomic(folder / f"{name}.md", markdown)] if "md" in formats else []
    if "docx" in formats:
        docx = run_pandoc(markdown, "docx", workdir=folder, citeproc=None)
        written.append(write_atomic(folder / f"{name}.docx", docx))
    if "pdf" in formats:
        source = run_pandoc(markdown, "typst", workdir=folder, citeproc=None, extra=_TYPST)
        typ = write_atomic(folder / f"{name}.typ", source)
        pdf = compile_pdf(typ, folder, timestamp=0)
        written.append(write_atomic(folder / f"{name}.pdf", pdf))
    return written


_TYPST = [
    "--standalone",
    "--variable",
    "papersize=a4",
    "--variable",
    "margin.x=1.8cm",
    "--variable",
    "margin.y=2cm",
    "--variable",
    "fontsize=9pt",
    "--variable",
    "header-includes=#show figure: set block(breakable: true)",
    "--variable",
    "header-includes=#set par(justify: false)",
]
