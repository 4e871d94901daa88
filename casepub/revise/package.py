"""What ``casepub package --revision`` adds to the submission zip: the marked manuscript
(changes since responses.yaml's ``since``) and the response to the reviewers."""

from __future__ import annotations

from pathlib import Path

from casepub.build import BuildOptions
from casepub.checks.proof.run import as_errors
from casepub.diagnostics import CasepubError
from casepub.load.loader import load_case
from casepub.revise.diff import DiffOptions, write_diff
from casepub.revise.letter import require_responses, write_letter
from casepub.revise.responses import since_revision


def revision_files(target: Path, options: BuildOptions, work: Path) -> dict[str, bytes]:
    """The revision's members of the package, by name, each also written into ``work``
    (where the package's proof reads them)."""
    files: dict[str, bytes] = {}
    for path in write_letter(target, options, formats=("docx", "pdf"), into=work):
        files[path.name] = path.read_bytes()
    files.update(marked_manuscript(target, options, work))
    return files


def marked_manuscript(target: Path, options: BuildOptions, work: Path) -> dict[str, bytes]:
    """The marked manuscript of ``casepub diff`` since responses.yaml's ``since``: the DOCX
    with Word revisions and the PDF with marked changes, as ``marked-manuscript.*``."""
    loaded = load_case(target)
    since = since_revision(loaded.folder, require_responses(loaded).responses.since)
    diffed = write_diff(
        target,
        DiffOptions(since, formats=("docx", "pdf"), journal=options.journal, out=options.out),
    )
    if diffed.proof:  # a submission is never made from a failed proof
        raise CasepubError(as_errors(diffed.proof))
    files: dict[str, bytes] = {}
    for path in diffed.paths:
        if path.suffix in (".docx", ".pdf") and path.parent != work:
            name = f"marked-manuscript{path.suffix}"
            files[name] = path.read_bytes()
            (work / name).write_bytes(files[name])
    return files
