"""Where annotation labels go: the first candidate position that overlaps nothing placed so far.

Positions are boxes in centimetres on the laid-out axes (x to the right, y downwards from the
top of the axes), so that decisions match what is printed whatever the figure size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes

from casepub.plots.style import CM

PT_CM = 2.54 / 72
"""Centimetres per typographic point."""
LINE_CM = 1.18 * 7 * PT_CM
"""Height of one line of 7 pt annotation text."""


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in centimetres."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        """Area shared with ``other`` (0 when apart)."""
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        return max(width, 0.0) * max(height, 0.0)

    def nudged_into(self, bounds: Box) -> Box:
        """This box moved sideways, as little as possible, to lie within ``bounds``."""
        dx = max(bounds.x0 - self.x0, 0.0) + min(bounds.x1 - self.x1, 0.0)
        return Box(self.x0 + dx, self.y0, self.x1 + dx, self.y1)

    def outside(self, bounds: Box) -> float:
        """Area of this box that lies outside ``bounds``."""
        return (self.x1 - self.x0) * (self.y1 - self.y0) - self.overlap(bounds)


class Placer:
    """Keeps the boxes already taken by symbols and labels and picks free places for new ones."""

    def __init__(self, bounds: Box) -> None:
        self.bounds = bounds
        self.taken: list[Box] = []

    def block(self, box: Box) -> None:
        """Mark ``box`` as occupied (a symbol, a bar, a label)."""
        self.taken.append(box)

    def cost(self, box: Box, ignore: Box | None = None) -> float:
        """How bad a place is: area overlapping taken boxes, plus area outside the bounds."""
        clash = sum(box.overlap(t) for t in self.taken if t is not ignore)
        return clash + 4 * box.outside(self.bounds)

    def choose(self, options: Sequence[Box], *, ignore: Box | None = None) -> int:
        """Index of the first option inside the bounds that overlaps nothing, else of the least
        bad one; that option is then taken. ``ignore`` is an occupied box a label may cover
        (a label inside its own bar)."""

        costs = [self.cost(box, ignore) for box in options]
        best = next((i for i, c in enumerate(costs) if c < 1e-6), None)
        if best is None:
            best = min(range(len(options)), key=lambda i: (costs[i], i))
        self.taken.append(options[best])
        return best

    def choose_free(self, options: Sequence[Box], *, ignore: Box | None = None) -> int | None:
        """Index of the first option inside the bounds that overlaps nothing (then taken), or
        None where every option would cover something: such a label is better left out (the
        table beside the chart names it) than printed over another."""
        costs = [self.cost(box, ignore) for box in options]
        best = next((i for i, c in enumerate(costs) if c < 1e-6), None)
        if best is not None:
            self.taken.append(options[best])
        return best


@dataclass(frozen=True)
class Geometry:
    """Data → centimetre mapping of an axes after layout (y measured down from its top)."""

    x_lo: float
    x_hi: float
    y_top: float
    y_bottom: float
    width_cm: float
    height_cm: float

    @classmethod
    def of(cls, axes: Axes) -> Geometry:
        """Measure ``axes``; the figure must have been laid out (``draw_without_rendering``)."""
        box = axes.get_position()
        figure = axes.get_figure(root=True)
        if figure is None:
            raise ValueError("Geometry.of: the axes belong to no figure")
        width_in, height_in = figure.get_size_inches()
        x_lo, x_hi = axes.get_xlim()
        y_bottom, y_top = axes.get_ylim()
        return cls(
            float(x_lo),
            float(x_hi),
            float(y_top),
            float(y_bottom),
            float(box.width * width_in / CM),
            float(box.height * height_in / CM),
        )

    def x(self, value: float) -> float:
        return (value - self.x_lo) / (self.x_hi - self.x_lo) * self.width_cm

    def y(self, value: float) -> float:
        return (value - self.y_top) / (self.y_bottom - self.y_top) * self.height_cm

    def data_x(self, cm: float) -> float:
        """The data x at ``cm`` from the left edge."""
        return self.x_lo + cm / self.width_cm * (self.x_hi - self.x_lo)

    def data_y(self, cm: float) -> float:
        """The data y at ``cm`` below the top edge."""
        return self.y_top + cm / self.height_cm * (self.y_bottom - self.y_top)

    def data_per_cm(self) -> float:
        return (self.x_hi - self.x_lo) / self.width_cm

    def bounds(self, *, slack: float = 0.0) -> Box:
        return Box(-slack, -slack, self.width_cm + slack, self.height_cm + slack)
