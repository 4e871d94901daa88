"""Numbers and dates of Russian and English prose, normalised so that the two languages'
versions of one text can be compared: ``4,5`` = ``4.5``, ``85 133`` = ``85,133``,
``90 %`` = ``90%``, ``08.12.2016`` = ``8 December 2016`` = ``December 8, 2016``,
``в декабре 2016 г.`` = ``December 2016``, ``два`` = ``two`` = ``2``, ``G1`` = ``grade 1``,
``100 тыс.`` = ``100,000``.

Dates, numbers and the spans not to read (``{{ … }}`` expressions, citations,
cross-references, URLs, DOIs, code) are recognised by :mod:`casepub.prose_dates`; this module
adds what only a comparison of two translations needs: counts written as words, grades,
scale words, ordinals read as their number, and values as normalised strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from casepub.model import Lang
from casepub.prose_dates import find_dates, find_numbers, mask

_WORDS = {
    "ru": {
        "дв(?:а|е|ух|ум|умя)": 2,
        "тр(?:и|[её]х|[её]м|емя)": 3,
        "четыр(?:е|[её]х|[её]м|ьмя)": 4,
        "пят(?:ь|и|ью)": 5,
        "шест(?:ь|и|ью)": 6,
        "сем(?:ь|и|ью)": 7,
        "вос(?:емь|ьми|емью|ьмью)": 8,
        "девят(?:ь|и|ью)": 9,
        "десят(?:ь|и|ью)": 10,
    },
    "en": {
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
    },
}
"""Counts written as words. ``one``/``один`` are left out: more often a pronoun or article
(``one of``, ``одна из``) than a count."""

_WORD = {
    lang: re.compile(
        r"(?<![^\W\d_])(?:" + "|".join(f"({w})" for w in words) + r")(?![^\W\d_])",
        re.IGNORECASE,
    )
    for lang, words in _WORDS.items()
}
_GRADE = {
    "ru": re.compile(r"(?<![^\W_])G([1-4])(?![^\W_])", re.IGNORECASE),
    "en": re.compile(r"(?<![^\W_])G([1-4])(?![^\W_])|\bgrade\s+([1-4])\b", re.IGNORECASE),
}
_SCALE = {
    "ru": re.compile(r"\s*(тыс|млн|млрд)\.?", re.IGNORECASE),
    "en": re.compile(r"\s*(thousand|million|billion)", re.IGNORECASE),
}
_SCALE_VALUES = {"тыс": 3, "млн": 6, "млрд": 9, "thousand": 3, "million": 6, "billion": 9}
_SPACE = re.compile("[ \u00a0\u202f\u2009]")


@dataclass(frozen=True)
class Number:
    """A number or date found in a text: its normalised value and where it was written."""

    value: str
    """``4.5``, ``85133``, ``2016-12-08``, ``2016-12``, ``2016``, ``G1``."""
    text: str
    """As written."""
    start: int
    end: int

    @property
    def is_date(self) -> bool:
        """A calendar date (to the day or month), not a plain number."""
        return bool(re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", self.value))


def numbers(text: str, lang: Lang) -> list[Number]:
    """Every number and date of ``text`` in order, read by ``lang``'s conventions."""
    masked = mask(text)
    found = [
        Number(d.date.iso(), text[d.start : d.end], d.start, d.end)
        for d in find_dates(masked, lang)
    ]
    for match in _GRADE[lang].finditer(masked):
        found.append(_number(text, f"G{match.group(1) or match.group(2)}", match.span()))
    for match in _WORD[lang].finditer(masked):
        index = next(i for i, g in enumerate(match.groups()) if g)
        found.append(_number(text, str(list(_WORDS[lang].values())[index]), match.span()))
    taken = [(n.start, n.end) for n in found]
    for mention in find_numbers(masked, lang, ordinals=True):
        if any(s < mention.end and mention.start < e for s, e in taken):
            continue
        ends = [(mention.start, mention.end)]
        if mention.split is not None:
            ends = [(mention.start, mention.split[0]), (mention.split[1], mention.end)]
        for start, end in ends:
            scale = _SCALE[lang].match(masked, end)
            if scale is not None and end == mention.end:
                end = scale.end()
            found.append(_number(text, _decimal(text[start:end], lang), (start, end)))
    return sorted(found, key=lambda n: n.start)


def _number(text: str, value: str, span: tuple[int, int]) -> Number:
    return Number(value, text[span[0] : span[1]], *span)


def _decimal(written: str, lang: Lang) -> str:
    """``1 200,5`` → ``1200.5``, ``3,0`` → ``3``, ``100 тыс.`` → ``100000``."""
    scale = re.search(r"[^\W\d_]+", written)
    digits = _SPACE.sub("", written[: scale.start()] if scale else written)
    digits = digits.replace(",", ".") if lang == "ru" else digits.replace(",", "")
    value = Decimal(digits)
    if scale:
        value = value.scaleb(_SCALE_VALUES[scale.group(0).lower()])
    return format(value.normalize(), "f")
