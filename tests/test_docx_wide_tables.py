"""A DOCX table with more dates than a portrait page holds side by side (stress-layout's labs
and markers: eight dates beside the result, its unit and its reference range) is split
column-wise by docx-tables.lua into parts that each fit the text width: every part repeats the
label columns, every date stands in exactly one part, and the later parts are captioned as
continuing the table."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph

from casepub.build import BuildOptions, build_case
from casepub.checks.proof.geometry import profile_geometry
from casepub.checks.proof.run import proof_paths
from casepub.convert.docx_measure import Weight, column_needs
from casepub.convert.docx_reference import text_width
from casepub.profiles import load_profile
from casepub.resources import labels
from tests.conftest import CASES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = re.compile(r"\d{2}\.\d{2}\.\d{4}")
PROFILE = "ru-oncology"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wide")
    written = build_case(
        CASES / "stress-layout", BuildOptions(("docx",), out=out, journal=PROFILE, proof=False)
    )
    return next(p for p in written if p.suffix == ".docx")


def _captioned_tables(path: Path) -> list[tuple[str, Table]]:
    """Each table with the text of the paragraph before it (pandoc writes the caption there)."""
    document = docx.Document(str(path))
    found, before = [], ""
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            before = Paragraph(element, document).text
        elif element.tag == f"{W}tbl":
            found.append((before, Table(element, document)))
    return found


def _widths(table: Table, width: float) -> list[float]:
    """The columns' printed widths (points): shares of the grid of a table as wide as the text."""
    grid = [int(col.get(f"{W}w")) for col in table._tbl.tblGrid.iterchildren(f"{W}gridCol")]
    assert table._tbl.tblPr.find(f"{W}tblW").get(f"{W}type") == "pct"
    return [share / sum(grid) * width for share in grid]


def _parts(tables: list[tuple[str, Table]], number: int) -> list[tuple[str, Table]]:
    """Table ``number`` and the parts that continue it."""
    ru, en = labels()["ru"], labels()["en"]
    first = f"{ru['table']} {number}."
    continued = "\n".join(
        (ru["table_continued"].format(number=number), en["table_continued"].format(number=number))
    )
    start = next(i for i, (caption, _) in enumerate(tables) if caption.startswith(first))
    parts = [tables[start]]
    for caption, table in tables[start + 1 :]:
        if caption != continued:
            break
        parts.append((caption, table))
    return parts


def test_a_results_table_too_wide_for_the_page_is_split_into_parts_that_fit(built: Path) -> None:
    output = load_profile(PROFILE).output
    width = text_width(output)
    tables = _captioned_tables(built)
    labs = next(c for c, t in tables if "Лабораторные показатели" in c)
    number = int(re.search(r"\d+", labs).group())  # type: ignore[union-attr]
    parts = _parts(tables, number)
    assert len(parts) >= 2, [c for c, _ in tables]
    headers = [[cell.text for cell in table.rows[0].cells] for _, table in parts]
    labels_repeated = headers[0][:3]
    assert labels_repeated == ["Показатель", "Ед. изм.", "Норма"]
    dates = [d for header in headers for d in header if DATE.fullmatch(d)]
    assert len(dates) == 8 and len(set(dates)) == 8 and dates == sorted(dates, key=_day)
    for header, (_, table) in zip(headers, parts, strict=True):
        assert header[:3] == labels_repeated and all(DATE.fullmatch(d) for d in header[3:])
        columns = _widths(table, width)
        assert sum(columns) <= width + 0.5
        for index, column in enumerate(columns):
            cells: list[tuple[str, Weight]] = [
                (row.cells[index].text, "bold" if r == 0 else "regular")
                for r, row in enumerate(table.rows)
            ]
            hard, _ = column_needs(cells, output.table_font_size)
            assert column >= hard - 0.5, f"{header[index]}: needs {hard:.1f} pt, has {column:.1f}"
        analytes = [row.cells[0].text for row in table.rows[1:]]
        assert analytes == [row.cells[0].text for row in parts[0][1].rows[1:]]


def _day(date: str) -> tuple[str, ...]:
    return tuple(reversed(date.split(".")))


def test_the_split_tables_proof_without_an_overflow(built: Path) -> None:
    found = proof_paths([built], profile_geometry(load_profile(PROFILE)))
    assert not [d for d in found if d.code == "proof-overflow"], [d.format() for d in found]
