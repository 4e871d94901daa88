"""A multi-panel figure composed into one image, its panels lettered in one language.

Why one composed image and not a grid made by each output format: the same picture then goes
into the PDF, the DOCX, the HTML and the LaTeX (and to the journal as one figure file, as
journals ask), the letters sit on the panels exactly where the author sees them, and the
proof checks one image like any other. The price is that the letters are part of the pixels:
a Russian build and an English build each compose their own image (``fig01-x.ru.png`` with
а, б, в; ``fig01-x.en.png`` with a, b, c). A bilingual manuscript has one figure, lettered in
its body language; each caption names the panels with its own language's letters, as Russian
journals print their English captions. JATS keeps the panels apart (``<fig-group>``).

Composing is deterministic: the same panels give the same PNG bytes (no metadata, fixed font
from matplotlib's bundled DejaVu Sans Bold, fixed resampling).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from casepub.model import Lang
from casepub.model.panels import panel_letter

CELL_PX = 900
"""Width of one panel in the composed image (3 across: 2700 px, 300 dpi over 23 cm)."""
GAP_PX = 24
LETTER_PX = 84
"""Height of a panel letter (about 9 % of the panel's width)."""


def _font() -> ImageFont.FreeTypeFont:
    from matplotlib import get_data_path  # the one font file every install has

    path = Path(get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
    return ImageFont.truetype(str(path), LETTER_PX)


def _scaled(path: Path) -> Image.Image:
    with Image.open(path) as image:
        rgb = image.convert("RGB")
    height = max(1, round(rgb.height * CELL_PX / rgb.width))
    return rgb.resize((CELL_PX, height), Image.Resampling.LANCZOS)


def compose(files: Sequence[Path], shape: tuple[int, int], lang: Lang) -> bytes:
    """The panels ``files`` on a ``shape`` = (rows, columns) grid, row by row, each lettered
    in ``lang`` in its top left corner, as PNG bytes."""
    rows, columns = shape
    panels = [_scaled(path) for path in files]
    heights = [
        max((p.height for p in panels[r * columns : (r + 1) * columns]), default=0)
        for r in range(rows)
    ]
    heights = [h for h in heights if h]
    width = columns * CELL_PX + (columns - 1) * GAP_PX
    height = sum(heights) + (len(heights) - 1) * GAP_PX
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    font = _font()
    top = 0
    for row, row_height in enumerate(heights):
        for column in range(columns):
            index = row * columns + column
            if index >= len(panels):
                break
            left = column * (CELL_PX + GAP_PX)
            sheet.paste(panels[index], (left, top))
            _letter(draw, font, panel_letter(index, lang), left, top)
        top += row_height + GAP_PX
    output = io.BytesIO()
    sheet.save(output, format="PNG", dpi=(300, 300))
    return output.getvalue()


def _letter(
    draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, letter: str, left: int, top: int
) -> None:
    """A black letter on a white square in the panel's corner: legible on any image."""
    box = LETTER_PX + 36
    draw.rectangle((left, top, left + box, top + box), fill="white")
    draw.text((left + box / 2, top + box / 2), letter, fill="black", font=font, anchor="mm")


def panel_paths(composite: str, files: Sequence[Path]) -> list[str]:
    """Where each panel is written on its own beside the composed image (for JATS, which
    keeps the panels apart): ``media/fig01-x.ru.png`` → ``media/fig01-x-a.png``, …"""
    stem = composite.rsplit(".", 2)[0]
    return [
        f"{stem}-{panel_letter(index, 'en')}{path.suffix.lower()}"
        for index, path in enumerate(files)
    ]
