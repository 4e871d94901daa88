"""Dates and numbers as authors write them in Russian and English prose: the one reader of
them that the consistency and parity checks and the date policy of the manuscript share.

``find_dates`` recognises ``08.12.2016``, ``12.2016``, ``2016-12-08``, "8 December 2016",
"December 8, 2016", "December 2016", «8 декабря 2016 г.», «в декабре 2016 г.», «с марта
2016 г.», seasons ("the spring of 2017", «осенью 2016 г.», to the year) and bare years only
where the context makes them dates («в 2013 г.», "in 2013", «1994–2015 гг.»).
``find_numbers`` recognises decimal numbers (a decimal comma in Russian only), digit groups
(«85 133», "85,133") and ranges («0,6–1,0»), leaving out dates and ordinals («1-й», "2nd").
Both return spans into the text, so findings can be located.

What the author did not write as prose is not read: ``IGNORED`` matches ``{{ … }}``
expressions, citations, cross-references, code spans, URLs, DOIs, link targets and
attributes, and ``mask`` blanks them out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from casepub.model import Lang, PartialDate

IGNORED = re.compile(
    r"\{\{.*?\}\}"  # values computed from the data
    r"|\[[^\[\]]*@[^\[\]]*\]"  # citations: [@key], [see @a; @b, p. 3]
    r"|(?<![\w@.\-+])-?@(?:\{[^}]*\}|\w+(?:[:.#$%&\-+?<>~/]+\w+)*)"  # @key, @fig:x, -@key
    r"|`[^`]*`"  # code spans
    r"|(?:https?://|\b(?i:doi):\s*|\b10\.\d{4,9}/)\S*[^\s.,;:!?'\")\]]"  # URLs, DOIs
    r"|\]\([^)]*\)|\{[#.][^}]*\}",  # link targets, attributes
    re.DOTALL,
)
"""Spans of a text that are not the author's prose: values, citations and cross-references
(pandoc's key syntax), code, URLs, DOIs, link targets; a sentence's punctuation after a key,
a URL or a DOI is left to the sentence."""


def mask(text: str, fill: str = " ") -> str:
    """``text`` with every ``IGNORED`` span overwritten by ``fill`` (lengths and line breaks
    kept, so positions and paragraphs stay where they were)."""
    return IGNORED.sub(lambda m: re.sub(r"[^\n]", fill, m.group(0)), text)


_EN_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_RU_STEMS = (
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
)
_RU_ENDINGS = {"ма": "(?:й|я|е|ю)", "март": "(?:а|е|у)?", "август": "(?:а|е|у)?"}

_EN_MONTH = r"(?P<mon>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*)\.?"
_RU_MONTH = (
    "(?P<mon>(?i:"
    + "|".join(s + _RU_ENDINGS.get(s, "(?:ь|я|е|ю)") for s in _RU_STEMS)
    + r"))(?![а-яё])"
)
_YEAR = r"(?P<year>(?:19|20)\d{2})(?!\d)"
_ANY_YEAR = r"(?P<year>(?:1[89]|20)\d{2})(?!\d)"
"""A year also of the 19th century, where a day or a month makes the date unmistakable."""
_DAY = r"(?P<day>[0-3]?\d)"
_RU_YEAR_WORD = r"(?:\s*(?:г\.|гг\.|года|году|год)(?![а-яё]))"
_EN_SEASON = (
    r"(?<![\w-])(?i:(?:the\s+)?(?:(?:early|late)\s+|mid-)?(?:spring|summer|autumn|fall|winter)"
    r"(?:\s+of)?)\s+"
)
_RU_SEASON = (
    r"(?<![\w-])(?i:(?:(?:ранн|поздн)(?:ей|яя|юю|ий|ему|им)\s+)?(?:(?P<adverb>зимой|весной"
    r"|летом|осенью)|зим[аыеу]|весн[аыеу]|лет[оае]|осен[ьи]))\s+"
)

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"(?<![\d.])" + _DAY + r"\.(?P<month>[01]?\d)\." + _ANY_YEAR,
        r"(?<![\d.-])" + _ANY_YEAR + r"-(?P<month>[01]\d)(?:-(?P<day>[0-3]\d))?(?![\d-])",
        r"(?<![\d.,])(?P<month>[01]?\d)\." + _YEAR + r"(?![.,]\d)",
        r"(?<!\d)" + _DAY + r"(?:st|nd|rd|th)?\s+" + _EN_MONTH + r",?\s+" + _ANY_YEAR,
        _EN_MONTH + r"\s+" + _DAY + r"(?:st|nd|rd|th)?(?:,\s*|\s+)" + _ANY_YEAR,
        r"(?<![\w])" + _EN_MONTH + r",?\s+(?:of\s+)?" + _ANY_YEAR,
        r"(?<!\d)" + _DAY + r"\s+" + _RU_MONTH + r"\s+" + _ANY_YEAR + _RU_YEAR_WORD + "?",
        r"(?<![\w])" + _RU_MONTH + r"\s+" + _ANY_YEAR + _RU_YEAR_WORD + "?",
        r"(?<![\w.,])" + _YEAR + _RU_YEAR_WORD,
        _EN_SEASON + _YEAR,
        _RU_SEASON + _YEAR + _RU_YEAR_WORD + "?",
        r"(?P<pre>(?i:\b(?:in|since|from|by|until|till|through|during|to|between|early|late"
        r"|mid-?)\s+))" + _YEAR,
    )
)
_YEAR_RANGE = re.compile(r"(?<![\w.,])(?P<a>(?:19|20)\d{2})\s*[–—-]\s*(?P<b>(?:19|20)\d{2})(?!\d)")
_RANGE_BEFORE = re.compile(r"(?i:\b(?:in|from|between|during|в|с|за)\s+)$")
_RANGE_AFTER = re.compile(r"\s*(?:гг\.|годах|годы|годов)")


@dataclass(frozen=True)
class DateMention:
    """A date in a text: where it is and what it denotes, to the precision written."""

    start: int
    end: int
    date: PartialDate
    adverb: bool = False
    """The phrase says "in <date>" with no preposition (Russian «осенью 2016 г.»): a date
    written in its place needs one («в год 0»)."""

    def span(self) -> tuple[int, int]:
        """``(start, end)`` in the text."""
        return self.start, self.end


@dataclass(frozen=True)
class NumberMention:
    """A number (or a range ``a–b``) in a text, with the decimals written."""

    start: int
    end: int
    value: float
    decimals: int
    upper: float | None = None
    """The upper end of a range, if the text gives one."""
    upper_decimals: int = 0
    split: tuple[int, int] | None = None
    """In a range: where the lower number ends and where the upper one begins."""
    ordinal: bool = False
    """Written as an ordinal («1-й», "2nd"); only read when asked for."""


def _month(name: str) -> int | None:
    """1–12 for an English or Russian month name («декабря», "Dec."), else None."""
    low = name.casefold().rstrip(".")
    for number, english in enumerate(_EN_MONTHS, 1):
        if len(low) >= 3 and (english.startswith(low) or (low == "sept" and number == 9)):
            return number
    for number, stem in enumerate(_RU_STEMS, 1):
        if low.startswith(stem) and len(low) - len(stem) <= 2:
            return number
    return None


def _date(match: re.Match[str]) -> PartialDate | None:
    """The date a pattern matched, None if it is no calendar date."""
    parts = match.groupdict()
    year = int(parts["year"])
    month: int | None = int(parts["month"]) if parts.get("month") else None
    if parts.get("mon"):
        month = _month(parts["mon"])
        if month is None:
            return None
    day = int(parts["day"]) if parts.get("day") else None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day if month else None)


def _candidates(text: str) -> Iterator[DateMention]:
    """Every match of every pattern, overlapping ones included."""
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            date = _date(match)
            if date is not None:
                start = match.end("pre") if match.groupdict().get("pre") else match.start()
                yield DateMention(start, match.end(), date, bool(match.groupdict().get("adverb")))
    for match in _YEAR_RANGE.finditer(text):
        before = text[max(0, match.start() - 12) : match.start()]
        if _RANGE_AFTER.match(text, match.end()) or _RANGE_BEFORE.search(before):
            yield DateMention(match.start("a"), match.end("a"), PartialDate(int(match["a"])))
            yield DateMention(match.start("b"), match.end("b"), PartialDate(int(match["b"])))


def find_dates(text: str, lang: Lang) -> list[DateMention]:
    """Every date written in ``text`` (Russian and English forms are both recognised;
    ``lang`` is accepted for symmetry with ``find_numbers``), in order, without overlaps."""
    del lang
    found = sorted(_candidates(text), key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


_SPACE = "[ \u00a0\u202f\u2009]"
_NUMBER = {
    "ru": rf"\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)?",
    "en": r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+"
    r"(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?",
}
"""A decimal comma is Russian; in English a comma only groups thousands ("85,133"), so "4,5"
is two numbers."""
_AROUND = {"ru": (r"(?<![\w.,])", r"(?![.,]?\d)"), "en": (r"(?<![\w.])", r"(?!\.?\d)")}
_ORDINAL = re.compile(r"-(?:й|я|е|го|му|м|ом|х|ый|ая|ое|ий|ой)(?![а-яё])|(?:st|nd|rd|th)\b")


def _number_re(lang: Lang) -> re.Pattern[str]:
    """A number or a range, not glued to a letter or to a larger number."""
    one = _NUMBER[lang]
    before, after = _AROUND[lang]
    return re.compile(rf"{before}(?<![^\W\d_]-)(?P<a>{one})(?:\s?[–—-]\s?(?P<b>{one}))?{after}")


_NUMBER_RE = {lang: _number_re(lang) for lang in ("ru", "en")}


def _parse(written: str, lang: Lang) -> tuple[float, int]:
    """``1 189,1`` → (1189.1, 1)."""
    text = re.sub(_SPACE, "", written)
    text = text.replace(",", ".") if lang == "ru" else text.replace(",", "")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), decimals


def find_numbers(text: str, lang: Lang, *, ordinals: bool = False) -> list[NumberMention]:
    """Every number or range in ``text`` that is not part of a date, a name («Ki-67»,
    «G2») or, unless ``ordinals``, an ordinal, in order."""
    dates = [d.span() for d in find_dates(text, lang)]
    found = []
    for match in _NUMBER_RE[lang].finditer(text):
        if any(s < match.end() and match.start() < e for s, e in dates):
            continue
        ordinal = _ORDINAL.match(text, match.end()) is not None
        if ordinal and not ordinals:
            continue
        value, decimals = _parse(match["a"], lang)
        upper, upper_decimals = _parse(match["b"], lang) if match["b"] else (None, 0)
        split = (match.end("a"), match.start("b")) if match["b"] else None
        found.append(
            NumberMention(
                match.start(), match.end(), value, decimals, upper, upper_decimals, split, ordinal
            )
        )
    return found
