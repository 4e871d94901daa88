"""The deliberately broken case of issue 13: a value that cannot work in a caption and in a
structured-abstract part, a Cyrillic letter in an English name — refused at ``check`` at their
lines — and an eight-column table in the two-column profile, laid out across both columns
so that the proof of the built PDF finds nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_casepub

REPO = Path(__file__).resolve().parent.parent

EIGHT_COLUMNS = """
    | Дата | Показатель | Значение | Единицы | Норма | Метод | Лаборатория | Комментарий |
    |---|---|---|---|---|---|---|---|
    | 02.02.2017 | Хромогранин А | 263,9 | нг/мл | < 100 | ИФА | Центральная | выше нормы |
    | 10.08.2017 | Хромогранин А | 98,4 | нг/мл | < 100 | ИФА | Центральная | в пределах нормы |
"""


def _case(folder: Path, *, broken: bool, name: bool = False) -> Path:
    case = folder / "case"
    shutil.copytree(REPO / "cases" / "minimal", case)
    shutil.copy(REPO / "cases" / "stress-layout" / "figures" / "ct-liver.png", case / "ct.png")
    text = (case / "case.yaml").read_text(encoding="utf-8")
    given = "Оlga" if name else "Olga"  # the first letter Cyrillic
    value = '{{ dat("2017-02-02") }}' if broken else '{{ date("2017-02-02") }}'
    text = text.replace("given: Jane", f"given: {given}")
    if broken:
        start, end = text.index("abstract: |\n"), text.index("patient:\n")
        text = (
            text[:start]
            + "abstract:\n  - heading: Background\n"
            + f'    text: \'Seen on {value}; {{{{ months("a", "b") }}}} later well.\'\n'
            + "  - heading: Conclusion\n    text: Laparoscopy cured him.\n\n"
            + text[end:]
        )
    text = text.replace(
        "  conclusion: |\n",
        "  discussion: |\n    The eight columns below.\n" + EIGHT_COLUMNS + "  conclusion: |\n",
    )
    text += (
        "\nfigures:\n  - id: ct\n    file: ct.png\n    section: patient_information\n"
        f"    caption: CT of {value}\n"
    )
    (case / "case.yaml").write_text(text, encoding="utf-8")
    return case


def _errors(case: Path) -> tuple[list[dict[str, object]], set[tuple[str, str]]]:
    result = run_casepub("check", case, "--format", "json")
    assert result.code == 1, result.stderr
    found = json.loads(result.stdout)
    return found, {(d["code"], d["path"]) for d in found if d["severity"] == "error"}


def test_check_refuses_a_cyrillic_letter_in_an_english_name(tmp_path: Path) -> None:
    found, errors = _errors(_case(tmp_path, broken=False, name=True))
    assert ("script-mixed", "authors[0].given") in errors, found


def test_check_refuses_the_broken_values_at_their_lines(tmp_path: Path) -> None:
    found, errors = _errors(_case(tmp_path, broken=True))
    assert ("value-ref", "figures[0].caption") in errors, found
    assert any(c == "value-ref" and p.startswith("abstract[0]") for c, p in errors), found
    assert all(d["line"] for d in found if d["code"] in ("script-mixed", "value-ref"))


@pytest.mark.parametrize("journal", ["ru-oncology"])
def test_an_eight_column_table_spans_the_columns_and_proofs_clean(
    tmp_path: Path, journal: str
) -> None:
    case = _case(tmp_path, broken=False)
    out = tmp_path / "out"
    built = run_casepub("build", case, "--journal", journal, "--format", "pdf", "--out", out)
    assert built.code == 0, built.stderr
    typ = next((out / "case").glob("*.typ")).read_text(encoding="utf-8")
    assert "Лаборатория" in typ and "wide: true" in typ
    proof = run_casepub("proof", case, "--journal", journal, "--out", out, "--no-office")
    assert proof.code == 0, proof.stdout + proof.stderr
    assert "[proof-" not in proof.stdout + proof.stderr
