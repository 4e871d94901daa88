"""Images casepub writes carry no metadata: EXIF (camera, GPS, dates, names), PNG text
chunks, ICC comments, XMP, and SVG ``<metadata>`` are dropped. Patient photos and scans often
carry identifying metadata that the author never sees."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

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
