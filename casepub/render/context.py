"""The manuscript as templates see it: every text resolved for its language and numbered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from casepub.diagnostics import CasepubError, Diagnostic
from casepub.i18n import format_date, has_cyrillic, initials, transliterate
from casepub.load import LoadedCase, Passage
from casepub.load.yamlsource import KeyPath, format_path
from casepub.model import SECTION_KEYS, Author, Lang, Localized, text_in
from casepub.model.narrative import AbstractPart, Section
from casepub.references.citations import find_citations
from casepub.resources import labels

LangMode = Literal["ru", "en", "bilingual"]


@dataclass(frozen=True)
class Front:
    """Title block, abstract and keywords in one language."""

    lang: Lang
    labels: dict[str, Any]
    article_type: str
    title: str
    byline: list[str]
    affiliations: list[str]
    contact: str | None
    abstract: list[tuple[str | None, str]]
    keywords: list[str]
    citation: str | None
    doi: str | None


@dataclass(frozen=True)
class FigureView:
    """A numbered figure with its caption lines, one per language."""

    id: str
    number: int
    path: str
    source: Path
    caption: list[str]


@dataclass(frozen=True)
class TableView:
    """A numbered table: caption lines per language, header and rows."""

    id: str
    number: int
    caption: list[str]
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class SectionView:
    """A body section: heading, Markdown, and what is placed after it."""

    key: str
    heading: str
    markdown: str
    tables: list[TableView] = field(default_factory=list)
    figures: list[FigureView] = field(default_factory=list)


@dataclass(frozen=True)
class Statement:
    """A declaration in one or two languages: ``(label, text)`` per language."""

    key: str
    parts: list[tuple[str, str]]


@dataclass(frozen=True)
class Manuscript:
    """Everything the Markdown templates need."""

    mode: LangMode
    lang: Lang
    labels: dict[str, Any]
    metadata_title: str
    running_title: str
    fronts: list[Front]
    sections: list[SectionView]
    statements: list[Statement]
    authors_info: list[tuple[str, list[str]]]
    references_heading: str | None
    figures: list[FigureView]


class _Texts:
    """Resolves texts per language and collects every missing one as a diagnostic."""

    def __init__(self, loaded: LoadedCase) -> None:
        self.loaded = loaded
        self.missing: list[Diagnostic] = []

    def need(self, value: str | Localized | None, lang: Lang, path: KeyPath) -> str:
        text = text_in(value, lang)
        if text:
            return text
        mark = self.loaded.source.locate(path)
        language = {"ru": "Russian", "en": "English"}[lang]
        self.missing.append(
            Diagnostic(
                self.loaded.source.file,
                mark.line if mark else None,
                mark.col if mark else None,
                format_path(path),
                f"no {language} text (`{lang}:`), which this manuscript needs",
                "lang-missing",
                suggestion=f"add `{lang}:` or build with another --lang",
            )
        )
        return ""

    def name_part(self, value: str | Localized, lang: Lang, path: KeyPath) -> str:
        text = text_in(value, lang)
        if text and not (lang == "en" and has_cyrillic(text)):
            return text
        russian = text_in(value, "ru")
        if lang == "en" and russian:
            return transliterate(russian)
        return self.need(value, lang, path)


def build_manuscript(loaded: LoadedCase, mode: LangMode, media_dir: str = "media") -> Manuscript:
    """Resolve ``loaded`` for ``mode``; raise ``CasepubError`` listing every missing text."""
    case = loaded.case
    body_lang: Lang = case.language if mode == "bilingual" else mode
    front_langs: list[Lang] = [body_lang]
    if mode == "bilingual":
        front_langs.append("en" if body_lang == "ru" else "ru")
    texts = _Texts(loaded)
    fronts = [
        _front(loaded, texts, lang, foreign=lang != body_lang or mode == "bilingual")
        for lang in front_langs
    ]
    figures = _number_figures(loaded, texts, body_lang, front_langs, media_dir)
    tables = _timeline_table(loaded, texts, body_lang, front_langs)
    sections = _sections(loaded, texts, body_lang, figures, tables)
    statements = _statements(loaded, texts, front_langs)
    authors_info = [(lang, _authors_info(loaded, texts, lang)) for lang in front_langs]
    if texts.missing:
        raise CasepubError(texts.missing)
    body_labels = labels()[body_lang]
    cited = any(
        not c.is_crossref
        for s in loaded.sections.values()
        for p in s.values()
        for c in find_citations(p.text)
    )
    refs_key = "bilingual_references" if mode == "bilingual" else "references"
    return Manuscript(
        mode=mode,
        lang=body_lang,
        labels=body_labels,
        metadata_title=fronts[0].title,
        running_title=text_in(case.running_title, body_lang) or fronts[0].title,
        fronts=fronts,
        sections=sections,
        statements=statements,
        authors_info=[(labels()[lang]["about_authors"], info) for lang, info in authors_info],
        references_heading=body_labels[refs_key] if cited else None,
        figures=[f for s in sections for f in s.figures],
    )


def display_name(
    author: Author,
    texts: _Texts,
    lang: Lang,
    index: int,
    style: Literal["byline", "citation", "full"],
) -> str:
    """An author's name as the byline (``Н.А. Перегудов``), a citation or in full shows it."""
    family = texts.name_part(author.family, lang, ("authors", index, "family"))
    given = texts.name_part(author.given, lang, ("authors", index, "given"))
    if style == "byline":
        return f"{initials(given)} {family}"
    if style == "citation":
        marks = initials(given)
        return f"{family} {marks}" if lang == "ru" else f"{family} {marks.replace('.', '')}"
    return f"{family} {given}" if lang == "ru" else f"{given} {family}"


def _front(loaded: LoadedCase, texts: _Texts, lang: Lang, foreign: bool) -> Front:
    case = loaded.case
    words = labels()[lang]
    aff_keys = list(dict.fromkeys(k for a in case.authors for k in a.affiliations))
    numbered = len(aff_keys) > 1
    byline = []
    for i, author in enumerate(case.authors):
        name = display_name(author, texts, lang, i, "byline")
        if numbered:
            name += "^" + ",".join(str(aff_keys.index(k) + 1) for k in author.affiliations) + "^"
        byline.append(name)
    affiliations = []
    for n, key in enumerate(aff_keys, 1):
        text = _affiliation(loaded, texts, key, lang)
        affiliations.append(f"^{n}^ {text}" if numbered else text)
    contact = None
    for i, author in enumerate(case.authors):
        if author.corresponding:
            contact = f"{display_name(author, texts, lang, i, 'full')}, <{author.email}>"
    title = texts.need(case.title, lang, ("title",))
    return Front(
        lang=lang,
        labels=words,
        article_type=words["article_type"][case.article_type.value],
        title=title,
        byline=byline,
        affiliations=affiliations,
        contact=contact,
        abstract=_abstract(loaded, texts, lang),
        keywords=_keywords(loaded, texts, lang),
        citation=_citation(loaded, texts, lang, title),
        doi=case.journal.doi if case.journal else None,
    )


def _affiliation(loaded: LoadedCase, texts: _Texts, key: str, lang: Lang) -> str:
    aff = loaded.case.affiliations[key]
    base: KeyPath = ("affiliations", key)
    name = texts.need(aff.name, lang, (*base, "name"))
    if aff.department:
        name = f"{texts.need(aff.department, lang, (*base, 'department'))}, {name}"
    country = texts.need(aff.country, lang, (*base, "country"))
    city = texts.need(aff.city, lang, (*base, "city"))
    address = texts.need(aff.address, lang, (*base, "address")) if aff.address else None
    if lang == "ru":  # GOST R 7.0.7: Россия, 115478, Москва, Каширское шоссе, 24
        place = [country, aff.postal_code, city, address]
    else:  # 24 Kashirskoye Highway, Moscow 115478, Russia
        place = [address, f"{city} {aff.postal_code}" if aff.postal_code else city, country]
    return f"{name}; {', '.join(p for p in place if p)}"


def _abstract(loaded: LoadedCase, texts: _Texts, lang: Lang) -> list[tuple[str | None, str]]:
    abstract = loaded.case.abstract
    if isinstance(abstract, list):
        return [
            (
                texts.need(part.heading, lang, ("abstract", i, "heading")),
                texts.need(part.text, lang, ("abstract", i, "text")),
            )
            for i, part in enumerate(abstract)
            if isinstance(part, AbstractPart)
        ]
    return [(None, texts.need(abstract, lang, ("abstract",)))]


def _keywords(loaded: LoadedCase, texts: _Texts, lang: Lang) -> list[str]:
    keywords = loaded.case.keywords
    if isinstance(keywords, list):
        return keywords
    words = keywords.in_lang(lang)
    if not words:
        texts.need(None, lang, ("keywords",))
    return words


def _citation(loaded: LoadedCase, texts: _Texts, lang: Lang, title: str) -> str | None:
    journal = loaded.case.journal
    if journal is None or journal.year is None:
        return None
    names = ", ".join(
        display_name(a, texts, lang, i, "citation") for i, a in enumerate(loaded.case.authors)
    )
    imprint = f"{journal.year}"
    if journal.volume:
        imprint += f";{journal.volume}"
        if journal.issue:
            imprint += f"({journal.issue})"
    if journal.pages:
        imprint += f":{journal.pages}"
    source = texts.need(journal.name, lang, ("journal", "name"))
    in_russ = " (In Russ.)" if lang == "en" and loaded.case.language == "ru" else ""
    names = names.rstrip(".")
    title = title.rstrip(".")
    doi = f" DOI: {journal.doi}" if journal.doi else ""
    return f"{names}. {title}. *{source}*. {imprint}{in_russ}.{doi}"


def _caption(
    texts: _Texts,
    value: str | Localized,
    langs: list[Lang],
    label_key: str,
    number: int,
    path: KeyPath,
) -> list[str]:
    return [
        f"{labels()[lang][label_key]} {number}. {texts.need(value, lang, path)}" for lang in langs
    ]


def _number_figures(
    loaded: LoadedCase, texts: _Texts, body_lang: Lang, langs: list[Lang], media_dir: str
) -> dict[str, tuple[FigureView, str]]:
    """Figures numbered in order of first citation; each with the section it follows."""
    order: list[tuple[str, str]] = []
    for key in SECTION_KEYS:
        passage = loaded.sections.get(key, {}).get(body_lang)
        for citation in find_citations(passage.text) if passage else []:
            fig_id = citation.key.removeprefix("fig:")
            if citation.key.startswith("fig:") and fig_id not in (f for f, _ in order):
                order.append((fig_id, key))
    by_id = {f.id: (i, f) for i, f in enumerate(loaded.case.figures)}
    for fig in loaded.case.figures:
        if fig.id not in (f for f, _ in order):
            order.append((fig.id, fig.section or SECTION_KEYS[-1]))
    views: dict[str, tuple[FigureView, str]] = {}
    for number, (fig_id, section) in enumerate(order, 1):
        index, fig = by_id[fig_id]
        source = (loaded.folder / fig.file).resolve()
        caption = _caption(
            texts, fig.caption, langs, "figure", number, ("figures", index, "caption")
        )
        view = FigureView(
            fig_id, number, f"{media_dir}/{number:02d}-{source.name}", source, caption
        )
        views[fig_id] = (view, fig.section or section)
    return views


def _timeline_table(
    loaded: LoadedCase, texts: _Texts, body_lang: Lang, langs: list[Lang]
) -> list[TableView]:
    events = loaded.case.timeline
    if not events:
        return []
    caption = [
        f"{labels()[lang]['table']} 1. {labels()[lang]['timeline_caption']}" for lang in langs
    ]
    columns: list[str] = list(labels()[body_lang]["timeline_columns"])
    has_outcome = any(e.outcome for e in events)
    rows = []
    for i, event in enumerate(events):
        row = [
            format_date(event.date, body_lang),
            texts.need(event.event, body_lang, ("timeline", i, "event")),
        ]
        if has_outcome:
            row.append(
                texts.need(event.outcome, body_lang, ("timeline", i, "outcome"))
                if event.outcome
                else ""
            )
        rows.append(row)
    return [TableView("tbl:timeline", 1, caption, columns[: len(rows[0])], rows)]


_FIG_REF = re.compile(r"\[-?@fig:([\w-]+)\]|(?<![\w@])@fig:([\w-]+)")


def _link_figures(markdown: str, figures: dict[str, tuple[FigureView, str]], lang: Lang) -> str:
    word = labels()[lang]["figure_ref"]

    def replace(match: re.Match[str]) -> str:
        fig_id = match.group(1) or match.group(2)
        view = figures[fig_id][0]
        return f"[{word}\u00a0{view.number}](#fig:{fig_id})"

    return _FIG_REF.sub(replace, markdown)


def _sections(
    loaded: LoadedCase,
    texts: _Texts,
    lang: Lang,
    figures: dict[str, tuple[FigureView, str]],
    tables: list[TableView],
) -> list[SectionView]:
    views = []
    keys = [k for k in SECTION_KEYS if k in loaded.sections or (k == "timeline" and tables)]
    for key in keys:
        passages = loaded.sections.get(key, {})
        passage: Passage | None = passages.get(lang)
        if passage is None and passages:
            other = next(iter(passages.values()))
            texts.need(None, lang, _path_of(other))
        entry = getattr(loaded.case.sections, key)
        custom = entry.title if isinstance(entry, Section) else None
        heading = (
            texts.need(custom, lang, ("sections", key, "title"))
            if custom
            else labels()[lang]["sections"][key]
        )
        markdown = _link_figures(passage.text, figures, lang).strip() if passage else ""
        placed = [view for view, section in figures.values() if section == key]
        views.append(
            SectionView(key, heading, markdown, tables if key == "timeline" else [], placed)
        )
    return views


def _path_of(passage: Passage) -> KeyPath:
    parts: list[str | int] = []
    for piece in re.split(r"\.|\[(\d+)\]", passage.path):
        if piece:
            parts.append(int(piece) if piece.isdigit() else piece)
    return tuple(parts)


def _statements(loaded: LoadedCase, texts: _Texts, langs: list[Lang]) -> list[Statement]:
    decl = loaded.case.declarations
    base: KeyPath = ("declarations",)
    statements = [
        Statement(
            "contributions",
            [
                (labels()[lang]["contributions"], _contributions(loaded, texts, lang))
                for lang in langs
            ],
        )
    ]
    for key in ("conflicts", "funding", "ethics", "consent", "acknowledgements"):
        value = getattr(decl, key)
        if value is not None:
            statements.append(
                Statement(
                    key,
                    [
                        (labels()[lang][key], texts.need(value, lang, (*base, key)))
                        for lang in langs
                    ],
                )
            )
    return statements


def _contributions(loaded: LoadedCase, texts: _Texts, lang: Lang) -> str:
    authors = {a.id: (i, a) for i, a in enumerate(loaded.case.authors)}
    roles = labels()[lang]["credit"]
    lines = []
    for item in loaded.case.declarations.contributions:
        index, author = authors[item.author]
        name = display_name(author, texts, lang, index, "byline")
        lines.append(f"{name} — {', '.join(roles[r.value] for r in item.roles)}")
    return "; ".join(lines) + "."


def _authors_info(loaded: LoadedCase, texts: _Texts, lang: Lang) -> list[str]:
    info = []
    for i, author in enumerate(loaded.case.authors):
        parts = [f"**{display_name(author, texts, lang, i, 'full')}**"]
        if author.position:
            parts[0] += " — " + texts.need(author.position, lang, ("authors", i, "position"))
        if author.orcid:
            parts.append(f"ORCID: <https://orcid.org/{author.orcid}>")
        if author.spin:
            parts.append(f"SPIN: {author.spin}")
        if author.author_id:
            parts.append(f"AuthorID: {author.author_id}")
        if author.email:
            parts.append(f"e-mail: <{author.email}>")
        info.append("; ".join(parts))
    return info
