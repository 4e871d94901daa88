"""Values (``{{ … }}``) work in every text printed as prose and never reach an output as
template code; where they cannot work, or cannot be computed, ``check`` says so at the line
and column (``value-place``, ``value-syntax``, ``value-ref``)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from lxml import etree

from casepub.diagnostics import CasepubError, Diagnostic
from casepub.load.loader import load_case
from casepub.render.printable import printed_case
from tests.conftest import DATA, run_casepub
from tests.helpers import docx_text, html_tree, make_case, pdf_text, squash

VALUES_YAML = """
labs:
  - analyte: AST
    unit: U/L
    range: {low: 4, high: 32}
    values:
      - {date: 2024-01-15, value: 263.9, note: 'before surgery, {{ date("2024-01-15") }}'}
      - {date: 2024-03-02, value: 41.7}

treatments:
  - id: surgery
    kind: surgery
    name: {ru: Операция, en: Surgery}
    start: 2024-02-05
    schedule:
      ru: 'однократно при {{ lab("АСТ", "2024-01-15", "uln") }} ВГН'
      en: 'once at {{ lab("AST", "2024-01-15", "uln") }} ULN'

figures:
  - id: scan
    file: scan.svg
    caption: {ru: 'КТ от {{ date(«2024-03-02») }}', en: 'CT of {{ date(“2024-03-02”) }}'}
"""

REPLACED = {
    # a structured abstract, with a value in a part
    "abstract:\n  ru: Реферат на русском языке.\n  en: The abstract in English.\n": (
        "abstract:\n"
        "  - heading: {ru: Обоснование, en: Background}\n"
        '    text: {ru: \'АСТ {{ lab("АСТ", "2024-01-15") }}.\','
        ' en: \'AST {{ lab("AST", "2024-01-15") }}.\'}\n'
    ),
    "  text: {ru: Диагноз, en: Diagnosis}\n": (
        "  text: {ru: 'Диагноз от {{ date(\"2024-01-15\") }}', en: 'Diagnosis of"
        ' {{ date("2024-01-15") }}\'}\n'
    ),
    "    event: {ru: Первое обращение, en: First visit}\n": (
        "    event: {ru: Первое обращение, en: First visit}\n"
        '    outcome: {ru: \'Норма АСТ {{ lab("АСТ", "2024-01-15", "range") }}\','
        ' en: \'AST normal range {{ lab("AST", "2024-01-15", "range") }}\'}\n'
        "  - date: 2024-03-02\n"
        '    event: {ru: \'АСТ {{ lab("АСТ", "2024-03-02") }}\','
        ' en: \'AST {{ lab("AST", "2024-03-02") }}\'}\n'
    ),
    "  adverse_events:": (
        '  text: {ru: \'Наблюдение {{ months("2024-01-15", "last") }} мес\','
        ' en: \'Followed for {{ months("2024-01-15", "last") }} months\'}\n  adverse_events:'
    ),
    '    en: \'Follow-up: ALT {{ lab("ALT", "2024-03-01") }}.\'': (
        "    en: Follow-up results (@fig:scan)."
    ),
    "    ru: Результаты наблюдения, приверженность и переносимость лечения.": (
        "    ru: Результаты наблюдения (@fig:scan), формула $\\frac{1}{x_{i}}$."
    ),
    "      roles: [conceptualization, writing-original-draft]\n": (
        "      roles: [conceptualization, writing-original-draft]\n"
        "  acknowledgements:\n"
        '    ru: \'Снижение АСТ: {{ lab("АСТ", "2024-03-02", "change") }}.\'\n'
        '    en: \'AST fell by {{ lab("AST", "2024-03-02", "change") }}.\'\n'
    ),
}

PRINTED = {
    "abstract part (ru)": "263,9\u00a0ед./л",
    "abstract part (en)": "263.9\u00a0U/L",
    "caption (ru)": "КТ от 02.03.2024",
    "caption (en)": "CT of 2 March 2024",
    "timeline event": "АСТ 41,7\u00a0ед./л",
    "timeline outcome": "Норма АСТ 4–32\u00a0ед./л",
    "treatment schedule": "однократно при 8,2 ВГН",
    "acknowledgements (ru)": "Снижение АСТ: −84,2\u00a0%",
    "acknowledgements (en)": "AST fell by −84.2%",
}
"""What each value must print as, in the bilingual build of the Russian case."""


def _case(folder: Path, replaced: dict[str, str] | None = None, added: str = "") -> Path:
    case = make_case(folder, REPLACED if replaced is None else replaced, added)
    shutil.copy(DATA / "bad" / "float-unreferenced" / "scan.svg", case / "scan.svg")
    return case


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The text of each output of the case with values everywhere, by format."""
    root = tmp_path_factory.mktemp("values")
    case = _case(root / "case", added=VALUES_YAML)
    result = run_casepub("build", case, "--format", "pdf,docx,html,jats", "--out", root / "out")
    assert result.code == 0, result.stderr
    paths = {Path(p).suffix: Path(p) for p in result.stdout.split()}
    body = html_tree(paths[".html"]).xpath("//body")[0]
    jats = etree.parse(str(paths[".xml"]))
    return {
        "pdf": pdf_text(paths[".pdf"]),
        "docx": docx_text(paths[".docx"]),
        "html": body.text_content(),
        "jats": "".join(jats.getroot().itertext()),
    }


@pytest.mark.parametrize("output", ["pdf", "docx", "html", "jats"])
def test_every_value_is_printed_in_every_output(output: str, built: dict[str, str]) -> None:
    text = squash(built[output])
    missing = [where for where, value in PRINTED.items() if squash(value) not in text]
    assert missing == []


@pytest.mark.parametrize("output", ["pdf", "docx", "html", "jats"])
def test_no_template_code_reaches_an_output(output: str, built: dict[str, str]) -> None:
    text = built[output]
    assert "{{" not in text and "{%" not in text and "%}" not in text
    braces = [m.start() for m in re.finditer(r"\}\}", text)]
    formula = [m.start() for m in re.finditer(r"x_\{i\}\}", text)]
    assert len(braces) <= len(formula), "only the formula's own braces may remain"


def test_clinical_texts_are_printed_with_their_values(tmp_path: Path) -> None:
    """The outcome, the diagnosis and the notes of results get their values too, in the case
    every output is made from."""
    loaded = load_case(_case(tmp_path / "case", added=VALUES_YAML))
    assert loaded.record is not None
    case = printed_case(loaded, loaded.record, None).case
    assert case.outcome is not None
    assert case.outcome.text is not None and not isinstance(case.outcome.text, str)
    assert case.outcome.text.en == "Followed for 4 months"
    assert not isinstance(case.diagnosis.text, str)
    assert case.diagnosis.text.ru == "Диагноз от 15.01.2024"
    note = case.labs[0].values[0].note  # type: ignore[union-attr]
    assert note is not None and not isinstance(note, str)
    assert (note.ru, note.en) == ("before surgery, 15.01.2024", "before surgery, 15 January 2024")


def _found(case: Path) -> list[Diagnostic]:
    with pytest.raises(CasepubError) as exc:
        load_case(case)
    return exc.value.diagnostics


def _where(case: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle`` in case.yaml."""
    for number, line in enumerate((case / "case.yaml").read_text("utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


REFUSED = {
    "title": ("  en: Title of the article (case report)", "  en: 'Title {{ age }}'"),
    "key words": ("  en: [key word, case report]", "  en: ['key {{ age }}', case report]"),
    "author's name": ("en: Name P.}", "en: 'Name {{ age }}'}"),
    "affiliation": ("city: {ru: Москва, en: Moscow}", "city: {ru: Москва, en: 'M {{ age }}'}"),
    "section heading": (
        "  conclusion:\n    ru: Главный вывод.\n    en: The take-away lesson.",
        "  conclusion:\n    title: {ru: 'Вывод {{ age }}', en: Conclusion}\n"
        "    text: {ru: Главный вывод., en: The take-away lesson.}",
    ),
    "abstract heading": (
        "abstract:\n  ru: Реферат на русском языке.\n  en: The abstract in English.\n",
        "abstract:\n  - heading: {ru: 'Итог {{ age }}', en: Summary}\n"
        "    text: {ru: Реферат., en: The abstract.}\n",
    ),
    "running title": ("format: 1\n", "format: 1\nrunning_title: 'Short {{ age }}'\n"),
}


@pytest.mark.parametrize("where", REFUSED)
def test_a_value_where_values_cannot_work_is_refused_at_its_place(
    where: str, tmp_path: Path
) -> None:
    old, new = REFUSED[where]
    case = _case(tmp_path / "case", replaced={**REPLACED, old: new})
    [found] = [d for d in _found(case) if d.code == "value-place"]
    assert (found.line, found.col) == _where(case, "{{ age }}")
    assert "do not work in" in found.message


@pytest.mark.parametrize(
    ("value", "code", "words"),
    [
        ('{{ dat("2024-01-15") }}', "value-ref", "did you mean `date`?"),
        ('{{ months("2024-01-15", "last", "days") }}', "value-ref", 'months(start, end="last")'),
        ('{{ lab("AST") }}', "value-ref", "missing a required argument"),
        ("{{ months }}", "value-ref", "give its arguments"),
        ("{{ 9**9**9 }}", "value-syntax", "is not a value"),
        ("{{ lab.__class__ }}", "value-syntax", "is not a value"),
        ('{{ lab("AST", "2024-01-15") | upper }}', "value-syntax", "is not a value"),
        ("{% if age %}x{% endif %}", "value-syntax", "template statements"),
        ('{{ date("2024-01-15") }', "value-syntax", "is not closed"),
        ('{{ lab("AST", "2019-01-01") }}', "value-ref", "no AST result on 2019-01-01"),
    ],
)
def test_a_value_that_cannot_be_computed_is_a_located_error(
    value: str, code: str, words: str, tmp_path: Path
) -> None:
    caption = next(line for line in VALUES_YAML.splitlines() if "caption:" in line)
    added = VALUES_YAML.replace(caption, f"    caption: {{ru: КТ, en: 'CT {value}'}}")
    case = _case(tmp_path / "case", added=added)
    started = time.monotonic()
    found = [d for d in _found(case) if d.code == code]
    assert time.monotonic() - started < 10
    assert found, code
    line, col = _where(case, f"'CT {value}")
    assert (found[0].line, found[0].col) == (line, col + 4)
    assert words in found[0].message + (found[0].suggestion or "")
    assert found[0].path == "figures[0].caption.en"
