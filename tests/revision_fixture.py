"""Two versions of the ileal-net case under git, for the revision tests: the second has a
text edit, a changed marker value (its table cell, its value in the text, and the marker
chart redrawn), an added reference cited in the text, and a removed sentence."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

CASE = "ileal-net"

NEW_REFERENCE = """
@article{kennedy2008radioembolization,
  author  = {Kennedy, Andrew S. and Dezarn, William A. and McNeillie, Patrick and others},
  title   = {Radioembolization for unresectable neuroendocrine hepatic metastases using
             resin 90Y-microspheres: early results in 148 patients},
  journal = {American Journal of Clinical Oncology},
  year    = {2008},
  volume  = {31},
  number  = {3},
  pages   = {271--279},
  doi     = {10.1097/COC.0b013e31815e4557},
  langid  = {english}
}
"""

EDITS: dict[str, list[tuple[str, str]]] = {
    # a text edit (one word each language) and an added citation early in the text
    "sections/introduction.en.md": [
        ("a heterogeneous group of neoplasms", "a diverse group of neoplasms"),
        (
            "drug therapy alone [@cloyd2020neuroendocrine].",
            "drug therapy alone [@cloyd2020neuroendocrine]. Radioembolization is a further "
            "option [@kennedy2008radioembolization].",
        ),
    ],
    "sections/introduction.ru.md": [
        ("объединяют разнородные новообразования", "объединяют различные новообразования"),
        (
            "лекарственной терапии\n[@cloyd2020neuroendocrine].",
            "лекарственной терапии\n[@cloyd2020neuroendocrine]. Ещё один вариант — "
            "радиоэмболизация [@kennedy2008radioembolization].",
        ),
    ],
    # a removed sentence
    "sections/introduction.en.md#2": [
        (
            "In its early days, cytoreduction meant surgical removal of the primary tumor and "
            "the\nmetastases and nothing else. ",
            "",
        ),
    ],
    "sections/introduction.ru.md#2": [
        (
            "Первоначально под циторедукцией понимали только хирургическое удаление первичной "
            "опухоли\nи метастазов. ",
            "",
        ),
    ],
    # a changed marker value: the table, the text and the marker chart
    "case.yaml": [("{date: 2017-10-05, value: 407.9}", "{date: 2017-10-05, value: 412.3}")],
}
"""Each file's (old, new) replacements: every old text must occur in the file."""


SECOND_DATE = "2024-06-15T09:30:00Z"
"""The date of the second commit: the date of the DOCX revisions."""


@dataclass(frozen=True)
class Versions:
    """The repository, the case folder in it and the two commits."""

    repo: Path
    case: Path
    first: str
    second: str


def git(repo: Path, *args: str, date: str = "2024-03-01T10:00:00Z") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env
    )
    return result.stdout.strip()


def revise(case: Path) -> None:
    """Make the second version of the case in ``case``."""
    for name, edits in EDITS.items():
        path = case / name.split("#")[0]
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    bib = case / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + NEW_REFERENCE, encoding="utf-8")


def make_versions(root: Path) -> Versions:
    """A git repository under ``root`` with the case in ``cases/ileal-net``, committed twice."""
    repo = root / "repo"
    case = repo / "cases" / CASE
    shutil.copytree(REPO / "cases" / CASE, case)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first submission")
    first = git(repo, "rev-parse", "HEAD")
    revise(case)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "revision after review", date=SECOND_DATE)
    return Versions(repo, case, first, git(repo, "rev-parse", "HEAD"))
