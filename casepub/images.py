"""Images casepub writes carry no metadata: EXIF (camera, GPS, dates, names), PNG text
chunks, ICC comments, XMP, and SVG ``<metadata>`` are dropped. Patient photos and scans often
carry identifying metadata that the author never sees."""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import ExifTags, Image

from casepub.limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, limit_text, size_text

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow refuses larger images (decompression bombs)

_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"%PDF": "PDF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"BM": "BMP",
    b"PK\x03\x04": "zip",
}
_EXPECTED = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)\b", re.IGNORECASE)


def image_problem(path: Path) -> tuple[str, str, str] | None:
    """Why the figure file at ``path`` cannot be used — (message, suggestion, code: ``image``
    or ``too-large``) — or None: too
    large, empty, not the format its name says, truncated or damaged, too many pixels; an SVG
    that is not XML or declares a DOCTYPE or entities (never resolved: no XXE)."""
    expected = _EXPECTED.get(path.suffix.lower())
    if expected is None:
        return None
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            return (
                f"the image is too large ({size_text(size)}); casepub reads images of up to "
                f"{limit_text(MAX_IMAGE_BYTES)}",
                "save it at a lower resolution or with more compression",
                "too-large",
            )
        data = path.read_bytes()
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        return f"cannot read the image: {reason}", "name an image file", "image"
    if not data:
        return "the image file is empty (0 bytes)", "export the image again", "image"
    if expected == "SVG":
        return _svg_problem(data)
    found = next((kind for sig, kind in _SIGNATURES.items() if data.startswith(sig)), None)
    if found != expected:
        what = f"a {found} file" if found else _guess(data)
        return (
            f"the file is named {path.suffix} but is not a {expected} image: it is {what}",
            f"export the figure as {expected}, or name the file after its format",
            "image",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return (
            f"the image has more than {MAX_IMAGE_PIXELS} pixels",
            "save it at a lower resolution",
            "too-large",
        )
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError… on damaged data
        return (
            f"the {expected} image is damaged or cut short ({exc})",
            "export or copy the image again",
            "image",
        )
    return None


def _guess(data: bytes) -> str:
    head = data[:512]
    if head.lstrip().startswith(b"<"):
        return "markup (HTML, XML or SVG)"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "of an unknown kind"
    return "text"


def _svg_problem(data: bytes) -> tuple[str, str, str] | None:
    if _DTD.search(data):
        return (
            "the SVG declares a DOCTYPE or entities; casepub does not read them (an entity "
            "can pull in other files)",
            "remove the <!DOCTYPE …> and <!ENTITY …> declarations and write the text out",
            "image",
        )
    try:
        root = ET.fromstring(data)  # no DTD, hence no entity to expand or fetch
    except ET.ParseError as exc:
        return f"the SVG is not well-formed XML ({exc})", "export the figure again", "image"
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return "the file is named .svg but its root element is not <svg>", "export it", "image"
    return None


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
    chunks, XMP, ICC, and SVG ``<metadata>``, ``<title>`` and ``<desc>`` — name → value.
    Nothing for a file that is not a usable image (``image_problem`` says why)."""
    if image_problem(path) is not None:
        return {}
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
