"""The look shared by all clinical figures: rcParams, Okabe–Ito colours, symbols, text helpers.

Everything here is pure: the rcParams are applied with ``rc_context`` by the figure functions
and by :func:`casepub.plots.output.render`, never globally.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

from cycler import cycler
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.textpath import TextToPath
from matplotlib.typing import RcKeyType

from casepub.plots.data import EventKind, PeriodKind, ResponseCode

Decimal = Literal[".", ","]

CM: Final = 1 / 2.54
"""Inches per centimetre."""
FULL_WIDTH_CM: Final = 17.0
"""Default figure width: a full journal text width."""
COLUMN_WIDTH_CM: Final = 8.5
"""A single journal column."""
FONT_PT: Final = 8.0
SMALL_PT: Final = 7.0
"""Annotations inside the plot: period labels, marker labels, reference-line labels."""

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour-vision deficiency.
BLACK: Final = "#000000"
ORANGE: Final = "#E69F00"
SKY_BLUE: Final = "#56B4E9"
GREEN: Final = "#009E73"
YELLOW: Final = "#F0E442"
BLUE: Final = "#0072B2"
VERMILLION: Final = "#D55E00"
PURPLE: Final = "#CC79A7"
GREY: Final = "#8C8C8C"
LIGHT_GREY: Final = "#E6E6E6"
INK: Final = "#222222"

SERIES_COLOURS: Final = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY_BLUE, BLACK)
"""Line colours in order (yellow is left out: too pale for a line on white)."""
SERIES_MARKERS: Final = ("o", "s", "^", "D", "v", "P", "X")
"""One symbol per series, so that lines stay apart in greyscale print too."""

PERIOD_COLOURS: Final[Mapping[PeriodKind, str]] = {
    "drug": BLUE,
    "locoregional": ORANGE,
    "surgery": VERMILLION,
    "radiotherapy": PURPLE,
    "observation": "#B3B3B3",
    "other": SKY_BLUE,
}

RESPONSE_COLOURS: Final[Mapping[ResponseCode, str]] = {
    "CR": GREEN,
    "PR": BLUE,
    "SD": ORANGE,
    "PD": VERMILLION,
    "NE": GREY,
}

_CROSS = Path(
    [
        (-0.09, -0.5),
        (0.09, -0.5),
        (0.09, 0.12),
        (0.3, 0.12),
        (0.3, 0.28),
        (0.09, 0.28),
        (0.09, 0.5),
        (-0.09, 0.5),
        (-0.09, 0.28),
        (-0.3, 0.28),
        (-0.3, 0.12),
        (-0.09, 0.12),
        (-0.09, -0.5),
    ],
    closed=True,
)
"""A Latin cross (✝) for death, drawn as a path so that no font needs the glyph."""


class MarkerSpec:
    """How one event kind is drawn: symbol, colour, filled or open, relative size."""

    __slots__ = ("colour", "filled", "scale", "symbol")

    def __init__(self, symbol: str | Path, colour: str, *, filled: bool, scale: float = 1.0):
        self.symbol = symbol
        self.colour = colour
        self.filled = filled
        self.scale = scale

    def style(self, size: float) -> dict[str, Any]:
        """Keyword arguments for ``Axes.plot`` drawing this marker at ``size`` points; solid
        symbols get a thin white rim so that symbols on neighbouring days stay apart."""
        marker = MarkerStyle(self.symbol)
        line_only = not marker.is_filled()
        solid = self.filled and not line_only
        return {
            "marker": marker,
            "markersize": size * self.scale + (0.6 if solid else 0.0),
            "markeredgecolor": "white" if solid else self.colour,
            "markerfacecolor": self.colour if self.filled else "white",
            "markeredgewidth": 1.6 if line_only else 0.6 if solid else 0.9,
            "linestyle": "none",
        }


MARKERS: Final[Mapping[EventKind, MarkerSpec]] = {
    "symptom": MarkerSpec("h", PURPLE, filled=True),
    "diagnosis": MarkerSpec("*", BLACK, filled=True, scale=1.4),
    "imaging": MarkerSpec("o", BLUE, filled=False),
    "biopsy": MarkerSpec("^", GREEN, filled=True),
    "surgery": MarkerSpec("D", VERMILLION, filled=True, scale=0.9),
    "procedure": MarkerSpec("s", ORANGE, filled=True),
    "drug-start": MarkerSpec(">", BLUE, filled=False),
    "drug-stop": MarkerSpec("<", BLUE, filled=False),
    "lab": MarkerSpec("X", SKY_BLUE, filled=True),
    "response": MarkerSpec("o", BLACK, filled=True, scale=0.7),
    "status": MarkerSpec("p", BLACK, filled=False),
    "death": MarkerSpec(_CROSS, BLACK, filled=True, scale=1.5),
    "last-follow-up": MarkerSpec("|", BLACK, filled=False, scale=1.3),
}
"""Event kinds in legend order, each with its own symbol (shape alone tells them apart)."""

RC: Final[dict[RcKeyType, Any]] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": FONT_PT,
    "axes.labelsize": FONT_PT,
    "axes.titlesize": FONT_PT,
    "xtick.labelsize": FONT_PT,
    "ytick.labelsize": FONT_PT,
    "legend.fontsize": FONT_PT,
    "legend.frameon": False,
    "legend.handlelength": 1.8,
    "legend.handletextpad": 0.5,
    "legend.columnspacing": 1.4,
    "legend.borderaxespad": 0.2,
    "text.color": INK,
    "text.parse_math": False,
    "axes.formatter.use_mathtext": False,
    "axes.unicode_minus": True,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(SERIES_COLOURS)),
    "axes.labelpad": 3.0,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.major.size": 3.0,
    "ytick.major.size": 3.0,
    "xtick.minor.size": 1.6,
    "ytick.minor.size": 1.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.5,
    "ytick.minor.width": 0.5,
    "xtick.major.pad": 2.5,
    "ytick.major.pad": 2.5,
    "lines.linewidth": 1.2,
    "lines.markersize": 4.5,
    "grid.color": LIGHT_GREY,
    "grid.linewidth": 0.5,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "figure.constrained_layout.h_pad": 0.04,
    "figure.constrained_layout.w_pad": 0.04,
    "figure.constrained_layout.hspace": 0.02,
    "svg.fonttype": "path",
    "svg.hashsalt": "casepub",
    "path.simplify": False,
}
"""rcParams of every figure; also applied while rendering (fonts, SVG ids are read then)."""

_TEXT_TO_PATH = TextToPath()


def font(size: float = FONT_PT, *, bold: bool = False) -> FontProperties:
    """The figure font (DejaVu Sans, shipped with matplotlib; it has Cyrillic)."""
    return FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")


def text_width_cm(text: str, size: float = FONT_PT) -> float:
    """Width of one line of ``text`` in the figure font, measured from the glyph outlines."""
    widths = [
        _TEXT_TO_PATH.get_text_width_height_descent(line, font(size), ismath=False)[0]
        for line in text.split("\n")
        if line
    ]
    return float(max(widths, default=0.0)) / 72 * 2.54


_SPACES = re.compile(r"[^\S\u00a0\u202f]+")


def wrap_label(text: str, max_cm: float, size: float = FONT_PT) -> str:
    """Break a long label to fit ``max_cm``: first between languages (" / "), then between words.

    "Серотонин, нг/мл / Serotonin, ng/mL" becomes "Серотонин, нг/мл /" + newline +
    "Serotonin, ng/mL" when it does not fit on one line.
    """
    text = _SPACES.sub(" ", text).strip()  # no-break spaces stay: "× 10⁹/л" is one word
    if not text or text_width_cm(text, size) <= max_cm:
        return text
    parts = text.split(" / ")
    lines: list[str] = []
    for index, part in enumerate(parts):
        piece = part + (" /" if index < len(parts) - 1 else "")
        lines.extend(_wrap_words(piece, max_cm, size))
    return "\n".join(lines)


def split_languages(text: str) -> str:
    """A bilingual label on two lines: "Операция / Surgery" → "Операция /" + newline + "Surgery"."""
    return text.replace(" / ", " /\n")


def _wrap_words(text: str, max_cm: float, size: float) -> list[str]:
    """Greedy word wrap by measured width; a lone "/" stays at the end of its line."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and (word == "/" or text_width_cm(f"{lines[-1]} {word}", size) <= max_cm):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def format_number(value: float, decimal: Decimal = ".") -> str:
    """A plain tick number: 0.5, 2, 150, 1200, 12 000 (no scientific notation, no locale)."""
    if value == 0:
        return "0"
    if abs(value - round(value)) < 1e-9 * max(1.0, abs(value)):
        whole = round(value)
        text = f"{abs(whole):,}".replace(",", "\u2009") if abs(whole) >= 10_000 else f"{abs(whole)}"
        sign = "\u2212" if whole < 0 else ""
        return sign + text
    text = f"{value:.4g}"
    if "e" in text:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace("-", "\u2212").replace(".", decimal)


def new_figure(width_cm: float, height_cm: float) -> Figure:
    """An empty figure with constrained layout on an Agg canvas (no pyplot, no global state)."""
    if not 4.0 <= width_cm <= 40.0:
        raise ValueError(f"width_cm must be between 4 and 40 cm, got {width_cm}")
    if not 3.0 <= height_cm <= 40.0:
        raise ValueError(f"height_cm must be between 3 and 40 cm, got {height_cm}")
    figure = Figure(figsize=(width_cm * CM, height_cm * CM), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def require_legend(legend: Mapping[str, str], needed: Iterable[str], what: str) -> None:
    """Fail with every missing legend key at once, naming the keys the figure needs."""
    wanted = list(dict.fromkeys(needed))
    missing = [key for key in wanted if not legend.get(key, "").strip()]
    if missing:
        raise ValueError(
            f"{what}: texts.legend has no text for {', '.join(map(repr, missing))}; "
            f"this figure needs legend texts for {', '.join(map(repr, wanted))}"
        )


def ink_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (a #RRGGBB string)."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "white" if luminance < 0.45 else INK


def tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white: ``amount`` 0 → white, 1 → the colour (opaque, print-safe)."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(255 - (255 - c) * amount) for c in channels)
    return "#" + "".join(f"{c:02X}" for c in mixed)
