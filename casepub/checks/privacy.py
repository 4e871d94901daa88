"""De-identification check: every text of the case (both languages, captions, tables, file
names, section files) is scanned for patient identifiers; each is a located warning
``deid-<kind>``. The authors' own names, affiliations and e-mails are not scanned."""

from __future__ import annotations

import dataclasses
import re

from pydantic import BaseModel

from casepub.checks.deid import Finding, scan
from casepub.clinical.imports import read_table
from casepub.diagnostics import CasepubError, Diagnostic, DiagnosticList, Severity
from casepub.images import metadata_in
from casepub.load.loaded import LoadedCase, display_path
from casepub.load.yamlsource import Mark, format_path
from casepub.model import text_in
from casepub.model.cohort import DataTable
from casepub.model.data import DataFile

AUTHOR_METADATA = ("authors", "affiliations", "journal", "suppress", "bibliography", "profile")
"""Top-level keys that hold the authors' and the journal's own data, not the patient's."""
ABOUT_THE_AUTHORS = ("acknowledgements", "conflicts", "funding", "contributions")
"""Declarations that name the authors' colleagues, sponsors and companies: names there are
not the patient's (numbers, addresses and the like still are reported)."""
PERSON_KINDS = ("name", "patronymic-name", "initials-name")


def _diagnostic(file: str, mark: Mark, path: str, finding: Finding) -> Diagnostic:
    return Diagnostic(
        file,
        mark.line,
        mark.col,
        path,
        f"«{_shown(finding.text)}» {finding.message}",
        f"deid-{finding.kind}",
        Severity.warning,
        "remove it, or state the patient's consent and suppress this finding",
    )


def _shown(text: str) -> str:
    """The found text on one line, as the finding quotes it."""
    return " ".join(text.split())


def known_names(loaded: LoadedCase) -> set[str]:
    """Family names that are not the patient's: the authors' (both languages) and those of
    every author in the bibliography."""
    names: set[str] = set()
    for author in loaded.case.authors:
        for lang in ("ru", "en"):
            family = text_in(author.family, lang)
            if family:
                names.add(family.casefold())
    if loaded.bibliography is not None:
        for entry in loaded.bibliography.entries.values():
            for person in entry.fields.get("author", "").split(" and "):
                family = person.split(",")[0] if "," in person else person.split(" ")[-1]
                family = re.sub(r"[{}\\]", "", family).strip()
                if family:
                    names.add(family.casefold())
    return names


def check_privacy(loaded: LoadedCase) -> None:
    """Add a warning for every identifier found in the case's texts, section files and the
    metadata of its images."""
    _check_texts(loaded)
    _check_images(loaded)
    _check_data_files(loaded)


def identifier_findings(loaded: LoadedCase) -> list[Diagnostic]:
    """What :func:`check_privacy` finds in ``loaded``, returned rather than added: the scan
    reports into a list of its own, so a build can run it in a thread beside the conversion
    while the case's own list stays untouched."""
    apart = dataclasses.replace(loaded, diagnostics=DiagnosticList())
    check_privacy(apart)
    return apart.diagnostics.items


def data_files(value: object) -> list[DataFile]:
    """Every CSV/XLSX file a case (or any part of it) reads data from: labs, markers,
    lesions, and any other list or key of the model that holds a data file."""
    if isinstance(value, DataFile):
        return [value]
    if isinstance(value, DataTable):  # read below with its codebook
        return []
    if isinstance(value, BaseModel):
        return [f for name in type(value).model_fields for f in data_files(getattr(value, name))]
    if isinstance(value, list | tuple):
        return [f for item in value for f in data_files(item)]
    if isinstance(value, dict):
        return [f for item in value.values() for f in data_files(item)]
    return []


def _check_data_files(loaded: LoadedCase) -> None:
    """Every text cell of the CSV/XLSX files the labs, markers, lesions and the cohort's data
    tables are read from."""
    case = loaded.case
    allowed = [a.email for a in case.authors if a.email]
    names = known_names(loaded)
    files: list[DataFile | DataTable] = [*data_files(case)]
    files += list(case.cohort.tables.values()) if case.cohort else []
    for entry in files:
        path = loaded.folder / entry.file
        display = display_path(path)
        try:
            table = read_table(path, entry.sheet, display)
        except (CasepubError, OSError, KeyError, ValueError):
            continue  # reported where the data are read
        lines = (
            path.read_text(encoding="utf-8", errors="replace").splitlines()
            if path.suffix.lower() == ".csv"
            else []
        )
        for row_index, row in enumerate(table):
            for col_index, cell in enumerate(row):
                if not isinstance(cell, str):
                    continue
                for finding in scan(cell, allowed_emails=allowed, known_names=names):
                    line_text = lines[row_index] if row_index < len(lines) else ""
                    col = (line_text.find(cell) if cell in line_text else col_index) + 1
                    mark = Mark(row_index + 1, col + finding.start)
                    where = f"{entry.file}, row {row_index + 1}, column {col_index + 1}"
                    loaded.diagnostics.add(_diagnostic(display, mark, where, finding))


def _check_images(loaded: LoadedCase) -> None:
    allowed = [a.email for a in loaded.case.authors if a.email]
    images = [
        (name, ("figures", index, *sub))
        for index, figure in enumerate(loaded.case.figures)
        for name, sub in figure.images()
    ]
    for name, where in images:
        path = loaded.folder / name
        try:
            found = metadata_in(path) if path.is_file() else {}
        except (OSError, ValueError, SyntaxError):
            continue  # not an image: reported by the figure checks
        if not found:
            continue
        named = sorted({k for k, v in found.items() if scan(f"{k}: {v}", allowed_emails=allowed)})
        worry = f" — {', '.join(named)} may identify the patient" if named else ""
        loaded.report(
            where,
            f"`{name}` carries metadata ({', '.join(sorted(found))}){worry}; casepub "
            "strips it from every file it writes, but the image in the case folder keeps it",
            "deid-image-metadata",
            suggestion="save the image again without metadata before sharing the case folder",
            severity=Severity.warning,
        )


def _check_texts(loaded: LoadedCase) -> None:
    allowed = [a.email for a in loaded.case.authors if a.email]
    names = known_names(loaded)
    source = loaded.source
    for path, raw in sorted(source.raw.items(), key=lambda item: source.values[item[0]].line):
        if not path or path[0] in AUTHOR_METADATA:
            continue
        origin = source.values[path]
        about_authors = path[0] == "declarations" and path[1:2] and path[1] in ABOUT_THE_AUTHORS
        for finding in scan(raw, allowed_emails=allowed, known_names=names):
            if about_authors and finding.kind in PERSON_KINDS:
                continue
            loaded.diagnostics.add(
                _diagnostic(
                    source.file, origin.at_index(raw, finding.start), format_path(path), finding
                )
            )
    for passages in loaded.sections.values():
        for passage in passages.values():
            if passage.raw is passage.text and passage.file != source.file:
                for finding in scan(passage.text, allowed_emails=allowed, known_names=names):
                    mark = Mark(1, 1).at_index(passage.text, finding.start)
                    loaded.diagnostics.add(_diagnostic(passage.file, mark, passage.path, finding))
