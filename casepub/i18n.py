"""Language-specific formatting of numbers, dates and names (Babel). Russian names are
transliterated by ``casepub.references.translit.transliterate``, as the references are."""

from __future__ import annotations

import re

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

from casepub.model import Lang, Localized, PartialDate

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


def initials(given: str) -> str:
    """``Николай Александрович`` → ``Н.А.``; ``Anna-Maria`` → ``A.-M.``; ``N. A.`` → ``N.A.``."""
    parts: list[str] = []
    for word in given.replace(".", ". ").split():
        pieces = [p for p in word.strip(".").split("-") if p]
        if pieces:
            parts.append("-".join(f"{p[0].upper()}." for p in pieces))
    return "".join(parts)


def initials_of(given: str | Localized) -> str | Localized:
    """The initials of a given name in each language it is written in: a Russian-only name
    keeps Russian initials, which transliterate as whole letters (Ю.Ж. → Yu.Zh.)."""
    if isinstance(given, str):
        return initials(given)
    return Localized(
        ru=initials(given.ru) if given.ru is not None else None,
        en=initials(given.en) if given.en is not None else None,
    )
