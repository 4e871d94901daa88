"""CARE checklist: each item mapped to the case, missing ones reported (errors when the journal
requires them), and ``casepub care`` writing the filled checklist with real page numbers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from casepub.checks.care import CARE_ITEMS, care_report
from casepub.checks.lint import lint
from casepub.load.loader import load_case
from tests.conftest import CASES, run_casepub


def _care_findings(case: Path, *args: str) -> list[dict[str, object]]:
    result = run_casepub("check", case, "--format", "json", *args)
    found: list[dict[str, object]] = json.loads(result.stdout)
    return [d for d in found if d["code"] == "care-missing"]


@pytest.fixture()
def scaffold(tmp_path: Path) -> Path:
    case = tmp_path / "case"
    assert run_casepub("new", case).code == 0
    return case


def _edit(case: Path, old: str, new: str) -> None:
    path = case / "case.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_every_care_item_and_sub_item_is_mapped() -> None:
    ids = [item.id for item in CARE_ITEMS]
    assert ids == [
        "1", "2", "3a", "3b", "3c", "4", "5a", "5b", "5c", "6", "7",
        "8a", "8b", "8c", "8d", "9a", "9b", "9c", "10a", "10b", "10c", "10d",
        "11a", "11b", "11c", "11d", "12", "13",
    ]  # fmt: skip


def test_the_scaffold_reports_every_item(scaffold: Path) -> None:
    loaded = load_case(scaffold)
    linted = lint(loaded)
    statuses = care_report(loaded, linted.profile, linted.manuscript)
    assert [s.item.id for s in statuses if not s.reported] == []
    assert _care_findings(scaffold) == []


def test_missing_items_are_warnings_located_at_the_place_to_fill(scaffold: Path) -> None:
    _edit(
        scaffold,
        "  patient_perspective:\n    ru: Мнение пациентки о лечении (с её слов).\n"
        "    en: The patient's view of her treatment, in her words.\n",
        "",
    )
    _edit(scaffold, "  adverse_events: {ru: Нежелательных явлений не было., en: There were no"
          " adverse events.}\n", "")  # fmt: skip
    found = _care_findings(scaffold)
    lines = (scaffold / "case.yaml").read_text(encoding="utf-8").splitlines()
    outcome, sections = (
        lines.index("outcome:                     # at the last follow-up"),
        lines.index("sections:"),
    )
    assert [(d["path"], d["severity"], d["line"], d["col"]) for d in found] == [
        ("outcome.adverse_events", "warning", outcome + 2, 3),
        ("sections.patient_perspective", "warning", sections + 2, 3),
    ]
    assert "CARE item 12 (Patient perspective)" in str(found[1]["message"])
    assert "CARE item 10d" in str(found[0]["message"])


def test_what_the_journal_requires_is_an_error(scaffold: Path) -> None:
    _edit(
        scaffold,
        "  patient_perspective:\n    ru: Мнение пациентки о лечении (с её слов).\n"
        "    en: The patient's view of her treatment, in her words.\n",
        "",
    )
    found = _care_findings(scaffold, "--journal", "jmcr")
    assert [(d["path"], d["severity"]) for d in found] == [
        ("sections.patient_perspective", "error")
    ]
    assert "Journal of Medical Case Reports" in str(found[0]["message"])


def test_sub_items_of_one_section_are_one_finding(scaffold: Path) -> None:
    _edit(scaffold, "  discussion:\n    file: sections/discussion.{lang}.md\n", "")
    found = _care_findings(scaffold)
    assert len(found) == 1
    assert str(found[0]["message"]).startswith("CARE items 11a, 11b, 11c (Discussion)")


def test_staging_is_asked_only_of_tumours(scaffold: Path) -> None:
    assert _care_findings(scaffold) == []
    _edit(scaffold, "  text: {ru: Диагноз, en: Diagnosis}\n",
          "  text: {ru: Диагноз, en: Diagnosis}\n  icd10: C25.4\n")  # fmt: skip
    found = _care_findings(scaffold)
    assert [(d["path"], str(d["message"])[:11]) for d in found] == [("diagnosis", "CARE item 8")]


def test_examples_report_or_explain_every_item() -> None:
    """The example cases pass --strict: each missing item carries the authors' reason."""
    result = run_casepub("check", "--strict", *sorted(CASES.glob("*/case.yaml")))
    assert result.code == 0, result.stdout
    loaded = load_case(CASES / "ileal-net")
    linted = lint(loaded)
    missing = [s.item.id for s in care_report(loaded, linted.profile, linted.manuscript)]
    reported = {
        s.item.id for s in care_report(loaded, linted.profile, linted.manuscript) if s.reported
    }
    assert set(missing) - reported == {"1", "2", "9b", "10d", "12"}


def test_care_writes_the_filled_checklist_with_pages(tmp_path: Path) -> None:
    case = tmp_path / "ileal-net"
    shutil.copytree(CASES / "ileal-net", case)
    out = tmp_path / "build"
    result = run_casepub("care", case, "--out", out)
    assert result.code == 0, result.stderr
    written = {Path(line).suffix: Path(line) for line in result.stdout.split()}
    assert set(written) == {".md", ".docx", ".pdf"}
    rows = {
        cells[1].strip(): [c.strip() for c in cells[2:-1]]
        for line in written[".md"].read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and (cells := line.split("|"))
    }
    # The page of each section in the checklist is the page its heading is on in the PDF.
    manuscript = PdfReader(out / "ileal-net" / "ileal-net.bilingual.pdf")
    pages = [page.extract_text() or "" for page in manuscript.pages]
    for item, heading in (("4", "Введение"), ("11a", "Обсуждение"), ("8a", "Диагностика")):
        where, page = rows[item][2], int(rows[item][3])
        assert where == heading
        assert heading in pages[page - 1]
        assert all(f"\n{heading}\n" not in text for text in pages[: page - 1])
    assert rows["12"][2].startswith("**not reported**: the publication has no patient")
    assert rows["13"][2:] == ["Информированное согласие", str(_page_of("Информированное", pages))]
    pdf_text = "\n".join(p.extract_text() or "" for p in PdfReader(written[".pdf"]).pages)
    assert "CARE checklist" in pdf_text and "Did the patient give informed consent?" in pdf_text
    table = Document(str(written[".docx"])).tables[0]
    assert len(table.rows) == 1 + len(CARE_ITEMS)
    assert table.rows[-1].cells[0].text == "13"


def _page_of(word: str, pages: list[str]) -> int:
    return next(i + 1 for i, text in enumerate(pages) if f"{word} согласие." in text)


def test_the_submission_package_holds_the_filled_checklist(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = run_casepub("package", CASES / "pnet-tace", "--out", out)
    assert result.code == 0, result.stderr
    import zipfile

    with zipfile.ZipFile(result.stdout.strip()) as package:
        names = set(package.namelist())
        checklist = package.read("care-checklist.md").decode("utf-8")
    assert {"care-checklist.md", "care-checklist.docx", "care-checklist.pdf"} <= names
    assert "| 8d | Diagnostic assessment |" in checklist
    assert "**not reported**: the source has no patient perspective" in checklist
