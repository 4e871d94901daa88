"""The consistency checker: numbers and dates of the narrative against the data, and figures
and tables the text never refers to. Each finding is asserted at its exact place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casepub.checks.lint import lint
from casepub.diagnostics import Diagnostic
from casepub.load.loader import load_case
from casepub.model import PartialDate
from casepub.prose_dates import find_dates, find_numbers, mask
from tests.conftest import CASES

CODES = ("consistency-value", "consistency-span", "float-unreferenced")

CASE = """\
language: ru
title: {ru: Название (клинический случай), en: Title (case report)}
authors:
  - id: doe
    family: {ru: Доу, en: Doe}
    given: {ru: Джейн, en: Jane}
    affiliations: [example]
    email: jane.doe@example.org
    corresponding: true
affiliations:
  example:
    name: {ru: Больница, en: Hospital}
    city: {ru: Город, en: City}
    country: {ru: Страна, en: Country}
keywords: {ru: [слово, случай], en: [word, case report]}
abstract: {ru: Реферат., en: Abstract.}
patient: {sex: female, age: 57}
anchors: {presentation: 2016-02-09}
diagnosis:
  text: {ru: Диагноз, en: Diagnosis}
  ki67: 12
timeline:
  - {date: 2016-01-21, event: {ru: Биопсия, en: Biopsy}}
  - {date: 2016-02-09, event: {ru: Госпитализация, en: Admission}}
treatments:
  - id: octreotide
    kind: drug
    name: {ru: Октреотид длительного действия, en: Octreotide LAR}
    dose: {value: 30, unit: mg}
    start: 2016-02-10
labs:
  - analyte: AST
    unit: U/L
    range: {low: 4, high: 32}
    values: [{date: 2016-02-09, value: 263.9}, {date: 2016-03-01, value: 40.2}]
  - analyte: ALT
    unit: U/L
    range: {high: 33}
    values: [{date: 2016-02-09, value: 208}]
ecog:
  - {date: 2016-02-09, value: 3}
outcome: {status: alive-stable-disease, date: 2018-06}
sections:
  introduction:
    ru: Введение [@gagnier2013care].
    en: Introduction [@gagnier2013care].
  patient_information:
    ru: |
      RU_TEXT
    en: |
      EN_TEXT
  timeline:
    ru: События — в @tbl:timeline и на @fig:timeline, лечение — в @tbl:treatments.
    en: Events are in @tbl:timeline and @fig:timeline, treatment in @tbl:treatments.
  clinical_findings:
    ru: Анализы приведены в @tbl:labs и на @fig:labs.
    en: The tests are listed in @tbl:labs and shown in @fig:labs.
declarations:
  consent: {ru: Согласие получено., en: Consent was obtained.}
  conflicts: {ru: Нет., en: None.}
  funding: {ru: Нет., en: None.}
  contributions:
    - {author: doe, roles: [writing-original-draft]}
bibliography: references.bib
"""

RU = "Пациентка, 57 лет."
EN = "A 57-year-old woman."


def _case(tmp_path: Path, ru: str = RU, en: str = EN, yaml: str = CASE) -> Path:
    case = tmp_path / "case"
    case.mkdir()
    text = yaml.replace("RU_TEXT", ru.replace("\n", "\n      "))
    text = text.replace("EN_TEXT", en.replace("\n", "\n      "))
    (case / "case.yaml").write_text(text, encoding="utf-8")
    shutil.copy(CASES / "minimal" / "references.bib", case / "references.bib")
    return case


def _found(case: Path) -> list[Diagnostic]:
    return [d for d in lint(load_case(case)).findings if d.code in CODES]


def _at(file: Path, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the ``nth`` occurrence of ``needle`` in ``file``."""
    text = file.read_text(encoding="utf-8")
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - text.rfind("\n", 0, index)


def _one(case: Path, code: str) -> Diagnostic:
    found = _found(case)
    assert [d.code for d in found] == [code], [d.format() for d in found]
    return found[0]


# --- the example cases -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ileal-net", "pnet-tace", "minimal"])
def test_example_cases_are_consistent(name: str) -> None:
    assert _found(CASES / name) == []


def test_the_base_case_is_clean(tmp_path: Path) -> None:
    assert _found(_case(tmp_path)) == []


# --- lab values ------------------------------------------------------------------------------


def test_lab_value_in_yaml_text(tmp_path: Path) -> None:
    case = _case(tmp_path, en="A 57-year-old woman had AST 236.9 U/L on admission.")
    found = _one(case, "consistency-value")
    assert (found.file, found.path) == (str(case / "case.yaml"), "sections.patient_information.en")
    assert (found.line, found.col) == _at(case / "case.yaml", "236.9")
    assert "the text gives AST 236.9 U/L but labs record 263.9 U/L (2016-02-09)" in found.message
    assert found.suggestion and '{{ lab("AST", "2016-02-09") }}' in found.suggestion


def test_lab_value_in_section_file_on_a_date(tmp_path: Path) -> None:
    yaml = CASE.replace(
        "  clinical_findings:\n    ru: Анализы приведены в @tbl:labs и на @fig:labs.\n",
        "  clinical_findings:\n    file: sections/clinical_findings.{lang}.md\n",
    ).replace("    en: The tests are listed in @tbl:labs and shown in @fig:labs.\n", "")
    case = _case(tmp_path, yaml=yaml)
    sections = case / "sections"
    sections.mkdir()
    (sections / "clinical_findings.ru.md").write_text(
        "Анализы (@tbl:labs, @fig:labs).\n\nПри поступлении 09.02.2016 АСТ —\n236,9 ед./л.\n",
        encoding="utf-8",
    )
    (sections / "clinical_findings.en.md").write_text(
        "Tests: @tbl:labs, @fig:labs. AST 236.9 U/L.\n", encoding="utf-8"
    )
    en, ru = sorted(_found(case), key=lambda d: d.file)
    assert (ru.file, ru.line, ru.col) == (str(sections / "clinical_findings.ru.md"), 4, 1)
    assert "AST 236,9 ед./л on this date but labs record 263.9 U/L" in ru.message
    assert ru.suggestion and '{{ lab("АСТ", "2016-02-09") }}' in ru.suggestion
    assert (en.file, en.line, en.col) == (str(sections / "clinical_findings.en.md"), 1, 34)
    assert en.code == ru.code == "consistency-value"


@pytest.mark.parametrize(
    "text",
    [
        "AST was 263.9 U/L.",
        "AST 264 U/L.",
        "AST 4.4 µkat/L.",
        'AST {{ lab("AST", "2016-02-09") }}.',
        "AST above 100 U/L.",
        "AST 8 times the upper limit of normal.",
        "AST rose for 3 months.",
        "AST and ALT 236.9 U/L.",
        "AST 500 U/L in one series [@gagnier2013care].",
        "AST returned to normal (@tbl:labs); 236.9 U/L.",
        "ALT and AST were 208 and 263.9 U/L.",
        "ALT/AST 208/263.9 U/L.",
        "AST fell from 263.9 to 40.2 U/L.",
    ],
)
def test_matching_or_unrelated_lab_numbers_are_not_findings(tmp_path: Path, text: str) -> None:
    assert _found(_case(tmp_path, en=f"{EN} {text}")) == []


@pytest.mark.parametrize(
    "ru",
    [
        "Пациентка, 57 лет. Уровень АСТ составил 4,40 мккат/л.",
        "Пациентка, 57 лет. АЛТ и АСТ — 208 и 263,9 ед./л соответственно.",
        "Пациентка, 57 лет. Активность аспартатаминотрансферазы снизилась с 263,9 до 40,2 ед./л.",
    ],
)
def test_russian_conversions_inflections_and_lists(tmp_path: Path, ru: str) -> None:
    assert _found(_case(tmp_path, ru=ru)) == []


def test_each_value_of_a_course_is_checked(tmp_path: Path) -> None:
    case = _case(tmp_path, en=f"{EN} AST fell from 263.9 to 42.0 U/L.")
    found = _one(case, "consistency-value")
    assert (found.line, found.col) == _at(case / "case.yaml", "42.0")
    assert "AST 42.0 U/L but labs record 40.2 U/L (2016-03-01)" in found.message


# --- age, Ki-67, ECOG, doses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ru", "en", "needle"),
    [
        ("Пациентка, 75 лет.", EN, "75 лет"),
        (RU, "A 75-year-old woman.", "75-year"),
        ("Пациентка, в возрасте 47 лет.", EN, "47 лет"),
        (RU, "The patient, aged 62, was seen.", "62"),
    ],
)
def test_age_contradicting_the_data(tmp_path: Path, ru: str, en: str, needle: str) -> None:
    case = _case(tmp_path, ru=ru, en=en)
    found = _one(case, "consistency-value")
    assert (found.line, found.col) == _at(case / "case.yaml", needle)
    assert "`patient.age` is 57 (ages 57–60 fit the dates of the case)" in found.message


@pytest.mark.parametrize(
    "en",
    [
        "A 59-year-old woman (two years after presentation).",
        "She had been followed for 3 years and treated for 75 days.",
        "A 57-year-old woman aged 90 years or older in the series.",
    ],
)
def test_ages_that_fit_or_are_not_ages(tmp_path: Path, en: str) -> None:
    assert _found(_case(tmp_path, en=en)) == []


def test_ages_in_the_discussion_are_of_other_patients(tmp_path: Path) -> None:
    yaml = CASE.replace(
        "  timeline:\n",
        "  discussion:\n    ru: Больные в возрасте 80 лет живут меньше.\n"
        "    en: Patients aged 80 do worse.\n  timeline:\n",
    )
    assert _found(_case(tmp_path, yaml=yaml)) == []


@pytest.mark.parametrize(
    ("en", "needle", "message"),
    [
        (f"{EN} Ki-67 15%.", "15%", "the text gives Ki-67 15% but the data record 12% (diagnosis)"),
        (f"{EN} ECOG 2 on admission.", "2 on", "the text gives ECOG 2 but `ecog` records 3"),
        (
            f"{EN} Octreotide LAR 20 mg was started.",
            "20 mg",
            "the text gives Octreotide LAR 20 mg but treatments record 30 mg (`octreotide`)",
        ),
    ],
)
def test_pathology_ecog_and_dose(tmp_path: Path, en: str, needle: str, message: str) -> None:
    case = _case(tmp_path, en=en)
    found = _one(case, "consistency-value")
    assert (found.line, found.col) == _at(case / "case.yaml", needle)
    assert message in found.message


@pytest.mark.parametrize(
    "ru",
    [
        "Пациентка, 57 лет. Индекс пролиферативной активности Ki-67 — 12 %.",
        "Пациентка, 57 лет, ECOG 3. Начат октреотид длительного действия 30 мг в/м.",
        "Пациентка, 57 лет. Октреотида длительного действия 0,03 г.",
        'Пациентка, 57 лет, ECOG {{ ecog("2016-02-09") }}; через 2 мес ECOG не оценивали.',
    ],
)
def test_matching_pathology_ecog_and_dose(tmp_path: Path, ru: str) -> None:
    assert _found(_case(tmp_path, ru=ru)) == []


def test_a_number_in_a_timeline_event_is_checked(tmp_path: Path) -> None:
    yaml = CASE.replace("event: {ru: Биопсия, en: Biopsy}", "event: {ru: Биопсия, en: Ki-67 21%}")
    case = _case(tmp_path, yaml=yaml)
    found = _one(case, "consistency-value")
    assert found.path == "timeline[0].event.en"
    assert (found.line, found.col) == _at(case / "case.yaml", "21%")


# --- dates outside the timeline --------------------------------------------------------------


@pytest.mark.parametrize(
    ("ru", "en", "needle", "side"),
    [
        ("Пациентка, 57 лет. С марта 2015 г. боли.", EN, "марта 2015", "before"),
        (RU, f"{EN} In December 2018 she was well.", "December 2018", "after"),
        (RU, f"{EN} On 08.12.2015 an ultrasound was done.", "08.12.2015", "before"),
        (RU, f"{EN} Symptoms began in 2013.", "2013.", "before"),
    ],
)
def test_dates_outside_the_timeline(
    tmp_path: Path, ru: str, en: str, needle: str, side: str
) -> None:
    case = _case(tmp_path, ru=ru, en=en)
    found = _one(case, "consistency-span")
    assert (found.line, found.col) == _at(case / "case.yaml", needle)
    assert "section patient_information mentions" in found.message
    assert f"{side} the timeline" in found.message
    assert "`timeline` covers 2016-01-21 to 2018-06" in found.message
    assert found.suggestion and "add a timeline event" in found.suggestion


@pytest.mark.parametrize(
    "en",
    [
        f"{EN} In June 2018 she was well.",
        f"{EN} Since January 2016 she has been treated here.",
        f"{EN} The treatment was given in 2016.",
        f'{EN} On {{{{ date("2016-02-09") }}}} she was admitted.',
        f"{EN} 2013 patients were treated elsewhere.",
        f"{EN} Staged by the WHO classification of 2019.",
    ],
)
def test_dates_inside_the_timeline_or_not_dates(tmp_path: Path, en: str) -> None:
    assert _found(_case(tmp_path, en=en)) == []


def test_literature_years_in_the_discussion_are_not_findings(tmp_path: Path) -> None:
    yaml = CASE.replace(
        "  timeline:\n",
        "  discussion:\n    ru: Данные собраны в 1985–2010 гг.\n"
        "    en: The data were collected in 1985–2010.\n  timeline:\n",
    )
    assert _found(_case(tmp_path, yaml=yaml)) == []


# --- figures and tables ----------------------------------------------------------------------


def test_a_figure_never_referred_to(tmp_path: Path) -> None:
    yaml = CASE.replace(
        "declarations:",
        "figures:\n  - id: scan\n    file: scan.svg\n    caption: {ru: КТ, en: CT}\ndeclarations:",
    )
    case = _case(tmp_path, yaml=yaml)
    (case / "scan.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8"
    )
    found = _one(case, "float-unreferenced")
    assert (found.path, found.line, found.col) == (
        "figures[0].id",
        *_at(case / "case.yaml", "scan"),
    )
    assert found.message.startswith("figure `fig:scan` is never referred to in the text")
    assert found.suggestion == "refer to it as @fig:scan where the text discusses it"


def test_a_generated_table_never_referred_to(tmp_path: Path) -> None:
    yaml = CASE.replace("в @tbl:labs и на", "на").replace("in @tbl:labs and shown", "shown")
    case = _case(tmp_path, yaml=yaml)
    found = _one(case, "float-unreferenced")
    assert found.path == "sections.clinical_findings"
    assert (found.line, found.col) == _at(case / "case.yaml", "clinical_findings:")
    assert "table `tbl:labs`, made from the data, is never referred to" in found.message


# --- recognising dates and numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("от 08.12.2016", "ru", [("08.12.2016", "2016-12-08")]),
        ("в 12.2016 и 2016-12-08", "ru", [("12.2016", "2016-12"), ("2016-12-08", "2016-12-08")]),
        ("8 декабря 2016 г. УЗИ", "ru", [("8 декабря 2016 г.", "2016-12-08")]),
        ("в декабре 2016 г.", "ru", [("декабре 2016 г.", "2016-12")]),
        (
            "с марта 2016 г. по март 2017 г.",
            "ru",
            [("марта 2016 г.", "2016-03"), ("март 2017 г.", "2017-03")],
        ),
        ("в 2013 г. и 2014 случаев", "ru", [("2013 г.", "2013")]),
        ("за 1994–2015 гг.", "ru", [("1994", "1994"), ("2015 гг.", "2015")]),
        ("On 8 December 2016", "en", [("8 December 2016", "2016-12-08")]),
        ("December 8, 2016", "en", [("December 8, 2016", "2016-12-08")]),
        ("in December 2016", "en", [("December 2016", "2016-12")]),
        ("in 2013, 2014 patients", "en", [("2013", "2013")]),
        ("0.4–5.1 cm and 263,9", "ru", []),
    ],
)
def test_find_dates(text: str, lang: str, expected: list[tuple[str, str]]) -> None:
    found = find_dates(text, "ru" if lang == "ru" else "en")
    assert [(text[d.start : d.end], d.date.iso()) for d in found] == expected


def test_find_dates_gives_partial_dates() -> None:
    assert [d.date for d in find_dates("May 2018", "en")] == [PartialDate(2018, 5)]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("АСТ 263,9 ед./л", "ru", [(263.9, 1, None)]),
        ("1 189,1 нг/мл; 85 133 больных", "ru", [(1189.1, 1, None), (85133.0, 0, None)]),
        ("0,6–1,0 см", "ru", [(0.6, 1, 1.0)]),
        ("1-й этап, 10-е сутки, G2, Ki-67, T3N1M1, 08.12.2016", "ru", []),
        (
            "1,189.1 ng/mL, 85,133 patients, 0.4–5.1 cm",
            "en",
            [(1189.1, 1, None), (85133.0, 0, None), (0.4, 1, 5.1)],
        ),
        ("the 2nd TACE, ECOG 0–1", "en", [(0.0, 0, 1.0)]),
    ],
)
def test_find_numbers(
    text: str, lang: str, expected: list[tuple[float, int, float | None]]
) -> None:
    found = find_numbers(text, "ru" if lang == "ru" else "en")
    assert [(n.value, n.decimals, n.upper) for n in found] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in autumn 2016", [("autumn 2016", "2016", False)]),
        ("Autumn 2016: relapse", [("Autumn 2016", "2016", False)]),
        ("in the spring of 2017", [("the spring of 2017", "2017", False)]),
        ("in early spring 2017", [("early spring 2017", "2017", False)]),
        ("Осенью 2016 г. боли", [("Осенью 2016 г.", "2016", True)]),
        ("весной 2017 года", [("весной 2017 года", "2017", True)]),
        ("с осени 2016 г.", [("осени 2016 г.", "2016", False)]),
        ("поздней осенью 2016", [("поздней осенью 2016", "2016", True)]),
    ],
)
def test_find_dates_reads_seasons_to_the_year(
    text: str, expected: list[tuple[str, str, bool]]
) -> None:
    """The whole phrase is the date (preposition left out), so the date policy replaces it
    whole; a Russian season in the instrumental («осенью») is its own "in"."""
    found = find_dates(text, "ru")
    assert [(text[d.start : d.end], d.date.iso(), d.adverb) for d in found] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Where the parity reader and this one disagreed, the more precise reading is kept:
        ("December 8 2016", [("December 8 2016", "2016-12-08")]),  # comma optional
        ("on 12.05.1898", [("12.05.1898", "1898-05-12")]),  # a day makes an old year a date
        ("ratio 5.1875", []),  # a month and an old year do not: a decimal
        ("patients may 2016", []),  # English months are capitalised
        ("on 2016-12", [("2016-12", "2016-12")]),
    ],
)
def test_find_dates_where_the_two_readers_disagreed(
    text: str, expected: list[tuple[str, str]]
) -> None:
    found = find_dates(text, "en")
    assert [(text[d.start : d.end], d.date.iso()) for d in found] == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("4,5", "ru", [(4.5, 1, None)]),
        ("grades 4,5", "en", [(4.0, 0, None), (5.0, 0, None)]),  # no decimal comma in English
        ("1,2345", "en", [(1.0, 0, None), (2345.0, 0, None)]),
        ("1 2345", "ru", [(1.0, 0, None), (2345.0, 0, None)]),  # not a digit group
        ("section 1.2.3, v1.2", "en", []),  # numbering and versions
    ],
)
def test_find_numbers_where_the_two_readers_disagreed(
    text: str, lang: str, expected: list[tuple[float, int, float | None]]
) -> None:
    found = find_numbers(text, "ru" if lang == "ru" else "en")
    assert [(n.value, n.decimals, n.upper) for n in found] == expected


def test_find_numbers_reads_ordinals_and_range_ends_when_asked() -> None:
    text = "1-й этап, 0,4–1,0 см"
    found = find_numbers(text, "ru", ordinals=True)
    assert [(text[n.start : n.end], n.ordinal) for n in found] == [("1", True), ("0,4–1,0", False)]
    assert found[1].split is not None
    lower, upper = found[1].split
    assert (text[found[1].start : lower], text[upper : found[1].end]) == ("0,4", "1,0")


def test_mask_blanks_what_is_not_prose() -> None:
    text = (
        "См. @fig:ct. Данные [см. @smith2016, с. 12; -@doe2020], {{ lab('AST') }}, `2016`,\n"
        "https://example.org/2016, doi: 10.1001/2013.0501 и [текст](#sec-12){#id-3}."
    )
    masked = mask(text, "\0")
    assert len(masked) == len(text) and masked.count("\n") == 1
    assert "".join(c for c in masked if c != "\0") == "См. . Данные , , ,\n,  и [текст."


def test_a_text_for_both_languages_is_read_once(tmp_path: Path) -> None:
    case = tmp_path / "minimal"
    shutil.copytree(CASES / "minimal", case)
    yaml_file = case / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(
        text.replace(
            "  A 34-year-old man presented with 12", "  A 36-year-old man presented with 12"
        ),
        encoding="utf-8",
    )
    found = _one(case, "consistency-value")
    assert (found.path, found.line, found.col) == (
        "sections.patient_information",
        *_at(yaml_file, "36-year"),
    )
