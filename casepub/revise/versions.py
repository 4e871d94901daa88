"""A case as it was at a git revision of its folder, or another folder taken as it is.

Nothing in the author's repository or case folder is written: the revision is read with
``git archive`` and unpacked into a folder the caller owns.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from casepub.diagnostics import CasepubError
from casepub.load.loaded import display_path
from casepub.load.loader import CASE_FILE

CODE = "revision"
"""The diagnostic code of a revision that cannot be read."""


@dataclass(frozen=True)
class Revision:
    """A git revision of a case folder: the repository, the folder's path in it, the commit."""

    top: Path
    prefix: str
    commit: str

    def date(self) -> str:
        """The commit's date, ISO 8601 in UTC (``2024-05-02T10:11:12Z``)."""
        stamp = _git(self.top, "show", "-s", "--format=%ct", self.commit).strip()
        return datetime.fromtimestamp(int(stamp), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def case_folder_of(case: Path) -> Path:
    """The case folder of ``case`` (a folder, or its case.yaml)."""
    return case.parent if case.name == CASE_FILE and case.is_file() else case


def resolve_revision(case: Path, rev: str) -> Revision:
    """The repository, prefix and commit of ``rev`` for the case folder ``case``; a located
    ``CasepubError`` when the folder is not under git, ``rev`` names no commit, or the case
    folder did not exist at that commit."""
    folder = case_folder_of(case)
    where = display_path(folder)
    if not folder.is_dir():
        raise CasepubError.at(where, "no such case folder", CODE)
    top = _git_or_none(folder, "rev-parse", "--show-toplevel")
    if top is None:
        raise CasepubError.at(
            where,
            f"cannot read revision `{rev}`: the case folder is not in a git repository",
            CODE,
            suggestion="give a folder instead (--from OLD_FOLDER), or put the case under git",
        )
    commit = _git_or_none(folder, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if commit is None:
        raise CasepubError.at(
            where,
            f"unknown revision `{rev}`: no commit, branch or tag of that name",
            CODE,
            suggestion="see `git log --oneline -- .` in the case folder for its revisions",
        )
    prefix = (_git_or_none(folder, "rev-parse", "--show-prefix") or "").strip()
    root = Path(top.strip())
    if _git_or_none(root, "cat-file", "-e", f"{commit.strip()}:{prefix}{CASE_FILE}") is None:
        raise CasepubError.at(
            where,
            f"the case did not exist at revision `{rev}`: no `{prefix}{CASE_FILE}` in it",
            CODE,
            suggestion="pick a later revision (`git log --oneline -- .`)",
        )
    return Revision(root, prefix, commit.strip())


def materialise(case: Path, rev: str, into: Path) -> Path:
    """The case folder of ``case`` as it was at ``rev``, unpacked under ``into`` with the
    case's own folder name (its bibliography, images and data files with it); or, when
    ``rev`` is a folder, that folder as it is. Raises ``CasepubError`` (code ``revision``)
    for a folder not under git, an unknown revision, or a case that did not exist then."""
    given = Path(rev)
    if given.is_dir():
        return case_folder_of(given).resolve()
    revision = resolve_revision(case, rev)
    target = into / case_folder_of(case).resolve().name
    target.mkdir(parents=True, exist_ok=True)
    archive = _git_bytes(
        revision.top, "archive", "--format=tar", revision.commit, "--", revision.prefix or "."
    )
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if not member.name.startswith(revision.prefix):
                continue
            member.name = member.name[len(revision.prefix) :]
            if member.name:
                tar.extract(member, target, filter="data")
    return target


def _git_or_none(folder: Path, *args: str) -> str | None:
    """git's output, or None when it fails (or git is not installed)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def _git(folder: Path, *args: str) -> str:
    found = _git_or_none(folder, *args)
    if found is None:
        raise CasepubError.at(display_path(folder), f"git {args[0]} failed", CODE)
    return found


def _git_bytes(folder: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise CasepubError.at(display_path(folder), f"git {args[0]} failed: {message}", CODE)
    return result.stdout
