"""Numbers and dates of Russian and English prose, normalised so that the two languages'
versions of one text can be compared: ``4,5`` = ``4.5``, ``85 133`` = ``85,133``,
``90 %`` = ``90%``, ``08.12.2016`` = ``8 December 2016`` = ``December 8, 2016``,
``в декабре 2016 г.`` = ``December 2016``, ``два`` = ``two`` = ``2``, ``G1`` = ``grade 1``.

Only what is meant to be the same in both languages is read: ``{{ … }}`` expressions,
citations, cross-references, URLs, DOIs and code spans are masked, and a digit glued to a
letter (``T3N1M1``, ``Ki-67``, ``SSTR2A``) is part of a name, not a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from casepub.model import Lang

_IGNORED = re.compile(
    r"\{\{.*?\}\}"  # values computed from the data
    r"|\[@[^\]]*\]|(?<![\w.])@[\w:.-]*\w"  # citations, cross-references
    r"|`[^`]*`"  # code spans
    r"|https?://\S+|\bdoi:\s*\S+|\b10\.\d{4,9}/\S+"  # URLs and DOIs
    r"|\]\([^)]*\)|\{[#.][^}]*\}",  # link targets, attributes
    re.DOTALL | re.IGNORECASE,
)


def mask(text: str) -> str:
    """``text`` with every ignored span blanked out (lengths and line breaks kept)."""
    return _IGNORED.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


_MONTHS = {
    "ru": (
        "январ",
        "феврал",
        "март",
        "апрел",
        "ма[йяею]",
        "июн",
        "июл",
        "август",
        "сентябр",
        "октябр",
        "ноябр",
        "декабр",
    ),
    "en": (
        "jan(?:uary)?",
        "feb(?:ruary)?",
        "mar(?:ch)?",
        "apr(?:il)?",
        "may",
        "june?",
        "july?",
        "aug(?:ust)?",
        "sep(?:t(?:ember)?)?",
        "oct(?:ober)?",
        "nov(?:ember)?",
        "dec(?:ember)?",
    ),
}
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

_SCALES = {"ru": r"тыс\.?|млн\.?|млрд\.?", "en": "thousand|million|billion"}
_SCALE_VALUES = {"тыс": 3, "млн": 6, "млрд": 9, "thousand": 3, "million": 6, "billion": 9}
_SPACE = "[ \u00a0\u202f\u2009]"
_NUMBER = {
    "ru": rf"\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:,\d+)?|\d+(?:[.,]\d+)?",
    "en": r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?",
}
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|20)\d{2}"


def _month_group(lang: Lang) -> str:
    return "|".join(f"({stem})" for stem in _MONTHS[lang])


def _patterns(lang: Lang) -> list[tuple[str, re.Pattern[str]]]:
    months = _month_group(lang)
    word = r"[^\W\d_]*"
    words = "|".join(f"({w})" for w in _WORDS[lang])
    found = [
        ("iso", rf"(?<![\d.])({_YEAR})-(\d{{2}})-(\d{{2}})(?!\d)"),
        ("dmy", rf"(?<![\d.,])(\d{{1,2}})\.(\d{{1,2}})\.({_YEAR})(?!\d)"),
        ("my", rf"(?<![\d.,])(\d{{1,2}})\.({_YEAR})(?![\d.,]\d)"),
    ]
    if lang == "ru":
        found.append(("d_month_y", rf"(?<!\d)(\d{{1,2}})\s+(?:{months}){word}\s+(\d{{4}})(?!\d)"))
        found.append(("month_y", rf"(?<![^\W\d_])(?:{months}){word}\s+(\d{{4}})(?!\d)"))
    else:
        found.append(
            ("d_month_y", rf"(?<!\d)(\d{{1,2}}){_ORDINAL}\s+(?:{months})\.?\s+(\d{{4}})(?!\d)")
        )
        found.append(
            ("month_d_y", rf"\b(?:{months})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})(?!\d)")
        )
        found.append(("month_y", rf"\b(?:{months})\.?\s+(\d{{4}})(?!\d)"))
        found.append(("grade", r"\bgrade\s+([1-4])\b"))
    found += [
        ("g", r"(?<![^\W_])G([1-4])(?![^\W_])"),
        ("word", rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])"),
        ("number", rf"(?<![^\W_])(?<![^\W\d_]-)(?:{_NUMBER[lang]})(?:\s*(?:{_SCALES[lang]}))?"),
    ]
    return [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in found]


_COMPILED = {lang: _patterns(lang) for lang in ("ru", "en")}


@dataclass(frozen=True)
class Number:
    """A number or date found in a text: its normalised value and where it was written."""

    value: str
    """``4.5``, ``85133``, ``2016-12-08``, ``2016-12``, ``G1``."""
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
    taken = [False] * len(masked)
    found: list[Number] = []
    for kind, pattern in _COMPILED[lang]:
        for match in pattern.finditer(masked):
            if any(taken[match.start() : match.end()]):
                continue
            value = _value(kind, match, lang)
            if value is None:
                continue
            taken[match.start() : match.end()] = [True] * (match.end() - match.start())
            found.append(Number(value, match.group(0), match.start(), match.end()))
    return sorted(found, key=lambda n: n.start)


def _value(kind: str, match: re.Match[str], lang: Lang) -> str | None:
    groups = list(match.groups())
    if kind in ("iso", "dmy", "my"):
        parts = [int(g) for g in groups]
        if kind == "iso":
            return _date(parts[0], parts[1], parts[2])
        return _date(parts[-1], parts[-2], parts[0] if kind == "dmy" else None)
    if kind in ("d_month_y", "month_d_y", "month_y"):
        return _named_date(kind, groups)
    if kind in ("g", "grade"):
        return f"G{groups[0]}"
    if kind == "word":
        index = next(i for i, g in enumerate(groups) if g)
        return str(list(_WORDS[lang].values())[index])
    return _decimal(match.group(0), lang)


def _named_date(kind: str, groups: list[str | None]) -> str | None:
    month = next(i for i, g in enumerate(groups[1 if kind == "d_month_y" else 0 :]) if g) + 1
    given = [g for g in groups if g]
    day = int(given[0]) if kind == "d_month_y" else int(given[1]) if kind == "month_d_y" else None
    return _date(int(given[-1]), month, day)


def _date(year: int, month: int, day: int | None) -> str | None:
    if not (1 <= month <= 12 and (day is None or 1 <= day <= 31)):
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def _decimal(written: str, lang: Lang) -> str | None:
    scale = re.search(r"[^\W\d_]+", written)
    digits = written[: scale.start()] if scale else written
    digits = re.sub(_SPACE, "", digits.strip())
    digits = digits.replace(",", ".") if lang == "ru" else digits.replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    if scale:
        value = value.scaleb(_SCALE_VALUES[scale.group(0).lower()])
    return format(value.normalize(), "f")
