"""Multi-panel figures: several images in one figure, lettered а, б, в… in Russian and
a, b, c… in English, laid out on a grid."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field

from casepub.model.common import Lang, StrictModel, Text

PANEL_LETTERS: dict[Lang, str] = {
    "ru": "абвгдежзиклмнопрстуфхцчшэюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}
"""Panel letters in order. Russian figures skip ё, й, ъ, ы, ь (as journals do)."""
MAX_PANELS = min(len(letters) for letters in PANEL_LETTERS.values())
"""As many panels as both alphabets can letter."""
MAX_COLUMNS = 6


def panel_letter(index: int, lang: Lang) -> str:
    """The letter of the panel at ``index`` (0: а / a)."""
    return PANEL_LETTERS[lang][index]


def panel_index(key: str) -> int | None:
    """The position a panel key names: ``b`` (or ``б``) → 1; None for no panel letter."""
    key = key.strip().lower()
    for letters in PANEL_LETTERS.values():
        if len(key) == 1 and key in letters:
            return letters.index(key)
    return None


class Panel(StrictModel):
    """One image of a multi-panel figure."""

    file: str
    """Image path relative to the case folder (PNG or JPEG)."""
    caption: Text | None = None
    """What the panel shows; the figure's caption lists it after the panel's letter
    ("а — Т2-ВИ; б — …")."""


class PanelGrid(StrictModel):
    """How the panels are laid out: rows × columns, filled row by row."""

    columns: Annotated[int, Field(ge=1, le=MAX_COLUMNS)] | None = None
    """Panels per row; default: as square a grid as the panels make, at most 3 across."""
    rows: Annotated[int, Field(ge=1, le=MAX_PANELS)] | None = None
    """Rows; default: as many as the panels need."""


def grid_shape(count: int, grid: PanelGrid | None) -> tuple[int, int]:
    """Rows and columns for ``count`` panels under a declared (or automatic) ``grid``."""
    grid = grid or PanelGrid()
    if grid.columns is not None:
        columns = grid.columns
    elif grid.rows is not None:
        columns = math.ceil(count / grid.rows)
    else:
        columns = min(3, math.ceil(math.sqrt(count)))
    rows = grid.rows if grid.rows is not None else math.ceil(count / max(columns, 1))
    return rows, columns


def panels_problem(panels: list[Panel], grid: PanelGrid | None) -> str | None:
    """Why ``panels`` cannot be laid out on ``grid`` and lettered, or None."""
    count = len(panels)
    if count > MAX_PANELS:
        return (
            f"{count} panels, but panels are lettered а…я / a…z: at most {MAX_PANELS}; "
            "split the figure in two"
        )
    if grid is not None and not count:
        return "`grid` lays out `panels:`; this figure has none"
    if grid is not None:
        rows, columns = grid_shape(count, grid)
        if rows * columns < count:
            return (
                f"a grid of {rows} × {columns} holds {rows * columns} panels, not {count}; "
                "add rows or columns, or leave `grid` out"
            )
    return None


def panel_caption(caption: str, panels: list[str | None], lang: Lang) -> str:
    """A figure's caption followed by what each panel shows, by letter: "МРТ печени:
    а — Т2-ВИ; б — ДВИ." (panels without a text are left out; none: the caption as it is)."""
    parts = [
        f"{panel_letter(i, lang)}\u00a0— {text.strip().rstrip('.;')}"
        for i, text in enumerate(panels)
        if text
    ]
    if not parts:
        return caption
    return f"{caption.strip().rstrip('.:;')}: {'; '.join(parts)}."
