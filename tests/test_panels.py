"""Multi-panel figures and clinical examples, on real output: the fictional case series
``cases/net-series`` (three patients, a swimmer plot, a four-panel MRI figure) built in every
profile and format, a case report given a multi-panel figure, and broken panel declarations
that must give located errors."""

from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml
from docx import Document
from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from PIL import Image
from pypdf import PdfReader

from casepub.build import BuildOptions, build
from casepub.load.loader import load_case
from casepub.model.panels import MAX_PANELS, grid_shape, panel_caption
from casepub.model.panels import PanelGrid as Grid
from casepub.plots.output import render
from casepub.render.charts import draw
from casepub.render.panels import CELL_PX, GAP_PX, compose
from casepub.render.series import _years_ru
from tests.conftest import CASES, run_casepub
from tests.test_jats import schema_dir, validate

__all__ = ["schema_dir"]  # the DTD fixture, used here too

SERIES = CASES / "net-series"
FORMATS = ("pdf", "docx", "html", "jats", "latex")
PANELS = [SERIES / "figures" / f"p2-{n}.png" for n in ("t2-before", "dwi-before", "t2-after")]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The series built once per profile in every format: profile → its build folder."""
    folders = {}
    for journal in ("preprint", "ru-oncology", "jmcr"):
        out = tmp_path_factory.mktemp(journal)
        made = build(SERIES, BuildOptions(formats=FORMATS, out=out, journal=journal))
        assert made.proof == [], [d.format() for d in made.proof]
        folders[journal] = out / "net-series"
    return folders


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(p for p in folder.glob(pattern) if not p.name.startswith("."))
    assert len(found) == 1, (pattern, found)
    return found[0]


# ------------------------------------------------------------------------------ every output


@pytest.mark.parametrize("journal", ["preprint", "ru-oncology", "jmcr"])
def test_every_format_is_written_and_the_proof_passes(built: dict[str, Path], journal: str) -> None:
    folder = built[journal]
    for suffix in (".pdf", ".docx", ".html", ".xml", ".tex"):
        assert _one(folder, f"*{suffix}").stat().st_size > 1000


def test_pdf_prints_the_panel_letters_in_each_caption(built: dict[str, Path]) -> None:
    text = _flat(
        "\n".join(page.extract_text() for page in PdfReader(_one(built["preprint"], "*.pdf")).pages)
    )
    assert "а — Т2-ВИ до лечения; б — ДВИ до лечения; в — Т2-ВИ после" in text
    assert "a — T2-weighted image before treatment; b — DWI before treatment; c —" in text
    assert "Клинический пример 2. Химиоэмболизация метастазов в печени" in text
    assert "Пациент, 61 год. Диагноз: НЭО поджелудочной железы" in text
    # the text names the panels of figure 2 in its own letters
    assert "(рис. 2, а, б)" in text


def test_english_build_letters_panels_in_latin(built: dict[str, Path]) -> None:
    folder = built["jmcr"]
    text = _flat("\n".join(p.extract_text() for p in PdfReader(_one(folder, "*.pdf")).pages))
    assert "Clinical example 1. Long-term control after PRRT" in text
    assert "A 54-year-old woman. Diagnosis: small-intestinal NET" in text
    assert "(Fig. 2, a, b)" in text
    assert "а —" not in text  # no Cyrillic letter in the English article
    assert (folder / "media" / "fig02-mri-p2.en.png").is_file()
    assert not (folder / "media" / "fig02-mri-p2.ru.png").exists()


def test_docx_holds_the_composed_figure_and_its_caption(built: dict[str, Path]) -> None:
    folder = built["ru-oncology"]
    document = Document(str(_one(folder, "*.docx")))
    composed = (folder / "media" / "fig02-mri-p2.ru.png").read_bytes()
    images = [part.blob for part in document.part.package.parts if part.content_type == "image/png"]
    assert composed in images
    captions = [_flat(p.text) for p in document.paragraphs if p.text.startswith("Рис. 2.")]
    assert captions and "г — ДВИ после двух сеансов ТАХЭ" in captions[0]


def test_html_shows_the_composed_figure(built: dict[str, Path]) -> None:
    folder = built["preprint"]
    root = etree.fromstring(_one(folder, "*.html").read_bytes())
    images = root.findall(".//{http://www.w3.org/1999/xhtml}img")
    figure = next(i for i in images if i.get("aria-label", "").startswith("Рис. 2."))
    kind, data = figure.get("src").split(",", 1)
    assert kind == "data:image/png;base64"
    assert base64.b64decode(data) == (folder / "media" / "fig02-mri-p2.ru.png").read_bytes()
    assert "б — ДВИ до лечения" in figure.get("aria-label").replace("\u00a0", " ")


@pytest.mark.parametrize("journal", ["preprint", "ru-oncology", "jmcr"])
def test_jats_keeps_the_panels_in_a_valid_fig_group(
    built: dict[str, Path], journal: str, schema_dir: Path
) -> None:
    folder = built[journal]
    root = validate(_one(folder, "*.xml").read_bytes(), schema_dir)
    group = root.find(".//fig-group[@id='fig-mri-p2']")
    assert group is not None
    panels = group.findall("fig")
    assert [f.get("id") for f in panels] == [f"fig-mri-p2-{c}" for c in "abcd"]
    english = [
        f.findtext("label[@{http://www.w3.org/XML/1998/namespace}lang='en']") for f in panels
    ]
    if journal == "jmcr":
        english = [f.findtext("label") for f in panels]
    assert english == ["a", "b", "c", "d"]
    for fig in panels:
        href = fig.find("graphic").get("{http://www.w3.org/1999/xlink}href")
        assert (folder / href).is_file()
    references = root.findall(".//xref[@rid='fig-mri-p2']")
    assert references, etree.tostring(root)[:200]


def test_latex_includes_the_composed_figure(built: dict[str, Path]) -> None:
    tex = _one(built["preprint"], "*.tex").read_text(encoding="utf-8")
    assert "fig02-mri-p2.ru.png" in tex


# ------------------------------------------------------------------------------ composing


def test_composed_image_is_a_grid_lettered_per_language() -> None:
    russian = compose(PANELS, (2, 2), "ru")
    assert compose(PANELS, (2, 2), "ru") == russian  # deterministic
    english = compose(PANELS, (2, 2), "en")
    assert english != russian  # б is not b
    with Image.open(io.BytesIO(russian)) as image:
        assert image.width == 2 * CELL_PX + GAP_PX
        corner = image.convert("L").crop((0, 0, 100, 100))
        # a black letter on a white square in each panel's corner
        assert corner.getextrema() == (0, 255)
        gap = image.convert("L").crop((CELL_PX, 300, CELL_PX + GAP_PX, 310))
        assert gap.getextrema() == (255, 255)


def test_grid_shape_declared_or_automatic() -> None:
    assert grid_shape(4, None) == (2, 2)
    assert grid_shape(3, None) == (2, 2)
    assert grid_shape(2, None) == (1, 2)
    assert grid_shape(7, None) == (3, 3)
    assert grid_shape(6, Grid(columns=3)) == (2, 3)
    assert grid_shape(6, Grid(rows=1)) == (1, 6)


def test_caption_lists_the_panels_by_letter() -> None:
    caption = panel_caption("МРТ печени.", ["Т2-ВИ", None, "ДВИ."], "ru")
    assert caption == "МРТ печени: а\u00a0— Т2-ВИ; в\u00a0— ДВИ."
    assert panel_caption("MRI", [None, None], "en") == "MRI"


def test_russian_years_agree_with_the_number() -> None:
    forms = ["год", "года", "лет"]
    expected = {1: "год", 2: "года", 4: "года", 5: "лет", 11: "лет", 12: "лет", 14: "лет"}
    expected |= {21: "год", 22: "года", 25: "лет", 54: "года", 61: "год", 68: "лет"}
    assert {age: _years_ru(age, forms) for age in expected} == expected


# ------------------------------------------------------------------------------ swimmer


def test_swimmer_plot_is_byte_identical_and_has_a_lane_per_patient() -> None:
    loaded = load_case(SERIES)
    record = loaded.record
    assert record is not None

    def svg() -> bytes:
        return render(draw("swimmer", loaded.case, record, ["ru", "en"]), "svg")

    first = svg()
    assert svg() == first
    figure = draw("swimmer", loaded.case, record, ["ru", "en"])
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        f"Пример\u00a0{n} / Example\u00a0{n}" for n in (1, 2, 3)
    ]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    for word in ("Частичный ответ / Partial response", "Смерть / Death", "продолжается / ongoing"):
        assert word in legend
    assert "Месяцы от начала лечения" in axes.get_xlabel()


def test_swimmer_svg_is_the_same_in_two_builds(built: dict[str, Path], tmp_path: Path) -> None:
    again = build(SERIES, BuildOptions(formats=("html",), out=tmp_path, proof=False))
    del again
    first = (built["preprint"] / "media" / "fig01-swimmer.svg").read_bytes()
    assert (tmp_path / "net-series" / "media" / "fig01-swimmer.svg").read_bytes() == first


# ------------------------------------------------------------------------------ case report


def test_a_case_report_takes_a_multi_panel_figure(tmp_path: Path, schema_dir: Path) -> None:
    case = tmp_path / "report"
    shutil.copytree(CASES / "minimal", case)
    (case / "figures").mkdir()
    for path in PANELS:
        shutil.copy(path, case / "figures" / path.name)
    data = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    data["figures"] = [
        {
            "id": "us",
            "panels": [{"file": f"figures/{p.name}"} for p in PANELS],
            "grid": {"columns": 3},
            "caption": 'Synthetic images: before ({{ panel("a") }}) and after ({{ panel("c") }})',
        }
    ]
    data["sections"]["patient_information"] += " Images are shown in @fig:us."
    (case / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    made = build(case, BuildOptions(formats=("pdf", "jats"), out=tmp_path / "out"))
    folder = tmp_path / "out" / "report"
    text = _flat("\n".join(p.extract_text() for p in PdfReader(_one(folder, "*.pdf")).pages))
    assert "Fig. 1. Synthetic images: before (a) and after (c)" in text
    with Image.open(folder / "media" / "fig01-us.en.png") as image:
        assert image.width == 3 * CELL_PX + 2 * GAP_PX
    root = validate(_one(folder, "*.xml").read_bytes(), schema_dir)
    assert [f.findtext("label") for f in root.findall(".//fig-group/fig")] == ["a", "b", "c"]
    assert made.proof == []


# ------------------------------------------------------------------------------ broken input


def _broken(tmp_path: Path, change: str, to: str, files: dict[str, str] | None = None) -> str:
    case = tmp_path / "net-series"
    shutil.copytree(SERIES, case)
    for name, content in (files or {}).items():
        (case / name).write_text(content, encoding="utf-8")
    text = (case / "case.yaml").read_text(encoding="utf-8")
    assert change in text
    (case / "case.yaml").write_text(text.replace(change, to, 1), encoding="utf-8")
    result = run_casepub("check", case)
    assert result.code == 1
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def _line_of(tmp_path: Path, needle: str) -> int:
    lines = (tmp_path / "net-series" / "case.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_unknown_panel_letter_in_a_caption_is_located(tmp_path: Path) -> None:
    out = _broken(tmp_path, 'уменьшились ({{ panel("a") }}', 'уменьшились ({{ panel("f") }}')
    line = _line_of(tmp_path, 'уменьшились ({{ panel("f") }}')
    assert re.search(
        rf'case.yaml:{line}:\d+: figures\[0\]\.caption\.ru: `{{{{ panel\("f"\) }}}}`: figure '
        r"`mri-p2` has 4 panels \(a…d\).*\[panel-ref\]",
        out,
    ), out


def test_a_panel_letter_that_is_no_letter_is_a_value_error(tmp_path: Path) -> None:
    out = _broken(tmp_path, 'уменьшились ({{ panel("a") }}', 'уменьшились ({{ panel("7") }}')
    assert "a panel is named by its letter" in out and "[value-ref]" in out


def test_missing_panel_image_is_located(tmp_path: Path) -> None:
    out = _broken(tmp_path, "figures/p2-dwi-before.png", "figures/p2-dwi-missing.png")
    line = _line_of(tmp_path, "figures/p2-dwi-missing.png")
    assert f"case.yaml:{line}:" in out
    assert "figures[0].panels[1].file: image `figures/p2-dwi-missing.png` does not exist" in out


def test_more_panels_than_letters_is_refused(tmp_path: Path) -> None:
    """Adds MAX_PANELS + 1 panels to the figure's four."""
    many = "\n".join("      - file: figures/p2-t2-before.png" for _ in range(MAX_PANELS + 1))
    out = _broken(tmp_path, "    panels:\n", f"    panels:\n{many}\n")
    assert (
        f"{MAX_PANELS + 5} panels, but panels are lettered а…я / a…z: at most {MAX_PANELS}" in out
    )
    assert re.search(r"case.yaml:\d+:\d+: figures\[0\]", out), out


def test_a_grid_too_small_for_its_panels_is_refused(tmp_path: Path) -> None:
    out = _broken(tmp_path, "grid: {columns: 2}", "grid: {rows: 1, columns: 3}")
    assert "a grid of 1 × 3 holds 3 panels, not 4" in out


def test_an_svg_panel_is_refused(tmp_path: Path) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    out = _broken(
        tmp_path,
        "figures/p2-t2-after.png",
        "figures/after.svg",
        {"figures/after.svg": svg},
    )
    assert "figures[0].panels[2].file: panels must be PNG or JPEG" in out


def test_file_and_panels_together_are_refused(tmp_path: Path) -> None:
    out = _broken(
        tmp_path, "  - id: mri-p2\n", "  - id: mri-p2\n    file: figures/p2-t2-after.png\n"
    )
    assert "give the figure either `file:` (one image) or `panels:` (several)" in out


def test_an_example_in_no_section_and_an_unknown_anchor_are_located(tmp_path: Path) -> None:
    out = _broken(
        tmp_path,
        "    start: 2021-05-17\n",
        "    start: 2021-05-17\n    section: folow_up\n",
    )
    assert "examples[2].section: no section `folow_up`" in out and "follow_up" in out
