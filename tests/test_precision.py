"""Numbers print with the decimals their author wrote — in case.yaml, in a CSV or an XLSX
export — in text values, tables and chart labels: ``2.0`` is "2,0 × 10⁹/л", not "2"."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.text import Text
from openpyxl import Workbook

from casepub.clinical.values import Values, expand
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.render.charts import draw
from casepub.render.tables import results_table, treatments_table
from tests.conftest import run_casepub
from tests.helpers import BROKEN_VALUE, html_tree, make_case, pdf_text, squash

NBSP = "\u00a0"
FOLLOW_UP = '    en: \'Follow-up: ALT {{ lab("ALT", "2024-03-01") }}.\''
TEXT_EN = '    en: \'Follow-up: WBC {{ lab("WBC", "2024-01-15") }}.\''
TEXT_RU = (
    '    ru: \'Лейкоциты {{ lab("лейкоциты", "2024-01-15") }}'
    ' (норма {{ lab("лейкоциты", "2024-01-15", "range") }}).\''
)
RU_FOLLOW_UP = "    ru: Результаты наблюдения, приверженность и переносимость лечения."

LABS_YAML = """
labs:
  - analyte: WBC
    unit: ×10⁹/л
    range: {low: 4.0, high: 9.00}
    values:
      - {date: 2024-01-15, value: 2.0}
      - {date: 2024-03-02, value: 12}
  - analyte: AST
    unit: U/L
    range: {low: 4, high: 32}
    values:
      - {date: 2024-01-15, value: 263.90}
      - {date: 2024-03-02, value: 41.7}

treatments:
  - id: tace
    kind: locoregional
    name: {ru: ТАХЭ, en: TACE}
    agents:
      - {agent: {ru: доксорубицин, en: doxorubicin}, dose: {value: 50.0, unit: mg}}
    start: 2024-02-05
"""


def _case(folder: Path, labs: str = LABS_YAML) -> Path:
    return make_case(folder, {BROKEN_VALUE: TEXT_EN, RU_FOLLOW_UP: TEXT_RU}, labs)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> LoadedCase:
    return load_case(_case(tmp_path_factory.mktemp("precision") / "case"))


def test_a_text_value_keeps_the_written_decimals(loaded: LoadedCase) -> None:
    assert loaded.record is not None
    ru, en = (Values(loaded.case, loaded.record, lang) for lang in ("ru", "en"))
    assert expand('{{ lab("WBC", "2024-01-15") }}', ru) == f"2,0{NBSP}×{NBSP}10⁹/л"
    assert expand('{{ lab("WBC", "2024-01-15") }}', en) == f"2.0{NBSP}×{NBSP}10⁹/L"
    assert expand('{{ lab("WBC", "2024-01-15", "range") }}', ru) == f"4,0–9,00{NBSP}×{NBSP}10⁹/л"
    assert expand('{{ lab("WBC", "2024-03-02", "number") }}', en) == "12"
    assert expand('{{ lab("AST", "2024-01-15") }}', ru) == f"263,90{NBSP}ед./л"
    assert expand('{{ dose("tace") }}', en) == f"doxorubicin 50.0{NBSP}mg"


def test_tables_keep_the_written_decimals(loaded: LoadedCase) -> None:
    assert loaded.record is not None
    values = Values(loaded.case, loaded.record, "ru")
    table = results_table(loaded.record.labs, values)
    assert table is not None
    wbc, ast = table.rows
    assert wbc[1:] == [f"×{NBSP}10⁹/л", "4,0–9,00", "2,0 ↓", "12 ↑"]
    assert ast[2:] == ["4–32", "263,90 ↑", "41,7 ↑"]
    treatments = treatments_table(loaded.record, values)
    assert treatments is not None
    assert f"50,0{NBSP}мг" in treatments.rows[0][1]


def test_the_chart_label_spaces_the_unit_as_the_text_does(tmp_path: Path) -> None:
    """One series is drawn in its unit, which the axis label names (wrapped at spaces, never
    inside "× 10⁹/л")."""
    only_wbc = LABS_YAML[: LABS_YAML.index("  - analyte: AST")]
    loaded = load_case(_case(tmp_path / "case", only_wbc))
    assert loaded.record is not None
    figure = draw("labs", loaded.case, loaded.record, ["ru", "en"])
    labels = [t.get_text() for t in figure.findobj(Text)]
    [axis] = [label for label in labels if "Leukocytes" in label]
    assert f"Лейкоциты /\nLeukocytes, ×{NBSP}10⁹/л /\n×{NBSP}10⁹/L" == axis
    assert not any("×10" in label for label in labels)


def test_csv_cells_keep_their_decimals(tmp_path: Path) -> None:
    case = _case(tmp_path / "case", "\nlabs:\n  - file: labs.csv\n")
    (case / "labs.csv").write_text(
        "дата;показатель;значение;единицы;нижняя;верхняя\n"
        "15.01.2024;Лейкоциты;2,0;×10⁹/л;4,0;9,00\n"
        "02.03.2024;Лейкоциты;12;×10⁹/л;4,0;9,00\n",
        encoding="utf-8",
    )
    loaded = load_case(case)
    assert loaded.record is not None
    values = Values(loaded.case, loaded.record, "en")
    assert expand('{{ lab("WBC", "2024-01-15") }}', values) == f"2.0{NBSP}×{NBSP}10⁹/L"
    table = results_table(loaded.record.labs, values)
    assert table is not None and table.rows[0][2:4] == ["4.0–9.00", "2.0 ↓"]


def test_xlsx_cells_keep_the_decimals_they_show(tmp_path: Path) -> None:
    case = _case(tmp_path / "case", "\nlabs:\n  - file: labs.xlsx\n")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["date", "analyte", "value", "unit", "low", "high"])
    sheet.append(["2024-01-15", "WBC", 2, "10^9/L", 4, 9])  # shown as 2.0, 4.0, 9.00
    sheet.append(["2024-03-02", "WBC", "12,50", "10^9/L", 4, 9])  # a text cell
    sheet["C2"].number_format = "0.0"
    sheet["E2"].number_format = "0.0"
    sheet["F2"].number_format = "#,##0.00"
    book.save(case / "labs.xlsx")
    loaded = load_case(case)
    assert loaded.record is not None
    table = results_table(loaded.record.labs, Values(loaded.case, loaded.record, "ru"))
    assert table is not None and table.rows[0][2:] == ["4,0–9,00", "2,0 ↓", "12,50 ↑"]


def test_the_built_manuscript_prints_the_written_decimals(tmp_path: Path) -> None:
    case = _case(tmp_path / "case")
    result = run_casepub("build", case, "--format", "pdf,html", "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    paths = {Path(p).suffix: Path(p) for p in result.stdout.split()}
    html = html_tree(paths[".html"]).xpath("//body")[0].text_content()
    assert f"Лейкоциты 2,0{NBSP}×{NBSP}10⁹/л (норма 4,0–9,00{NBSP}×{NBSP}10⁹/л)" in html
    cells = [c.text_content() for c in html_tree(paths[".html"]).xpath("//td")]
    assert "2,0 ↓" in cells and "263,90 ↑" in cells
    pdf = squash(pdf_text(paths[".pdf"]))
    assert squash("Лейкоциты 2,0 × 10⁹/л (норма 4,0–9,00 × 10⁹/л)") in pdf
    assert squash("263,90") in pdf
