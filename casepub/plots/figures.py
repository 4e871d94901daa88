"""The clinical figures, one import away: timeline, labs, markers, lesions, ECOG; and render."""

from casepub.plots.dynamics import ecog_figure, lab_figure, lesion_figure, marker_figure
from casepub.plots.output import render
from casepub.plots.timeline import timeline_figure

__all__ = [
    "ecog_figure",
    "lab_figure",
    "lesion_figure",
    "marker_figure",
    "render",
    "timeline_figure",
]
