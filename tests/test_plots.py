"""Clinical figures: every type renders to SVG, PNG and TIFF, byte-identically across runs and
processes, at the asked size and resolution, with text as paths and Cyrillic glyphs present.

The data are those of the ileal neuroendocrine tumour case: serotonin and chromogranin A,
octreotide LAR from 02.2017 (ongoing), right hemicolectomy, two TACE sessions, one liver target
lesion with partial responses.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from casepub.plots.data import Marker, Period, Point, ResponseMark, Series, Texts
from casepub.plots.dynamics import name_of, on_uln_scale, unit_of
from casepub.plots.figures import (
    COLUMN_WIDTH_CM,
    ecog_figure,
    lab_figure,
    lesion_figure,
    marker_figure,
    render,
    timeline_figure,
)
from casepub.plots.output import Format
from casepub.plots.style import format_number, text_width_cm, wrap_label
from casepub.plots.ticks import date_ticks, day
from tests.conftest import REPO

D = dt.date
LAB_DAYS = (D(2017, 2, 2), D(2017, 10, 5), D(2018, 7, 11))
SEROTONIN = Series(
    "Серотонин, нг/мл / Serotonin, ng/mL",
    tuple(Point(when, v) for when, v in zip(LAB_DAYS, (1189.1, 407.9, 149.9), strict=True)),
    high=200.0,
)
CHROMOGRANIN = Series(
    "Хромогранин А, нг/мл / Chromogranin A, ng/mL",
    tuple(Point(when, v) for when, v in zip(LAB_DAYS, (628.8, 93.8, 40.5), strict=True)),
    high=108.0,
)
LANES = (
    "Октреотид ЛАР / Octreotide LAR",
    "Хирургия / Surgery",
    "ТАХЭ / TACE",
    "Визуализация / Imaging",
    "Анализы / Laboratory tests",
    "Исход / Outcome",
)
OCTREOTIDE = Period("Октреотид ЛАР 30 мг", D(2017, 2, 1), None, "drug", LANES[0])
MARKERS = (
    Marker(
        "Правосторонняя гемиколэктомия / Right hemicolectomy", D(2017, 8, 30), "surgery", LANES[1]
    ),
    Marker("ТАХЭ 1 / TACE 1", D(2018, 4, 11), "procedure", LANES[2]),
    Marker("ТАХЭ 2 / TACE 2", D(2018, 5, 31), "procedure", LANES[2]),
    *(Marker("КТ / CT", when, "imaging", LANES[3]) for when in (D(2018, 4, 7), D(2018, 5, 23))),
    Marker("КТ / CT", D(2018, 7, 11), "imaging", LANES[3]),
    *(Marker("", when, "lab", LANES[4]) for when in LAB_DAYS),
    Marker("", D(2018, 7, 11), "last-follow-up", LANES[5]),
)
RESPONSES = (
    ResponseMark(D(2018, 5, 23), "PR", "ЧО / PR"),
    ResponseMark(D(2018, 7, 11), "PR", "ЧО / PR"),
)
LESION_DAYS = (D(2018, 4, 7), D(2018, 5, 23), D(2018, 7, 11))
LIVER = Series(
    "Печень, S8 / Liver, S8",
    tuple(Point(when, v) for when, v in zip(LESION_DAYS, (51.0, 30.0, 27.0), strict=True)),
)
TOTAL = Series("Сумма / Sum", LIVER.points)
TACE_DAYS = (D(2018, 4, 10), D(2018, 4, 24), D(2018, 5, 30))
"""After TACE: the liver enzymes rise, the blood counts fall (illustrative values)."""


def _lab(label: str, values: tuple[float, ...], low: float | None, high: float | None) -> Series:
    points = tuple(Point(when, v) for when, v in zip(TACE_DAYS, values, strict=True))
    return Series(label, points, low, high)


AST = _lab("АСТ, ед./л / AST, U/L", (96.0, 180.0, 41.0), 4.0, 32.0)
ALT = _lab("АЛТ, ед./л / ALT, U/L", (120.0, 215.0, 30.0), None, 33.0)
NEUTROPHILS = _lab("Нейтрофилы, ×10⁹/л / Neutrophils, ×10⁹/L", (3.1, 0.9, 2.4), 2.0, 7.0)
PLATELETS = _lab("Тромбоциты, ×10⁹/л / Platelets, ×10⁹/L", (210.0, 40.0, 160.0), 150.0, 400.0)
ECOG = (Point(D(2017, 2, 2), 1), Point(D(2017, 10, 5), 0, 1), Point(D(2018, 7, 11), 0))
LEGEND = {
    "surgery": "Операция / Surgery",
    "procedure": "Процедура / Procedure",
    "imaging": "Визуализация / Imaging",
    "lab": "Анализ / Laboratory test",
    "last-follow-up": "Последнее наблюдение / Last follow-up",
    "drug": "Лекарственная терапия / Drug therapy",
    "ongoing": "продолжается / ongoing",
    "response": "Ответ / Response",
    "reference": "Норма / Reference",
    "sum": "Сумма диаметров / Sum of diameters",
    "uln": "ВГН / ULN",
}


def texts(y_label: str = "", lanes: tuple[str, ...] = ()) -> Texts:
    return Texts("Дата / Date", y_label, dict(LEGEND), lanes)


def timeline(width_cm: float = 17.0) -> Figure:
    return timeline_figure([OCTREOTIDE], MARKERS, RESPONSES, texts(lanes=LANES), width_cm=width_cm)


def labs() -> Figure:
    return lab_figure([SEROTONIN, CHROMOGRANIN], [OCTREOTIDE], texts(), mode="values")


def labs_uln() -> Figure:
    return lab_figure(
        [SEROTONIN, CHROMOGRANIN], [OCTREOTIDE], texts("Кратность ВГН / × ULN"), mode="uln"
    )


def labs_cytopenia() -> Figure:
    return lab_figure(
        [AST, NEUTROPHILS, ALT, PLATELETS], [], texts("Кратность ВГН / × ULN"), mode="uln"
    )


def markers() -> Figure:
    return marker_figure([SEROTONIN, CHROMOGRANIN], [OCTREOTIDE], texts(), decimal=",")


def lesions() -> Figure:
    return lesion_figure([LIVER], TOTAL, RESPONSES, [OCTREOTIDE], texts("Размер, мм / Size, mm"))


def ecog() -> Figure:
    return ecog_figure(ECOG, [OCTREOTIDE], texts("ECOG"))


FIGURES: dict[str, Callable[[], Figure]] = {
    "timeline": timeline,
    "labs": labs,
    "labs_uln": labs_uln,
    "labs_cytopenia": labs_cytopenia,
    "markers": markers,
    "lesions": lesions,
    "ecog": ecog,
}


@pytest.mark.parametrize("name", FIGURES)
@pytest.mark.parametrize("fmt", ["svg", "png", "tiff"])
def test_every_figure_renders(name: str, fmt: Format) -> None:
    data = render(FIGURES[name](), fmt, dpi=150)
    signature = {"svg": b"<svg", "png": b"\x89PNG", "tiff": b"II*\x00"}[fmt]
    assert signature in data[:400]


@pytest.mark.parametrize("name", FIGURES)
def test_same_data_same_bytes_in_this_process(name: str) -> None:
    figure = FIGURES[name]()
    formats: tuple[Format, ...] = ("svg", "png")
    for fmt in formats:
        first = render(figure, fmt)
        assert render(figure, fmt) == first, "rendering the same figure twice differs"
        assert render(FIGURES[name](), fmt) == first, "drawing the same data twice differs"


@pytest.mark.parametrize("name", ["timeline", "markers", "lesions", "labs_cytopenia"])
def test_same_data_same_bytes_in_another_process(name: str) -> None:
    script = (
        "import sys; from tests.test_plots import FIGURES; "
        "from casepub.plots.figures import render; "
        f"f = FIGURES[{name!r}](); sys.stdout.buffer.write(render(f, 'svg') + b'\\0SPLIT\\0' "
        "+ render(f, 'png'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, check=True
    )
    svg, png = result.stdout.split(b"\0SPLIT\0")
    figure = FIGURES[name]()
    assert svg == render(figure, "svg")
    assert png == render(figure, "png")


@pytest.mark.parametrize("width_cm", [17.0, COLUMN_WIDTH_CM])
def test_png_has_the_asked_size_and_resolution(width_cm: float) -> None:
    with Image.open(io.BytesIO(render(timeline(width_cm), "png", dpi=300))) as image:
        assert abs(image.width - width_cm / 2.54 * 300) <= 1
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)


def test_tiff_at_600_dpi_is_rgb_and_says_600_dpi() -> None:
    with Image.open(io.BytesIO(render(markers(), "tiff", dpi=600))) as image:
        image.load()
        assert image.format == "TIFF"
        assert image.mode == "RGB"
        assert image.info["dpi"] == pytest.approx((600, 600), abs=0.01)
        assert abs(image.width - 17 / 2.54 * 600) <= 1


def test_png_has_no_software_or_time_stamp() -> None:
    with Image.open(io.BytesIO(render(ecog(), "png"))) as image:
        assert not {"Software", "Creation Time", "date:create"} & set(image.info)


@pytest.mark.parametrize("name", FIGURES)
def test_svg_has_text_as_paths_and_no_date(name: str) -> None:
    svg = render(FIGURES[name](), "svg").decode("utf-8")
    assert "<text" not in svg
    assert "<path" in svg
    assert "dc:date" not in svg
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", svg)
    assert "Matplotlib v" not in svg


def test_cyrillic_labels_have_their_glyphs(recwarn: pytest.WarningsRecorder) -> None:
    for make in FIGURES.values():
        figure = make()
        render(figure, "png", dpi=100)
        render(figure, "svg")
    glyphs = [str(w.message) for w in recwarn if "Glyph" in str(w.message)]
    assert glyphs == []


def test_markers_use_a_log_axis_shared_when_units_agree() -> None:
    figure = markers()
    assert figure.axes[0].get_yscale() == "log"
    data_axes = [a for a in figure.axes if a.get_yscale() == "log"]
    assert len(data_axes) == 1


def test_markers_with_different_units_get_one_panel_each() -> None:
    hiaa = Series(
        "5-ГИУК, мкмоль/сут / 5-HIAA, µmol/day",
        (Point(D(2017, 2, 2), 310.0), Point(D(2018, 7, 11), 48.0)),
        high=47.0,
    )
    figure = marker_figure([SEROTONIN, hiaa], [OCTREOTIDE], texts())
    assert [a.get_yscale() for a in figure.axes[:2]] == ["log", "log"]


def test_uln_plot_is_logarithmic_with_reference_lines() -> None:
    figure = labs_uln()
    axes = figure.axes[0]
    assert axes.get_yscale() == "log"
    levels = set()
    for line in axes.lines:
        ys = np.asarray(line.get_ydata(), dtype=float)
        if len(ys) == 2 and ys[0] == ys[1]:
            levels.add(round(float(ys[0]), 2))
    assert {1.0, 1.5, 2.0} <= levels


def test_only_analytes_above_their_lower_limit_are_drawn_as_multiples_of_uln() -> None:
    assert on_uln_scale(AST) and on_uln_scale(ALT)
    assert not on_uln_scale(NEUTROPHILS) and not on_uln_scale(PLATELETS)  # 0.9 < 2.0, 40 < 150
    assert not on_uln_scale(Series("Альбумин, г/л", AST.points, low=35.0))  # no ULN


def test_cytopenias_get_their_own_scale_and_band_under_the_uln_axis() -> None:
    top, *own = labs_cytopenia().axes
    assert top.get_yscale() == "log" and top.get_ylabel() == "Кратность ВГН / × ULN"
    assert len([line for line in top.lines if len(line.get_ydata()) == 3]) == 2  # AST, ALT
    for panel, series in zip(own, (NEUTROPHILS, PLATELETS), strict=True):
        assert panel.get_yscale() == "linear"
        assert " ".join(panel.get_ylabel().split()) == series.label  # its unit, not ULN
        (band,) = panel.patches
        assert (band.get_bbox().y0, band.get_bbox().y1) == (series.low, series.high)
        drawn = next(line for line in panel.lines if len(line.get_ydata()) == 3)
        assert list(drawn.get_ydata()) == [p.value for p in series.points]


def test_day_ticks_leave_room_for_their_labels() -> None:
    major, _, pattern = date_ticks(day(D(2023, 2, 17)), day(D(2023, 4, 19)), 14.7)
    assert pattern == "%d.%m.%Y"
    assert len(major) * (text_width_cm("17.02.2023") + 0.3) <= 14.7


def test_series_units_are_read_from_bilingual_labels() -> None:
    assert unit_of(SEROTONIN.label) == "нг/мл / ng/mL"
    assert unit_of("Серотонин / Serotonin, нг/мл / ng/mL") == "нг/мл / ng/mL"
    assert unit_of("ECOG") is None
    assert name_of(CHROMOGRANIN.label) == "Хромогранин А / Chromogranin A"


@pytest.mark.parametrize(
    "draw",
    [
        lambda: timeline_figure([], [], [], texts()),
        lambda: lab_figure([], [], texts(), mode="values"),
        lambda: lab_figure([Series("АЛТ / ALT", ())], [], texts(), mode="uln"),
        lambda: marker_figure([], [OCTREOTIDE], texts()),
        lambda: lesion_figure([], Series("Σ", ()), [], [], texts()),
        lambda: ecog_figure([], [], texts()),
    ],
)
def test_empty_data_is_a_clear_error(draw: Callable[[], Figure]) -> None:
    with pytest.raises(ValueError, match=r"no points|no periods"):
        draw()


def test_missing_legend_text_names_every_missing_key() -> None:
    bare = Texts("Дата / Date", "", {}, LANES)
    with pytest.raises(ValueError, match=r"'surgery'.*'procedure'.*'ongoing'"):
        timeline_figure([OCTREOTIDE], MARKERS, RESPONSES, bare)
    with pytest.raises(ValueError, match="'reference'"):
        marker_figure([SEROTONIN], [], bare)


def test_bad_values_are_refused() -> None:
    with pytest.raises(ValueError, match=r"ULN|upper limit"):
        lab_figure([Series("АЛТ / ALT", SEROTONIN.points)], [], texts(), mode="uln")
    with pytest.raises(ValueError, match="log axis"):
        marker_figure([Series("X, нг/мл", (Point(D(2018, 1, 1), 0.0),), high=1)], [], texts())
    with pytest.raises(ValueError, match="0–5"):
        ecog_figure([Point(D(2018, 1, 1), 6)], [], texts())
    with pytest.raises(ValueError, match=r"texts\.lanes"):
        timeline_figure([OCTREOTIDE], MARKERS, [], texts(lanes=LANES[1:]))


def test_dates_are_labelled_with_numbers_only() -> None:
    major, minor, pattern = date_ticks(day(D(2017, 1, 15)), day(D(2018, 8, 1)), 13.0)
    assert pattern == "%m.%Y"
    assert len(major) >= 3 and len(minor) > len(major)
    assert date_ticks(day(D(2009, 3, 1)), day(D(2018, 8, 1)), 13.0)[2] == "%Y"


def test_numbers_and_labels_are_formatted_for_print() -> None:
    assert format_number(1.5, ",") == "1,5"
    assert format_number(12000) == "12\u2009000"
    assert format_number(-2) == "\u22122"
    assert wrap_label("Серотонин, нг/мл / Serotonin, ng/mL", 3.0) == (
        "Серотонин, нг/мл /\nSerotonin, ng/mL"
    )


def test_global_matplotlib_settings_are_left_alone() -> None:
    import matplotlib as mpl

    before = {key: repr(value) for key, value in mpl.rcParams.items()}
    render(timeline(), "svg")
    render(labs(), "png", dpi=72)
    after = {key: repr(value) for key, value in mpl.rcParams.items()}
    assert {k for k in before if before[k] != after[k]} == set()
