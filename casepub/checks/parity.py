"""Bilingual parity: the Russian and the English versions of every text say the same thing.

A text given in one language only (``parity-missing``), Cyrillic left in an English text
(``parity-cyrillic``), an English paragraph left in a Russian text (``parity-latin``), key-word
lists of different lengths (``parity-keywords``), abstracts too different in length to be
translations of each other or over the journal's limit in a language not built
(``parity-abstract-length``), and numbers or dates of one abstract missing from the other
(``parity-numbers``). Each finding points at the text, or the word, in case.yaml or the
section file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

from casepub.checks.journal import count_words
from casepub.checks.parity_numbers import Number, numbers
from casepub.checks.registry import checker
from casepub.diagnostics import Diagnostic, Severity
from casepub.load.loaded import LoadedCase, Passage
from casepub.load.yamlsource import KeyPath, Mark, format_path
from casepub.model import LANGS, Lang, Localized, Section, text_in
from casepub.model.common import LocalizedList, holds_text
from casepub.model.narrative import AbstractPart
from casepub.profiles import Profile
from casepub.prose_dates import mask
from casepub.render.context import Manuscript

LANGUAGE = {"ru": "Russian", "en": "English"}
OTHER: dict[Lang, Lang] = {"ru": "en", "en": "ru"}

LENGTH_RATIO = 0.6
"""The shorter abstract (or abstract part) must have at least this share of the longer one's
words. A faithful English translation of Russian prose runs 10–30 % more words (Russian has
no articles and fewer auxiliaries), a ratio of 0.75–0.95; below 0.6 a third or more of the
content is missing from one side."""
LENGTH_MIN_WORDS = 20
"""Texts shorter than this (in the longer language) are not compared: too few words."""
LATIN_MIN_WORDS = 8
LATIN_SHARE = 0.6
"""A Russian paragraph of at least 8 words, at least 60 % of them Latin-script, is taken for
an untranslated English paragraph. Abbreviations, gene and drug codes (``SSTR2A``, ``NET``,
``5-FU``) are not counted, so Latin names inside Russian sentences never add up to it."""

_CYRILLIC_RUN = re.compile(r"[А-Яа-яЁё]+(?:[\s-]+[А-Яа-яЁё]+)*")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:[-'’][A-Za-z\u00c0-\u024f]+)*")
_ABBREVIATION = re.compile(r".*[A-ZА-ЯЁ].*[A-ZА-ЯЁ]|.*\d")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_NAME_PARTS = ("family", "given")
"""Authors' name parts: an English one in Cyrillic is transliterated, never missing."""


@dataclass(frozen=True)
class Piece:
    """One text in one language with the source it was read from, to locate things in it."""

    lang: Lang | None
    """None for a plain string, which serves every language."""
    file: str
    path: str
    origin: Mark
    raw: str
    text: str

    def mark(self, index: int) -> Mark:
        """File position of the character at ``index`` of ``raw``."""
        newlines = self.raw.count("\n", 0, index)
        if newlines == 0:
            return Mark(self.origin.line, self.origin.col + index)
        return Mark(self.origin.line + newlines, index - self.raw.rfind("\n", 0, index))

    def finding(
        self,
        index: int,
        message: str,
        code: str,
        severity: Severity = Severity.warning,
        suggestion: str | None = None,
    ) -> Diagnostic:
        """A finding at ``index`` of this text."""
        mark = self.mark(index)
        return Diagnostic(
            self.file, mark.line, mark.col, self.path, message, code, severity, suggestion
        )


@dataclass(frozen=True)
class Scope:
    """What the manuscript publishes: its languages, and whether both are demanded."""

    langs: frozenset[Lang]
    bilingual: bool
    required: bool
    """The journal demands both languages: missing translations are errors."""

    @classmethod
    def of(cls, profile: Profile, manuscript: Manuscript) -> Scope:
        """The scope of ``manuscript`` under ``profile``."""
        required = profile.language == "bilingual" or "english" in profile.required
        bilingual = required or manuscript.mode == "bilingual"
        langs = frozenset(LANGS) if bilingual else frozenset(manuscript.langs)
        return cls(langs, bilingual, required)


@checker("parity")
def check_parity(loaded: LoadedCase, profile: Profile, manuscript: Manuscript) -> list[Diagnostic]:
    """Every way the Russian and English texts of ``loaded`` fall out of step."""
    scope = Scope.of(profile, manuscript)
    texts = list(_texts(loaded.case, ()))
    if isinstance(loaded.case.keywords, list):
        texts += [(("keywords", i), word) for i, word in enumerate(loaded.case.keywords)]
    found = list(_missing(loaded, profile, scope, texts))
    pieces = list(_pieces(loaded, texts))
    found += _plain([p for p in pieces if p.lang is None], scope)
    found += _cyrillic(p for p in pieces if p.lang == "en")
    found += _latin(p for p in pieces if p.lang == "ru")
    found += _keywords(loaded)
    found += _abstract_length(loaded, profile, manuscript, scope)
    found += _abstract_numbers(loaded)
    return found


# --- the texts of a case -------------------------------------------------------------------


def _texts(model: BaseModel, path: KeyPath) -> Iterator[tuple[KeyPath, str | Localized]]:
    """Every text field of ``model`` with its key path, section texts and names left out."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        where = (*path, name)
        if (
            value is None
            or name == "suppress"
            or (name in _NAME_PARTS and path[:1] == ("authors",))
        ):
            continue
        if where == ("sections",):
            yield from _section_titles(value)
        else:
            yield from _values(value, where, holds_text(field.annotation))


def _values(value: Any, path: KeyPath, text: bool) -> Iterator[tuple[KeyPath, str | Localized]]:
    if isinstance(value, Localized) or (text and isinstance(value, str)):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from _texts(value, path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _values(item, (*path, i), text)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, (*path, key), text)


def _section_titles(sections: BaseModel) -> Iterator[tuple[KeyPath, str | Localized]]:
    for key in type(sections).model_fields:
        entry = getattr(sections, key)
        if isinstance(entry, Section) and entry.title is not None:
            yield ("sections", key, "title"), entry.title


def _piece(loaded: LoadedCase, path: KeyPath, lang: Lang | None, text: str) -> Piece:
    origin, raw = loaded.source.span(path)
    return Piece(lang, loaded.source.file, format_path(path), origin, raw, text)


def _pieces(loaded: LoadedCase, texts: list[tuple[KeyPath, str | Localized]]) -> Iterator[Piece]:
    """Every text: per language (``{ru: …, en: …}``), or plain; key words, section texts."""
    for path, value in texts:
        if isinstance(value, str):
            yield _piece(loaded, path, None, value)
        else:
            for lang in LANGS:
                text = value.ru if lang == "ru" else value.en
                if text:
                    yield _piece(loaded, (*path, lang), lang, text)
    keywords = loaded.case.keywords
    if isinstance(keywords, LocalizedList):
        for lang in LANGS:
            for i, word in enumerate(keywords.in_lang(lang)):
                yield _piece(loaded, ("keywords", lang, i), lang, word)
    for passages in loaded.sections.values():
        plain = _plain_section(passages)
        for lang, passage in passages.items():
            if plain and lang == "en":
                continue
            origin, raw = passage.origin, passage.raw
            yield Piece(
                None if plain else lang, passage.file, passage.path, origin, raw, passage.text
            )


def _plain_section(passages: dict[Lang, Passage]) -> bool:
    """Whether a section's texts are one plain string that serves both languages."""
    ru, en = passages.get("ru"), passages.get("en")
    return ru is not None and en is not None and (ru.file, ru.path) == (en.file, en.path)


# --- parity-missing ------------------------------------------------------------------------


def _missing(
    loaded: LoadedCase,
    profile: Profile,
    scope: Scope,
    texts: list[tuple[KeyPath, str | Localized]],
) -> Iterator[Diagnostic]:
    """Texts given in one language only, when the manuscript is published in both."""
    if not scope.bilingual:
        return
    severity = Severity.error if scope.required else Severity.warning
    for path, value in texts:
        if isinstance(value, Localized) and not (value.ru and value.en):
            lang: Lang = "en" if value.ru else "ru"
            if not (lang == "en" and "english" in profile.required and path in _JOURNAL_CHECKED):
                yield _missing_at(loaded, path, lang, severity)
    keywords = loaded.case.keywords
    if isinstance(keywords, LocalizedList):
        for lang in LANGS:
            if not keywords.in_lang(lang) and keywords.in_lang(OTHER[lang]):
                yield _missing_at(loaded, ("keywords",), lang, severity)
    yield from _missing_sections(loaded, severity)


_JOURNAL_CHECKED: set[KeyPath] = {("title",), ("abstract",)}
"""Reported by the journal checker (``journal-required``) when the profile asks for English."""


def _missing_at(
    loaded: LoadedCase, path: KeyPath, lang: Lang, severity: Severity, what: str | None = None
) -> Diagnostic:
    given = LANGUAGE[OTHER[lang]]
    return loaded.diagnostic(
        path,
        what or f"given in {given} only; the manuscript is published in Russian and English",
        "parity-missing",
        severity=severity,
        suggestion=f"add `{lang}:` with the {LANGUAGE[lang]} text",
    )


def _missing_sections(loaded: LoadedCase, severity: Severity) -> Iterator[Diagnostic]:
    for key, passages in loaded.sections.items():
        if len(passages) != 1:
            continue
        lang = OTHER[next(iter(passages))]
        entry = getattr(loaded.case.sections, key)
        path: KeyPath = ("sections", key)
        what = f"the section has no {LANGUAGE[lang]} text"
        if isinstance(entry, Section) and entry.file is not None:
            path = (*path, "file")
            if isinstance(entry.file, str):
                what += f": `{entry.file.replace('{lang}', lang)}` does not exist"
        elif isinstance(entry, Section):
            path = (*path, "text")
        diagnostic = _missing_at(loaded, path, lang, severity, what)
        if isinstance(entry, Section) and entry.file is not None:
            hint = f"write the {LANGUAGE[lang]} text in a file beside the {LANGUAGE[OTHER[lang]]}"
            diagnostic = replace(diagnostic, suggestion=hint)
        yield diagnostic


def _plain(pieces: list[Piece], scope: Scope) -> Iterator[Diagnostic]:
    """A plain string serves every language: a Russian one printed in the English version, or
    an English paragraph in the Russian version, is an untranslated text."""
    for piece in pieces:
        if scope.bilingual:
            yield from _plain_missing(piece, scope)
            continue
        if "en" in scope.langs:
            yield from _cyrillic([replace(piece, lang="en")])
        if "ru" in scope.langs:
            yield from _latin([replace(piece, lang="ru")])


def _plain_missing(piece: Piece, scope: Scope) -> Iterator[Diagnostic]:
    severity = Severity.error if scope.required else Severity.warning
    probes: tuple[tuple[Lang, Callable[[list[Piece]], Iterator[Diagnostic]]], ...] = (
        ("en", _cyrillic),
        ("ru", _latin),
    )
    for lang, probe in probes:
        if any(True for _ in probe([replace(piece, lang=lang)])):
            message = (
                f"one text for both languages, but it is in {LANGUAGE[OTHER[lang]]}: the "
                f"{LANGUAGE[lang]} version would print it untranslated"
            )
            yield piece.finding(0, message, "parity-missing", severity, "give `{ru: …, en: …}`")


# --- parity-cyrillic, parity-latin ---------------------------------------------------------


def _cyrillic(pieces: Iterable[Piece]) -> Iterator[Diagnostic]:
    """Each run of Cyrillic words in an English text."""
    for piece in pieces:
        for match in _CYRILLIC_RUN.finditer(mask(piece.raw)):
            words = " ".join(match.group(0).split())
            yield piece.finding(
                match.start(),
                f"Cyrillic in the English text: «{words}»",
                "parity-cyrillic",
                suggestion="translate it, or write the letters in Latin script",
            )


def _latin(pieces: Iterable[Piece]) -> Iterator[Diagnostic]:
    """Each paragraph of a Russian text that is mostly in Latin script."""
    for piece in pieces:
        for start, paragraph in _paragraphs(mask(piece.raw)):
            first = _english_paragraph(paragraph)
            if first is not None:
                yield piece.finding(
                    start + first,
                    "an English paragraph in the Russian text",
                    "parity-latin",
                    suggestion="translate it into Russian",
                )


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """The paragraphs of ``text`` (separated by blank lines), each with where it starts."""
    start = 0
    for match in _PARAGRAPH.finditer(text):
        yield start, text[start : match.start()]
        start = match.end()
    yield start, text[start:]


def _english_paragraph(paragraph: str) -> int | None:
    """Index of the first Latin word when ``paragraph`` is mostly Latin-script words."""
    words = [w for w in _WORD.finditer(paragraph) if not _ABBREVIATION.match(w.group(0))]
    latin = [w for w in words if _LATIN_WORD.fullmatch(w.group(0))]
    if len(words) < LATIN_MIN_WORDS or len(latin) < LATIN_SHARE * len(words):
        return None
    return latin[0].start()


# --- parity-keywords -----------------------------------------------------------------------


def _keywords(loaded: LoadedCase) -> Iterator[Diagnostic]:
    keywords = loaded.case.keywords
    if not isinstance(keywords, LocalizedList):
        return
    counts = {lang: len(keywords.in_lang(lang)) for lang in LANGS}
    if not all(counts.values()) or counts["ru"] == counts["en"]:
        return
    fewer: Lang = "ru" if counts["ru"] < counts["en"] else "en"
    path: KeyPath = ("keywords", fewer)
    yield loaded.diagnostic(
        path,
        f"{counts[fewer]} {LANGUAGE[fewer]} key words but {counts[OTHER[fewer]]} "
        f"{LANGUAGE[OTHER[fewer]]} ones",
        "parity-keywords",
        severity=Severity.warning,
        suggestion="give each key word in both languages",
        key=True,
    )


# --- parity-abstract-length ----------------------------------------------------------------


def _abstract_parts(loaded: LoadedCase) -> list[tuple[KeyPath, Localized]]:
    """The abstract's texts given per language: the whole abstract, or each part."""
    abstract = loaded.case.abstract
    if isinstance(abstract, Localized):
        return [(("abstract",), abstract)]
    if isinstance(abstract, list):
        return [
            (("abstract", i, "text"), part.text)
            for i, part in enumerate(abstract)
            if isinstance(part, AbstractPart) and isinstance(part.text, Localized)
        ]
    return []


def _abstract_length(
    loaded: LoadedCase, profile: Profile, manuscript: Manuscript, scope: Scope
) -> Iterator[Diagnostic]:
    parts = _abstract_parts(loaded)
    for path, text in parts:
        words = {lang: count_words(t) for lang in LANGS if (t := text_in(text, lang))}
        if len(words) == 2 and max(words.values()) >= LENGTH_MIN_WORDS:
            short: Lang = min(LANGS, key=lambda lang: words[lang])
            if words[short] < LENGTH_RATIO * words[OTHER[short]]:
                what = "abstract" if path == ("abstract",) else "text of this part"
                yield _length_at(
                    loaded,
                    (*path, short),
                    f"the {LANGUAGE[short]} {what} has {words[short]} words, the "
                    f"{LANGUAGE[OTHER[short]]} one {words[OTHER[short]]}: too different for "
                    "one to be a translation of the other",
                )
    yield from _abstract_limit(loaded, profile, manuscript, scope)


def _abstract_limit(
    loaded: LoadedCase, profile: Profile, manuscript: Manuscript, scope: Scope
) -> Iterator[Diagnostic]:
    """The journal's word limit, for a published language whose front is not built (those
    that are built are checked by the journal checker, ``journal-limit``)."""
    limit = profile.limits.abstract_words
    built = {front.lang for front in manuscript.fronts}
    abstract = loaded.case.abstract
    for lang in sorted(scope.langs - built):
        if isinstance(abstract, list):
            words = sum(count_words(text_in(part.text, lang) or "") for part in abstract)
        else:
            words = count_words(text_in(abstract, lang) or "")
        if limit and words > limit:
            path: KeyPath = ("abstract", lang) if isinstance(abstract, Localized) else ("abstract",)
            yield _length_at(
                loaded,
                path,
                f"the {LANGUAGE[lang]} abstract has {words} words; the journal allows {limit}",
            )


def _length_at(loaded: LoadedCase, path: KeyPath, message: str) -> Diagnostic:
    return loaded.diagnostic(path, message, "parity-abstract-length", severity=Severity.warning)


# --- parity-numbers ------------------------------------------------------------------------


def _abstract_numbers(loaded: LoadedCase) -> Iterator[Diagnostic]:
    """Each number or date of one abstract that the other lacks."""
    parts = _abstract_parts(loaded)
    if any(not (text.ru and text.en) for _, text in parts):
        return  # a missing translation is parity-missing
    found: dict[Lang, list[tuple[Piece, Number]]] = {lang: [] for lang in LANGS}
    for path, text in parts:
        for lang in LANGS:
            if value := text_in(text, lang):
                piece = _piece(loaded, (*path, lang), lang, value)
                found[lang] += [(piece, n) for n in numbers(piece.raw, lang)]
    extra = {lang: _unmatched(found[lang], found[OTHER[lang]]) for lang in LANGS}
    for lang in LANGS:
        for piece, number in extra[lang]:
            counterpart = _counterpart(extra[lang], extra[OTHER[lang]], number)
            yield piece.finding(
                number.start, _numbers_message(lang, number, counterpart), "parity-numbers"
            )


def _unmatched(
    mine: list[tuple[Piece, Number]], theirs: list[tuple[Piece, Number]]
) -> list[tuple[Piece, Number]]:
    """The numbers of ``mine`` left over once each is paired with an equal one of ``theirs``
    (the later occurrences of a value given more often)."""
    available = Counter(n.value for _, n in theirs)
    seen: Counter[str] = Counter()
    left = []
    for piece, number in mine:
        seen[number.value] += 1
        if seen[number.value] > available[number.value]:
            left.append((piece, number))
    return left


def _counterpart(
    mine: list[tuple[Piece, Number]], others: list[tuple[Piece, Number]], number: Number
) -> Number | None:
    """The unmatched number of the other abstract of the same kind (date or number) and in
    the same place of the order, if any: probably what ``number`` was translated as."""
    kind = [n for _, n in mine if n.is_date == number.is_date]
    same = [n for _, n in others if n.is_date == number.is_date]
    index = kind.index(number)
    return same[index] if index < len(same) else None


def _numbers_message(lang: Lang, number: Number, counterpart: Number | None) -> str:
    says = " ".join(number.text.split())
    message = (
        f"the {LANGUAGE[lang]} abstract says {says} but the {LANGUAGE[OTHER[lang]]} one "
        f"has no {number.value}"
    )
    if counterpart is not None:
        message += f" (it has {' '.join(counterpart.text.split())})"
    return message
