"""Bilingual parity: missing translations, untranslated words and paragraphs, key-word counts,
abstract lengths and the numbers and dates of the two abstracts — each finding located."""

from __future__ import annotations

from pathlib import Path

import pytest

from casepub.build import default_mode, profile_for
from casepub.checks.journal import check_journal
from casepub.checks.parity import check_parity
from casepub.checks.parity_numbers import numbers
from casepub.diagnostics import Diagnostic, Severity
from casepub.load.loader import load_case
from casepub.profiles import Limits, Profile
from casepub.render import build_manuscript
from casepub.scaffold import new_case
from tests.conftest import CASES

Where = tuple[str, str, int | None, int | None, str]
"""A finding as ``(code, file name, line, col, key path)``."""


def _case(tmp_path: Path, *edits: tuple[str, str], files: dict[str, str] | None = None) -> Path:
    """The ``casepub new`` scaffold with each ``(old, new)`` edit made in case.yaml."""
    case = tmp_path / "case"
    new_case(case)
    yaml_file = case / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    yaml_file.write_text(text, encoding="utf-8")
    for name, content in (files or {}).items():
        (case / name).write_text(content, encoding="utf-8")
    return case


def _at(case: Path, needle: str, offset: int = 0) -> tuple[int, int]:
    """Line and column of ``needle`` (plus ``offset`` characters) in the case's case.yaml."""
    text = (case / "case.yaml").read_text(encoding="utf-8")
    index = text.index(needle) + offset
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def _yaml(code: str, case: Path, needle: str, path: str, offset: int = 0) -> Where:
    """What ``_where`` gives for a ``code`` finding at ``needle`` of case.yaml."""
    return (code, "case.yaml", *_at(case, needle, offset), path)


def _parity(case: Path, journal: str | None = None) -> list[Diagnostic]:
    """The parity findings, with the profile and manuscript ``casepub check`` would use."""
    loaded = load_case(case)
    profile = profile_for(loaded, journal)
    mode = profile.language or default_mode(loaded)
    return check_parity(loaded, profile, build_manuscript(loaded, mode, profile=profile))


def _where(found: list[Diagnostic]) -> list[Where]:
    return [(d.code, Path(d.file).name, d.line, d.col, d.path) for d in found]


def test_scaffold_has_no_parity_findings(tmp_path: Path) -> None:
    assert _parity(_case(tmp_path)) == []


def test_example_cases_have_no_parity_findings_but_the_published_keywords() -> None:
    found = [d for case in sorted(CASES.iterdir()) for d in _parity(case)]
    # ileal-net encodes the publication's seven Russian and six English key words.
    ileal = CASES / "ileal-net"
    assert _where(found) == [
        _yaml("parity-keywords", ileal, "en:\n    - ileum neuroendocrine", "keywords.en")
    ]
    journal = _parity(ileal, "ru-oncology")
    assert _where(journal) == _where(found)


# --- parity-missing --------------------------------------------------------------------------


def test_a_text_in_one_language_is_missing_its_translation(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        ("{ru: Первое обращение, en: First visit}", "{ru: Первое обращение}"),
        ("    ru: Данные осмотра.\n    en: Physical examination findings.\n", "    ru: Осмотр.\n"),
    )
    (case / "sections" / "discussion.en.md").unlink()
    found = _parity(case)
    assert _where(found) == [
        _yaml("parity-missing", case, "{ru: Первое", "timeline[0].event"),
        _yaml("parity-missing", case, "ru: Осмотр.", "sections.clinical_findings"),
        (
            "parity-missing",
            "case.yaml",
            *_at(case, "sections/discussion"),
            "sections.discussion.file",
        ),
    ]
    assert all(d.severity is Severity.warning for d in found)
    assert found[0].message == (
        "given in Russian only; the manuscript is published in Russian and English"
    )
    assert found[0].suggestion == "add `en:` with the English text"
    assert "`sections/discussion.en.md` does not exist" in found[2].message
    # A journal that demands the English block makes them errors.
    journal = _parity(case, "ru-oncology")
    assert _where(journal) == _where(found)
    assert all(d.severity is Severity.error for d in journal)


def test_a_plain_russian_text_in_a_bilingual_manuscript(tmp_path: Path) -> None:
    case = _case(tmp_path, ("text: {ru: Диагноз, en: Diagnosis}", "text: Диагноз"))
    found = _parity(case)
    assert _where(found) == [_yaml("parity-missing", case, "Диагноз", "diagnosis.text")]
    assert "one text for both languages, but it is in Russian" in found[0].message


def test_english_only_manuscript_needs_no_russian(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        ("language: ru ", "language: en "),
        ("{ru: Первое обращение, en: First visit}", "{en: First visit}"),
    )
    assert _parity(case) == []


def test_title_reported_by_the_journal_checker_is_not_reported_again(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        ("  en: Title of the article (case report)\n", ""),
        ("{ru: Первое обращение, en: First visit}", "{ru: Первое обращение}"),
    )
    loaded = load_case(case)
    profile = Profile(id="ru-only", name="Russian", language="ru", required=["english"])
    manuscript = build_manuscript(loaded, "ru", profile=profile)
    found = check_parity(loaded, profile, manuscript)
    assert _where(found) == [_yaml("parity-missing", case, "{ru: Первое", "timeline[0].event")]


# --- parity-cyrillic -------------------------------------------------------------------------


def test_cyrillic_in_english_texts_is_located_run_by_run(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        (
            "en: Physical examination findings.",
            "en: Physical examination, октреотид LAR and a tumоr [@example2024].",
        ),
        files={"sections/discussion.en.md": "Discussion.\n\nThe patient said «мне лучше» today.\n"},
    )
    found = _parity(case)
    assert _where(found) == [
        _yaml("parity-cyrillic", case, "октреотид", "sections.clinical_findings.en"),
        _yaml("parity-cyrillic", case, "tumоr", "sections.clinical_findings.en", 3),
        ("parity-cyrillic", "discussion.en.md", 3, 19, "sections.discussion.file"),
    ]
    assert found[0].message == "Cyrillic in the English text: «октреотид»"
    assert found[1].message == "Cyrillic in the English text: «о»"
    assert found[2].message == "Cyrillic in the English text: «мне лучше»"
    assert all(d.severity is Severity.warning for d in found)


def test_cyrillic_in_a_plain_string_of_an_english_manuscript(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        ("language: ru ", "language: en "),
        ("{ru: Первое обращение, en: First visit}", "First visit (первичный приём)"),
    )
    assert _where(_parity(case)) == [
        _yaml("parity-cyrillic", case, "первичный", "timeline[0].event")
    ]


# --- parity-latin ----------------------------------------------------------------------------


ENGLISH_PARAGRAPH = (
    "Обсуждение.\n\nThe tumour was resected and the patient has remained well since then,\n"
    "with no sign of recurrence [@example2024].\n"
)


def test_an_english_paragraph_in_a_russian_text(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        (
            "ru: Главный вывод.",
            "ru: Главный вывод, which we did not translate into Russian at all, sorry.",
        ),
        files={"sections/discussion.ru.md": ENGLISH_PARAGRAPH},
    )
    found = _parity(case)
    assert _where(found) == [
        ("parity-latin", "discussion.ru.md", 3, 1, "sections.discussion.file"),
        _yaml("parity-latin", case, "which", "sections.conclusion.ru"),
    ]
    assert found[0].message == "an English paragraph in the Russian text"


def test_latin_names_citations_and_links_in_russian_sentences_are_not_english(
    tmp_path: Path,
) -> None:
    text = (
        "Назначены FOLFIRINOX и everolimus; мутации KRAS, NRAS и BRAF V600E не выявлены,\n"
        "SSTR2A-позитивность подтверждена (Surveillance, Epidemiology, and End Results)\n"
        "[@example2024; @example2024]; см. @tbl:timeline и https://doi.org/10.1000/some.long.url\n"
        "и {{ age }} `code span with many english words in it here`.\n"
    )
    case = _case(tmp_path, files={"sections/discussion.ru.md": text})
    assert _parity(case) == []


# --- parity-keywords -------------------------------------------------------------------------


def test_keyword_counts_differ(tmp_path: Path) -> None:
    case = _case(
        tmp_path, ("ru: [ключевое слово, клинический случай]", "ru: [ключевое слово, НЭО, случай]")
    )
    found = _parity(case)
    assert _where(found) == [_yaml("parity-keywords", case, "en: [key word", "keywords.en")]
    assert found[0].message == "2 English key words but 3 Russian ones"
    assert found[0].severity is Severity.warning


# --- parity-abstract-length ------------------------------------------------------------------

LONG_RU = " ".join(["Опухоль уменьшилась после лечения."] * 12)


def test_an_abstract_much_shorter_than_the_other(tmp_path: Path) -> None:
    case = _case(tmp_path, ("ru: Реферат на русском языке.", f"ru: {LONG_RU}"))
    found = _parity(case)
    where = _at(case, "The abstract in English.")
    assert _where(found) == [("parity-abstract-length", "case.yaml", *where, "abstract.en")]
    assert found[0].message == (
        "the English abstract has 4 words, the Russian one 48: too different for one to be a "
        "translation of the other"
    )


def test_a_faithful_translation_is_longer_in_english(tmp_path: Path) -> None:
    ru = "У пациентки выявлена опухоль; выполнена резекция, рецидива нет. " * 3
    en = "A tumour was found; it was resected, and there is no recurrence. " * 3
    case = _case(
        tmp_path,
        ("ru: Реферат на русском языке.", f"ru: {ru.strip()}"),
        ("en: The abstract in English.", f"en: {en.strip()}"),
    )
    assert _parity(case) == []


def test_the_abstract_of_a_language_not_built_is_held_to_the_limit(tmp_path: Path) -> None:
    long_ru = " ".join(["Опухоль уменьшилась после лечения."] * 90)  # 360 words
    long_en = " ".join(["The tumour shrank after the treatment."] * 60)  # 360 words
    case = _case(
        tmp_path,
        ("ru: Реферат на русском языке.", f"ru: {long_ru}"),
        ("en: The abstract in English.", f"en: {long_en}"),
    )
    loaded = load_case(case)
    # A Russian journal that asks for the English abstract but builds the Russian text only:
    # the journal checker holds the Russian abstract to the limit, parity the English one.
    profile = Profile(
        id="ru-only",
        name="Russian",
        language="ru",
        required=["english"],
        limits=Limits(abstract_words=350),
    )
    manuscript = build_manuscript(loaded, "ru", profile=profile)
    found = check_parity(loaded, profile, manuscript)
    where = _at(case, "The tumour shrank")
    assert _where(found) == [("parity-abstract-length", "case.yaml", *where, "abstract.en")]
    assert found[0].message == "the English abstract has 360 words; the journal allows 350"
    journal = check_journal(loaded, profile, manuscript)
    assert [d.message for d in journal if "abstract" in d.message] == [
        "the ru abstract has 360 words; the journal allows 350"
    ]
    # An English journal takes no Russian abstract: its length is not the journal's concern.
    assert _parity(case, "jmcr") == []


# --- parity-numbers --------------------------------------------------------------------------


def _abstracts(tmp_path: Path, ru: str, en: str) -> list[Diagnostic]:
    case = _case(
        tmp_path,
        ("ru: Реферат на русском языке.", f"ru: {ru}"),
        ("en: The abstract in English.", f"en: {en}"),
    )
    return _parity(case)


def test_a_number_of_one_abstract_missing_from_the_other(tmp_path: Path) -> None:
    found = _abstracts(
        tmp_path,
        "Пациентка 57 лет; объём циторедукции 90 %.",
        "A 56-year-old woman; cytoreduction reached 90%; followed for 4 years.",
    )
    case = tmp_path / "case"
    assert _where(found) == [
        _yaml("parity-numbers", case, "57 лет", "abstract.ru"),
        _yaml("parity-numbers", case, "56-year", "abstract.en"),
        _yaml("parity-numbers", case, "for 4", "abstract.en", 4),
    ]
    assert [d.message for d in found] == [
        "the Russian abstract says 57 but the English one has no 57 (it has 56)",
        "the English abstract says 56 but the Russian one has no 56 (it has 57)",
        "the English abstract says 4 but the Russian one has no 4",
    ]


def test_a_date_written_differently_but_not_the_same(tmp_path: Path) -> None:
    found = _abstracts(
        tmp_path, "ПЭТ/КТ от 08.12.2016 г.", "PET/CT of 9 December 2016 [@example2024]."
    )
    assert [d.message for d in found] == [
        "the Russian abstract says 08.12.2016 but the English one has no 2016-12-08 "
        "(it has 9 December 2016)",
        "the English abstract says 9 December 2016 but the Russian one has no 2016-12-09 "
        "(it has 08.12.2016)",
    ]


@pytest.mark.parametrize(
    ("ru", "en"),
    [
        ("Доля 68,9 % из 85 133 больных.", "A share of 68.9% of 85,133 patients."),
        ("ПЭТ/КТ от 08.12.2016 г.", "PET/CT of 8 December 2016."),
        ("ПЭТ/КТ от 08.12.2016 г.", "PET/CT of December 8, 2016."),
        ("ПЭТ/КТ 2016-12-08 и 8 декабря 2016 г.", "PET/CT on 08.12.2016 and Dec. 8th, 2016."),
        ("В декабре 2016 г. и с января 2017 г.", "In December 2016 and since January 2017."),
        ("В 12.2016 г.", "In December 2016."),
        ("За 1994–2015 гг., в два этапа, пять раз.", "In 1994-2015, in two stages, five times."),
        ("Опухоль G1, метастазы G2, Ki-67 3 %.", "A grade 1 tumour, grade 2 metastases, Ki-67 3%."),
        ("Заболеваемость 5,86 на 100 тыс.", "Incidence 5.86 per 100,000."),
        ("Пациентка {{ age }} лет, T3N1M1, CA 19-9.", "A {{ age }}-year-old, T3N1M1, CA 19-9."),
        ("Как показано [@example2024], см. @fig:x.", "As shown [@example2024]; see @fig:x."),
        ("Одна из опухолей, 1-й этап.", "One of the tumours, stage 1."),
    ],
)
def test_numbers_written_the_two_languages_ways_are_equal(tmp_path: Path, ru: str, en: str) -> None:
    assert _abstracts(tmp_path, ru, en) == []


def test_structured_abstract_numbers_are_compared_across_parts(tmp_path: Path) -> None:
    structured = (
        "abstract:\n"
        "  - heading: {ru: Обоснование, en: Background}\n"
        "    text: {ru: Случай 2016 г., en: A case of 2016.}\n"
        "  - heading: {ru: Заключение, en: Conclusions}\n"
        "    text:\n"
        "      ru: >-\n"
        "        Через 110 мес\n"
        "        жалоб нет.\n"
        "      en: >-\n"
        "        At 111 months\n"
        "        she has no complaints.\n"
    )
    case = _case(
        tmp_path,
        (
            "abstract:\n  ru: Реферат на русском языке.\n  en: The abstract in English.\n",
            structured,
        ),
    )
    assert _where(_parity(case)) == [
        _yaml("parity-numbers", case, "110", "abstract[1].text.ru"),
        _yaml("parity-numbers", case, "111", "abstract[1].text.en"),
    ]


def test_number_reading() -> None:
    read = [n.value for n in numbers("1 200,5 мг, 2,5 × 3,0 см; 1.5 л; 0,4–1,0", "ru")]
    assert read == ["1200.5", "2.5", "3", "1.5", "0.4", "1"]
    read = [n.value for n in numbers("1,200.5 mg, 2.5 × 3.0 cm; 4,5 typo; 3 thousand", "en")]
    assert read == ["1200.5", "2.5", "3", "4", "5", "3000"]


def test_seasons_and_other_dates_are_read(tmp_path: Path) -> None:
    ru = "Осенью 2016 г. и весной 2017 года; в декабре 2016 г.; описан 12.05.1898 г."
    en = "In autumn 2016 and in the spring of 2017; in 2016-12; described on 12 May 1898."
    assert _abstracts(tmp_path, ru, en) == []


def test_number_reading_where_the_two_readers_disagreed() -> None:
    """Dates, numbers and the spans to ignore are read by casepub.prose_dates, which the
    consistency check shares; where the two readers differed the more precise reading won."""
    read = [n.value for n in numbers("on 2016-12, may 2016, section 1.2.3, v1.2", "en")]
    assert read == ["2016-12", "2016"]  # a month written ISO-style; "may" is no month
    read = [n.value for n in numbers("1 2345 и 1-2 тыс., 1-й", "ru")]
    assert read == ["1", "2345", "1", "2000", "1"]  # a digit group has three digits
    read = [n.value for n in numbers("see @fig:x2. [see @a, p. 12]", "en")]
    assert read == []  # a citation in brackets with a locator is not prose
