"""Proofing files: each by its format, a DOCX also as LibreOffice prints it, and the outputs of
a build with their findings kept for the next one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from casepub.cache import StageCache
from casepub.checks.proof import stored
from casepub.checks.proof.geometry import Geometry, pdf_geometry, profile_geometry
from casepub.checks.proof.subject import Role, Subject
from casepub.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from casepub.profiles import Profile
    from casepub.render.context import Manuscript

Floats = Mapping[tuple[str, int], str]
NO_FLOATS: Floats = MappingProxyType({})
PRINTED = "page {n} as LibreOffice prints it"


def float_names(manuscript: Manuscript | None) -> dict[tuple[str, int], str]:
    """``("table", 3) → "treatments"``: each float's id without its ``tbl:``/``fig:`` prefix."""
    if manuscript is None:
        return {}
    return {(f.kind, f.number): f.id.split(":", 1)[-1] for f in manuscript.floats}


def proof_file(
    path: Path,
    geometry: Geometry,
    floats: Floats = NO_FLOATS,
    role: Role = "manuscript",
    shown: str | None = None,
) -> list[Diagnostic]:
    """The findings in one output file, by its suffix (nothing for other files). A PDF is
    read in the page its typst source beside it sets, else in ``geometry``."""
    subject = Subject(shown or stored.shown(path), geometry, floats=floats, role=role)
    if path.suffix == ".pdf":
        from casepub.checks.proof.pdf import proof_pdf

        return proof_pdf(path, dataclasses.replace(subject, geometry=pdf_geometry(path, geometry)))
    if path.suffix == ".docx":
        from casepub.checks.proof.docx import proof_docx

        return proof_docx(path, dataclasses.replace(subject, geometry=None))
    if path.suffix in (".html", ".xml"):
        from casepub.checks.proof.markup import proof_markup

        return proof_markup(
            path, dataclasses.replace(subject, geometry=None), path.suffix == ".html"
        )
    return []


def proof_printed(
    documents: Sequence[Path],
    floats: Floats = NO_FLOATS,
    shown: Callable[[Path], str] = stored.shown,
) -> list[Diagnostic]:
    """Each DOCX of ``documents`` printed by LibreOffice (one run for all) and held to the PDF
    proof in its own page geometry."""
    from casepub.checks.proof.docx import Docx, UnreadableDocx
    from casepub.checks.proof.office import OfficeError, print_to_pdf
    from casepub.checks.proof.pdf import proof_pdf

    if not documents:
        return []
    try:
        printed = print_to_pdf(documents)
    except OfficeError as exc:
        subject = Subject(shown(documents[0]))
        return [subject.finding("", f"cannot be printed: {exc}", "proof-unreadable")]
    found = []
    for document, pdf in printed.items():
        if isinstance(pdf, str):
            reason = f"LibreOffice cannot print it: {pdf}"
            found.append(Subject(shown(document)).finding("", reason, "proof-unreadable"))
            continue
        try:
            geometry = Docx.read(document).geometry
        except UnreadableDocx:
            continue  # the DOCX proof itself says it cannot be read
        subject = Subject(shown(document), geometry, PRINTED, floats)
        found += proof_pdf(pdf, subject)
    return found


def default_role(path: Path) -> Role:
    """A file named ``…blinded…`` is a blinded copy; any other a manuscript."""
    return "blinded" if "blinded" in path.name else "manuscript"


def proof_paths(
    paths: Sequence[Path],
    geometry: Geometry,
    floats: Floats = NO_FLOATS,
    office: bool = False,
    role: Callable[[Path], Role] = default_role,
    shown: Callable[[Path], str] = stored.shown,
) -> list[Diagnostic]:
    """Every finding in ``paths`` (a PDF without its typst source in ``geometry``), each DOCX
    also printed by LibreOffice when ``office``."""
    found: list[Diagnostic] = []
    for path in paths:
        found += proof_file(path, geometry, floats, role(path), shown(path))
    if office:
        found += proof_printed([p for p in paths if p.suffix == ".docx"], floats, shown)
    return found


def proof_made(
    made: Sequence[Path], profile: Profile, floats: Floats, cache: StageCache
) -> list[Diagnostic]:
    """The findings in a build's outputs ``made``: recalled for a file proofed before, else
    proofed now and kept."""
    found: list[Diagnostic] = []
    for path in made:
        if path.suffix not in stored.PROOFED:
            continue
        findings = stored.recall(cache, path)
        if findings is None:
            findings = proof_file(path, profile_geometry(profile), floats)
            stored.keep(cache, path, findings)
        found += findings
    return found


def as_errors(findings: Sequence[Diagnostic]) -> list[Diagnostic]:
    """``findings`` as errors: what stops a submission package."""
    return [dataclasses.replace(d, severity=Severity.error) for d in findings]


def _package_role(member: str) -> Role:
    if member.startswith("blinded"):
        return "blinded"
    return "manuscript" if member.startswith(("manuscript", "title-page")) else "attachment"


def proof_package(
    files: Mapping[str, bytes], work: Path, zip_name: str, geometry: Geometry, floats: Floats
) -> list[Diagnostic]:
    """The findings in the files of a submission package (``files``: member → bytes, made in
    ``work``): its documents, also as LibreOffice prints them when it is installed, and its
    letters' text. Each is named ``<zip>/<member>``."""
    from casepub.checks.proof.office import soffice
    from casepub.checks.proof.residue import residue_in

    found: list[Diagnostic] = []
    members: dict[Path, str] = {}
    for member, data in sorted(files.items()):
        path = work / Path(member).name
        if Path(member).suffix == ".txt":
            subject = Subject(f"{zip_name}/{member}")
            text = data.decode("utf-8", "replace")
            found += [subject.finding("", r.message, "proof-residue") for r in residue_in(text)]
        elif Path(member).suffix in stored.PROOFED and path.is_file():
            members[path] = member
    found += proof_paths(
        list(members),
        geometry,
        floats,
        office=soffice() is not None,
        role=lambda path: _package_role(members[path]),
        shown=lambda path: f"{zip_name}/{members[path]}",
    )
    return found
