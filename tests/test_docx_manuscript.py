"""The DOCX as a manuscript for submission: the profile's size and spacing, a title that is a
heading, page numbers, line numbers when asked, document properties (none naming the authors
in the blinded copy), and table columns that hold their dates and values on one line, in
python-docx and after a round trip through LibreOffice."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from pypdf import PdfReader

from casepub.build import BuildOptions, build_case
from casepub.convert.docx_measure import (
    column_needs,
    generate,
    metrics_file,
    token_width,
    unbreakable,
)
from casepub.convert.docx_reference import reference_docx, text_width
from casepub.diagnostics import CasepubError
from casepub.formats import DocxFormat, Job
from casepub.load.loader import load_case
from casepub.model import text_in
from casepub.package import build_package
from casepub.profiles import load_profile
from tests.conftest import CASES
from tests.helpers import docx_text, pdf_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = re.compile(r"\b\d{2}\.(?:\d{2}\.)?\d{4}\b")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """ileal-net's DOCX in the neutral profile (bilingual, 1.5 spacing) and in jmcr (double
    spacing, line numbers)."""
    out = tmp_path_factory.mktemp("docx")
    files = {}
    for journal in ("preprint", "jmcr"):
        written = build_case(CASES / "ileal-net", BuildOptions(("docx",), out=out, journal=journal))
        files[journal] = next(p for p in written if p.suffix == ".docx")
    return files


def test_body_abstract_and_title_are_set_as_a_manuscript(built: dict[str, Path]) -> None:
    document = docx.Document(str(built["preprint"]))
    styles = document.styles
    normal = styles["Normal"]
    assert normal.font.size == Pt(12)
    assert normal.paragraph_format.line_spacing == 1.5
    assert styles["Abstract"].font.size == normal.font.size  # not smaller than the body
    title = styles["Title"]
    assert title.font.size == Pt(14) and title.font.bold
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert styles["Heading 1"].font.size == Pt(13)
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    assert all(
        abs(margin - Cm(2.5)) < Cm(0.01)
        for margin in (section.left_margin, section.right_margin, section.top_margin)
    )
    assert docx.Document(str(built["jmcr"])).styles["Normal"].paragraph_format.line_spacing == 2


def test_no_text_in_colour(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["preprint"]) as archive:
        for part in ("word/styles.xml", "word/document.xml"):
            colours = set(
                re.findall(r'w:color w:val="([0-9A-Fa-f]{6}|\w+)"', archive.read(part).decode())
            )
            assert colours <= {"000000", "auto"}, f"{part}: {colours}"


def test_page_numbers_in_the_footer(built: dict[str, Path]) -> None:
    footer = docx.Document(str(built["preprint"])).sections[0].footer
    fields = [t.text for t in footer._element.iter(f"{W}instrText")]
    assert not footer.is_linked_to_previous and fields == [" PAGE "]


def test_line_numbers_only_where_the_profile_asks(built: dict[str, Path]) -> None:
    assert (
        load_profile("jmcr").output.line_numbers
        and not load_profile("preprint").output.line_numbers
    )
    for journal, wanted in (("jmcr", True), ("preprint", False)):
        section = docx.Document(str(built[journal])).sections[0]._sectPr
        numbers = section.find(f"{W}lnNumType")
        assert (numbers is not None) == wanted
        if wanted:
            assert numbers.get(f"{W}restart") == "continuous" and numbers.get(f"{W}countBy") == "1"


def test_core_properties_name_the_manuscript(built: dict[str, Path]) -> None:
    case = load_case(CASES / "ileal-net").case
    properties = docx.Document(str(built["preprint"])).core_properties
    assert properties.title == text_in(case.title, "ru")  # the main language of a bilingual one
    assert properties.language == "ru"
    families = [text_in(a.family, "ru") or "" for a in case.authors]
    assert all(family in properties.author for family in families)
    assert "нейроэндокринная опухоль" in properties.keywords
    assert properties.subject == "Клинический случай"
    assert case.journal is not None and properties.created.year == case.journal.year
    english = docx.Document(str(built["jmcr"])).core_properties
    assert english.title == text_in(case.title, "en") and english.language == "en"
    assert text_in(case.authors[0].family, "en") in english.author


def test_no_property_names_a_file_of_the_build_machine(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["preprint"]) as archive:
        custom = archive.read("docProps/custom.xml").decode()
    assert 'name="bibliography"' not in custom and 'name="csl"' not in custom
    assert str(built["preprint"].parent) not in custom


def test_blinded_copy_names_no_author_in_its_properties(tmp_path: Path) -> None:
    zip_path = build_package(CASES / "ileal-net", BuildOptions(out=tmp_path))
    case = load_case(CASES / "ileal-net").case
    families = [text_in(a.family, lang) for a in case.authors for lang in ("ru", "en")]
    with zipfile.ZipFile(zip_path) as package:
        for name in ("manuscript.docx", "blinded-manuscript.docx"):
            (tmp_path / name).write_bytes(package.read(name))
    assert (
        case.authors[0].family
        and "Перегудов" in docx.Document(str(tmp_path / "manuscript.docx")).core_properties.author
    )
    blinded = docx.Document(str(tmp_path / "blinded-manuscript.docx")).core_properties
    assert blinded.author == "" and blinded.title == text_in(case.title, "ru")
    with zipfile.ZipFile(tmp_path / "blinded-manuscript.docx") as archive:
        properties = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("docProps/")
        )
    assert not [f for f in families if f and f in properties]


def _columns(table: docx.table.Table, width: float) -> list[float]:
    """The columns' widths in points: shares of the grid, the table being as wide as the text
    (pandoc writes the grid for a 5.5-inch page and the table width as 100 %)."""
    grid = [int(col.get(f"{W}w")) for col in table._tbl.tblGrid.iterchildren(f"{W}gridCol")]
    assert table._tbl.tblPr.find(f"{W}tblW").get(f"{W}type") == "pct"
    return [share / sum(grid) * width for share in grid]


def _cells(table: docx.table.Table, column: int) -> list[tuple[str, str]]:
    heading = {"Table Heading": "bold", "Table Text": "regular"}
    cells = []
    for row in table.rows:
        cell = row.cells[column]
        styles = {p.style.name for p in cell.paragraphs if p.style is not None}
        assert len(styles) == 1 and styles <= set(heading), styles
        cells.append((cell.text, heading[styles.pop()]))
    return cells


@pytest.mark.parametrize("journal", ["preprint", "jmcr"])
def test_table_columns_hold_their_longest_unbreakable_piece(
    journal: str, built: dict[str, Path]
) -> None:
    output = load_profile(journal).output
    width = text_width(output)
    tables = docx.Document(str(built[journal])).tables
    assert len(tables) >= 3  # timeline, markers, treatments
    for table in tables:
        columns = _columns(table, width)
        needs = [
            column_needs(_cells(table, c), output.table_font_size) for c in range(len(columns))
        ]
        fits = sum(soft for _, soft in needs) <= width
        for column, (hard, soft) in zip(columns, needs, strict=True):
            assert column >= hard - 0.5, f"a date or value needs {hard:.1f} pt, has {column:.1f}"
            if fits:
                assert column >= soft - 0.5
    if journal == "jmcr":  # relative dates, each held together
        timeline = next(t for t in tables if t.rows[0].cells[0].text == "Date")
        relative = [row.cells[0].text for row in timeline.rows[1:]]
        assert relative and all(re.fullmatch(r"(Day|Month|Year)\u00a0-?\d+", d) for d in relative)


def test_values_keep_their_unit_and_sign(built: dict[str, Path]) -> None:
    tables = docx.Document(str(built["preprint"])).tables
    text = "\n".join(cell.text for table in tables for row in table.rows for cell in row.cells)
    assert "< 200" not in text and "<\u00a0200" in text
    assert "1189,1\u00a0↑" in text and "\u00a0мг" in text


def test_unbreakable_pieces_and_their_width() -> None:
    assert unbreakable("10.08.2016 Эстроген-заместительная терапия") == [
        "10.08.2016",
        "Эстроген-",
        "заместительная",
        "терапия",
    ]
    assert unbreakable("Ki-67 1\u00a0% 0,4–5,1") == ["Ki-67", "1\u00a0%", "0,4–", "5,1"]
    date = token_width("10.08.2016", 10)
    assert token_width("10.08.2016", 12) > date > token_width("2016", 10)
    assert token_width("ДАТА", 10, "bold") > token_width("ДАТА", 10)


def test_metrics_are_measured_from_the_font() -> None:
    assert metrics_file().read_text(encoding="utf-8") == generate()


def test_reference_document_is_deterministic() -> None:
    profile = load_profile("jmcr")
    assert reference_docx(profile) == reference_docx(profile)


@pytest.fixture(scope="module")
def libreoffice_pdf(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the DOCX round trip needs it")
    out = tmp_path_factory.mktemp("libreoffice")
    profile = out / "profile"  # its own user profile: no clash with a running LibreOffice
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(built["preprint"]),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out / built["preprint"].with_suffix(".pdf").name


def test_libreoffice_keeps_every_table_date_on_one_line(
    built: dict[str, Path], libreoffice_pdf: Path
) -> None:
    text = pdf_text(libreoffice_pdf)
    dates = [
        date
        for table in docx.Document(str(built["preprint"])).tables
        for row in table.rows
        for cell in row.cells
        for date in DATE.findall(cell.text)
    ]
    assert len(dates) > 20
    for date in set(dates):
        broken = [f"{date[:k]}\n{date[k:]}" for k in range(1, len(date))]
        assert not [b for b in broken if b in text], f"{date} is broken across lines"
        assert text.count(date) >= dates.count(date), f"{date} is not whole in the PDF"


def test_libreoffice_page_count_is_a_manuscripts(
    built: dict[str, Path], libreoffice_pdf: Path
) -> None:
    """A standard manuscript page holds 1,800 characters (30 lines of 60 at 12 pt, 1.5
    spacing): the DOCX may take that many pages for its text, and one more per figure (a chart
    and its caption) and for the title block, no more (it took 27 pages when tables broke
    their dates and the styles were pandoc's; the typeset PDF has 11)."""
    document = docx.Document(str(built["preprint"]))
    characters = len(docx_text(built["preprint"]).replace("\n", ""))
    figures = len(document.inline_shapes)
    bound = math.ceil(characters / 1800) + figures + 1
    pages = len(PdfReader(libreoffice_pdf).pages)
    assert pages <= bound, f"{pages} pages for {characters} characters and {figures} figures"
    assert pages >= math.ceil(characters / 3600), "a manuscript, not a typeset page"


def test_a_table_of_values_keeps_each_value_whole(tmp_path: Path) -> None:
    markdown = (
        "| Показатель | Ед. изм. | Норма | 10.08.2016 | Комментарий |\n"
        "|---|---|---|---|---|\n"
        "| Лейкоциты | × 10⁹/л | 4,0–9,0 | 2,0 × 10⁹/л ↓ | Ki-67 3 %, на фоне терапии |\n"
        "| Серотонин | нг/мл | < 200 | 1189,1 ↑ | доза 30 мг в/м |\n"
    )
    profile = load_profile("preprint")
    job = Job(markdown, tmp_path, "values", None, profile=profile)
    written = DocxFormat().write(job)
    table = docx.Document(str(written[0])).tables[0]
    cells = [cell.text for row in table.rows for cell in row.cells]
    assert "2,0\u00a0×\u00a010⁹/л\u00a0↓" in cells and "<\u00a0200" in cells
    assert "1189,1\u00a0↑" in cells and "доза 30\u00a0мг в/м" in cells
    assert unbreakable("Ki-67 3\u00a0%, на") == ["Ki-67", "3\u00a0%,", "на"]
    widths = _columns(table, text_width(profile.output))
    for column, width in enumerate(widths):
        hard, _ = column_needs(_cells(table, column), profile.output.table_font_size)
        assert width >= hard - 0.5


def test_output_settings_out_of_range_are_located(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text(
        "name: Broken\nextends: preprint\noutput:\n  line_spacing: 5\n", encoding="utf-8"
    )
    with pytest.raises(CasepubError) as caught:
        load_profile(str(tmp_path))
    [found] = caught.value.diagnostics
    assert found.path == "output.line_spacing" and found.code == "journal-profile"
    assert str(tmp_path / "profile.yaml") == found.file
