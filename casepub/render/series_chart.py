"""The swimmer plot's lanes from the case's clinical examples: each patient's treatments,
responses and events, counted from the patient's own ``start`` (day 0 for every lane)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from matplotlib.figure import Figure

from casepub.clinical.dates import resolve
from casepub.model import Case, Lang, PartialDate, text_in
from casepub.model.data import OutcomeStatus
from casepub.model.dates import Offset
from casepub.model.series import ClinicalExample
from casepub.plots.data import EventKind, Marker, Period, ResponseMark, Texts
from casepub.plots.style import FULL_WIDTH_CM
from casepub.plots.swimmer import DAY0, SwimLane, swimmer_figure
from casepub.render.charts import ChartTexts
from casepub.resources import labels


def example_anchors(case: Case, example: ClinicalExample) -> dict[str, PartialDate]:
    """The anchors an example's dates may count from: the case's, and ``start``."""
    return {**case.anchors, "start": example.start}


def swimmer(case: Case, langs: list[Lang], width_cm: float = FULL_WIDTH_CM) -> Figure:
    """The swimmer plot of ``case.examples``, its words in ``langs``, ``width_cm`` wide."""
    words = ChartTexts(langs)
    lanes = [_lane(case, example, n, words) for n, example in enumerate(case.examples, 1)]
    legend = words.legend()
    for code in ("CR", "PR", "SD", "PD", "NE"):
        legend[f"response-{code}"] = words.join(partial(_response_name, code))
    x_label = words.word("axes", "series_months")
    texts = Texts(x_label, "", legend, tuple(lane.label for lane in lanes))
    return swimmer_figure(lanes, texts, width_cm=width_cm)


def _response_name(code: str, lang: Lang) -> str:
    return str(labels()[lang]["response"][code]).capitalize()


def _lane(case: Case, example: ClinicalExample, number: int, words: ChartTexts) -> SwimLane:
    anchors = example_anchors(case, example)
    shift = DAY0.toordinal() - example.start.first_day().toordinal()

    def moved(value: PartialDate | Offset) -> dt.date:
        return dt.date.fromordinal(resolve(value, anchors).first_day().toordinal() + shift)

    label = words.join(lambda lang: f"{labels()[lang]['example']['lane']}\u00a0{number}")
    periods, markers = [], []
    for treatment in example.treatments:
        name = text_in(treatment.name, words.langs[0]) or ""
        if treatment.end is None and not treatment.ongoing:
            kind: EventKind = "surgery" if treatment.kind.value == "surgery" else "procedure"
            markers.append(Marker(name, moved(treatment.start), kind, label))
            continue
        end = None if treatment.end is None else moved(treatment.end)
        periods.append(Period(name, moved(treatment.start), end, treatment.kind.value, label))
    responses = [
        ResponseMark(moved(event.date), event.response, event.response)
        for event in example.timeline
        if event.response is not None
    ]
    outcome = example.outcome
    dates = [p.end or p.start for p in periods] + [m.when for m in markers]
    dates += [r.when for r in responses]
    end = moved(outcome.date) if outcome else max(dates, default=DAY0)
    dead = outcome is not None and outcome.status is OutcomeStatus.dead
    if dead:
        markers.append(Marker(words.word("legend", "death"), end, "death", label))
    going = outcome is not None and not dead and outcome.status is not OutcomeStatus.lost
    return SwimLane(label, end, tuple(periods), tuple(markers), tuple(responses), going)
