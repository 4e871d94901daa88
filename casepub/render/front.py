"""The front matter of each language: title block, affiliations, abstract, keywords, the
"For citation" line; and the end matter: declarations and information about the authors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from casepub.diagnostics import Diagnostic
from casepub.i18n import has_cyrillic, initials_of
from casepub.load.loaded import LoadedCase
from casepub.load.yamlsource import KeyPath, format_path
from casepub.model import Author, Lang, Localized, text_in
from casepub.model.narrative import AbstractPart
from casepub.references.translit import Translit, transliterate
from casepub.resources import labels

_LATIN = re.compile(r"[A-Za-z]")


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
class Statement:
    """A declaration in one or two languages: ``(label, text)`` per language."""

    key: str
    parts: list[tuple[str, str]]


class Texts:
    """Resolves texts per language and collects every missing one as a diagnostic."""

    def __init__(self, loaded: LoadedCase, translit: Translit = "bsi") -> None:
        self.loaded = loaded
        self.translit = translit
        """The system that spells a Russian-only name in English, as the references do."""
        self.missing: list[Diagnostic] = []

    def need(self, value: str | Localized | None, lang: Lang, path: KeyPath) -> str:
        """The text in ``lang`` ("" and a diagnostic when missing). Of a printed case
        (:mod:`casepub.render.printable`), it has its dates and values as printed."""
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
        """A part of an author's name in ``lang``. The English one is transliterated from the
        Russian when it is not given, or given in Cyrillic only (``script-name`` says so); one
        with any Latin letter is printed as written (look-alike letters: ``script-mixed``)."""
        text = text_in(value, lang)
        if text and not (lang == "en" and has_cyrillic(text) and not _LATIN.search(text)):
            return text
        russian = text_in(value, "ru")
        if lang == "en" and russian:
            return transliterate(russian, self.translit)
        return self.need(value, lang, path)


def display_name(
    author: Author,
    texts: Texts,
    lang: Lang,
    index: int,
    style: Literal["byline", "citation", "full"],
) -> str:
    """An author's name as the byline (``Н.А. Перегудов``), a citation or in full shows it."""
    family = texts.name_part(author.family, lang, ("authors", index, "family"))
    if style == "full":
        given = texts.name_part(author.given, lang, ("authors", index, "given"))
        return f"{family} {given}" if lang == "ru" else f"{given} {family}"
    # A Russian-only name's initials are transliterated from the Russian ones: Ю. → Yu.
    marks = texts.name_part(initials_of(author.given), lang, ("authors", index, "given"))
    if style == "byline":
        return f"{marks} {family}"
    return f"{family} {marks}" if lang == "ru" else f"{family} {marks.replace('.', '')}"


def front(loaded: LoadedCase, texts: Texts, lang: Lang) -> Front:
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


def _affiliation(loaded: LoadedCase, texts: Texts, key: str, lang: Lang) -> str:
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


def abstract_heading(part: AbstractPart, lang: Lang) -> str | None:
    """The standard heading of a ``part:`` in ``lang`` (None for an own ``heading``)."""
    return str(labels()[lang]["abstract_parts"][part.part]) if part.part else None


def _abstract(loaded: LoadedCase, texts: Texts, lang: Lang) -> list[tuple[str | None, str]]:
    abstract = loaded.case.abstract
    if isinstance(abstract, list):
        return [
            (
                abstract_heading(part, lang)
                or texts.need(part.heading, lang, ("abstract", i, "heading")),
                texts.need(part.text, lang, ("abstract", i, "text")),
            )
            for i, part in enumerate(abstract)
            if isinstance(part, AbstractPart)
        ]
    return [(None, texts.need(abstract, lang, ("abstract",)))]


def _keywords(loaded: LoadedCase, texts: Texts, lang: Lang) -> list[str]:
    keywords = loaded.case.keywords
    if isinstance(keywords, list):
        return keywords
    words = keywords.in_lang(lang)
    if not words:
        texts.need(None, lang, ("keywords",))
    return words


def _citation(loaded: LoadedCase, texts: Texts, lang: Lang, title: str) -> str | None:
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


def statements(loaded: LoadedCase, texts: Texts, langs: list[Lang]) -> list[Statement]:
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


def _contributions(loaded: LoadedCase, texts: Texts, lang: Lang) -> str:
    authors = {a.id: (i, a) for i, a in enumerate(loaded.case.authors)}
    roles = labels()[lang]["credit"]
    lines = []
    for item in loaded.case.declarations.contributions:
        index, author = authors[item.author]
        name = display_name(author, texts, lang, index, "byline")
        lines.append(f"{name} — {', '.join(roles[r.value] for r in item.roles)}")
    return "; ".join(lines) + "."


def authors_info(loaded: LoadedCase, texts: Texts, lang: Lang) -> list[str]:
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
