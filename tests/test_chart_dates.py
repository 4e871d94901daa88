"""Generated charts follow the journal's date policy: a ``relative`` profile (jmcr) gets an
x axis of months from the anchor and no calendar date anywhere in the figure; ``month`` never
prints a day; ``exact`` (the default) keeps the calendar dates, byte for byte."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from casepub.build import BuildOptions, build_case
from casepub.clinical.dates import whole_months
from casepub.clinical.record import ClinicalRecord
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.model import Lang, PartialDate
from casepub.plots.data import DateScale, Marker, Period, Texts
from casepub.plots.output import render
from casepub.plots.style import RC
from casepub.plots.timeline import timeline_figure
from casepub.profiles import DatePolicy, load_profile
from casepub.render.charts import chart_files, draw
from tests.conftest import CASES

KEYS = ("timeline", "labs", "markers", "lesions", "ecog")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
CALENDAR = re.compile(r"^(?:\d{4}|\d\d\.\d{4}|\d\d\.\d\d\.\d{4})$")
LANGS: list[Lang] = ["ru", "en"]


def _loaded(name: str) -> LoadedCase:
    return load_case(CASES / name)


def _record(loaded: LoadedCase) -> ClinicalRecord:
    assert loaded.record is not None
    return loaded.record


def _charts(loaded: LoadedCase, dates: DatePolicy | None) -> dict[str, Figure]:
    """Every chart the case has data for (a chart without data raises and is skipped)."""
    figures = {}
    for key in KEYS:
        try:
            figures[key] = draw(key, loaded.case, _record(loaded), LANGS, dates)
        except ValueError:
            continue
    assert "timeline" in figures
    return figures


def _x_ticks(figure: Figure) -> list[tuple[float, str]]:
    """(position, label) of the labelled x ticks of every panel, after layout."""
    figure.draw_without_rendering()
    return [
        (float(tick.get_position()[0]), tick.get_text())
        for axes in figure.axes
        for tick in axes.get_xticklabels()
        if tick.get_text()
    ]


def _svg_texts(figure: Figure) -> list[str]:
    """Every text of the figure as the SVG writes it, with text kept as text (not paths)."""
    clone = pickle.loads(pickle.dumps(figure))
    FigureCanvasAgg(clone)
    buffer = io.BytesIO()
    with rc_context({**RC, "svg.fonttype": "none"}):
        clone.savefig(buffer, format="svg", metadata={"Date": None})
    root = ET.fromstring(buffer.getvalue())
    return ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]


def _months(text: str) -> int:
    return int(text.replace("\u2212", "-"))


@pytest.fixture(scope="module")
def jmcr() -> DatePolicy:
    dates = load_profile("jmcr").dates
    assert dates.policy == "relative"
    return dates


@pytest.mark.parametrize("name", ["pnet-tace", "ileal-net"])
def test_relative_ticks_are_months_from_the_anchor(name: str, jmcr: DatePolicy) -> None:
    loaded = _loaded(name)
    record = _record(loaded)
    day0 = record.anchors.get(jmcr.anchor) or min(
        (e.date for e in record.events), key=PartialDate.first_day
    )
    for key, figure in _charts(loaded, jmcr).items():
        ticks = _x_ticks(figure)
        assert len(ticks) >= 2, key
        for x, label in ticks:
            when = dt.date.fromordinal(round(x))
            # a tick is a whole number of calendar months from day 0, labelled with it
            assert whole_months(day0, PartialDate(when.year, when.month, when.day)) == _months(
                label
            ), (key, when, label)
            assert when.day == day0.first_day().day, (key, when)
        labels = [_months(label) for _, label in ticks]
        assert labels == sorted(labels) and len(set(labels)) == len(labels)


def test_anchor_is_zero_and_a_known_event_falls_between_its_ticks(jmcr: DatePolicy) -> None:
    loaded = _loaded("pnet-tace")
    record = _record(loaded)
    anchor = record.anchors[jmcr.anchor]
    figure = draw("timeline", loaded.case, record, ["en"], jmcr)
    ticks = _x_ticks(figure)
    assert (float(anchor.first_day().toordinal()), "0") in ticks
    assert any(_months(label) < 0 for _, label in ticks)  # the history before presentation
    # the last follow-up: its whole months from the anchor lie between the ticks around it
    assert record.outcome is not None
    last = record.outcome.date
    expected = whole_months(anchor, last)
    before = [(x, _months(t)) for x, t in ticks if x <= last.first_day().toordinal()]
    after = [(x, _months(t)) for x, t in ticks if x > last.first_day().toordinal()]
    assert before and before[-1][1] <= expected
    assert not after or expected < after[0][1]
    assert figure.axes[0].get_xlabel() == "Months from presentation"


def test_relative_axis_label_in_both_languages(jmcr: DatePolicy) -> None:
    loaded = _loaded("pnet-tace")
    figure = draw("timeline", loaded.case, _record(loaded), LANGS, jmcr)
    assert figure.axes[0].get_xlabel() == (
        "Месяцы от первичного обращения / Months from presentation"
    )
    # ileal-net has no `presentation` anchor: day 0 is the first event, as in the text
    loaded = _loaded("ileal-net")
    figure = draw("timeline", loaded.case, _record(loaded), LANGS, jmcr)
    assert figure.axes[0].get_xlabel() == "Месяцы от дня 0 / Months from day 0"


@pytest.mark.parametrize("name", ["pnet-tace", "ileal-net"])
def test_no_calendar_date_in_any_text_of_a_relative_chart(name: str, jmcr: DatePolicy) -> None:
    for key, figure in _charts(_loaded(name), jmcr).items():
        texts = _svg_texts(figure)
        assert any("Months from" in text for text in texts), key
        years = [text for text in texts if YEAR.search(text)]
        assert not years, (key, years)


def test_exact_policy_keeps_calendar_labels_byte_for_byte() -> None:
    loaded = _loaded("pnet-tace")
    record = _record(loaded)
    exact = DatePolicy(policy="exact")
    for key, figure in _charts(loaded, exact).items():
        assert YEAR.search(" ".join(_svg_texts(figure)))
        labels = [label for _, label in _x_ticks(figure)]
        assert labels and all(CALENDAR.match(label) for label in labels), (key, labels)
        # drawn afresh (a figure laid out once may shift when saved again)
        default = render(draw(key, loaded.case, record, LANGS), "svg")
        assert default == render(draw(key, loaded.case, record, LANGS, exact), "svg"), key


def test_relative_charts_are_reproducible(jmcr: DatePolicy) -> None:
    loaded = _loaded("pnet-tace")
    record = _record(loaded)
    first = chart_files(lambda: draw("timeline", loaded.case, record, LANGS, jmcr))
    again = chart_files(lambda: draw("timeline", loaded.case, record, LANGS, jmcr))
    assert first == again


def _short_timeline(scale: DateScale) -> Figure:
    """A timeline of five weeks: an exact axis would label days."""
    start = dt.date(2019, 3, 4)
    texts = Texts(
        "Date",
        "",
        {"drug": "Drug", "surgery": "Surgery", "imaging": "Imaging"},
        dates=scale,
    )
    return timeline_figure(
        [Period("Drug", start, start + dt.timedelta(days=30), "drug", "Drug")],
        [
            Marker("Surgery", start + dt.timedelta(days=10), "surgery", "Surgery"),
            Marker("Imaging", start + dt.timedelta(days=35), "imaging", "Imaging"),
        ],
        [],
        texts,
    )


def test_month_policy_never_prints_a_day() -> None:
    exact = [label for _, label in _x_ticks(_short_timeline(DateScale()))]
    assert exact and all(re.fullmatch(r"\d\d\.\d\d\.\d{4}", label) for label in exact)
    month = [label for _, label in _x_ticks(_short_timeline(DateScale("month")))]
    assert month and all(re.fullmatch(r"\d\d\.\d{4}", label) for label in month), month


def test_month_policy_on_a_case_chart() -> None:
    loaded = _loaded("ileal-net")
    for key, figure in _charts(loaded, DatePolicy(policy="month")).items():
        labels = [label for _, label in _x_ticks(figure)]
        assert all(re.fullmatch(r"\d{4}|\d\d\.\d{4}", label) for label in labels), (key, labels)


def test_build_for_jmcr_draws_relative_charts(tmp_path: Path, jmcr: DatePolicy) -> None:
    """The build passes the profile's policy to the charts it writes."""
    loaded = _loaded("pnet-tace")
    record = _record(loaded)
    written = build_case(CASES / "pnet-tace", BuildOptions(("html",), out=tmp_path, journal="jmcr"))
    svg = next(p for p in written if p.name.endswith("-timeline.svg"))
    relative = chart_files(lambda: draw("timeline", loaded.case, record, ["en"], jmcr))
    exact = chart_files(lambda: draw("timeline", loaded.case, record, ["en"]))
    assert svg.read_bytes() == relative[".svg"] != exact[".svg"]
