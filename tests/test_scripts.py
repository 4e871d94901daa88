"""Look-alike letters: a word mixing Latin and Cyrillic letters is reported at its letter,
saying which letter to type; legitimate neighbours of the two scripts are not; an English
name is printed as written, never replaced by a transliteration of the Russian one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casepub.checks.scripts import mixed_words
from casepub.references.translit import transliterate
from tests.conftest import run_casepub
from tests.helpers import html_tree, make_case

O_CYRILLIC = "\u041e"
o_latin = "o"


@pytest.mark.parametrize(
    "text",
    [
        "Ki-67 12 %, лейкоциты 2,0 × 10⁹/л",
        "КТ и ПЭТ/КТ с ¹⁸F-ФДГ, NET-G2, pT3N1M1",
        "экспрессия SSTR2A и CDX2 в опухоли; β-катенин",
        "5-ГИУК 12 мкмоль/л, µмоль/л, CA 19-9 и РЭА",
        "IgG4-ассоциированный, SARS-CoV-2, ECOG 0–1",
        "N.N. Blokhin National Medical Research Center of Oncology",
    ],
)
def test_the_two_scripts_side_by_side_are_not_flagged(text: str) -> None:
    assert list(mixed_words(text)) == []


def test_a_cyrillic_letter_in_an_english_word_is_named() -> None:
    [found] = mixed_words(f"{O_CYRILLIC}lga Ivanova", "en")
    assert found.message() == (
        f"«{O_CYRILLIC}lga»: the 1st letter '{O_CYRILLIC}' is Cyrillic (U+041E) in an English word"
    )
    assert found.suggestion() == "type the Latin 'O': Olga"
    assert found.start == 0 and found.odd == [(0, O_CYRILLIC)]


def test_a_latin_letter_in_a_russian_word_is_named() -> None:
    found = next(mixed_words(f"Иван{o_latin}в и Петр{o_latin}в", "ru"))
    assert found.message() == "«Иванoв»: the 5th letter 'o' is Latin (U+006F) in a Russian word"
    assert found.suggestion() == "type the Cyrillic 'о': Иванов"
    [two] = mixed_words("Cырoк")  # Latin C and o among Cyrillic ы, р, к
    assert two.message().startswith("«Cырoк»: the 1st and 4th letters 'C' and 'o' are Latin")


def test_a_letter_without_a_twin_asks_for_the_keyboard_layout() -> None:
    [found] = mixed_words("Kлиникa", "ru")
    assert found.suggestion() == "type the Cyrillic 'К' and 'а': Клиника"
    [found] = mixed_words("Гqля", "ru")
    assert found.suggestion() == "type the word in Cyrillic letters (check the keyboard layout)"


GIVEN = "    given: {ru: Имя Отчество, en: Name P.}"
FAMILY = "    family: {ru: Фамилия, en: Familyname}"
MIXED = {
    GIVEN: f"    given: {{ru: Ольга, en: {O_CYRILLIC}lga}}",
    FAMILY: f"    family: {{ru: Иван{o_latin}ва, en: Ivanova}}",
    "  en: [key word, case report]": "  en: [key word, \u0441ase report]",
}


def _check(case: Path) -> list[dict[str, object]]:
    result = run_casepub("check", case, "--format", "json")
    assert "Traceback" not in result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return [d for d in found if str(d["code"]).startswith("script-")]


def test_check_reports_each_mixed_word_at_its_letter(tmp_path: Path) -> None:
    case = make_case(tmp_path / "case", MIXED)
    section = case / "sections" / "discussion.en.md"
    section.write_text(section.read_text("utf-8") + f"\nThe tum{O_CYRILLIC.lower()}ur.\n", "utf-8")
    found = {(d["path"], d["line"], d["col"], d["severity"]) for d in _check(case)}
    lines = (case / "case.yaml").read_text("utf-8").splitlines()
    given = next(i for i, line in enumerate(lines, 1) if "given:" in line)
    family = next(i for i, line in enumerate(lines, 1) if "family:" in line)
    last = len(section.read_text("utf-8").splitlines())
    assert found == {
        ("authors[0].given.en", given, lines[given - 1].rindex(O_CYRILLIC) + 1, "error"),
        ("authors[0].family.ru", family, lines[family - 1].index(o_latin + "ва") + 1, "error"),
        ("keywords.en[1]", 28, 18, "error"),
        ("sections.discussion.file", last, 8, "warning"),
    }


def test_an_english_name_is_printed_as_written(tmp_path: Path) -> None:
    """ "Оlga" is not replaced by "Ol'ga" (the Russian «Ольга» transliterated): the check
    names the look-alike letter instead."""
    case = make_case(tmp_path / "case", MIXED)
    result = run_casepub("build", case, "--format", "html", "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    html = next(Path(p) for p in result.stdout.split() if p.endswith(".html"))
    text = html_tree(html).text_content()
    assert f"{O_CYRILLIC}lga Ivanova" in text
    assert "Ol'ga" not in text and "Olga" not in text


def test_an_english_name_in_cyrillic_only_is_transliterated_and_said(tmp_path: Path) -> None:
    case = make_case(
        tmp_path / "case",
        {GIVEN: "    given: {ru: Ольга, en: Ольга}"},
    )
    [found] = _check(case)
    assert found["code"] == "script-name" and found["severity"] == "warning"
    assert f"prints it transliterated, «{transliterate('Ольга')}»" in str(found["message"])
