"""The manuscript as JATS 1.3 XML (Journal Publishing), for journals' production systems.

``build_jats`` writes the article from the loaded case (names, affiliations, identifiers,
bibliography) and the built manuscript (texts in each language, numbered floats, sections).
The Markdown of titles, abstracts, sections, captions and statements goes through pandoc
(``jats_text``); references are structured from the CSL-JSON items (``jats_refs``).

Conventions follow JATS4R: ``trans-title-group``/``trans-abstract`` for the second language,
``name-alternatives`` and ``aff-alternatives`` for names and affiliations in both, the
conflict of interest as ``fn fn-type="coi-statement"`` in ``author-notes``, CRediT ``role``s,
one ``funding-group``, the consent and ethics approval in ``sec sec-type="ethics-statement"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any, Literal

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from casepub.diagnostics import CasepubError
from casepub.export.jats_refs import ref_element
from casepub.export.jats_text import (
    FORMATTING,
    MATHML,
    TITLE_INLINES,
    XLINK,
    XML_LANG,
    Element,
    Fragments,
    Targets,
    inline_markdown,
    plain,
    unwrap,
)
from casepub.load.loaded import LoadedCase
from casepub.model import Lang, text_in
from casepub.model.case import Journal
from casepub.model.panels import panel_letter
from casepub.profiles import DEFAULT_PROFILE, Profile
from casepub.references.csljson import to_csl
from casepub.references.lists import ReferenceOptions, cited_order
from casepub.references.translit import to_english
from casepub.render.context import Manuscript, SectionView
from casepub.render.floats import Float
from casepub.render.front import Front, Texts
from casepub.render.panels import panel_paths
from casepub.render.printable import template_code_in
from casepub.resources import label_overrides, labels

DOCTYPE = (
    '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.3 20210610//EN"'
    ' "JATS-journalpublishing1-3.dtd">'
)

_SEC_TYPES = {
    "introduction": "intro",
    "patient_information": "cases",
    "discussion": "discussion",
    "conclusion": "conclusions",
}
"""Sections with a ``sec-type`` that the JATS Tag Library suggests."""

_CREDIT = {
    "conceptualization": "Conceptualization",
    "data-curation": "Data curation",
    "formal-analysis": "Formal analysis",
    "funding-acquisition": "Funding acquisition",
    "investigation": "Investigation",
    "methodology": "Methodology",
    "project-administration": "Project administration",
    "resources": "Resources",
    "software": "Software",
    "supervision": "Supervision",
    "validation": "Validation",
    "visualization": "Visualization",
    "writing-original-draft": "Writing – original draft",
    "writing-review-editing": "Writing – review & editing",
}
"""The CRediT terms as https://credit.niso.org names them."""

_ETHICS_TITLE = {"ru": "Соблюдение этических норм", "en": "Ethics statement"}

_MIME = {
    ".svg": ("image", "svg+xml"),
    ".png": ("image", "png"),
    ".jpg": ("image", "jpeg"),
    ".jpeg": ("image", "jpeg"),
    ".tif": ("image", "tiff"),
    ".tiff": ("image", "tiff"),
    ".gif": ("image", "gif"),
}

_FUNDING_INLINES = FORMATTING | {"ext-link", "email", "uri"}
_CELL_INLINES = TITLE_INLINES | {"inline-graphic"}
_NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$", re.ASCII)

_CONTAINERS = frozenset(
    (
        "article",
        "front",
        "journal-meta",
        "journal-title-group",
        "trans-title-group",
        "article-meta",
        "article-categories",
        "subj-group",
        "title-group",
        "contrib-group",
        "contrib",
        "name-alternatives",
        "name",
        "aff-alternatives",
        "author-notes",
        "fn",
        "pub-date",
        "abstract",
        "trans-abstract",
        "kwd-group",
        "funding-group",
        "body",
        "sec",
        "fig",
        "caption",
        "table-wrap",
        "table",
        "thead",
        "tbody",
        "tr",
        "list",
        "list-item",
        "def-list",
        "def-item",
        "def",
        "disp-quote",
        "boxed-text",
        "back",
        "ack",
        "fn-group",
        "ref-list",
        "ref",
        "citation-alternatives",
        "element-citation",
        "person-group",
        "institution-wrap",
        "graphic",
        "fig-group",
        "table-wrap-foot",
        "alternatives",
    )
)
"""Elements with element content only: whitespace between their children is layout."""

_PLACEHOLDER = "casepub-placeholder"

Mode = Literal["inline", "blocks", "paragraphs"]


def build_jats(
    loaded: LoadedCase,
    manuscript: Manuscript,
    *,
    media_dir: str = "media",
    reference_options: ReferenceOptions | None = None,
    profile: Profile | None = None,
) -> bytes:
    """The JATS XML of ``manuscript`` (built from ``loaded``), UTF-8, with its DOCTYPE.

    Figures point to ``media_dir/<file name>``. ``reference_options`` (the transliteration of
    Russian sources' English citations) and ``profile`` (its wording: figure labels…) are
    those the manuscript was built with. The same input always gives the same bytes.
    """
    options = reference_options or ReferenceOptions()
    with label_overrides(profile.labels if profile else {}):
        profile_id = profile.id if profile else DEFAULT_PROFILE
        return _Builder(loaded, manuscript, media_dir, options, profile_id).build()


JATS_ARTICLE_TYPES = {
    "case-report": "case-report",
    "case-series": "case-report",
    "original-article": "research-article",
}
"""``article-type`` by article type, from the values JATS4R and PMC use: PMC's
``case-report`` is "a case study, case report, or other description of a case" (a case
series too); an original study is a ``research-article``."""


class _Ids:
    """Unique XML ids (NCNames) made from keys."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, wanted: str) -> str:
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", wanted).strip("-") or "id"
        if not re.match(r"[A-Za-z_]", base):
            base = f"id-{base}"
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        return candidate


class _Builder:
    def __init__(
        self,
        loaded: LoadedCase,
        manuscript: Manuscript,
        media_dir: str,
        reference_options: ReferenceOptions,
        profile_id: str,
    ) -> None:
        self.loaded = loaded
        self.case = loaded.case
        self.m = manuscript
        self.lang: Lang = manuscript.lang
        self.langs: list[Lang] = list(manuscript.langs)
        self.media_dir = media_dir.rstrip("/")
        self.options = reference_options
        self.texts = Texts(loaded, translit=reference_options.translit)
        self.ids = _Ids()
        self.fragments = Fragments(lambda n: self.ids.make(f"fn-{n}"))
        self.pending: list[tuple[Element, int, Mode, frozenset[str]]] = []
        self.snippets: list[tuple[str, bool]] = []
        """Every snippet's Markdown, and whether it is body text (which numbers citations)."""
        self.float_ids = {f.id: self.ids.make(f.id.replace(":", "-")) for f in manuscript.floats}
        self.aff_ids: dict[str, str] = {}
        self.ref_ids: dict[str, str] = {}
        self.corresp_id: str | None = None
        self.profile_id = profile_id
        """The journal profile: the journal's id while the case names no journal."""

    # ---------------------------------------------------------------------------- document

    def build(self) -> bytes:
        root = etree.Element(
            "article",
            {
                "article-type": JATS_ARTICLE_TYPES[self.case.article_type.value],
                "dtd-version": "1.3",
            },
            nsmap={"xlink": XLINK, "mml": MATHML},
        )
        root.set(XML_LANG, self.lang)
        self._front(etree.SubElement(root, "front"))
        self._body(etree.SubElement(root, "body"))
        back = etree.SubElement(root, "back")
        self._back(back)
        if self.texts.missing:
            raise CasepubError(self.texts.missing)
        cited = self._convert()
        self._notes(back)
        self._references(back, cited)
        if not len(back):
            root.remove(back)
        _order_sections(root)
        _check_ids(root)
        _strip_layout(root)
        leaks = list(template_code_in(("JATS", text) for text in _printed_text(root)))
        if leaks:
            raise CasepubError(leaks)
        used = {"xlink"} | ({"mml"} if root.find(f".//{{{MATHML}}}*") is not None else set())
        etree.cleanup_namespaces(
            root, top_nsmap={p: u for p, u in (("xlink", XLINK), ("mml", MATHML)) if p in used}
        )
        xml: bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + DOCTYPE.encode() + b"\n" + xml

    def _convert(self) -> list[str]:
        """Run pandoc over every snippet and put the results in place; return the cited keys
        in their numbering order."""
        bibliography = self.loaded.bibliography
        keys = set(bibliography.entries) if bibliography is not None else set()
        order = cited_order([text for text, body in self.snippets if body], keys)
        others = cited_order([text for text, body in self.snippets if not body], keys)
        order += [key for key in others if key not in order]
        self.ref_ids = {key: self.ids.make(f"ref-{key}") for key in order}
        targets = Targets(
            citations={key: (self.ref_ids[key], n) for n, key in enumerate(order, 1)},
            floats={
                f.id: ("fig" if f.kind == "figure" else "table", self.float_ids[f.id])
                for f in self.m.floats
            },
        )
        self.fragments.convert(targets)
        for holder, handle, mode, allowed in self.pending:
            if mode == "inline":
                self.fragments.fill(holder, handle, allowed)
            else:
                blocks = self.fragments.blocks(handle)
                holder.extend(_paragraphs(blocks) if mode == "paragraphs" else blocks)
            unwrap(holder)
        return order

    def _text(
        self,
        parent: Element,
        markdown: str,
        mode: Mode = "inline",
        allowed: Iterable[str] = TITLE_INLINES,
        *,
        body: bool = False,
    ) -> Element:
        """Put the JATS of ``markdown`` at the end of ``parent`` (once pandoc has run);
        return the placeholder, whose ``tail`` may carry text that follows."""
        holder = etree.SubElement(parent, _PLACEHOLDER)
        if mode == "inline":
            markdown = inline_markdown(markdown)
        self.snippets.append((markdown, body))
        handle = self.fragments.add(markdown)
        self.pending.append((holder, handle, mode, frozenset(allowed)))
        return holder

    # ---------------------------------------------------------------------------- front

    def _front(self, front: Element) -> None:
        self._journal_meta(etree.SubElement(front, "journal-meta"))
        meta = etree.SubElement(front, "article-meta")
        journal = self.case.journal
        if journal and journal.doi:
            _sub(meta, "article-id", journal.doi, {"pub-id-type": "doi"})
        first: Front = self.m.fronts[0]
        categories = etree.SubElement(meta, "article-categories")
        group = etree.SubElement(categories, "subj-group", {"subj-group-type": "heading"})
        _sub(group, "subject", first.article_type)
        titles = etree.SubElement(meta, "title-group")
        self._text(etree.SubElement(titles, "article-title"), first.title)
        for other in self.m.fronts[1:]:
            group = etree.SubElement(titles, "trans-title-group", {XML_LANG: other.lang})
            self._text(etree.SubElement(group, "trans-title"), other.title)
        running = text_in(self.case.running_title, self.lang)
        if running:
            alt = etree.SubElement(titles, "alt-title", {"alt-title-type": "running-head"})
            self._text(alt, running)
        self._contributors(meta)
        self._affiliations(meta)
        self._author_notes(meta)
        if journal:
            self._issue(meta, journal)
        for front in self.m.fronts:
            self._abstract(meta, front)
        for front in self.m.fronts:
            if front.keywords:
                group = etree.SubElement(
                    meta, "kwd-group", {"kwd-group-type": "author", XML_LANG: front.lang}
                )
                for word in front.keywords:
                    self._text(etree.SubElement(group, "kwd"), word, allowed=FORMATTING)
        funding = self._statement("funding")
        if funding:
            group = etree.SubElement(meta, "funding-group")
            for lang, (_, text) in funding:
                statement = etree.SubElement(group, "funding-statement", {XML_LANG: lang})
                self._text(statement, text, allowed=_FUNDING_INLINES)

    def _journal_meta(self, meta: Element) -> None:
        journal = self.case.journal
        if journal is None:
            # The DTD requires a journal id and an ISSN: the profile stands for the journal.
            meta.append(etree.Comment(" no journal in the case: id of the profile, no ISSN "))
            _sub(meta, "journal-id", self.profile_id, {"journal-id-type": "publisher-id"})
            etree.SubElement(meta, "issn")
            return
        name = text_in(journal.name, self.lang) or _any_text(journal.name)
        if journal.issn:
            _sub(meta, "journal-id", journal.issn, {"journal-id-type": "issn"})
        else:
            english = text_in(journal.name, "en") or name
            slug = re.sub(r"[^a-z0-9]+", "-", (journal.abbreviation or english).lower()).strip("-")
            _sub(meta, "journal-id", slug or "journal", {"journal-id-type": "publisher-id"})
        group = etree.SubElement(meta, "journal-title-group")
        _sub(group, "journal-title", name, {XML_LANG: self.lang})
        for lang in self.langs[1:]:
            other = text_in(journal.name, lang)
            if other and other != name:
                trans = etree.SubElement(group, "trans-title-group", {XML_LANG: lang})
                _sub(trans, "trans-title", other)
        if journal.abbreviation:
            _sub(
                group,
                "abbrev-journal-title",
                journal.abbreviation,
                {"abbrev-type": "iso-abbrev", XML_LANG: "en"},
            )
        issn = etree.SubElement(meta, "issn")
        issn.text = journal.issn or None

    def _contributors(self, meta: Element) -> None:
        group = etree.SubElement(meta, "contrib-group")
        roles = {item.author: item.roles for item in self.case.declarations.contributions}
        aff_keys = list(dict.fromkeys(k for a in self.case.authors for k in a.affiliations))
        self.aff_ids = {key: self.ids.make(f"aff-{key}") for key in aff_keys}
        if any(a.corresponding for a in self.case.authors):
            self.corresp_id = self.ids.make("cor1")
        for index, author in enumerate(self.case.authors):
            contrib = etree.SubElement(group, "contrib", {"contrib-type": "author"})
            if author.corresponding:
                contrib.set("corresp", "yes")
            if author.orcid:
                _sub(
                    contrib,
                    "contrib-id",
                    f"https://orcid.org/{author.orcid}",
                    {"contrib-id-type": "orcid"},
                )
            if author.spin:
                attributes = {"contrib-id-type": "spin", "assigning-authority": "elibrary.ru"}
                _sub(contrib, "contrib-id", author.spin, attributes)
            if author.author_id:
                attributes = {"contrib-id-type": "author-id", "assigning-authority": "elibrary.ru"}
                _sub(contrib, "contrib-id", author.author_id, attributes)
            names = [(lang, *self._name(index, lang)) for lang in self.langs]
            holder = etree.SubElement(contrib, "name-alternatives") if len(names) > 1 else contrib
            for lang, family, given in names:
                name = etree.SubElement(holder, "name")
                if len(names) > 1:
                    name.set(XML_LANG, lang)
                _sub(name, "surname", family)
                _sub(name, "given-names", given)
            for role in roles.get(author.id, []):
                term = _CREDIT[role.value]
                attributes = {
                    "vocab": "credit",
                    "vocab-identifier": "https://credit.niso.org/",
                    "vocab-term": term,
                    "vocab-term-identifier": f"https://credit.niso.org/contributor-roles/{role.value}/",
                }
                _sub(contrib, "role", term, attributes)
            for key in author.affiliations:
                _sub(contrib, "xref", "", {"ref-type": "aff", "rid": self.aff_ids[key]})
            if author.corresponding and self.corresp_id:
                _sub(contrib, "xref", "", {"ref-type": "corresp", "rid": self.corresp_id})
            if author.email:
                _sub(contrib, "email", author.email)

    def _name(self, index: int, lang: Lang) -> tuple[str, str]:
        author = self.case.authors[index]
        family = self.texts.name_part(author.family, lang, ("authors", index, "family"))
        given = self.texts.name_part(author.given, lang, ("authors", index, "given"))
        return family, given

    def _affiliations(self, meta: Element) -> None:
        for key, aff_id in self.aff_ids.items():
            if len(self.langs) > 1:
                alternatives = etree.SubElement(meta, "aff-alternatives", id=aff_id)
                for lang in self.langs:
                    aff = etree.SubElement(alternatives, "aff", {XML_LANG: lang})
                    self._affiliation(aff, key, lang)
            else:
                self._affiliation(etree.SubElement(meta, "aff", id=aff_id), key, self.lang)

    def _affiliation(self, aff: Element, key: str, lang: Lang) -> None:
        affiliation = self.case.affiliations[key]
        path = ("affiliations", key)
        need = self.texts.need
        if affiliation.department:
            department = need(affiliation.department, lang, (*path, "department"))
            _sub(aff, "institution", department, {"content-type": "dept"}).tail = ", "
        name = need(affiliation.name, lang, (*path, "name"))
        if affiliation.ror:
            wrap = etree.SubElement(aff, "institution-wrap")
            ror = affiliation.ror
            ror = ror if ror.startswith("http") else f"https://ror.org/{ror}"
            _sub(wrap, "institution-id", ror, {"institution-id-type": "ror"})
            _sub(wrap, "institution", name)
            wrap.tail = ", "
        else:
            _sub(aff, "institution", name).tail = ", "
        if affiliation.address:
            address = need(affiliation.address, lang, (*path, "address"))
            _sub(aff, "addr-line", address).tail = ", "
        _sub(aff, "city", need(affiliation.city, lang, (*path, "city"))).tail = ", "
        if affiliation.postal_code:
            _sub(aff, "postal-code", affiliation.postal_code).tail = ", "
        _sub(aff, "country", need(affiliation.country, lang, (*path, "country")))

    def _author_notes(self, meta: Element) -> None:
        notes = etree.SubElement(meta, "author-notes")
        for index, author in enumerate(self.case.authors):
            if not (author.corresponding and author.email):
                continue
            for lang in self.langs:
                corresp = etree.SubElement(notes, "corresp", {XML_LANG: lang})
                if lang == self.lang and self.corresp_id:
                    corresp.set("id", self.corresp_id)
                family, given = self._name(index, lang)
                full = f"{family} {given}" if lang == "ru" else f"{given} {family}"
                corresp.text = f"{labels()[lang]['contact']}: {full}, "
                _sub(corresp, "email", author.email)
        for lang, (_, text) in self._statement("conflicts"):
            fn = etree.SubElement(notes, "fn", {"fn-type": "coi-statement", XML_LANG: lang})
            self._text(fn, text, "paragraphs")
        if not len(notes):
            meta.remove(notes)

    def _issue(self, meta: Element, journal: Journal) -> None:
        if journal.year:
            date = etree.SubElement(
                meta, "pub-date", {"date-type": "pub", "iso-8601-date": f"{journal.year:04d}"}
            )
            _sub(date, "year", str(journal.year))
        _sub(meta, "volume", journal.volume)
        _sub(meta, "issue", journal.issue)
        if journal.pages:
            pages = re.split(r"[-–]", journal.pages, maxsplit=1)
            _sub(meta, "fpage", pages[0])
            if len(pages) > 1:
                _sub(meta, "lpage", pages[1])

    def _abstract(self, meta: Element, front: Front) -> None:
        if front.lang == self.lang:
            abstract = etree.SubElement(meta, "abstract")
        else:
            abstract = etree.SubElement(meta, "trans-abstract", {XML_LANG: front.lang})
        for heading, text in front.abstract:
            if heading:
                sec = etree.SubElement(abstract, "sec")
                self._text(etree.SubElement(sec, "title"), heading)
                self._text(sec, text, "blocks")
            else:
                self._text(abstract, text, "paragraphs")

    def _statement(self, key: str) -> list[tuple[Lang, tuple[str, str]]]:
        """``(lang, (label, text))`` of a declaration in each language, or ``[]``."""
        for statement in self.m.statements:
            if statement.key == key:
                return list(zip(self.langs, statement.parts, strict=False))
        return []

    # ---------------------------------------------------------------------------- body

    def _body(self, body: Element) -> None:
        heading: Element | None = None
        for section in self.m.sections:
            sec_id = self.ids.make(f"sec-{section.key.replace('_', '-')}")
            # a CARE section under a journal's heading (level 2) goes in that heading's sec
            parent = heading if section.level > 1 and heading is not None else body
            sec = etree.SubElement(parent, "sec", id=sec_id)
            if section.level <= 1:
                heading = sec
            if section.key in _SEC_TYPES:
                sec.set("sec-type", _SEC_TYPES[section.key])
            self._text(etree.SubElement(sec, "title"), section.heading)
            if section.markdown.strip():
                self._text(sec, section.markdown, "blocks", body=True)
            self._floats(sec, section)

    def _floats(self, sec: Element, section: SectionView) -> None:
        for float_ in section.floats:
            tag = "fig" if float_.kind == "figure" else "table-wrap"
            if float_.spec.panels:
                tag = "fig-group"
            element = etree.SubElement(sec, tag, id=self.float_ids[float_.id])
            word = "figure" if float_.kind == "figure" else "table"
            several = len(self.langs) > 1
            for lang in self.langs:
                label = _sub(element, "label", f"{labels()[lang][word]} {float_.number}")
                if several:
                    label.set(XML_LANG, lang)
            for lang in self.langs:
                caption = etree.SubElement(element, "caption")
                if several:
                    caption.set(XML_LANG, lang)
                self._text(etree.SubElement(caption, "title"), float_.spec.caption[lang])
            if float_.spec.panels:
                self._panels(element, float_)
            elif float_.kind == "figure":
                self._graphic(element, float_)
            else:
                self._table(element, float_)

    def _panels(self, group: Element, float_: Float) -> None:
        """A multi-panel figure as ``<fig-group>``: a ``<fig>`` per panel, labelled with its
        letter in each language, showing the panel's own image."""
        assert float_.path is not None
        paths = panel_paths(float_.path, float_.spec.panels)
        for index, path in enumerate(paths):
            letter = panel_letter(index, "en")
            fig = etree.SubElement(
                group, "fig", id=self.ids.make(f"{self.float_ids[float_.id]}-{letter}")
            )
            for lang in self.langs:
                label = _sub(fig, "label", panel_letter(index, lang))
                if len(self.langs) > 1:
                    label.set(XML_LANG, lang)
            self._graphic(fig, float_, path)

    def _graphic(self, fig: Element, float_: Float, path: str | None = None) -> None:
        path = path or float_.path
        name = PurePosixPath(path or f"{float_.id.split(':')[-1]}.svg").name
        href = f"{self.media_dir}/{name}" if self.media_dir else name
        graphic = etree.SubElement(fig, "graphic")
        graphic.set(f"{{{XLINK}}}href", href)
        mime = _MIME.get(PurePosixPath(name).suffix.lower())
        if mime:
            graphic.set("mimetype", mime[0])
            graphic.set("mime-subtype", mime[1])

    def _table(self, wrap: Element, float_: Float) -> None:
        content = float_.table
        if content is None:
            return
        table = etree.SubElement(wrap, "table")
        head = etree.SubElement(etree.SubElement(table, "thead"), "tr")
        for cell in content.header:
            self._text(_sub(head, "th", "", {"scope": "col"}), cell, allowed=_CELL_INLINES)
        body = etree.SubElement(table, "tbody")
        for row in content.rows:
            tr = etree.SubElement(body, "tr")
            for cell in row:
                td = etree.SubElement(tr, "td")
                if cell.strip():
                    self._text(td, cell, allowed=_CELL_INLINES)
        if not content.rows:
            table.remove(body)
            head.getparent().tag = "tbody"

    # ---------------------------------------------------------------------------- back

    def _back(self, back: Element) -> None:
        for lang, (label, text) in self._statement("acknowledgements"):
            ack = etree.SubElement(back, "ack", {XML_LANG: lang})
            _sub(ack, "title", label)
            self._text(ack, text, "paragraphs")
        ethics = [(key, self._statement(key)) for key in ("consent", "ethics")]
        ethics = [(key, parts) for key, parts in ethics if parts]
        if ethics:
            sec = etree.SubElement(back, "sec", {"sec-type": "ethics-statement"})
            _sub(sec, "title", _ETHICS_TITLE.get(self.lang, _ETHICS_TITLE["en"]))
            for key, parts in ethics:
                sec_type = "ethics-consent-to-publish" if key == "consent" else "ethics-approval"
                for lang, (label, text) in parts:
                    part = etree.SubElement(sec, "sec", {"sec-type": sec_type, XML_LANG: lang})
                    _sub(part, "title", label)
                    self._text(part, text, "blocks")
        contributions = self._statement("contributions")
        if contributions:
            group = etree.SubElement(back, "fn-group", {"content-type": "author-contributions"})
            _sub(group, "title", contributions[0][1][0])
            for lang, (_, text) in contributions:
                fn = etree.SubElement(group, "fn", {"fn-type": "con", XML_LANG: lang})
                self._text(fn, text, "paragraphs")

    def _notes(self, back: Element) -> None:
        if not self.fragments.notes:
            return
        group = etree.SubElement(back, "fn-group", {"content-type": "footnotes"})
        for note in self.fragments.notes:
            fn = etree.SubElement(group, "fn", id=note.id)
            _sub(fn, "label", str(note.number))
            fn.extend(_paragraphs(note.blocks))

    def _references(self, back: Element, order: list[str]) -> None:
        bibliography = self.loaded.bibliography
        if bibliography is None or not order:
            return
        items = {item["id"]: item for item in to_csl(bibliography.entries)}
        english = {
            item["id"]: item
            for item in to_english(
                list(items.values()),
                system=self.options.translit,
                official_title=self.options.official_title,
            )
        }
        ref_list = etree.SubElement(back, "ref-list")
        lists = self.m.references
        _sub(ref_list, "title", lists[0].heading if lists else labels()[self.lang]["references"])
        for number, key in enumerate(order, 1):
            ref_list.append(ref_element(self.ref_ids[key], number, items[key], english.get(key)))


# -------------------------------------------------------------------------------- helpers


def _sub(
    parent: Element, tag: str, text: str | None, attributes: dict[str, str] | None = None
) -> Element:
    """A child ``tag`` with ``text``; none when ``text`` is None (an unset optional field)."""
    if text is None:
        return etree.Element(tag)  # detached: nothing to add
    child = etree.SubElement(parent, tag, attributes or {})
    if text:
        child.text = text
    return child


def _any_text(value: Any) -> str:
    return text_in(value, "ru") or text_in(value, "en") or ""


def _printed_text(root: Element) -> list[str]:
    """Every text of the article but its reference list (sources keep their own braces)."""
    found: list[str] = root.xpath("//text()[not(ancestor::ref-list)]")
    return found


def _paragraphs(blocks: list[Element]) -> list[Element]:
    """``blocks`` where only ``p`` is allowed (``fn``, ``ack``): other blocks become a ``p``
    with their text; at least one ``p``."""
    result = []
    for block in blocks:
        if block.tag == "p":
            result.append(block)
            continue
        text = plain(" ".join("".join(part.itertext()) for part in block.iter("p", "title")))
        text = text or plain("".join(block.itertext()))
        if text:
            paragraph = etree.Element("p")
            paragraph.text = text
            result.append(paragraph)
    return result or [etree.Element("p")]


def _order_sections(root: Element) -> None:
    """In each ``sec``, sub-sections after the other content (the DTD's order): floats placed
    after a section whose text has headings go before its first sub-section."""
    for sec in root.iter("sec"):
        tags = [child.tag for child in sec]
        if "sec" not in tags or all(tag == "sec" for tag in tags[tags.index("sec") :]):
            continue
        for child in [child for child in sec if child.tag == "sec"]:
            sec.append(child)  # moves it to the end


def _check_ids(root: Element) -> None:
    """Drop ids that are not NCNames or repeat one before them; unwrap ``xref``s that point
    nowhere (links of the text to anchors outside the article)."""
    seen: set[str] = set()
    for element in root.iter():
        value = element.get("id") if isinstance(element.tag, str) else None
        if value is None:
            continue
        if not _NCNAME.match(value) or value in seen:
            del element.attrib["id"]
        else:
            seen.add(value)
    for xref in list(root.iter("xref")):
        rids = [rid for rid in (xref.get("rid") or "").split() if rid in seen]
        if rids:
            xref.set("rid", " ".join(rids))
        else:
            unwrap(xref)


def _strip_layout(root: Element) -> None:
    """Remove whitespace between the children of element-only containers, so that the
    output is indented evenly."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag not in _CONTAINERS:
            continue
        if element.text is not None and not element.text.strip():
            element.text = None
        for child in element:
            if child.tail is not None and not child.tail.strip():
                child.tail = None
