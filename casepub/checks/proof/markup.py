"""The proof of HTML and JATS XML: no template or markup residue in the text a reader sees
(element text, and the ``alt`` and ``title`` a browser shows), each told at its line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from casepub.checks.proof.residue import residue_in
from casepub.checks.proof.subject import Subject
from casepub.diagnostics import Diagnostic

HIDDEN = frozenset({"script", "style", "head"})
"""HTML elements whose text is not shown as text (the title is checked on its own)."""
SHOWN_ATTRIBUTES = ("alt", "title")


def _texts(root: etree._Element) -> Iterator[tuple[int | None, str]]:
    """Each piece of visible text with the line it starts on."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        name = etree.QName(element).localname
        if name not in HIDDEN and element.text:
            yield element.sourceline, element.text
        if element.tail and element.getparent() is not None:
            yield element.sourceline, element.tail
        for attribute in SHOWN_ATTRIBUTES:
            value = element.get(attribute)
            if value:
                yield element.sourceline, value


def proof_markup(source: Path, subject: Subject, html: bool) -> list[Diagnostic]:
    """Every residue in the HTML (``html``) or XML file ``source``."""
    try:
        if html:
            root = etree.parse(str(source), etree.HTMLParser(no_network=True)).getroot()
            title = root.find(".//title") if root is not None else None
        else:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            root = etree.parse(str(source), parser).getroot()
            title = None
    except (etree.XMLSyntaxError, OSError) as exc:
        return [subject.finding("", f"the file cannot be read: {exc}", "proof-unreadable")]
    if root is None:
        return [subject.finding("", "the file is empty", "proof-unreadable")]
    pieces = list(_texts(root))
    if title is not None and title.text:
        pieces.append((title.sourceline, title.text))
    return [
        subject.at_line(line, residue.message, "proof-residue")
        for line, text in pieces
        for residue in residue_in(text)
    ]
