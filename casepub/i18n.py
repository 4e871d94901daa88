"""Language-specific formatting of numbers, dates and names (Babel, iuliia)."""

from __future__ import annotations

import re

import iuliia
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

from casepub.model import Lang, PartialDate

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` contains a Cyrillic letter."""
    return bool(_CYRILLIC.search(text))


def format_number(value: float | int, lang: Lang, *, decimals: int | None = None) -> str:
    """``263.9`` → ``263,9`` in Russian, ``263.9`` in English."""
    # Russian typesetting groups digits only from five-digit numbers on: 1189,1 but 85 133.
    group = "#,##0" if lang == "en" or abs(value) >= 10_000 else "0"
    if decimals is not None:
        pattern = group + ("." + "0" * decimals if decimals else "")
    else:
        pattern = group + ".###"
    return str(format_decimal(value, format=pattern, locale=lang))


def format_date(date: PartialDate, lang: Lang) -> str:
    """Russian ``08.12.2016`` / ``12.2016``; English ``8 December 2016`` / ``December 2016``."""
    day = date.first_day()
    if lang == "ru":
        pattern = {"day": "dd.MM.yyyy", "month": "MM.yyyy", "year": "yyyy"}[date.precision]
    else:
        pattern = {"day": "d MMMM yyyy", "month": "LLLL yyyy", "year": "yyyy"}[date.precision]
    return str(babel_format_date(day, pattern, locale=lang))


def transliterate(text: str) -> str:
    """Russian → Latin by BSI (BS 2979), the default of Russian journals' English blocks."""
    return str(iuliia.BS_2979.translate(text)).replace("Ё", "E").replace("ё", "e")


def initials(given: str) -> str:
    """``Николай Александрович`` → ``Н.А.``; ``Anna-Maria`` → ``A.-M.``; ``N. A.`` → ``N.A.``."""
    parts: list[str] = []
    for word in given.replace(".", ". ").split():
        pieces = [p for p in word.strip(".").split("-") if p]
        if pieces:
            parts.append("-".join(f"{p[0].upper()}." for p in pieces))
    return "".join(parts)
