"""PNG twins of the charts (DOCX, LaTeX), rasterised from the SVG by typst."""

from __future__ import annotations

import io
import struct

from PIL import Image

from casepub.convert.typst import png_from_svg

SVG = b"""<?xml version="1.0" encoding="utf-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="144pt" height="72pt" viewBox="0 0 144 72">
 <rect x="72" y="0" width="72" height="72" style="fill: #0000ff"/>
</svg>
"""


def _chunks(png: bytes) -> list[bytes]:
    found, at = [], 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        found.append(kind)
        at += 12 + length
    return found


def test_the_twin_has_the_svg_size_at_the_resolution_asked() -> None:
    png = png_from_svg(SVG, 300)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (600, 300)  # 2 in × 1 in at 300 dpi
        assert [round(d) for d in image.info["dpi"]] == [300, 300]
        rgb = image.convert("RGB")
        assert rgb.getpixel((10, 150)) == (255, 255, 255)  # on white, not transparent
        assert rgb.getpixel((450, 150)) == (0, 0, 255)


def test_the_resolution_chunk_follows_the_header_once() -> None:
    png = png_from_svg(SVG, 150)
    assert _chunks(png)[:2] == [b"IHDR", b"pHYs"]
    assert _chunks(png).count(b"pHYs") == 1


def test_the_same_svg_gives_the_same_bytes() -> None:
    assert png_from_svg(SVG, 300) == png_from_svg(SVG, 300)
