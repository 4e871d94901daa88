"""The laboratory chart of a case with raised liver enzymes and cytopenias: AST and ALT above
their upper limits share one axis as multiples of the ULN; neutrophils of 0.9 (2.0–7.0) and
platelets of 40 (150–400), below their lower limits, keep their own scale, unit and reference
band instead of being drawn as "0.1× ULN"."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest
import yaml

from casepub.build import BuildOptions, build_case
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.plots.figures import render
from casepub.render.charts import draw
from tests.conftest import CASES
from tests.helpers import html_tree

DATES = ("2023-03-01", "2023-03-15", "2023-04-05")
RESULTS: dict[str, tuple[str, dict[str, float], tuple[float, ...]]] = {
    "AST": ("U/L", {"low": 4, "high": 32}, (96, 180, 41)),
    "ALT": ("U/L", {"high": 33}, (120, 215, 30)),
    "neutrophils": ("10^9/L", {"low": 2.0, "high": 7.0}, (3.1, 0.9, 2.4)),
    "platelets": ("10^9/L", {"low": 150, "high": 400}, (210, 40, 160)),
}
"""analyte: unit, reference range, values at DATES. Every analyte has both limits but ALT:
the rule does not hinge on a missing limit."""


def labs_yaml() -> str:
    """The ``labs:`` block of the case file."""
    labs = [
        {
            "analyte": analyte,
            "unit": unit,
            "range": limits,
            "values": [{"date": d, "value": v} for d, v in zip(DATES, values, strict=True)],
        }
        for analyte, (unit, limits, values) in RESULTS.items()
    ]
    return yaml.safe_dump({"labs": labs}, sort_keys=False)


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal case with those labs, its patient information pointing to the chart."""
    target = tmp_path_factory.mktemp("labs") / "cytopenia"
    shutil.copytree(CASES / "minimal", target)
    case = target / "case.yaml"
    text = case.read_text(encoding="utf-8")
    home = "he went home the next day."
    assert home in text
    text = text.replace(home, f"{home} His blood counts fell after surgery (@fig:labs).")
    case.write_text(text.replace("\nbibliography:", labs_yaml() + "\nbibliography:"), "utf-8")
    return target


@pytest.fixture(scope="module")
def loaded(case_dir: Path) -> LoadedCase:
    return load_case(case_dir)


def _svg(loaded: LoadedCase) -> str:
    assert loaded.record is not None
    return render(draw("labs", loaded.case, loaded.record, ["en"]), "svg").decode("utf-8")


def _texts(svg: str) -> list[str]:
    """The texts of an SVG whose glyphs are paths: matplotlib writes each as a comment."""
    return [" ".join(t.split()) for t in re.findall(r"<!-- (.*?) -->", svg, re.DOTALL)]


def test_cytopenias_keep_their_unit_and_the_enzymes_the_uln(loaded: LoadedCase) -> None:
    assert loaded.record is not None
    top, *own = draw("labs", loaded.case, loaded.record, ["en"]).axes
    assert top.get_yscale() == "log" and top.get_ylabel() == "Multiple of ULN"
    assert [len(line.get_xdata()) for line in top.lines if len(line.get_xdata()) == 3] == [3, 3]
    panels = {" ".join(a.get_ylabel().split()): a for a in own}
    assert set(panels) == {"Neutrophils, × 10⁹/L", "Platelets, × 10⁹/L"}
    for label, (low, high, lowest) in {
        "Neutrophils, × 10⁹/L": (2.0, 7.0, 0.9),
        "Platelets, × 10⁹/L": (150.0, 400.0, 40.0),
    }.items():
        panel = panels[label]
        assert panel.get_yscale() == "linear"
        values = [
            float(v) for line in panel.lines if len(line.get_ydata()) == 3 for v in line.get_ydata()
        ]
        assert min(values) == lowest  # the value itself, not a fraction of the ULN
        bands = [p.get_bbox() for p in panel.patches]  # the reference range, shaded
        assert [(band.y0, band.y1) for band in bands] == [(low, high)], label
        limits = {float(line.get_ydata()[0]) for line in panel.lines if len(line.get_ydata()) == 2}
        assert {low, high} <= limits, label
        assert panel.get_ylim()[0] == 0.0 and panel.get_ylim()[1] > high


def test_svg_labels_say_the_unit_for_cytopenias(loaded: LoadedCase) -> None:
    texts = _texts(_svg(loaded))
    assert texts.count("Multiple of ULN") == 1  # the enzymes' axis only
    assert "Neutrophils, × 10⁹/L" in texts and "Platelets, × 10⁹/L" in texts
    assert {"AST", "ALT", "Reference"} <= set(texts)  # legend: enzymes and the band
    assert not any("Neutrophils" in t and "ULN" in t for t in texts)
    assert not any("LLN" in t for t in texts)


def test_chart_is_byte_identical_for_the_same_data(case_dir: Path, loaded: LoadedCase) -> None:
    assert _svg(loaded) == _svg(load_case(case_dir))


def test_built_html_carries_that_chart(case_dir: Path, tmp_path: Path) -> None:
    written = build_case(case_dir, BuildOptions(("html",), out=tmp_path))
    html = next(p for p in written if p.suffix == ".html")
    sources = [img.get("src") for img in html_tree(html).xpath("//figure//img")]
    assert len(sources) == 1 and sources[0].startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(sources[0].split(",", 1)[1]).decode("utf-8")
    texts = _texts(svg)
    assert texts.count("Multiple of ULN") == 1
    assert "Neutrophils, × 10⁹/L" in texts and "Platelets, × 10⁹/L" in texts
