"""The jobs a build hands to its worker process (:mod:`casepub.worker`): plain functions of
picklable data, which import what they need (matplotlib, the identifier scanner) only when
they run — a rebuild whose charts all come from the cache never loads matplotlib."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from casepub.worker import Pending

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from casepub.clinical.record import ClinicalRecord
    from casepub.diagnostics import Diagnostic
    from casepub.load.loaded import LoadedCase
    from casepub.model import Case, Lang
    from casepub.profiles import Profile


_MATPLOTLIB = threading.Lock()

PNG_DPI = 300
"""Resolution of the charts' PNG twins (DOCX, LaTeX)."""


def draw_chart(
    chart: str, case: Case, record: ClinicalRecord, langs: list[Lang], profile: Profile
) -> Figure:
    """Draw a generated chart for the profile's date policy and page columns."""
    from casepub.render.charts import draw

    return draw(chart, case, record, langs, profile.dates, profile.output.columns)


def chart_files_of(make: Callable[[], Figure], suffixes: Sequence[str]) -> dict[str, bytes]:
    """A chart's files, as ``suffixes`` (``.svg``, ``.png``); one chart at a time in a
    process (matplotlib is not thread-safe)."""
    from casepub.render.charts import chart_files

    with _MATPLOTLIB:
        return chart_files(make, suffixes)


def png_twin(svg: Pending[dict[str, bytes]]) -> dict[str, bytes]:
    """The PNG twin of a chart, rasterised from its SVG (drawn, or from the cache) by typst:
    what the PDF shows, at :data:`PNG_DPI`, without drawing the chart again."""
    from casepub.convert.typst import png_from_svg

    return {".png": png_from_svg(svg.result()[".svg"], PNG_DPI)}


def identifier_warnings(loaded: LoadedCase) -> list[Diagnostic]:
    """What the scan for identifiers finds in the case (warnings only)."""
    from casepub.checks.privacy import identifier_findings

    return identifier_findings(loaded)
