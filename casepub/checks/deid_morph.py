"""What the Russian morphological dictionary (pymorphy3 with OpenCorpora's ``pymorphy3-dicts-ru``)
says about a capitalised word: a first name, surname or patronymic (tags ``Name``, ``Surn``,
``Patr``) or a place (``Geox``) in any grammatical case, and whether it is also a common word.

The analyser is created once per process, on the first word asked about (about 0.08 s), so a
check of a text without capitalised words never loads it. Latin words are looked up through a
reverse transliteration (``Ivanova`` → ``Иванова``), which finds Russian names and towns in the
English text of a bilingual case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

PERSONAL = frozenset({"Name", "Surn", "Patr"})
"""OpenCorpora tags of a person's first name, surname and patronymic."""
PROPER = PERSONAL | {"Geox", "Orgn", "Trad", "Abbr", "Init"}
"""Tags of proper names and abbreviations: a word with none of them is a common word."""


@dataclass(frozen=True)
class WordInfo:
    """The dictionary's readings of one word form (words it predicts are not counted)."""

    personal: frozenset[str]
    """The personal tags among its readings (``Name``, ``Surn``, ``Patr``)."""
    geox: bool
    """One of its readings is a place name (town, river, country, region)."""
    common: bool
    """One of its readings is a common word (a noun, verb, adjective…)."""
    top_personal: bool
    """Its most probable reading is a name, surname or patronymic."""
    top_geox: bool
    """Its most probable reading is a place name."""
    lemmas: frozenset[str]
    """Normal forms of its personal and place readings, casefolded (``Марию`` → ``мария``)."""

    @property
    def known(self) -> bool:
        return bool(self.personal or self.geox or self.common)


def word_set(text: str) -> frozenset[str]:
    """The set of the space-separated words of ``text`` (a word list written as one string)."""
    return frozenset(text.split())


UNKNOWN = WordInfo(frozenset(), False, False, False, False, frozenset())


@cache
def analyzer() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _from_dictionary(parse: Any) -> bool:
    """A reading of the whole word from the dictionary, not one guessed from a known ending
    or after an unknown prefix (``патьент`` read as ``пать`` + ``ент``)."""
    stack = parse.methods_stack
    return len(stack) == 1 and type(stack[0][0]).__name__ == "DictionaryAnalyzer"


@cache
def cyrillic_info(word: str, nominative: bool = False) -> WordInfo:
    """The dictionary's readings of a Cyrillic ``word`` (case-insensitive, ``ё`` = ``е``);
    with ``nominative``, only its readings in the nominative (a person: singular), as an
    English text uses a Russian name."""
    parses = [p for p in analyzer().parse(word) if _from_dictionary(p)]
    if nominative:
        parses = [p for p in parses if "nomn" in p.tag and ("sing" in p.tag or "Geox" in p.tag)]
    if not parses:
        return UNKNOWN
    personal: set[str] = set()
    geox = common = False
    lemmas: set[str] = set()
    for parse in parses:
        grammemes = set(parse.tag.grammemes)
        found = grammemes & PERSONAL
        personal |= found
        if "Geox" in grammemes:
            geox = True
        if found or "Geox" in grammemes:
            lemmas.add(str(parse.normal_form).casefold())
        if not grammemes & PROPER:
            common = True
    top = set(parses[0].tag.grammemes)
    return WordInfo(
        frozenset(personal),
        geox,
        common,
        bool(top & PERSONAL),
        "Geox" in top,
        frozenset(lemmas),
    )


# Latin → Cyrillic, longest spellings first (BGN/PCGN, ISO 9 and passport spellings alike).
_REVERSE = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("tz", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("iu", "ю"),
    ("ya", "я"),
    ("ia", "ия"),
    ("yo", "ё"),
    ("ye", "е"),
    ("ie", "ье"),
    ("iy", "ий"),
    ("yy", "ый"),
    ("ey", "ей"),
    ("ei", "ей"),
    ("ay", "ай"),
    ("oy", "ой"),
    ("uy", "уй"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("w", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("j", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("c", "к"),
    ("y", "ы"),
    ("x", "кс"),
    ("q", "к"),
)
_REVERSE_RE = re.compile("|".join(latin for latin, _ in _REVERSE))
_REVERSE_MAP = dict(_REVERSE)
_SOFT = re.compile(r"(?<=[лнтдсзрм])(?=[кгвнмбпдтс]|$)")
"""Where a soft sign may have been dropped: Olga → Ольга, Igor → Игорь, Tver → Тверь."""


def cyrillic_spellings(word: str) -> tuple[str, ...]:
    """Russian spellings a Latin transliteration may stand for: ``Ivanova`` → ``иванова``;
    ``Olga`` → ``олга``, ``ольга``; ``Bologoye`` → ``бологойе``, ``бологое``."""
    lower = word.casefold()
    if not lower.isascii() or not lower.isalpha():
        return ()
    base = _REVERSE_RE.sub(lambda m: _REVERSE_MAP[m.group()], lower)
    variants = {base} | {base[: m.start()] + "ь" + base[m.start() :] for m in _SOFT.finditer(base)}
    variants |= {v.replace("ойе", "ое").replace("ийа", "ия").replace("ыа", "ая") for v in variants}
    if base.startswith("е"):
        variants.add("э" + base[1:])
    if base.endswith("ий"):
        variants.add(base[:-2] + "ый")
    if base.endswith("ы"):
        variants.add(base[:-1] + "ий")
    variants |= {v[:-2].replace("ия", "ья") + v[-2:] for v in variants}
    return tuple(sorted(variants))


@cache
def latin_info(word: str) -> WordInfo:
    """The dictionary's readings of the Russian word a Latin ``word`` transliterates: the
    first spelling the dictionary knows as a name or place, else :data:`UNKNOWN`."""
    for spelling in cyrillic_spellings(word):
        info = cyrillic_info(spelling, nominative=True)
        if info.personal or info.geox:
            return info
    return UNKNOWN


def word_info(word: str) -> WordInfo:
    """:func:`cyrillic_info` or :func:`latin_info`, by the script of ``word``."""
    if word.isascii():
        return latin_info(word)
    return cyrillic_info(word)


def lemma(word: str) -> str:
    """The most probable normal form of a Cyrillic word, casefolded (``дочери`` → ``дочь``)."""
    if word.isascii():
        return word.casefold()
    return _lemma(word.casefold())


@cache
def _lemma(word: str) -> str:
    return str(analyzer().parse(word)[0].normal_form).replace("ё", "е")


@cache
def plural(word: str) -> bool:
    """The most probable reading of a Cyrillic word is plural (``онкологов``, ``пациентам``)."""
    return str(analyzer().parse(word.casefold())[0].tag.number) == "plur"
