"""The document properties of the DOCX: what Word shows under File → Info and what a
submission system reads (title, authors, subject, keywords, language, dates).

pandoc fills them from Markdown metadata, which casepub does not use for the title block (the
fronts are styled divs), so they would stay empty; and it keeps every metadata field as a
custom property, among them the paths of the bibliography and the CSL style on the build
machine. This module rewrites both parts of the finished file, deterministically: the dates
are the build's fixed timestamp, never the clock.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from casepub.convert.docx_reference import xml_bytes

if TYPE_CHECKING:
    from casepub.render.context import Manuscript

_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_MACHINE_PATHS = {"bibliography", "csl"}
"""Custom properties pandoc makes from casepub's command line: files of the build machine."""
_MARKUP = re.compile(r"\^[^^\s]*\^|\\(?=\S)|[*~]")


@dataclass(frozen=True)
class CoreProperties:
    """The manuscript as its DOCX describes itself."""

    title: str
    authors: list[str]
    subject: str
    keywords: list[str]
    language: str


def core_properties(manuscript: Manuscript) -> CoreProperties:
    """Title, authors, article type and keywords in the manuscript's (main) language; no
    authors for a blinded manuscript, whose fronts have no byline."""
    front = manuscript.fronts[0]
    return CoreProperties(
        title=_plain(manuscript.metadata_title),
        authors=[_plain(name) for name in front.byline],
        subject=_plain(front.article_type),
        keywords=[_plain(word) for word in front.keywords],
        language=manuscript.lang,
    )


def _plain(markdown: str) -> str:
    """Text without the Markdown marks a title or a name may carry (``*``, ``^1,2^``)."""
    return " ".join(_MARKUP.sub("", markdown).split())


def _core_xml(properties: CoreProperties, timestamp: int | None, old: bytes) -> bytes:
    nsmap = {"cp": _CP, "dc": _DC, "dcterms": _DCTERMS, "xsi": _XSI}
    root = etree.Element(f"{{{_CP}}}coreProperties", nsmap=nsmap)

    def add(namespace: str, tag: str, text: str) -> etree._Element:
        element = etree.SubElement(root, f"{{{namespace}}}{tag}")
        element.text = text
        return element

    add(_DC, "title", properties.title)
    if properties.authors:
        add(_DC, "creator", "; ".join(properties.authors))
    add(_DC, "subject", properties.subject)
    add(_CP, "keywords", "; ".join(properties.keywords))
    add(_DC, "language", properties.language)
    for tag in ("created", "modified"):
        add(_DCTERMS, tag, _date(timestamp, old, tag)).set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
    return xml_bytes(root)


def _date(timestamp: int | None, old: bytes, tag: str) -> str:
    """The build's fixed time, or the one pandoc wrote (its sandbox gives it no clock)."""
    if timestamp is not None:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = etree.fromstring(old).find(f"{{{_DCTERMS}}}{tag}")
    text: str = found.text if found is not None and found.text else "1970-01-01T00:00:00Z"
    return text


def _custom_xml(old: bytes) -> bytes:
    root = etree.fromstring(old)
    for prop in root.findall(f"{{{_CUSTOM}}}property"):
        if prop.get("name") in _MACHINE_PATHS:
            root.remove(prop)
    for number, prop in enumerate(root.findall(f"{{{_CUSTOM}}}property"), start=2):
        prop.set("pid", str(number))  # ids from 2 on, without gaps
    return xml_bytes(root)


def with_properties(docx: bytes, properties: CoreProperties | None, timestamp: int | None) -> bytes:
    """``docx`` with its core properties set (left as pandoc wrote them when ``properties``
    is None) and no custom property naming a file of the build machine."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml" and properties is not None:
                data = _core_xml(properties, timestamp, data)
            elif info.filename == "docProps/custom.xml":
                data = _custom_xml(data)
            archive.writestr(info, data)
    return target.getvalue()
