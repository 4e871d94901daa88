"""What ``casepub package --revision`` adds to the submission zip: the marked manuscript
(changes since responses.yaml's ``since``) and the response to the reviewers."""

from __future__ import annotations

from pathlib import Path

from casepub.build import BuildOptions
from casepub.revise.letter import write_letter


def revision_files(target: Path, options: BuildOptions, work: Path) -> dict[str, bytes]:
    """The revision's members of the package, by name, each also written into ``work``
    (where the package's proof reads them)."""
    files: dict[str, bytes] = {}
    for path in write_letter(target, options, formats=("docx", "pdf"), into=work):
        files[path.name] = path.read_bytes()
    files.update(marked_manuscript(target, options, work))
    return files


def marked_manuscript(target: Path, options: BuildOptions, work: Path) -> dict[str, bytes]:
    """SEAM (rev-diff): the marked manuscript of ``casepub diff`` (DOCX with tracked changes,
    PDF with marked changes) since responses.yaml's ``since``, as ``marked-manuscript.*``.
    Empty until the rev-diff branch's diff function is merged."""
    return {}
