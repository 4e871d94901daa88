"""De-identification in casepub check: identifiers in any text, located; authors, cited
authors and eponyms are not the patient."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CASES, run_casepub


def _findings(case: Path) -> list[dict[str, object]]:
    result = run_casepub("check", case, "--format", "json")
    found: list[dict[str, object]] = json.loads(result.stdout)
    return [d for d in found if str(d["code"]).startswith("deid-")]


def test_identifiers_are_found_where_they_are(tmp_path: Path) -> None:
    case = tmp_path / "case"
    run_casepub("new", case)
    (case / "sections" / "discussion.ru.md").write_text(
        "Обсуждение.\n\nПациентка Иванова Мария Петровна, СНИЛС 112-233-445 95,\n"
        "тел. +7 (495) 123-45-67, № истории болезни 12345.\n",
        encoding="utf-8",
    )
    yaml_file = case / "case.yaml"
    yaml_file.write_text(
        yaml_file.read_text(encoding="utf-8").replace(
            "The take-away lesson.", "The take-away lesson; write to patient.doe@example.com."
        ),
        encoding="utf-8",
    )
    found = _findings(case)
    kinds = {str(d["code"]) for d in found}
    assert {
        "deid-patronymic-name",
        "deid-snils",
        "deid-phone",
        "deid-record-number",
        "deid-email",
    } <= kinds
    snils = next(d for d in found if d["code"] == "deid-snils")
    assert str(snils["file"]).endswith("discussion.ru.md")
    assert (snils["line"], snils["col"]) == (3, 41)
    email = next(d for d in found if d["code"] == "deid-email")
    assert str(email["file"]).endswith("case.yaml") and email["path"] == "sections.conclusion.en"


def test_authors_cited_authors_and_eponyms_are_not_flagged(tmp_path: Path) -> None:
    case = tmp_path / "case"
    run_casepub("new", case)
    (case / "sections" / "discussion.en.md").write_text(
        "As Example A. showed [@example2024], and as reviewed at the N.N. Blokhin center, "
        "Familyname N.P. agrees.\n",
        encoding="utf-8",
    )
    assert _findings(case) == []


def test_example_cases_pass_strict() -> None:
    result = run_casepub("check", *sorted(CASES.glob("*/case.yaml")), "--strict")
    assert result.code == 0, result.stdout
