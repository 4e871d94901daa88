"""Images casepub writes carry no metadata: EXIF (camera, GPS, dates, names), PNG text
chunks, ICC comments, XMP, and SVG ``<metadata>`` are dropped. Patient photos and scans often
carry identifying metadata that the author never sees."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import ExifTags, Image

_SVG_METADATA = re.compile(rb"<metadata\b.*?</metadata>\s*", re.DOTALL)


def without_metadata(path: Path) -> bytes:
    """The image's bytes with its metadata removed (pixels untouched)."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return _SVG_METADATA.sub(b"", data)
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        output = io.BytesIO()
        if suffix in (".jpg", ".jpeg"):
            # quality="keep" reuses the original quantisation: no second lossy compression
            image.save(output, format="JPEG", quality="keep", exif=b"", icc_profile=None)
        else:
            clean = image.copy()
            clean.info = {}  # text chunks, EXIF, XMP, ICC, timestamps
            options = (
                {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
            )
            clean.save(output, format="PNG", **options)
        return output.getvalue()


_SVG_TEXT = re.compile(rb"<(metadata|title|desc)\b[^>]*>(.*?)</\1>", re.DOTALL)
_NOT_IDENTIFYING = frozenset(
    [
        "dpi",
        "gamma",
        "transparency",
        "srgb",
        "chromaticity",
        "aspect",
        "jfif",
        "jfif_version",
        "jfif_unit",
        "jfif_density",
        "progressive",
        "progression",
        "adobe",
        "adobe_transform",
        "interlace",
        "compression",
        "background",
    ]
)


def metadata_in(path: Path) -> dict[str, str]:
    """The metadata an image file carries beyond its pixels: EXIF tags (by name), PNG text
    chunks, XMP, ICC, and SVG ``<metadata>``, ``<title>`` and ``<desc>`` — name → value."""
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        return {
            m.group(1).decode(): m.group(2).decode("utf-8", "replace").strip()
            for m in _SVG_TEXT.finditer(data)
        }
    found: dict[str, str] = {}
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        tags = [*exif.items(), *exif.get_ifd(ExifTags.IFD.Exif).items()]
        for tag, value in tags:
            found[ExifTags.TAGS.get(tag, f"EXIF {tag}")] = _text(value)
        if exif.get_ifd(ExifTags.IFD.GPSInfo):
            found["GPSInfo"] = "location"
        for key, value in image.info.items():
            if str(key).lower() not in _NOT_IDENTIFYING and key != "exif":
                found[str(key)] = _text(value)
    return found


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip("\x00 ")
    return str(value)
