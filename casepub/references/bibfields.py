"""Reading BibTeX field values: ``#`` concatenation and month macros, names the BibTeX way,
dates, languages, Cyrillic, DOIs."""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

from casepub.references.latex import char_table, latex_to_text

# --------------------------------------------------------------------------------------------
# Braces, concatenation and names
# --------------------------------------------------------------------------------------------


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` characters outside braces."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in separator:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _words(text: str) -> list[str]:
    """Whitespace-separated words of ``text``, braces kept whole."""
    return [word for word in _split_top(text, " \t\r\n") if word]


_CONCAT_PART = re.compile(r'\s*(\{.*\}|".*"|\d+|[A-Za-z][\w:.+/\'-]*)\s*', re.DOTALL)
_MONTH_NAMES = [
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
]
_MONTH_MACROS = {name[:3].lower(): name for name in _MONTH_NAMES}


def unconcatenate(value: str) -> str:
    """A value bibtexparser left as ``{A} # {B}`` or ``jan # "~5"``, joined.

    A @string used inside a concatenation is not expanded by bibtexparser and its value is not
    known here: it stays as its name (``bibcheck`` reports it as ``bib-macro``).
    """
    parts = _split_concatenation(value)
    if parts is None:
        return value
    joined: list[str] = []
    for part in parts:
        if part[0] in '{"':
            joined.append(part[1:-1])
        else:
            joined.append(_MONTH_MACROS.get(part.lower(), part))
    return "".join(joined)


def split_top(value: str) -> list[str]:
    """The raw ``#``-separated parts of a BibTeX value (``#`` inside braces or quotes is text)."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    return parts


def _split_concatenation(value: str) -> list[str] | None:
    """The parts of a BibTeX ``#`` concatenation, or None if ``value`` is not one."""
    if "#" not in value:
        return None
    raw_parts = split_top(value)
    if len(raw_parts) < 2:
        return None
    parts: list[str] = []
    for raw in raw_parts:
        match = _CONCAT_PART.fullmatch(raw)
        if not match or not _balanced(match.group(1)):
            return None
        parts.append(match.group(1))
    if not any(part[0] in '{"' for part in parts):
        return None
    return parts


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def parse_names(value: str) -> list[dict[str, str]]:
    """CSL names of a BibTeX name list: ``Family, Given and Given Family and {Literal}``."""
    names: list[list[str]] = [[]]
    for word in _words(value):
        if word.lower() == "and":
            names.append([])
        else:
            names[-1].append(word)
    return [_name(" ".join(words)) for words in names if words]


def _name(raw: str) -> dict[str, str]:
    if raw.lower() == "others":
        return {"literal": "others"}
    if _wholly_braced(raw):
        return {"literal": _name_text(raw[1:-1])}
    parts = [part.strip() for part in _split_top(raw, ",")]
    suffix = ""
    if len(parts) == 1:
        words = _words(parts[0])
        lower = [i for i, word in enumerate(words[:-1]) if _is_lowercase(word)]
        if lower:
            given, particle = words[: lower[0]], words[lower[0] : lower[-1] + 1]
            family = words[lower[-1] + 1 :]
        else:
            given, particle, family = words[:-1], [], words[-1:]
    else:
        words = _words(parts[0])
        lower = [i for i, word in enumerate(words[:-1]) if _is_lowercase(word)]
        particle = words[: lower[-1] + 1] if lower else []
        family = words[len(particle) :]
        given = _words(parts[-1])
        suffix = parts[1] if len(parts) > 2 else ""
    name = {
        "family": _name_text(" ".join(family)),
        "given": _name_text(" ".join(given)),
        "non-dropping-particle": _name_text(" ".join(particle)),
        "suffix": _name_text(suffix),
    }
    return {key: text for key, text in name.items() if text}


def _wholly_braced(raw: str) -> bool:
    """Whether ``raw`` is one brace group: ``{World Health Organization}``."""
    if not raw.startswith("{"):
        return False
    depth = 0
    for index, char in enumerate(raw):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index == len(raw) - 1
    return False


def _name_text(raw: str) -> str:
    return latex_to_text(raw).replace("\u00a0", " ")


def _is_lowercase(word: str) -> bool:
    """Whether a name word starts with a lower-case letter (a particle: von, de, van der)."""
    if word.startswith("{") and not word.startswith("{\\"):
        return False
    text = latex_to_text(word)
    first = next((c for c in text if c.isalpha()), "")
    return first.islower()


# --------------------------------------------------------------------------------------------
# Dates, languages, identifiers
# --------------------------------------------------------------------------------------------

_RUSSIAN_MONTHS = [
    *("янв", "фев", "мар", "апр", "ма", "июн"),
    *("июл", "авг", "сен", "окт", "ноя", "дек"),
]


def parse_month(text: str) -> int | None:
    """The month of ``jan``, ``January``, ``Jan.``, ``1``, ``01``, ``янв``, ``января``…"""
    value = latex_to_text(text).strip().rstrip(".").casefold()
    first = re.match(r"\d+|[^\W\d_]+", value)
    value = first.group() if first else ""
    if value.isdigit():
        number = int(value)
        return number if 1 <= number <= 12 else None
    if len(value) < 3 or not value.isalpha():
        return None
    for index, name in enumerate(_MONTH_NAMES):
        if name.casefold().startswith(value[:3]):
            return index + 1
    for index, prefix in enumerate(_RUSSIAN_MONTHS):
        if value.startswith(prefix) and (index != 4 or value in ("май", "мая", "маю", "мае")):
            return index + 1
    return None


_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T[\d:.]+(?:Z|[+-][\d:]+)?)?")


def parse_date(text: str) -> list[list[int]] | None:
    """The CSL ``date-parts`` of a biblatex date: ``2016``, ``2016-02``, ``2016-02-09``, or a
    range ``2016-02-09/2016-02-10``; None when it is none of these or not a real date."""
    ranges = latex_to_text(text).strip().split("/")
    if len(ranges) > 2:
        return None
    parts: list[list[int]] = []
    for piece in ranges:
        match = _DATE.fullmatch(piece.strip())
        if not match:
            return None
        numbers = [int(group) for group in match.groups() if group is not None]
        if not _real_date(numbers):
            return None
        parts.append(numbers)
    return parts


def _real_date(numbers: list[int]) -> bool:
    year, month, day = [*numbers, 1, 1][:3]
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def issued_date(fields: Mapping[str, str]) -> dict[str, Any] | None:
    if fields.get("date", "").strip():
        return csl_date(fields["date"])
    year = latex_to_text(fields.get("year", ""))
    if not year:
        return None
    if not re.fullmatch(r"\d{4}", year):
        return {"literal": year}
    parts = [int(year)]
    month = parse_month(fields.get("month", "")) if fields.get("month") else None
    if month is not None:
        parts.append(month)
        day = latex_to_text(fields.get("day", ""))
        if day.isdigit() and _real_date([int(year), month, int(day)]):
            parts.append(int(day))
    return {"date-parts": [parts]}


def csl_date(text: str) -> dict[str, Any]:
    parts = parse_date(text)
    if parts is None:
        return {"literal": latex_to_text(text)}
    return {"date-parts": parts}


_LANGUAGES = char_table(
    """
    russian ru  russ ru  rus ru  ru ru  рус ru  русский ru  english en  eng en  en en  англ en
    английский en  american en-US  usenglish en-US  british en-GB  ukenglish en-GB  german de
    ngerman de  deutsch de  french fr  francais fr  spanish es  italian it  portuguese pt
    dutch nl  polish pl  czech cs  swedish sv  danish da  norwegian nb  finnish fi  ukrainian uk
    belarusian be  bulgarian bg  serbian sr  kazakh kk  turkish tr  chinese zh  japanese ja
    korean ko
    """
)
"""``langid``/``language`` values (babel and biblatex names, Russian abbreviations)."""


def language_code(value: str) -> str | None:
    """The BCP 47 code of a ``langid``/``language`` value: russian, Russian, ru, рус → ru."""
    text = latex_to_text(value).strip()
    first = re.split(r"\s+and\s+|[,;]", text)[0].strip().rstrip(".")
    folded = first.casefold()
    if folded in _LANGUAGES:
        return _LANGUAGES[folded]
    match = re.fullmatch(r"([a-z]{2,3})(?:[-_]([a-z]{2}|\d{3}))?", folded)
    if match:
        region = match.group(2)
        return match.group(1) + (f"-{region.upper()}" if region else "")
    return None


CYRILLIC = re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
_RUSSIAN_LETTERS = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` holds any Cyrillic letter."""
    return CYRILLIC.search(text) is not None


def non_russian_letters(text: str) -> list[str]:
    """The Cyrillic letters of ``text`` that Russian does not use (Ukrainian ї, і, є, ґ…)."""
    found: list[str] = []
    for char in text:
        if CYRILLIC.match(char) and char not in _RUSSIAN_LETTERS and char not in found:
            found.append(char)
    return found


_DOI_PREFIX = re.compile(
    r"(?:https?://(?:www\.)?(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/|doi:|doi\s)\s*", re.IGNORECASE
)
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def normalise_doi(text: str) -> str | None:
    """The bare DOI of ``10.…``, ``doi:10.…``, ``https://doi.org/10.…`` or
    ``http://dx.doi.org/10.…``, as written (compare with ``casefold()``); None if not a DOI."""
    value = re.sub(r"\\([_%&#$])", r"\1", text).strip().strip("{}").strip()
    prefix = _DOI_PREFIX.match(value)
    if prefix:
        is_url = prefix.group().lower().startswith(("http", "doi.org", "dx."))
        value = value[prefix.end() :]
        if is_url:
            value = urllib.parse.unquote(value)
    return value if _DOI.fullmatch(value) else None
