"""The plotting functions on their own: every figure type, deterministic bytes, sizes, text
as paths, log axes for markers, clear errors on empty data."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import warnings

import pytest
from matplotlib.figure import Figure
from PIL import Image

from casepub.plots.data import Marker, Period, Point, ResponseMark, Series, Texts
from casepub.plots.figures import (
    ecog_figure,
    lab_figure,
    lesion_figure,
    marker_figure,
    render,
    timeline_figure,
)

D = dt.date
LEGEND = {
    "reference": "Норма / Reference",
    "sum": "Сумма диаметров / Sum of diameters",
    "uln": "ВГН / ULN",
    "drug": "Лекарственная терапия / Drug therapy",
    "locoregional": "Локорегионарное / Locoregional",
    "surgery": "Операция / Surgery",
    "procedure": "Процедура / Procedure",
    "imaging": "Визуализация / Imaging",
    "ongoing": "продолжается / ongoing",
    "response": "Ответ / Response",
    "last-follow-up": "Последнее наблюдение / Last follow-up",
}
OCTREOTIDE = Period("Октреотид / Octreotide", D(2017, 2, 1), None, "drug", "Октреотид")
SEROTONIN = Series(
    "Серотонин, нг/мл / Serotonin, ng/mL",
    (Point(D(2017, 2, 2), 1189.1), Point(D(2017, 10, 5), 407.9), Point(D(2018, 7, 11), 149.9)),
    high=200,
)
CHROMOGRANIN = Series(
    "Хромогранин А, нг/мл / Chromogranin A, ng/mL",
    (Point(D(2017, 2, 2), 628.8), Point(D(2017, 10, 5), 93.8), Point(D(2018, 7, 11), 40.5)),
    high=108,
)


def _texts(y: str = "") -> Texts:
    return Texts("Дата / Date", y, LEGEND, ())


def _figures() -> dict[str, Figure]:
    lesion = Series(
        "L1: печень / liver",
        (Point(D(2018, 4, 7), 51), Point(D(2018, 5, 23), 30), Point(D(2018, 7, 11), 27)),
    )
    responses = [
        ResponseMark(D(2018, 5, 23), "PR", "ЧО / PR"),
        ResponseMark(D(2018, 7, 11), "PR", "ЧО / PR"),
    ]
    markers = [
        Marker("Операция / Surgery", D(2017, 8, 30), "surgery", "Операция / Surgery"),
        Marker("ТАХЭ 1 / TACE 1", D(2018, 4, 11), "procedure", "ТАХЭ / TACE"),
        Marker(
            "Последнее наблюдение / Last follow-up",
            D(2021, 1, 1),
            "last-follow-up",
            "Последнее наблюдение / Last follow-up",
        ),
    ]
    return {
        "timeline": timeline_figure([OCTREOTIDE], markers, responses, _texts()),
        "markers": marker_figure([SEROTONIN, CHROMOGRANIN], [OCTREOTIDE], _texts()),
        "labs-values": lab_figure([SEROTONIN], [OCTREOTIDE], _texts(), mode="values", decimal=","),
        "labs-uln": lab_figure(
            [SEROTONIN, CHROMOGRANIN], [OCTREOTIDE], _texts("× ВГН"), mode="uln"
        ),
        "lesions": lesion_figure([lesion], lesion, responses, [OCTREOTIDE], _texts("мм")),
        "ecog": ecog_figure(
            [Point(D(2016, 2, 9), 3), Point(D(2016, 7, 1), 0, 1)], [], _texts("ECOG")
        ),
    }


@pytest.fixture(scope="module")
def figures() -> dict[str, Figure]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing Cyrillic glyph or a collapsed layout fails
        return _figures()


@pytest.mark.parametrize(
    "kind", ["timeline", "markers", "labs-values", "labs-uln", "lesions", "ecog"]
)
def test_every_figure_renders_in_every_format(kind: str, figures: dict[str, Figure]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = render(figures[kind], "svg")
        png = render(figures[kind], "png", dpi=300)
        tiff = render(figures[kind], "tiff", dpi=600)
    assert svg.startswith(b"<?xml") and b"<text" not in svg
    assert b"Date" not in svg.split(b"<svg", 1)[0] and b"<dc:date" not in svg
    width_px = Image.open(io.BytesIO(png)).size[0]
    assert abs(width_px - round(17 / 2.54 * 300)) <= 1
    with Image.open(io.BytesIO(tiff)) as image:
        assert round(image.info["dpi"][0]) == 600


def test_same_data_same_bytes() -> None:
    first, second = _figures(), _figures()
    for kind in first:
        assert render(first[kind], "svg") == render(second[kind], "svg"), kind
    first, second = _figures(), _figures()
    for kind in first:
        assert render(first[kind], "png") == render(second[kind], "png"), kind


def test_same_bytes_in_another_process() -> None:
    code = (
        "import sys; from tests.test_plot_figures import _figures; "
        "from casepub.plots.figures import render; "
        "sys.stdout.buffer.write(render(_figures()['markers'], 'svg'))"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert other.stdout == render(_figures()["markers"], "svg")


def test_markers_use_log_axes(figures: dict[str, Figure]) -> None:
    assert all(ax.get_yscale() == "log" for ax in figures["markers"].axes)
    assert figures["labs-uln"].axes[0].get_yscale() == "log"


@pytest.mark.parametrize(
    "draw",
    [
        lambda: marker_figure([], [], _texts()),
        lambda: lab_figure([], [], _texts(), mode="values"),
        lambda: ecog_figure([], [], _texts()),
        lambda: timeline_figure([], [], [], _texts()),
    ],
)
def test_empty_data_is_a_clear_error(draw: object) -> None:
    with pytest.raises(ValueError, match="no"):
        draw()  # type: ignore[operator]


def test_uln_mode_needs_an_upper_limit() -> None:
    no_limit = Series("X", (Point(D(2017, 1, 1), 1.0), Point(D(2017, 2, 1), 2.0)))
    with pytest.raises(ValueError, match="upper limit"):
        lab_figure([no_limit], [], _texts(), mode="uln")
