"""The typeset PDF (issue 13, "print-ready"): table cells and headers stand apart, wide tables
span both columns of a two-column page inside the text area, a table's caption is on the page
where the table starts, titles are set ragged-right, reference numbers stand apart from their
text, and nothing runs past the bottom of the text area.

Every expectation comes from the case (its tables, captions, references) and from the page
geometry of the typst template, read from the template itself.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, FloatObject, NumberObject

from casepub.build import BuildOptions, build_case, profile_for
from casepub.clinical.floats import available
from casepub.load.loader import load_case
from casepub.render.charts import draw
from casepub.render.context import Manuscript, build_manuscript
from casepub.render.floats import WIDE_CHARTS, Float
from casepub.render.tables import Table
from casepub.resources import templates_dir
from tests.conftest import CASES
from tests.helpers import squash

BUILDS = [
    ("ileal-net", "ru-oncology"),
    ("pnet-tace", "ru-oncology"),
    ("stress-layout", "ru-oncology"),
    ("ileal-net", "preprint"),
    ("stress-layout", "preprint"),
]
"""Each case in the two-column profile of the user's report, and in the single-column one."""

POINTS = {"cm": 72 / 2.54, "mm": 72 / 25.4, "pt": 1.0}
LETTER_EM, OTHER_EM = 0.40, 0.2
"""Lower bounds on the advance of a letter or digit and of a space or punctuation mark of
the body fonts, in em (Libertinus Serif letters average about 0.47 em)."""
OVERHANG = 4.0
"""How far (pt) typst may hang a hyphen or punctuation into the margin."""
TRACKING_SLACK = 150
"""Adjustment between glyphs (thousandths of an em) that kerning may need; justification
stretches word spaces far more."""


def _length(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(cm|mm|pt)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * POINTS[unit]


@dataclass(frozen=True)
class Geometry:
    """The page and text area of the typst template, in points from the bottom left."""

    width: float
    height: float
    top: float
    bottom: float
    x: float

    @classmethod
    def of_template(cls) -> Geometry:
        source = (templates_dir() / "base" / "pandoc" / "template.typ").read_text("utf-8")
        margin = re.search(r"cp-margin = \(top: (\S+), bottom: (\S+), x: (\S+)\)", source)
        assert margin is not None, "the template names its margins in cp-margin"
        assert 'paper: "a4"' in source
        top, bottom, x = (_length(m) for m in margin.groups())
        return cls(595.28, 841.89, top, bottom, x)


@dataclass(frozen=True)
class Run:
    """A run of text the PDF draws: where its baseline starts, its size, its text."""

    x: float
    y: float
    size: float
    text: str

    @property
    def least_end(self) -> float:
        """Where the run ends at the least (LETTER_EM, OTHER_EM)."""
        ems = sum(LETTER_EM if c.isalnum() else OTHER_EM for c in self.text.rstrip())
        return self.x + ems * self.size


@dataclass
class Typeset:
    """One case built to PDF for one journal profile."""

    name: str
    journal: str
    manuscript: Manuscript
    pdf: Path
    typ: str
    columns: int
    pages: list[str] = field(default_factory=list)
    runs: list[list[Run]] = field(default_factory=list)

    @property
    def tables(self) -> list[tuple[Float, Table]]:
        return [(f, f.table) for f in self.manuscript.floats if f.table is not None]


def _runs(reader: PdfReader, index: int) -> list[Run]:
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append(Run(x, y, size * abs(cm[3] or 1), text))

    reader.pages[index].extract_text(visitor_text=visit)
    return runs


@pytest.fixture(scope="module")
def typeset(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Typeset]:
    """Every build of BUILDS, once, in the case's default language mode."""
    out = tmp_path_factory.mktemp("layout")
    result = {}
    for name, journal in BUILDS:
        loaded = load_case(CASES / name)
        profile = profile_for(loaded, journal)
        options = BuildOptions(("pdf",), out=out / journal, journal=journal)
        written = {p.suffix: p for p in build_case(CASES / name, options)}
        manuscript = build_manuscript(
            loaded, "bilingual" if loaded.case.language == "ru" else "en", profile=profile
        )
        reader = PdfReader(written[".pdf"])
        result[name, journal] = Typeset(
            name,
            journal,
            manuscript,
            written[".pdf"],
            written[".typ"].read_text("utf-8"),
            profile.output.columns,
            [page.extract_text() or "" for page in reader.pages],
            [_runs(reader, i) for i in range(len(reader.pages))],
        )
    return result


@pytest.fixture(scope="module")
def geometry() -> Geometry:
    return Geometry.of_template()


def _ids(builds: list[tuple[str, str]]) -> list[str]:
    return [f"{name}-{journal}" for name, journal in builds]


TWO_COLUMNS = [b for b in BUILDS if b[1] == "ru-oncology"]


@pytest.mark.parametrize("build", BUILDS, ids=_ids(BUILDS))
def test_table_cells_and_headers_stand_apart(
    build: tuple[str, str], typeset: dict[tuple[str, str], Typeset]
) -> None:
    """ "10.08.2016Удаление", "ЛинияЛечение": no cell runs into the next one."""
    done = typeset[build]
    text = "\n".join(done.pages)
    glued = []
    for _, table in done.tables:
        pairs = list(zip(table.header, table.header[1:], strict=False))
        pairs += [(row[0], row[1]) for row in table.rows if row[0] and row[1]]
        for left, right in pairs:
            first_word = right.split()[0]
            if f"{left}{first_word}" in text:
                glued.append(f"{left}{first_word}")
        for row in table.rows:
            assert squash(row[0]) in squash(text), f"{row[0]!r} is missing from the PDF"
    assert not glued, f"cells run together: {glued[:5]}"


def _page_of(done: Typeset, caption: str) -> int:
    wanted = squash(caption)[:40]
    pages = [i for i, page in enumerate(done.pages) if wanted in squash(page)]
    assert pages, f"caption {caption!r} not found in the PDF"
    return pages[0]


@pytest.mark.parametrize("build", BUILDS, ids=_ids(BUILDS))
def test_table_caption_is_on_the_page_where_its_table_starts(
    build: tuple[str, str], typeset: dict[tuple[str, str], Typeset]
) -> None:
    """And right above it: the table's header is the next line under the caption (not at the
    top of the next column)."""
    done = typeset[build]
    assert done.tables, "the example cases have generated tables"
    for float_, table in done.tables:
        page = _page_of(done, float_.caption[0])
        after = squash(done.pages[page]).split(squash(float_.caption[-1])[:40], 1)[-1]
        for cell in (table.header[0], table.rows[0][0]):
            assert squash(cell) in after, (
                f"{float_.caption[0]!r} is on page {page + 1} but its row {cell!r} is not"
            )
        runs = done.runs[page]
        caption = next(r for r in runs if r.text.startswith(float_.caption[-1][:20]))
        header = [r for r in runs if r.text.strip() == table.header[0] and r.y < caption.y]
        assert header, f"no header under {float_.caption[-1]!r}"
        gap = caption.y - max(r.y for r in header)
        assert gap < 3 * caption.size, f"{float_.caption[-1]!r} is {gap:.0f} pt above its table"


def _wide_tables(done: Typeset) -> list[tuple[Float, Table]]:
    """The generated tables of four or more columns: the timeline, labs, markers, treatments."""
    return [(f, t) for f, t in done.tables if len(t.header) >= 4]


@pytest.mark.parametrize("build", TWO_COLUMNS, ids=_ids(TWO_COLUMNS))
def test_wide_tables_span_the_page_in_parent_scope(
    build: tuple[str, str], typeset: dict[tuple[str, str], Typeset], geometry: Geometry
) -> None:
    """Each wide table is a float across both columns (the typst source says so), and its
    header row, on one baseline, crosses the gutter and lies inside the text area."""
    done = typeset[build]
    assert done.columns == 2
    spanning = re.findall(r"#cp-float\(cols: (\d+), wide: true", done.typ)
    assert len([c for c in spanning if int(c) >= 4]) >= len(_wide_tables(done))
    assert 'place(top, scope: "parent", float: true' in done.typ
    middle = geometry.width / 2
    for float_, table in _wide_tables(done):
        page = _page_of(done, float_.caption[0])
        runs = done.runs[page]
        last_word = table.header[-1].split()[0]
        rows = [
            [r for r in runs if abs(r.y - first.y) < 0.5]
            for first in runs
            if first.text.strip() == table.header[0]
        ]
        rows = [row for row in rows if any(r.text.strip().startswith(last_word) for r in row)]
        assert rows, f"the header of {float_.caption[0]!r} is not on its page"
        row = rows[0]
        assert min(r.x for r in row) < middle < max(r.x for r in row), (
            f"the header of {float_.caption[0]!r} stays in one column"
        )
        for run in row:
            assert geometry.x - 1 <= run.x, f"{run.text!r} starts in the left margin"
            assert run.least_end <= geometry.width - geometry.x + OVERHANG, (
                f"{run.text!r} of {float_.caption[0]!r} runs into the right margin"
            )


@pytest.mark.parametrize("build", BUILDS, ids=_ids(BUILDS))
def test_text_stays_inside_the_text_area(
    build: tuple[str, str], typeset: dict[tuple[str, str], Typeset], geometry: Geometry
) -> None:
    """No line starts in a margin, runs (at least) into the right margin, or sits below the
    text area (the page number in the footer aside)."""
    done = typeset[build]
    outside = []
    for number, runs in enumerate(done.runs, 1):
        for run in runs:
            footer = run.text.strip() == str(number)
            if footer:
                continue
            if (
                run.x < geometry.x - 1
                or run.least_end > geometry.width - geometry.x + OVERHANG
                or run.y < geometry.bottom - 1
            ):
                outside.append(f"page {number}: {run.text[:40]!r} at ({run.x:.0f}, {run.y:.0f})")
    assert not outside, outside[:5]


def _adjustments(reader: PdfReader, size: float, italic: bool) -> list[float]:
    """The spacing adjustments (thousandths of an em) inside the text shown in the bold (and
    ``italic``) font at ``size``."""
    found: list[float] = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        chosen = False
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                name = str(fonts[operands[0]].get_object()["/BaseFont"])
                chosen = (
                    abs(float(operands[1]) - size) < 0.01
                    and "Bold" in name
                    and ("Italic" in name) == italic
                )
            elif operator == b"TJ" and chosen:
                found += [
                    float(x) for x in operands[0] if isinstance(x, NumberObject | FloatObject)
                ]
    return found


def _title_fonts() -> list[tuple[float, bool]]:
    """Size and italics of the article title and of the headings, from the template."""
    source = (templates_dir() / "base" / "pandoc" / "template.typ").read_text("utf-8")
    rules = re.findall(
        r"(?:#let cp-title|heading\.where\(level: \d\)).*?"
        r'text\(size: ([\d.]+)pt, weight: "bold"(, style: "italic")?',
        source,
        re.S,
    )
    assert len(rules) == 3, "the title and two heading levels set their size and weight"
    return [(float(size), bool(italic)) for size, italic in rules]


@pytest.mark.parametrize("build", BUILDS, ids=_ids(BUILDS))
def test_titles_and_headings_are_ragged_right(
    build: tuple[str, str], typeset: dict[tuple[str, str], Typeset]
) -> None:
    """Justification would widen the word spaces of a title line; ragged, only kerning
    moves glyphs."""
    reader = PdfReader(typeset[build].pdf)
    for size, italic in _title_fonts():
        adjustments = _adjustments(reader, size, italic)
        stretched = [a for a in adjustments if a < -TRACKING_SLACK]
        assert not stretched, f"text at {size} pt is justified: adjustments {stretched[:5]}"


@pytest.mark.parametrize("build", BUILDS, ids=_ids(BUILDS))
def test_reference_numbers_stand_apart_from_their_text(
    build: tuple[str, str], typeset: dict[tuple[str, str], Typeset]
) -> None:
    """ "1.Druker B. J.": each number of every reference list is followed by a gap, with the
    entry's text in a hanging indent."""
    done = typeset[build]
    entries = sum(len(re.findall(r"\.csl-entry", r.markdown)) for r in done.manuscript.references)
    assert entries, "the example cases have reference lists"
    text = "\n".join(done.pages)
    assert not re.search(r"(?m)^\s*\d{1,3}\.[^\s\d]", text), "a number touches its text"
    numbers = [
        (page, run)
        for page, runs in enumerate(done.runs)
        for run in runs
        if re.fullmatch(r"\d{1,3}\.\s*", run.text)
    ]
    assert len(numbers) >= entries
    for page, number in numbers:
        line = [r for r in done.runs[page] if abs(r.y - number.y) < 0.5 and r.x > number.x]
        if not line:
            continue  # a number alone on its line is no reference entry
        start = min(r.x for r in line)
        assert start >= number.least_end + 0.2 * number.size, (
            f"the text after {number.text!r} starts at {start:.1f}, right after the number"
        )


CHARTED = sorted(
    (name, key.split(":")[1])
    for name in ("ileal-net", "pnet-tace", "stress-layout")
    for key in available(load_case(CASES / name).record)  # type: ignore[arg-type]
    if key.startswith("fig:") and key.split(":")[1] not in WIDE_CHARTS
)


@pytest.mark.parametrize(("name", "chart"), CHARTED, ids=[f"{n}-{c}" for n, c in CHARTED])
def test_charts_drawn_a_column_wide_keep_their_plot_wide(name: str, chart: str) -> None:
    """On a two-column page a chart is drawn a column wide (lettering at its drawn size);
    a label that finds no room is shortened instead of squeezing the plot."""
    loaded = load_case(CASES / name)
    assert loaded.record is not None
    for langs in (["ru"], ["en"], ["ru", "en"]):
        figure = draw(chart, loaded.case, loaded.record, langs, None, columns=2)  # type: ignore[arg-type]
        assert figure.get_figwidth() * 2.54 == pytest.approx(8.5)
        figure.savefig(io.BytesIO(), format="svg")  # lays the figure out
        widest = max(axes.get_position().width for axes in figure.axes)
        assert widest > 0.6, f"the {langs} plot of {chart} is {widest:.0%} of the chart's width"
