"""The jobs a build hands to its worker process (:mod:`casepub.worker`): plain functions of
picklable data, which import what they need (matplotlib, the identifier scanner) only when
they run — a rebuild whose charts all come from the cache never loads matplotlib."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from casepub.clinical.record import ClinicalRecord
    from casepub.diagnostics import Diagnostic
    from casepub.load.loaded import LoadedCase
    from casepub.model import Case, Lang
    from casepub.profiles import Profile


def draw_chart(
    chart: str, case: Case, record: ClinicalRecord, langs: list[Lang], profile: Profile
) -> Figure:
    """Draw a generated chart for the profile's date policy and page columns."""
    from casepub.render.charts import draw

    return draw(chart, case, record, langs, profile.dates, profile.output.columns)


def chart_files_of(make: Callable[[], Figure], suffixes: Sequence[str]) -> dict[str, bytes]:
    """A chart's files, as ``suffixes`` (``.svg``, ``.png``)."""
    from casepub.render.charts import chart_files

    return chart_files(make, suffixes)


def identifier_warnings(loaded: LoadedCase) -> list[Diagnostic]:
    """What the scan for identifiers finds in the case (warnings only)."""
    from casepub.checks.privacy import identifier_findings

    return identifier_findings(loaded)
