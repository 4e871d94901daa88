"""The clinical figures, one import away: timeline, labs, markers, lesions, ECOG; and render.

Every figure function takes plain data (:mod:`casepub.plots.data`) with texts already in their
final language(s), and keyword-only ``width_cm`` (17 cm full width by default, 8.5 cm for one
column); the value plots also take ``decimal`` ("." or ",") for tick numbers. The result is a
``matplotlib.figure.Figure`` (no pyplot) to pass to :func:`render`.
"""

from casepub.plots.assessment import ecog_figure, lesion_figure
from casepub.plots.dynamics import lab_figure, marker_figure
from casepub.plots.output import FORMATS, render
from casepub.plots.style import COLUMN_WIDTH_CM, FULL_WIDTH_CM
from casepub.plots.timeline import timeline_figure

__all__ = [
    "COLUMN_WIDTH_CM",
    "FORMATS",
    "FULL_WIDTH_CM",
    "ecog_figure",
    "lab_figure",
    "lesion_figure",
    "marker_figure",
    "render",
    "timeline_figure",
]
