"""The response to the reviewers (``casepub respond``), its check against the revision
(``response-unchanged``, ``response-unmentioned``) and ``casepub package --revision``, on the
two-version case of ``tests/response_fixture.py``."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
import typst
from pypdf import PdfReader

from casepub.checks.proof.geometry import POINTS, Geometry
from casepub.revise.pages import Spot, find_text, printed_words
from casepub.schema import json_schema_text
from tests.conftest import REPO, run_casepub
from tests.response_fixture import (
    EDITED_TEXT,
    REMOVED_SENTENCE,
    RESPONSES,
    WBC_REVISED,
    RevisionRepo,
    make_revision_repo,
)
from tests.revision_fixture import make_versions

FORMATS = ("docx", "pdf")
PLACE = re.compile(r"\(p\. (\d+), lines? (\d+)(?:–(\d+))?\)")


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> RevisionRepo:
    return make_revision_repo(tmp_path_factory.mktemp("respond"))


@pytest.fixture(scope="module")
def letter(revised: RevisionRepo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The letter in every format, and the revised manuscript it was made from."""
    out = tmp_path_factory.mktemp("respond-out")
    result = run_casepub("respond", revised.case, "--out", out)
    assert result.code == 0, result.stderr
    written = {Path(line).suffix: Path(line) for line in result.stdout.split()}
    assert set(written) == {".md", ".docx", ".pdf"}
    assert written[".pdf"].name == "appendicitis.response.en.pdf"
    return {**written, "manuscript": out / "appendicitis" / "appendicitis.en.pdf"}


def _pdf_text(path: Path | bytes) -> str:
    """The PDF's text as letters and digits only: words hyphenated at a line's end and
    spaces typst makes non-breaking compare equal to the text written."""
    reader = PdfReader(io.BytesIO(path) if isinstance(path, bytes) else path)
    return _letters(" ".join(page.extract_text() for page in reader.pages))


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def _printed_lines(pdf: Path, page: int) -> list[str]:
    """The lines of a page of the PDF as poppler lays them out, without the running header
    (pages after the first) and the page number: line 1 is the first line of the text area."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and lines[-1].strip().isdigit():
        lines.pop()
    return lines[1:] if page > 1 else lines


def _check_places(
    markdown: str, manuscript: Path, opening: str, closing: str, page: str, lines: str
) -> int:
    """Check each quote's page and lines against poppler's layout of the manuscript: the
    quote's first words are on its first line, its last words on its last. Returns how
    many quotes were checked."""
    pattern = re.escape(opening) + r"(.+?)" + re.escape(closing) + r" \((" + page + r"\. [^)]+)\)"
    place = re.compile(page + r"\. (\d+), " + lines + r" (\d+)(?:–(\d+))?")
    quotes = re.findall(pattern, markdown)
    for quote, where in quotes:
        found = place.fullmatch(where)
        assert found, where
        number, first = int(found.group(1)), int(found.group(2))
        last = int(found.group(3) or first)
        printed = _printed_lines(manuscript, number)
        words = _words(quote)
        assert " ".join(words[:2]) in " ".join(_words(printed[first - 1])), (quote, where)
        assert " ".join(words[-2:]) in " ".join(_words(printed[last - 1])), (quote, where)
    return len(quotes)


# --- the letter -------------------------------------------------------------------------------


def test_letter_holds_every_comment_reply_and_changed_text(letter: dict[str, Path]) -> None:
    text = _pdf_text(letter[".pdf"])
    for expected in (
        "Response to the reviewers",
        "Manuscript CR-2024-0117",
        "round 1 of review",
        "Reviewer 1",
        "Editor",
        "Comment 1",
        "Comment 3",
        "The discussion should say whether the work-up followed current guidelines.",
        "We compared the work-up with the 2020 WSES guidelines and cite them.",
        "The white-cell count of the second day does not match the chart.",
        "The sentence is removed.",
        EDITED_TEXT,
        REMOVED_SENTENCE,
        "Diagnosis and treatment of acute appendicitis",
        f"Leukocytes | × 10⁹/L | 4–9 | 13.1 ↑ | {WBC_REVISED} ↑",
        "figure redrawn",
    ):
        assert _letters(expected) in text, expected
    raw = " ".join(page.extract_text() for page in PdfReader(letter[".pdf"]).pages)
    assert "[@" not in raw and "{." not in raw, "citations and spans are printed as such"
    assert "history [2]" in raw, "the citation is quoted with the revised manuscript's number"


def test_docx_letter_has_the_same_content(letter: dict[str, Path]) -> None:
    paragraphs = [p.text for p in docx.Document(str(letter[".docx"])).paragraphs]
    text = " ".join(" ".join(paragraphs).split())
    assert "Reviewer 1" in paragraphs and "Editor" in paragraphs
    assert "Reply. The sentence is removed." in text
    assert EDITED_TEXT in text and REMOVED_SENTENCE in text
    assert PLACE.search(text)


def test_each_page_and_line_is_where_the_quote_is_printed(letter: dict[str, Path]) -> None:
    """Every quote's page and lines, checked against poppler's layout of the manuscript."""
    markdown = letter[".md"].read_text(encoding="utf-8")
    assert _check_places(markdown, letter["manuscript"], "“", "”", "p", "lines?") == 4
    removed = re.findall(r"~~(.+?)~~ \(deleted\)", markdown)
    assert removed == [REMOVED_SENTENCE]


def test_letter_in_russian_and_both_languages(revised: RevisionRepo, tmp_path: Path) -> None:
    result = run_casepub(
        "respond", revised.case, "--lang", "bilingual", "--format", "md", "--out", tmp_path
    )
    assert result.code == 0, result.stderr
    markdown = Path(result.stdout.strip()).read_text(encoding="utf-8")
    assert Path(result.stdout.strip()).name == "appendicitis.response.bilingual.md"
    english, russian = markdown.split("\n---\n")  # the case's language first
    assert "# Ответ рецензентам" in russian and "## Рецензент 1" in russian
    assert "Мы сравнили обследование с рекомендациями WSES" in russian
    assert re.search(r"\(с\. \d+, строки \d+–\d+\)", russian)
    assert "(удалено)" in russian
    assert "# Response to the reviewers" in english and "(deleted)" in english


def test_letter_is_deterministic(
    revised: RevisionRepo, letter: dict[str, Path], tmp_path: Path
) -> None:
    """Another output folder (a fresh build of the manuscript) gives the same bytes."""
    result = run_casepub("respond", revised.case, "--out", tmp_path)
    assert result.code == 0, result.stderr
    for path in map(Path, result.stdout.split()):
        assert path.read_bytes() == letter[path.suffix].read_bytes(), path.name


# --- the check --------------------------------------------------------------------------------


def _check(case: Path) -> list[dict[str, Any]]:
    result = run_casepub("check", case, "--format", "json")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return [d for d in found if d["code"].startswith("response-")]


def test_responses_that_match_the_revision_pass(revised: RevisionRepo) -> None:
    assert _check(revised.case) == []


def test_check_names_unchanged_places_and_unmentioned_changes(tmp_path: Path) -> None:
    text = RESPONSES.replace(
        'changed: ["labs[1]", "fig:labs"]', 'changed: ["labs[1]", sections.conclusion]'
    )
    case = make_revision_repo(tmp_path, text, commit_revision=False).case
    found = _check(case)
    unchanged = [d for d in found if d["code"] == "response-unchanged"]
    assert [(d["path"], d["severity"]) for d in unchanged] == [
        ("reviewers[0].comments[1].changed[1]", "error")
    ]
    line = text.splitlines()[unchanged[0]["line"] - 1]
    assert "sections.conclusion" in line[unchanged[0]["col"] - 1 :]
    unmentioned = [d for d in found if d["code"] == "response-unmentioned"]
    assert [d["severity"] for d in unmentioned] == ["warning"]
    assert "fig:labs" in unmentioned[0]["message"]
    assert unmentioned[0]["file"].endswith("responses.yaml")


def test_unknown_since_is_located(tmp_path: Path) -> None:
    case = make_revision_repo(tmp_path, RESPONSES.replace("since: submitted", "since: v9")).case
    found = _check(case)
    assert [(d["code"], d["line"], d["path"]) for d in found] == [("response-since", 1, "since")]
    result = run_casepub("respond", case, "--out", tmp_path / "out")
    assert result.code == 1
    assert "responses.yaml:1:8: since: the submitted version `v9` cannot be read" in result.stderr


def test_broken_responses_get_located_diagnostics(tmp_path: Path) -> None:
    text = RESPONSES.replace("round: 1", "round: first").replace(
        "changed: [sections.patient_information]", "changed: [the patient part]"
    )
    case = make_revision_repo(tmp_path, text).case
    for command in (["check"], ["respond", "--out", str(tmp_path / "out")]):
        result = run_casepub(*command, case)
        output = result.stdout + result.stderr
        assert result.code == 1 and "Traceback" not in output
        assert "responses.yaml:2:8: round: expected a whole number" in output
        assert "reviewers[1].comments[0].changed[0]:" in output
        assert "name a place as sections.<key>" in output


def test_respond_without_responses_says_where_they_go(tmp_path: Path) -> None:
    case = make_revision_repo(tmp_path, None).case
    result = run_casepub("respond", case, "--out", tmp_path / "out")
    assert result.code == 1
    assert (
        "responses.yaml: no responses.yaml" in result.stderr and "[file-missing]" in result.stderr
    )


# --- the package ------------------------------------------------------------------------------


def test_package_revision_adds_the_letter_and_lists_it(
    revised: RevisionRepo, tmp_path: Path
) -> None:
    result = run_casepub("package", revised.case, "--revision", "--out", tmp_path)
    assert result.code == 0, result.stderr
    with zipfile.ZipFile(result.stdout.strip()) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    revision = [f"{n}.{s}" for n in ("marked-manuscript", "response-to-reviewers") for s in FORMATS]
    assert set(revision) <= set(members)
    manifest = members["MANIFEST.txt"].decode("utf-8")
    assert "A revised submission: changes since `submitted`" in manifest
    assert "The revision's files: " + ", ".join(revision) + "." in manifest
    for name in revision:
        assert f"{hashlib.sha256(members[name]).hexdigest()}  {name}" in manifest
    marked = _pdf_text(members["marked-manuscript.pdf"])
    assert _letters("Changes since submitted") in marked and _letters(EDITED_TEXT) in marked
    with zipfile.ZipFile(io.BytesIO(members["marked-manuscript.docx"])) as marked_docx:
        body = marked_docx.read("word/document.xml").decode("utf-8")
    assert "<w:ins " in body and "<w:del " in body, "Word revisions in the marked DOCX"
    assert _letters(EDITED_TEXT) in _pdf_text(members["response-to-reviewers.pdf"])
    quoted = re.search(r"history \[2\]\.” \(p\.\s(\d+)", _raw(members["response-to-reviewers.pdf"]))
    assert quoted, "the discussion's quote has its page"
    page = PdfReader(io.BytesIO(members["manuscript.pdf"])).pages[int(quoted.group(1)) - 1]
    assert _letters(EDITED_TEXT) in _letters(page.extract_text())


def _raw(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_first_submission_package_has_no_revision_files(tmp_path: Path) -> None:
    case = make_revision_repo(tmp_path, None).case
    result = run_casepub("package", case, "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    with zipfile.ZipFile(result.stdout.strip()) as archive:
        assert not [n for n in archive.namelist() if n.startswith("response")]
        assert "revised" not in archive.read("MANIFEST.txt").decode()


def test_responses_schema_is_committed() -> None:
    committed = REPO / "docs" / "responses.schema.json"
    assert committed.read_text(encoding="utf-8") == json_schema_text("responses"), "make docs"
    assert run_casepub("schema", "--of", "responses").stdout == json_schema_text("responses")


def test_printed_line_numbers_are_used(tmp_path: Path) -> None:
    """A page that numbers its lines in the margin (typst's ``par.line``) is quoted by those
    numbers, here offset by 100 so that they cannot be the counted ones."""
    source = tmp_path / "numbered.typ"
    source.write_text(
        '#set page(paper: "a5", margin: 2cm)\n'
        "#set par.line(numbering: n => str(n + 100))\n"
        "#lorem(120)\n\n"
        "The patient went home two days later and nothing else happened at all.\n\n"
        "#lorem(60)\n",
        encoding="utf-8",
    )
    pdf = typst.compile(str(source))
    margin = 2 * POINTS["cm"]
    words = printed_words(pdf, Geometry(margin, margin, margin, margin))
    spot = find_text(words, "the patient went home two days later and nothing else happened")
    (tmp_path / "numbered.pdf").write_bytes(pdf)
    layout = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(tmp_path / "numbered.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    printed = {int(m.group(1)): m.group(2) for m in re.finditer(r"^\s*(\d+)\s+(.+)$", layout, re.M)}
    first = next(n for n, text in printed.items() if text.startswith("The patient went"))
    last = next(n for n, text in printed.items() if "nothing else happened" in text)
    assert first > 100 and spot == Spot(1, first, 1, last)
    assert find_text(words, "nonexistent words that the page does not hold") is None


ILEAL_RESPONSES = """\
since: HEAD~1
reviewers:
  - name: {ru: Рецензент 1, en: Reviewer 1}
    comments:
      - comment: Mention radioembolization.
        reply: {ru: Добавлено., en: Added.}
        changed: [sections.introduction, "references:kennedy2008radioembolization"]
      - comment: Check the serotonin values.
        reply: {ru: Исправлено., en: Corrected.}
        changed: [markers, "fig:markers"]
"""


def test_russian_two_column_journal(tmp_path: Path) -> None:
    """ileal-net's revision (tests/revision_fixture.py) for ru-oncology: Russian quotes,
    pages and lines of a long bilingual manuscript with tables and a reference list."""
    versions = make_versions(tmp_path)
    (versions.case / "responses.yaml").write_text(ILEAL_RESPONSES, encoding="utf-8")
    assert _check(versions.case) == []
    out = tmp_path / "out"
    result = run_casepub("respond", versions.case, "--lang", "ru", "--format", "md", "--out", out)
    assert result.code == 0, result.stderr
    markdown = Path(result.stdout.strip()).read_text(encoding="utf-8")
    manuscript = out / "ileal-net" / "ileal-net.bilingual.pdf"
    assert _check_places(markdown, manuscript, "«", "»", "с", "строк[аи]") == 5
    assert "радиоэмболизация [10]" in markdown and "Источник 10" in markdown
    assert "~~Первоначально под циторедукцией" in markdown and "(удалено)" in markdown
    assert "412,3" in markdown and "(рисунок перерисован)" in markdown
