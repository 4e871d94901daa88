"""De-identification in casepub check: identifiers in any text, located; authors, cited
authors and eponyms are not the patient."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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


def test_identifiers_hidden_in_a_caption_and_table_cells_are_flagged_at_each(
    tmp_path: Path,
) -> None:
    """The issue's case: full name, СНИЛС and birth date in a figure caption, a Markdown table
    cell and a cell of the lab CSV — each found where it is."""
    case = tmp_path / "case"
    run_casepub("new", case)
    shutil.copy(CASES / "pnet-tace" / "labs.csv", case / "labs.csv")
    hidden = "Иванова Мария Петровна, СНИЛС 112-233-445 95, дата рождения 12.03.1961"
    image = case / "scan.png"
    _png_with_comment(image, "Patient: Ivanova M.P.")
    yaml_file = case / "case.yaml"
    text = (
        yaml_file.read_text(encoding="utf-8")
        .replace("    ru: Данные осмотра.\n", "    ru: Данные осмотра (@fig:scan).\n")
        .replace("    en: Physical examination findings.\n", "    en: Findings (@fig:scan).\n")
    )
    text += (
        "\nlabs:\n  - file: labs.csv\n\nfigures:\n  - id: scan\n    file: scan.png\n"
        f"    caption:\n      ru: КТ; {hidden}\n      en: CT scan\n"
    )
    yaml_file.write_text(text, encoding="utf-8")
    (case / "sections" / "discussion.ru.md").write_text(
        "Обсуждение [@example2024].\n\n| Показатель | Значение |\n|---|---|\n"
        f"| Пациент | {hidden} |\n",
        encoding="utf-8",
    )
    csv_file = case / "labs.csv"
    lines = csv_file.read_text(encoding="utf-8").splitlines()
    delimiter = ";" if ";" in lines[0] else ","
    lines[0] += f"{delimiter}comment"
    lines[1] += f"{delimiter}{hidden.replace(',', '')}"
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    found = _findings(case)
    places = {(Path(str(d["file"])).name, d["line"], d["code"]) for d in found}
    caption_line = text.splitlines().index(f"      ru: КТ; {hidden}") + 1
    for code in ("deid-patronymic-name", "deid-snils", "deid-birth-date"):
        assert ("case.yaml", caption_line, code) in places
        assert ("discussion.ru.md", 5, code) in places
        assert ("labs.csv", 2, code) in places
    image_finding = next(d for d in found if d["code"] == "deid-image-metadata")
    assert image_finding["path"] == "figures[0].file" and "Comment" in str(image_finding["message"])


def _png_with_comment(path: Path, comment: str) -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", comment)
    Image.new("RGB", (8, 8), "white").save(path, pnginfo=info)


ISSUE_16_MISSES = {
    "Пациентку Марию Сидоренко наблюдали с 2019 г.": ("deid-name", "Марию Сидоренко"),
    "Со слов дочери Анны, боли появились год назад.": ("deid-name", "Анны"),
    "Maria Ivanova, a teacher, noticed flushing.": ("deid-name", "Maria Ivanova"),
    "She was seen by Dr. John Smith in 2019.": ("deid-name", "John Smith"),
    "Mrs. Petrova reported diarrhoea.": ("deid-name", "Petrova"),
    "Her daughter Anna Ivanova consented.": ("deid-name", "Anna Ivanova"),
    "Call (617) 555-0199 or use SSN 123-45-6789.": ("deid-phone", "(617) 555-0199"),
    "SSN 123-45-6789 was on the referral.": ("deid-ssn", "123-45-6789"),
    "Работала учителем в школе № 1234 г. Зеленограда.": ("deid-workplace", "школе № 1234"),
}


def _with_patient_information(case: Path, lines: list[str]) -> list[int]:
    """Put ``lines`` into the patient information of a new case (a block scalar, one a line)
    and return the line of each in case.yaml."""
    yaml_file = case / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    old = "    ru: Пациентка, 50 лет, … (жалобы, анамнез, сопутствующие заболевания).\n"
    assert old in text
    block = "    ru: |\n" + "".join(f"      {line}\n" for line in lines)
    yaml_file.write_text(text.replace(old, block), encoding="utf-8")
    numbered = yaml_file.read_text(encoding="utf-8").splitlines()
    return [numbered.index(f"      {line}") + 1 for line in lines]


def test_the_misses_of_issue_16_are_reported_at_their_line(tmp_path: Path) -> None:
    """The eight identifiers `casepub check` used to miss, each at its line and column."""
    case = tmp_path / "case"
    run_casepub("new", case)
    sentences = list(ISSUE_16_MISSES)
    lines = _with_patient_information(case, sentences)
    found = _findings(case)
    for sentence, line in zip(sentences, lines, strict=True):
        code, text = ISSUE_16_MISSES[sentence]
        col = 7 + sentence.index(text)
        at_line = [(d["code"], d["col"]) for d in found if d["line"] == line]
        assert (code, col) in at_line, (sentence, at_line)
        message = next(str(d["message"]) for d in found if d["line"] == line and d["col"] == col)
        assert f"«{text}»" in message
    place = next(d for d in found if d["code"] == "deid-place")
    assert place["line"] == lines[-1] and "Зеленограда" in str(place["message"])


def test_package_refuses_while_an_identifier_is_unresolved(tmp_path: Path) -> None:
    """`casepub package` exits 1 naming the finding; a suppression with a reason resolves
    it (checked without building, which the journal tests do)."""
    from casepub.checks.deid_gate import require_deidentified
    from casepub.diagnostics import CasepubError
    from casepub.load.loader import load_case

    case = tmp_path / "case"
    run_casepub("new", case)
    (line,) = _with_patient_information(case, ["Пациентку Марию Сидоренко наблюдали с 2019 г."])
    out = tmp_path / "out"
    result = run_casepub("package", case, "--out", out)
    assert result.code == 1, result.stderr
    assert f"case.yaml:{line}:17: sections.patient_information.ru: «Марию Сидоренко»" in (
        result.stderr
    )
    assert "[deid-name]" in result.stderr and "unresolved" in result.stderr
    assert not list(out.rglob("*.zip"))

    yaml_file = case / "case.yaml"
    yaml_file.write_text(
        yaml_file.read_text(encoding="utf-8")
        + "\nsuppress:\n  - code: deid-name\n    path: sections.patient_information.ru\n"
        "    reason: the patient gave written consent to be named\n",
        encoding="utf-8",
    )
    try:
        require_deidentified(load_case(case))
    except CasepubError as exc:  # pragma: no cover - the assertion says what was left
        pytest.fail("\n".join(d.format() for d in exc.diagnostics))


def test_colleagues_thanked_are_not_the_patient(tmp_path: Path) -> None:
    """Names in the acknowledgements and conflicts are colleagues and sponsors; the same
    name in the consent statement is reported."""
    case = tmp_path / "case"
    run_casepub("new", case)
    yaml_file = case / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    text = text.replace(
        "    en: The authors declare no conflict of interest.\n",
        "    en: Dr. Ivan Petrov received fees from Novartis.\n",
    ).replace(
        "    en: The patient gave written informed consent to the publication of her data.\n",
        "    en: Her daughter Anna Ivanova gave written consent.\n",
    )
    text = text.replace(
        "declarations:\n",
        "declarations:\n  acknowledgements:\n    ru: Благодарим Елену Волкову.\n"
        "    en: We thank Dr. Elena Volkova for the slides.\n",
    )
    yaml_file.write_text(text, encoding="utf-8")
    names = [d for d in _findings(case) if d["code"] == "deid-name"]
    assert [(d["path"], "Anna Ivanova" in str(d["message"])) for d in names] == [
        ("declarations.consent.en", True)
    ]
