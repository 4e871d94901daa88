"""CSL-JSON items → JATS ``element-citation``s for the reference list.

A Russian source gets two citations in ``citation-alternatives``: the original
(``xml:lang="ru"``, with its English title and journal as ``trans-title``/``trans-source``) and
its English form (``xml:lang="en"``: transliterated names, the English or transliterated title
and journal), as Russian journals give it in "References".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from casepub.export.jats_text import XLINK, XML_LANG, Element, append_text
from casepub.references.csljson import (
    ENGLISH_CONTAINER_KEY,
    ENGLISH_TITLE_KEY,
    HOLDER_KEY,
    is_russian,
)
from casepub.references.kinds import EDN_KEY, SPECIAL_ISSUE_FLAG, SUPPLEMENT_FLAG

_PUBLICATION_TYPES = {
    "article-journal": "journal",
    "article-magazine": "magazine",
    "article-newspaper": "newspaper",
    "review": "journal",
    "book": "book",
    "chapter": "book",
    "entry-encyclopedia": "book",
    "entry-dictionary": "book",
    "paper-conference": "confproc",
    "thesis": "thesis",
    "report": "report",
    "webpage": "webpage",
    "post-weblog": "webpage",
    "patent": "patent",
    "dataset": "data",
    "software": "software",
    "standard": "standard",
    "legislation": "legal-doc",
    "article": "preprint",  # CSL 1.0.2: "use for preprints", as Zotero does
}
"""CSL type → ``publication-type`` (JATS4R citation recommendation); others are ``other``."""

_PARTS_OF_A_WHOLE = {"chapter", "entry-encyclopedia", "entry-dictionary"}
_ARTICLES = {
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "review",
    "paper-conference",
    "webpage",
    "post-weblog",
}
_NUMBERED = {"report": "other", "standard": "std-designation"}
"""The ``pub-id-type`` of the number of a report (or guidelines' ID) and of a standard."""
_NAME_GROUPS = (("author", "author"), ("editor", "editor"), ("translator", "translator"))
_STYLE_TAGS = re.compile(r"<(/?)(i|b|sup|sub|span)((?:\s+[^<>]*)?)>")
_STYLES = {"i": "italic", "b": "bold", "sup": "sup", "sub": "sub"}


def ref_element(
    ref_id: str, number: int, item: dict[str, Any], english: dict[str, Any] | None
) -> Element:
    """``<ref id=…><label>N</label>`` and the citation(s) of ``item``; ``english`` is its
    English form (``to_english``), given for a Russian source."""
    ref = etree.Element("ref", id=ref_id)
    etree.SubElement(ref, "label").text = str(number)
    if english is not None and is_russian(item):
        alternatives = etree.SubElement(ref, "citation-alternatives")
        alternatives.append(element_citation(item, "ru"))
        alternatives.append(element_citation(english, "en", translated=True))
    else:
        ref.append(element_citation(item, _language(item)))
    return ref


def element_citation(
    item: Mapping[str, Any], lang: str | None, *, translated: bool = False
) -> Element:
    """A structured citation of a CSL-JSON item (``translated``: the English form of a
    Russian source, whose title is the English one when known)."""
    kind = str(item.get("type", ""))
    citation = etree.Element(
        "element-citation", {"publication-type": _PUBLICATION_TYPES.get(kind, "other")}
    )
    if lang:
        citation.set(XML_LANG, lang)
    for variable, group_type in _NAME_GROUPS:
        if item.get(variable):
            group = "inventor" if kind == "patent" and variable == "author" else group_type
            citation.append(_person_group(item[variable], group))
    if kind == "patent" and item.get(HOLDER_KEY):
        citation.append(_person_group([{"literal": item[HOLDER_KEY]}], "assignee"))
    _titles(citation, item, kind, translated)
    _add(citation, "edition", item.get("edition"))
    _add(citation, "version", item.get("version"))
    _add(citation, "series", item.get("collection-title"))
    _conference(citation, item)
    _add(citation, "publisher-loc", item.get("publisher-place") if kind != "patent" else None)
    _add(citation, "publisher-name", item.get("publisher") if kind != "article" else None)
    _date(citation, item.get("issued"))
    _add(citation, "volume", item.get("volume"))
    _add(citation, "issue", item.get("issue"))
    _add(citation, "issue-part", item.get("part-number"))
    _supplement(citation, item)
    _pages(citation, str(item.get("page", "")).strip())
    if kind == "patent" and item.get("number"):
        country = {"country": str(item["publisher-place"])} if item.get("publisher-place") else {}
        _add(citation, "patent", item["number"], country)
    _add(citation, "isbn", item.get("ISBN"))
    _add(citation, "issn", item.get("ISSN"))
    identifiers = [("DOI", "doi"), ("PMID", "pmid"), ("PMCID", "pmcid")]
    if kind in _NUMBERED:
        identifiers.append(("number", _NUMBERED[kind]))
    for key, id_type in identifiers:
        if item.get(key):
            _add(citation, "pub-id", item[key], {"pub-id-type": id_type})
    edn = {"pub-id-type": "custom", "custom-type": "edn", "assigning-authority": "eLibrary"}
    _add(citation, "pub-id", item.get(EDN_KEY), edn)
    if item.get("URL"):
        url = str(item["URL"])
        link = _add(citation, "ext-link", url, {"ext-link-type": "uri"})
        link.set(f"{{{XLINK}}}href", url)
    _accessed(citation, item.get("accessed"))
    return citation


def _conference(citation: Element, item: Mapping[str, Any]) -> None:
    """``conf-name``, ``conf-date`` (as written: "2002-04-03/2002-04-05") and ``conf-loc``."""
    _add(citation, "conf-name", item.get("event-title"))
    parts = item.get("event-date", {}).get("date-parts") if item.get("event-date") else None
    if isinstance(parts, list) and parts:
        days = ["-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(d)) for d in parts]
        _add(citation, "conf-date", "/".join(days))
    _add(citation, "conf-loc", item.get("event-place"))


def _supplement(citation: Element, item: Mapping[str, Any]) -> None:
    """``<supplement>Suppl 1</supplement>``, ``<supplement>Spec No</supplement>``."""
    if item.get(SUPPLEMENT_FLAG):
        number = str(item.get("supplement-number", "")).strip()
        _add(citation, "supplement", f"{item[SUPPLEMENT_FLAG]} {number}".strip())
    _add(citation, "supplement", item.get(SPECIAL_ISSUE_FLAG))


def _titles(citation: Element, item: Mapping[str, Any], kind: str, translated: bool) -> None:
    title = str(item.get("title", ""))
    container = str(item.get("container-title", ""))
    if kind == "article":  # a preprint: its server is the source
        container = container or str(item.get("publisher", ""))
    english_title = str(item.get(ENGLISH_TITLE_KEY, "")).strip()
    english_container = str(item.get(ENGLISH_CONTAINER_KEY, "")).strip()
    if translated:
        # The English form: the English title instead of "Transliteration [English title]".
        title = english_title or title
        container = english_container or container
        english_title = english_container = ""
    if kind in _PARTS_OF_A_WHOLE:
        title_tag = "chapter-title"
    elif kind == "dataset":
        title_tag = "data-title"
    elif kind in _ARTICLES and (container or kind not in ("webpage", "post-weblog")):
        title_tag = "article-title"
    else:  # a book, report, thesis…: its title is the source
        title_tag, container, english_container = "source", title, english_title
        title = english_title = ""
    if title:
        _rich(etree.SubElement(citation, title_tag), title)
    if english_title:
        _rich(etree.SubElement(citation, "trans-title", {XML_LANG: "en"}), english_title)
    if container:
        _rich(etree.SubElement(citation, "source"), container)
    if english_container:
        _rich(etree.SubElement(citation, "trans-source", {XML_LANG: "en"}), english_container)


def _person_group(names: list[Mapping[str, Any]], group_type: str) -> Element:
    group = etree.Element("person-group", {"person-group-type": group_type})
    for name in names:
        family = " ".join(
            str(name[part])
            for part in ("dropping-particle", "non-dropping-particle", "family")
            if name.get(part)
        )
        literal = str(name.get("literal", "")).strip()
        if literal:
            if literal.casefold() in ("others", "et al.", "et al", "и др.", "и др"):
                etree.SubElement(group, "etal")
            else:
                etree.SubElement(group, "collab").text = literal
            continue
        if not family and not name.get("given"):
            continue
        element = etree.SubElement(group, "name")
        if family:
            etree.SubElement(element, "surname").text = family
        if name.get("given"):
            etree.SubElement(element, "given-names").text = str(name["given"])
        if name.get("suffix"):
            etree.SubElement(element, "suffix").text = str(name["suffix"])
    return group


def _date(citation: Element, issued: Any) -> None:
    parts = _date_parts(issued)
    if not parts:
        return
    year = _add(citation, "year", str(parts[0]))
    year.set(
        "iso-8601-date", "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))
    )
    if len(parts) > 1:
        _add(citation, "month", f"{parts[1]:02d}")
    if len(parts) > 2:
        _add(citation, "day", f"{parts[2]:02d}")


def _accessed(citation: Element, accessed: Any) -> None:
    parts = _date_parts(accessed)
    if not parts:
        return
    iso = "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))
    _add(citation, "date-in-citation", iso, {"content-type": "access-date", "iso-8601-date": iso})


def _date_parts(date: Any) -> list[int]:
    """``[year, month?, day?]`` of a CSL date (the start of a range), or of a literal year."""
    if not isinstance(date, Mapping):
        return []
    raw = date.get("date-parts")
    if isinstance(raw, list) and raw and isinstance(raw[0], list) and raw[0]:
        try:
            return [int(part) for part in raw[0][:3]]
        except (TypeError, ValueError):
            return []
    match = re.search(r"\b(\d{4})\b", str(date.get("literal", "")))
    return [int(match.group(1))] if match else []


def _pages(citation: Element, pages: str) -> None:
    if not pages:
        return
    match = re.fullmatch(r"([A-Za-z]*\d+[A-Za-z]*)\s*[-–—]+\s*([A-Za-z]*\d+[A-Za-z]*)", pages)
    if match:
        _add(citation, "fpage", match.group(1))
        _add(citation, "lpage", match.group(2))
    elif re.fullmatch(r"\S+", pages):
        _add(citation, "fpage", pages)
    else:
        _add(citation, "page-range", pages)


def _add(
    parent: Element, tag: str, value: Any, attributes: Mapping[str, str] | None = None
) -> Element:
    """A child ``tag`` with the text ``value`` (nothing when ``value`` is empty)."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return etree.Element(tag)  # detached: nothing to add
    child = etree.SubElement(parent, tag, dict(attributes or {}))
    child.text = text
    return child


def _language(item: Mapping[str, Any]) -> str | None:
    language = str(item.get("language", "")).strip()
    return (
        language.split("-")[0].lower() if re.fullmatch(r"[A-Za-z]{2,3}(-\w+)*", language) else None
    )


def _rich(target: Element, text: str) -> None:
    """CSL rich text (``<i>``, ``<b>``, ``<sup>``, ``<sub>``, ``<span class="nocase">``,
    small-caps spans) as JATS inline content of ``target``; other ``<`` stays text."""
    stack: list[tuple[str, Element | None]] = [("", target)]
    position = 0

    def current() -> Element:
        for _, element in reversed(stack):
            if element is not None:
                return element
        return target

    def add_text(chunk: str) -> None:
        append_text(current(), chunk)

    for match in _STYLE_TAGS.finditer(text):
        add_text(text[position : match.start()])
        position = match.end()
        closing, tag, attributes = match.group(1), match.group(2), match.group(3)
        if closing:
            if len(stack) > 1 and stack[-1][0] == tag:
                stack.pop()
            else:
                add_text(match.group(0))
            continue
        style = _STYLES.get(tag) or ("sc" if "small-caps" in attributes else None)
        element = etree.SubElement(current(), style) if style else None
        stack.append((tag, element))
    add_text(text[position:])
