"""Look-alike letters: a word typed partly in Latin and partly in Cyrillic (``script-mixed``).

"Оlga" with a Cyrillic "О", "Иванoв" with a Latin "o", "СА 19-9" with Cyrillic "С" and "А":
on the page they look right, but the word is another string — it is not found by a search
or an index, a spelling checker marks it, a name no longer matches the author's other papers.
Every text of case.yaml and every section file is read, word by word (a word is a run of
letters: "Ki-67", "10⁹/л", "ПЭТ/КТ" or "NET-G2" are several, so none of them mixes); the
letters of the word's minority script are named with their code point and the letter to type
instead. In names, the title, key words and affiliations — printed in indexes — it is an
error; elsewhere a warning.

An English name written wholly in Cyrillic (``given: {ru: Ольга, en: Ольга}``) is printed
transliterated; ``script-name`` says so, with the spelling it gets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from casepub.checks.registry import checker
from casepub.diagnostics import Diagnostic, Severity
from casepub.load.loaded import LoadedCase
from casepub.load.yamlsource import KeyPath, Mark, format_path
from casepub.model import Lang, text_in
from casepub.profiles import Profile
from casepub.prose_dates import mask
from casepub.references.translit import Translit, transliterate
from casepub.render import Manuscript

_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")

_CYRILLIC_TWINS = dict(
    zip("АВЕКМНОРСТХУаеорсухіјѕІЈЅԁԛԝ", "ABEKMHOPCTXYaeopcyxijsIJSdqw", strict=True)
)
"""Cyrillic letters and the Latin ones they look like."""
_LATIN_TWINS = {latin: cyr for cyr, latin in _CYRILLIC_TWINS.items() if "А" <= cyr <= "я"}
"""Latin letters and the Russian ones they look like."""

_INDEXED = frozenset({"title", "running_title", "keywords", "authors", "affiliations"})
"""Texts printed in indexes and metadata: a mixed word there is an error."""
_NOT_TEXT = frozenset(
    {"id", "file", "url", "doi", "email", "orcid", "bibliography", "csl", "profile"}
    | {"unit", "analyte", "suppress", "spin", "author_id", "ror", "issn"}
)
"""Keys whose values are no prose (units are read, look-alikes and all, by the catalogue)."""


@dataclass(frozen=True)
class Mixed:
    """A word with letters of both scripts."""

    word: str
    start: int
    """Where the word starts in the text read."""
    script: str
    """The word's script: ``Latin`` or ``Cyrillic``."""
    odd: list[tuple[int, str]]
    """The letters of the other script, with their place in the word."""

    def message(self) -> str:
        """What is wrong, letter by letter."""
        other = "Cyrillic" if self.script == "Latin" else "Latin"
        places = _and([_ordinal(i + 1) for i, _ in self.odd])
        letters = _and([f"'{c}'" for _, c in self.odd])
        codes = ", ".join(f"U+{ord(c):04X}" for _, c in self.odd)
        many = len(self.odd) > 1
        kind = "English" if self.script == "Latin" else "Russian"
        return (
            f"«{self.word}»: the {places} letter{'s' if many else ''} {letters} "
            f"{'are' if many else 'is'} {other} ({codes}) in {'an' if kind == 'English' else 'a'} "
            f"{kind} word"
        )

    def suggestion(self) -> str:
        """The letters to type instead."""
        twins = _CYRILLIC_TWINS if self.script == "Latin" else _LATIN_TWINS
        found = [twins.get(c) for _, c in self.odd]
        if all(found):
            letters = _and([f"'{c}'" for c in found])
            fixed = list(self.word)
            for (index, _), twin in zip(self.odd, found, strict=True):
                fixed[index] = str(twin)
            return f"type the {self.script} {letters}: {''.join(fixed)}"
        return f"type the word in {self.script} letters (check the keyboard layout)"


def mixed_words(text: str, lang: Lang | None = None) -> Iterator[Mixed]:
    """The words of ``text`` that mix Latin and Cyrillic letters; a word with as many of
    each takes the script of ``lang`` (else of the whole text)."""
    context = lang or ("ru" if len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text)) else "en")
    for match in _WORD.finditer(text):
        word = match.group(0)
        latin = [(i, c) for i, c in enumerate(word) if _LATIN.match(c)]
        cyrillic = [(i, c) for i, c in enumerate(word) if _CYRILLIC.match(c)]
        if not latin or not cyrillic:
            continue
        is_latin = len(latin) > len(cyrillic) or (len(latin) == len(cyrillic) and context == "en")
        script, odd = ("Latin", cyrillic) if is_latin else ("Cyrillic", latin)
        yield Mixed(word, match.start(), script, odd)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@checker("scripts")
def check_scripts(loaded: LoadedCase, profile: Profile, manuscript: Manuscript) -> list[Diagnostic]:
    """Every word of the case that mixes Latin and Cyrillic letters; English names given in
    Cyrillic."""
    return [
        *_case_yaml(loaded),
        *_section_files(loaded),
        *_cyrillic_names(loaded, profile.references.translit),
    ]


def _case_yaml(loaded: LoadedCase) -> Iterator[Diagnostic]:
    source = loaded.source
    for path, raw in source.raw.items():
        if not path or any(part in _NOT_TEXT for part in path if isinstance(part, str)):
            continue
        lang = path[-1] if path[-1] in ("ru", "en") else None
        origin = source.values[path]
        severity = Severity.error if path[0] in _INDEXED else Severity.warning
        for found in mixed_words(mask(raw), lang):  # type: ignore[arg-type]
            mark = origin.at_index(raw, found.start + found.odd[0][0])
            yield _finding(source.file, mark, format_path(path), found, severity)


def _section_files(loaded: LoadedCase) -> Iterator[Diagnostic]:
    for passages in loaded.sections.values():
        for lang, passage in passages.items():
            if passage.file == loaded.source.file:
                continue  # inline: read with case.yaml
            for found in mixed_words(mask(passage.raw), lang):
                mark = passage.origin.at_index(passage.raw, found.start + found.odd[0][0])
                yield _finding(passage.file, mark, passage.path, found, Severity.warning)


def _finding(file: str, mark: Mark, path: str, found: Mixed, severity: Severity) -> Diagnostic:
    return Diagnostic(
        file,
        mark.line,
        mark.col,
        path,
        found.message(),
        "script-mixed",
        severity,
        found.suggestion(),
    )


def _cyrillic_names(loaded: LoadedCase, system: Translit) -> Iterator[Diagnostic]:
    """``en:`` name parts written in Cyrillic only: printed transliterated, which is said."""
    for index, author in enumerate(loaded.case.authors):
        for part in ("family", "given"):
            value = getattr(author, part)
            english = text_in(value, "en")
            if isinstance(value, str) or not english or _LATIN.search(english):
                continue
            if not _CYRILLIC.search(english):
                continue
            path: KeyPath = ("authors", index, part, "en")
            printed = transliterate(text_in(value, "ru") or english, system)
            yield loaded.diagnostic(
                path,
                f"the English {part} name «{english}» is in Cyrillic: the English version "
                f"prints it transliterated, «{printed}»",
                "script-name",
                severity=Severity.warning,
                suggestion=f"write the name as the author spells it in English, e.g. `en: "
                f"{printed}`",
            )
