"""Word revisions of the marked DOCX: finishing what pandoc's writer leaves, and accepting
them all.

pandoc makes ``w:ins`` / ``w:del`` of the insertion and deletion spans, but gives every
revision the same id and never marks a paragraph mark or a table row: a paragraph deleted
whole would leave an empty paragraph when the changes are accepted. Here each revision gets
its own id, and a paragraph (or table row) whose text is all deleted or all inserted gets
its mark (``w:pPr/w:rPr/w:del``, ``w:trPr/w:del``) deleted or inserted too, as Word does.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
FIRST_ID = 1000
"""Revision ids start here, clear of the comments' ids."""


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _rewrite(docx: bytes, change: Callable[[Any], None]) -> bytes:
    """``docx`` with its document.xml changed by ``change`` (every other part as it was)."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read(DOCUMENT))
    change(root)
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == DOCUMENT:
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            out.writestr(info, data)
    return target.getvalue()


def _texts(element: Any) -> list[Any]:
    """The text elements (``w:t``, ``w:delText``) of ``element`` that hold more than white
    space (pandoc's tab between a reference's number and its text is not a revision)."""
    return [e for e in element.iter(_w("t"), _w("delText")) if e.text and e.text.strip()]


def _state(element: Any) -> str | None:
    """``del`` when every text of ``element`` is deleted, ``ins`` when every one is
    inserted, else None."""
    texts = _texts(element)
    if not texts:
        return None
    for kind in ("del", "ins"):
        if all(any(a.tag == _w(kind) for a in t.iterancestors()) for t in texts):
            return kind
    return None


def _revision(kind: str, like: Any) -> Any:
    mark = etree.Element(_w(kind))
    for name in ("author", "date"):
        value = like.get(_w(name))
        if value is not None:
            mark.set(_w(name), value)
    return mark


def _first(element: Any, kind: str) -> Any:
    return next(element.iter(_w(kind)))


def _mark(root: Any) -> None:
    for paragraph in root.iter(_w("p")):
        kind = _state(paragraph)
        if kind is None:
            continue
        properties = paragraph.find(_w("pPr"))
        if properties is None:
            properties = etree.Element(_w("pPr"))
            paragraph.insert(0, properties)
        run = properties.find(_w("rPr"))
        if run is None:
            run = etree.SubElement(properties, _w("rPr"))
        run.append(_revision(kind, _first(paragraph, kind)))
    for row in root.iter(_w("tr")):
        kind = _state(row)
        if kind is None or any(_state(p) != kind for p in row.iter(_w("p")) if _texts(p)):
            continue
        properties = row.find(_w("trPr"))
        if properties is None:
            properties = etree.Element(_w("trPr"))
            exception = row.find(_w("tblPrEx"))
            row.insert(0 if exception is None else 1, properties)
        properties.append(_revision(kind, _first(row, kind)))
    for n, mark in enumerate(root.iter(_w("ins"), _w("del"))):
        mark.set(_w("id"), str(FIRST_ID + n))


def mark_whole_paragraphs(docx: bytes) -> bytes:
    """``docx`` with unique revision ids, and the marks of paragraphs and table rows that
    are deleted or inserted whole."""
    return _rewrite(docx, _mark)


def _accept(root: Any) -> None:
    for row in list(root.iter(_w("tr"))):
        properties = row.find(_w("trPr"))
        if properties is not None and properties.find(_w("del")) is not None:
            row.getparent().remove(row)
    for paragraph in list(root.iter(_w("p"))):
        run = paragraph.find(f"{_w('pPr')}/{_w('rPr')}")
        deleted_mark = run is not None and run.find(_w("del")) is not None
        if deleted_mark and all(_inside(t, "del") for t in _texts(paragraph)):
            paragraph.getparent().remove(paragraph)
    for deleted in list(root.iter(_w("del"))):
        deleted.getparent().remove(deleted)
    for inserted in list(root.iter(_w("ins"))):
        parent = inserted.getparent()
        if parent.tag in (_w("rPr"), _w("trPr")):
            parent.remove(inserted)
            continue
        index = parent.index(inserted)
        for offset, child in enumerate(list(inserted)):
            parent.insert(index + offset, child)
        parent.remove(inserted)


def _inside(element: Any, kind: str) -> bool:
    return any(a.tag == _w(kind) for a in element.iterancestors())


def accept_all(docx: bytes) -> bytes:
    """``docx`` with every revision accepted, as Word's "Accept All Changes" does: deleted
    text, paragraphs and rows gone, inserted ones kept as ordinary text."""
    return _rewrite(docx, _accept)
