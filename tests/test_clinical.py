"""Clinical data end to end through the loader: resolution, imports, checks, values, tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from casepub.clinical.values import Values, expand
from casepub.diagnostics import CasepubError
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.render.tables import results_table, timeline_table, treatments_table
from tests.conftest import run_casepub

CLINICAL = """
anchors:
  presentation: 2016-02-09
  treatment_start: 2016-02-09

treatments:
  - id: tace-1
    kind: locoregional
    name: {ru: ТАХЭ, en: TACE}
    agents:
      - agent: {ru: доксорубицин, en: doxorubicin}
        dose: {value: 40, unit: мг}
      - agent: {ru: липиодол, en: lipiodol}
        dose: {value: 10, unit: mL}
    route: intra-arterial
    target: {ru: правая доля печени, en: right lobe}
    start: {anchor: treatment_start, days: 2}
  - id: octreotide
    kind: drug
    name: {ru: Октреотид, en: Octreotide}
    dose: {value: 30, unit: mg}
    route: im
    schedule: {ru: каждые 28 дней, en: every 28 days}
    start: 2016-03
    ongoing: true
    line: 1

labs:
  - analyte: АСТ
    unit: ед./л
    range: {low: 4, high: 32}
    values:
      - {date: 2016-02-09, value: 263.9}
      - {date: 2016-07-01, value: 30}
  - analyte: ALT
    unit: U/L
    range: {female: {high: 31}, male: {high: 41}}
    values:
      - {date: 2016-02-09, value: 208}

markers:
  - analyte: chromogranin A
    unit: ng/mL
    range: {high: 108}
    values:
      - {date: 2016-02-09, value: 628.8}
      - {date: 2016-07-01, value: 40.5}

ecog:
  - {date: 2016-02-09, value: 3}
  - {date: 2016-07-01, value: 0, upper: 1}

lesions:
  - id: L1
    site: {ru: "печень, S7", en: "liver, segment 7"}
    organ: liver
    measurements:
      - {date: 2016-02-01, mm: 50}
      - {date: 2016-07-01, mm: 30}

outcome:
  status: alive-stable-disease
  date: {anchor: treatment_start, months: 110}
"""

TEXT_RU = "АСТ {{ lab('AST', '2016-02-09') }} ({{ lab('AST', '2016-02-09', 'uln') }} ВГН)"


def _case(root: Path, extra: str = CLINICAL, replace: dict[str, str] | None = None) -> Path:
    case = root / "case"
    assert run_casepub("new", case).code == 0
    yaml_file = case / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    if "\noutcome:" in extra:  # replaces the scaffold's own outcome
        text = re.sub(r"^outcome:.*?\n(?=\S)", "", text, flags=re.DOTALL | re.MULTILINE)
    text = text.replace("bibliography:", extra + "\nbibliography:")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    yaml_file.write_text(text, encoding="utf-8")
    return case


def _diagnostics(case: Path) -> list[dict[str, object]]:
    result = run_casepub("check", case, "--format", "json")
    assert "Traceback" not in result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> LoadedCase:
    return load_case(_case(tmp_path_factory.mktemp("clinical")))


def test_dates_resolve_from_anchors(loaded: LoadedCase) -> None:
    record = loaded.record
    assert record is not None
    tace = record.course("tace-1")
    assert tace is not None and tace.start.iso() == "2016-02-11"
    assert record.outcome is not None and record.outcome.date.iso() == "2025-04-09"


def test_sex_specific_range_is_chosen(loaded: LoadedCase) -> None:
    assert loaded.record is not None
    alt = loaded.record.track("АЛТ")
    assert alt is not None and alt.range is not None and alt.range.high == 31


def test_values_in_both_languages(loaded: LoadedCase) -> None:
    assert loaded.record is not None
    ru = Values(loaded.case, loaded.record, "ru")
    en = Values(loaded.case, loaded.record, "en")
    assert expand(TEXT_RU, ru) == "АСТ 263,9\u00a0ед./л (8,2 ВГН)"
    assert expand("{{ lab('AST', '2016-02-09') }}", en) == "263.9\u00a0U/L"
    assert expand("{{ lab('AST', '2016-07-01', 'change') }}", en) == "−88.6%"
    assert expand("{{ lab('ALT', '2016-02-09', 'grade') }}", en) == "3"
    assert expand("{{ months('treatment_start', 'last') }}", en) == "110"
    assert expand("{{ dose('tace-1') }}", ru) == "доксорубицин 40\u00a0мг + липиодол 10\u00a0мл"
    assert expand("{{ recist('2016-07-01') }}", ru) == "частичный ответ"
    assert expand("{{ recist('2016-07-01', 'change') }}", en) == "−40.0%"
    assert expand("{{ ecog('2016-07-01') }}", en) == "0–1"
    assert expand("{{ age_at('2025-04-09') }}", en) == "59"
    assert expand("{{ date('treatment_start') }}", ru) == "09.02.2016"


def test_tables(loaded: LoadedCase) -> None:
    assert loaded.record is not None
    values = Values(loaded.case, loaded.record, "ru")
    labs = results_table(loaded.record.labs, values)
    assert labs is not None
    assert labs.header == ["Показатель", "Ед. изм.", "Норма", "09.02.2016", "01.07.2016"]
    assert labs.rows[0] == ["АСТ", "ед./л", "4–32", "263,9 ↑", "30"]
    treatments = treatments_table(loaded.record, values)
    assert treatments is not None
    assert treatments.rows[1][4] == "продолжается"
    timeline = timeline_table(loaded.case, loaded.record, values)
    assert timeline is not None
    # treatments no event refers to go before the first event they surely precede
    assert [row[0] for row in timeline.rows] == ["11.02.2016", "03.2016", "15.01.2024"]
    assert timeline.rows[0][2].startswith("доксорубицин 40\u00a0мг + липиодол 10\u00a0мл")


def test_markdown_places_and_numbers_generated_floats(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        replace={
            "    ru: Главный вывод.": "    ru: Маркеры (@fig:markers), таблица @tbl:labs. "
            + TEXT_RU,
            "    en: The take-away lesson.": "    en: Markers (@fig:markers), see @tbl:labs.",
        },
    )
    result = run_casepub("build", case, "--format", "html", "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    markdown = next(Path(p) for p in result.stdout.split() if p.endswith(".md")).read_text(
        encoding="utf-8"
    )
    found = re.search(
        r"Маркеры \(\[рис.\u00a0(\d+)\]\(#fig:markers\)\), таблица "
        r"\[табл.\u00a0(\d+)\]\(#tbl:labs\)",
        markdown,
    )
    assert found, "references become numbered links"
    figure, table = found.groups()
    assert f"![Рис. {figure}. Динамика опухолевых маркеров\\\nFig. {figure}." in markdown
    assert (
        f": Таблица {table}. Лабораторные показатели\\\nTable {table}. Laboratory results "
        "{#tbl:labs "
    ) in markdown
    assert "263,9\u00a0ед./л (8,2 ВГН)" in markdown
    numbers = [int(n) for n in re.findall(r"^!\[Рис\. (\d+)\.", markdown, re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)), "figures numbered in document order"
    svg = [p for p in result.stdout.split() if p.endswith("markers.svg")]
    assert svg and Path(svg[0]).read_bytes().startswith(b"<?xml")


def test_csv_import_with_russian_headers(tmp_path: Path) -> None:
    csv_text = (
        "Дата;Показатель;Значение;Единицы;Нижняя;Верхняя\n"
        "09.02.2016;АЛТ;208;ед./л;;31\n"
        "01.07.2016;АЛТ;25,5;ед./л;;31\n"
    )
    case = _case(tmp_path, extra="labs:\n  - file: labs.csv\n")
    (case / "labs.csv").write_text(csv_text, encoding="utf-8")
    loaded_case = load_case(case)
    assert loaded_case.record is not None
    track = loaded_case.record.track("ALT")
    assert track is not None
    assert [(r.date.iso(), r.value) for r in track.results] == [
        ("2016-02-09", 208.0),
        ("2016-07-01", 25.5),
    ]
    assert track.range is not None and track.range.high == 31


def test_xlsx_import(tmp_path: Path) -> None:
    from openpyxl import Workbook

    case = _case(tmp_path, extra="markers:\n  - {file: markers.xlsx, sheet: Маркеры}\n")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Маркеры"
    sheet.append(["date", "analyte", "value", "unit", "high"])
    sheet.append(["2017-02-02", "serotonin", 1189.1, "ng/mL", 200])
    sheet.append(["2017-10-05", "serotonin", "407,9", "нг/мл", 200])
    book.save(case / "markers.xlsx")
    loaded_case = load_case(case)
    assert loaded_case.record is not None
    track = loaded_case.record.track("серотонин")
    assert track is not None and [r.value for r in track.results] == [1189.1, 407.9]


BROKEN_CSV = (
    "date,analyte,value,unit\n"
    "2016-02-09,ALT,208,ед./л\n"
    "2016-02-09,ALT,210,ед./л\n"
    "2016-13-01,ALT,20,ед./л\n"
    "2016-03-01,ALTT,20,ед./л\n"
    "2016-04-01,ALT,abc,ед./л\n"
    "2016-05-01,bilirubin,1.9,mg/dL\n"
    "2016-06-01,bilirubin,32.5,мкмоль/л\n"
)


def test_csv_problems_are_located_by_row_and_column(tmp_path: Path) -> None:
    case = _case(tmp_path, extra="labs:\n  - file: labs.csv\n")
    (case / "labs.csv").write_text(BROKEN_CSV, encoding="utf-8")
    found = {
        (d["line"], d["col"], d["code"])
        for d in _diagnostics(case)
        if str(d["file"]).endswith("labs.csv")
    }
    assert (3, 1, "duplicate-value") in found
    assert (4, 1, "value") in found
    assert (5, 2, "unknown-analyte") in found
    assert (6, 3, "value") in found
    assert (8, 4, "unit-mismatch") in found
    mismatch = next(d for d in _diagnostics(case) if d["code"] == "unit-mismatch")
    assert "32.5 µmol/L = 1.901 mg/dL" in str(mismatch["suggestion"])


@pytest.mark.parametrize(
    ("old", "new", "code", "where"),
    [
        ("    unit: ед./л", "    unit: ммоль/л", "unit", "labs[0].unit"),
        ("  - analyte: АСТ", "  - analyte: АСТТ", "unknown-analyte", "labs[0].analyte"),
        (
            "      - {date: 2016-07-01, value: 30}",
            "      - {date: 2016-02-09, value: 30}",
            "duplicate-value",
            "labs[0].values[1].date",
        ),
        (
            "      - {date: 2016-02-09, value: 208}",
            "      - {date: 2016-02-09, value: -5}",
            "value",
            "labs[1].values[0].value",
        ),
        (
            "    start: {anchor: treatment_start, days: 2}",
            "    start: {anchor: treatment_strat, days: 2}",
            "unknown-ref",
            "treatments[0].start.anchor",
        ),
        (
            "        dose: {value: 40, unit: мг}",
            "        dose: {value: 40, unit: мгг}",
            "unit",
            "treatments[0].agents[0].dose.unit",
        ),
        ("  status: alive-stable-disease\n", "  status: dead\n", "order", "treatments[1].ongoing"),
        ("      - {date: 2016-07-01, mm: 30}\n", "", "lesion-once", "lesions[0]"),
    ],
)
def test_clinical_problems_are_located(
    tmp_path: Path, old: str, new: str, code: str, where: str
) -> None:
    found = _diagnostics(_case(tmp_path, replace={old: new}))
    assert (code, where) in {(d["code"], d["path"]) for d in found}, found


def test_unknown_value_in_text_is_located(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        replace={
            "    en: The take-away lesson.": "    en: AST was {{ lab('AST', '2019-01-01') }}."
        },
    )
    (found,) = [d for d in _diagnostics(case) if d["code"] == "value-ref"]
    lines = (case / "case.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "2019-01-01" in t)
    assert (found["line"], found["col"]) == (line, lines[line - 1].index("{{") + 1)
    assert "no AST result on 2019-01-01" in str(found["message"])


def test_reference_to_a_chart_without_data(tmp_path: Path) -> None:
    case = _case(
        tmp_path, extra="", replace={"    en: The take-away lesson.": "    en: See @fig:labs."}
    )
    (found,) = [d for d in _diagnostics(case) if d["code"] == "unknown-ref"]
    assert "made from a lab analyte with two or more results" in str(found["message"])


def test_broken_expression_is_an_error_not_a_crash(tmp_path: Path) -> None:
    case = _case(tmp_path, replace={"    en: The take-away lesson.": "    en: Value {{ lab( }}."})
    with pytest.raises(CasepubError, match="cannot read"):
        load_case(case)


def test_lesion_csv_import_feeds_recist(tmp_path: Path) -> None:
    case = _case(tmp_path, extra="lesions:\n  - file: lesions.csv\n")
    (case / "lesions.csv").write_text(
        "очаг;орган;дата;мм\nL1;liver;07.04.2018;51\nL1;liver;23.05.2018;30\n"
        "L2;liver;07.04.2018;20\nL2;liver;23.05.2018;;\n",
        encoding="utf-8",
    )
    loaded_case = load_case(case)
    assert loaded_case.record is not None
    (assessment,) = loaded_case.record.assessments
    assert assessment.response.value == "NE"  # L2 was not evaluated on 23.05.2018
    assert assessment.baseline_mm == 71
