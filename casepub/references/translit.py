"""The one transliteration of Russian text into Latin letters (``transliterate``), used for
authors' names in the English block and for the English reference lists alike; and the
English form of a CSL item: transliterated names, title and imprint, the English title,
"(In Russ.)"."""

from __future__ import annotations

import copy
import re
import unicodedata
from typing import Any, Literal

import iuliia

from casepub.references.bibfields import CYRILLIC, has_cyrillic
from casepub.references.csljson import (
    ENGLISH_CONTAINER_KEY,
    ENGLISH_TITLE_KEY,
    IN_RUSS_KEY,
    NAME_VARIABLES,
    is_russian,
)
from casepub.references.latex import char_table

Translit = Literal["bsi", "bgn", "lc"]

# --------------------------------------------------------------------------------------------
# Transliteration and the English items
# --------------------------------------------------------------------------------------------

# Every system in the ASCII form Russian journals print (Yur'evich, not Yurʹevich), which
# iuliia gives as the _ALT schemas: BS 2979 without diacritics (Novye, neiroendokrinnykh, not
# Novȳe, neĭroéndokrinnȳkh); BGN/PCGN without the middle dot that splits a·y; ALA-LC without
# ligature ties and breves (Iur'evich, not I͡urʹevich).
_SCHEMAS = {"bsi": iuliia.BS_2979_ALT, "bgn": iuliia.BGN_PCGN_ALT, "lc": iuliia.ALA_LC_ALT}

# BGN/PCGN writes the soft and hard signs as typographic quotes (’ ”), iuliia 0.13 leaves ё
# as the Cyrillic ё (BGN/PCGN's yё) and letters of other Cyrillic alphabets alone; these
# bring every word to ASCII, ё as e (BGN/PCGN's ye) as the systems do without diacritics.
_TO_ASCII = char_table(
    """
    ’ '  ” "  ё e  Ё E  і i  І I  ї yi  Ї Yi  є ye  Є Ye  ґ g  Ґ G  ў w  Ў W  ђ dj  Ђ Dj  ћ c
    Ћ C  љ lj  Љ Lj  њ nj  Њ Nj  џ dz  Џ Dz  ј j  Ј J  ѓ gj  Ѓ Gj  ќ kj  Ќ Kj  ѕ dz  Ѕ Dz  ѣ e
    Ѣ E  ѳ f  Ѳ F  ѵ i  Ѵ I
    """
)
_WORD = re.compile(r"\w+")
_PLACES = {
    "М.": "Moscow",
    "Москва": "Moscow",
    "СПб.": "Saint Petersburg",
    "Санкт-Петербург": "Saint Petersburg",
    "Л.": "Leningrad",
    "Ленинград": "Leningrad",
}
"""Places of publication with an English name, as the English imprint gives them."""


def transliterate(text: str, system: Translit = "bsi") -> str:
    """``text`` with its Cyrillic words in ASCII Latin letters by BS 2979 (bsi), BGN/PCGN (bgn)
    or ALA-LC (lc): «Андрей Юрьевич» → Andrei Yur'evich (bsi), Andrey Yur'yevich (bgn),
    Andrei Iur'evich (lc). Words in capitals stay in capitals (ЩУКА → SHCHUKA); letters
    outside Russian get a common romanisation, so no Cyrillic is left. Text outside the
    Cyrillic words is left as it is."""
    schema = _SCHEMAS[system]

    def word(match: re.Match[str]) -> str:
        token = match.group()
        if not has_cyrillic(token):
            return token
        if len(token) > 1 and token.isupper():
            return _ascii(str(schema.translate(token.lower()))).upper()
        return _ascii(str(schema.translate(token)))

    latin = _WORD.sub(word, text)
    return CYRILLIC.sub(lambda mark: _ascii(mark.group()), latin)  # combining marks: ҃ ҇


def _ascii(latin: str) -> str:
    """A transliterated word with what the schema left outside ASCII replaced."""
    out: list[str] = []
    for char in latin:
        if char in _TO_ASCII:
            out.append(_TO_ASCII[char])
        elif CYRILLIC.match(char):
            out.append(_fallback_letter(char))
        else:
            out.append(char)
    return "".join(out)


def _fallback_letter(char: str) -> str:
    """A letter no table covers, romanised from its Unicode name (… LETTER DJE → dje)."""
    name = unicodedata.name(char, "")
    match = re.search(r"LETTER (?:[A-Z-]+ )*?([A-Z]+)(?: WITH .*)?$", name)
    if not match:
        return ""
    latin = match.group(1).lower()
    return latin.capitalize() if "CAPITAL" in name else latin


def to_english(
    items: list[dict[str, Any]], *, system: Translit = "bsi", official_title: bool = False
) -> list[dict[str, Any]]:
    """The items of the English list: Russian sources in English form, others unchanged.

    A Russian source gets transliterated names; as title the transliteration followed by
    ``[English title]`` (or, with ``official_title``, the English title alone); its journal's
    English name or a transliteration; ``language: en``; and ``casepub-in-russ: true``.
    """
    if system not in _SCHEMAS:
        raise ValueError(f"unknown transliteration {system!r}; use bsi, bgn or lc")
    return [_english(item, system, official_title) if is_russian(item) else item for item in items]


def _english(item: dict[str, Any], system: Translit, official_title: bool) -> dict[str, Any]:
    english = copy.deepcopy(item)
    for variable in NAME_VARIABLES:
        if variable in english:
            english[variable] = [
                {part: transliterate(str(value), system) for part, value in name.items()}
                for name in english[variable]
            ]
    title = str(item.get("title", ""))
    english_title = str(item.get(ENGLISH_TITLE_KEY, "")).strip().rstrip(".")
    if official_title and english_title:
        english["title"] = english_title
    elif has_cyrillic(title):
        latin = transliterate(title, system)
        english["title"] = f"{latin} [{english_title}]" if english_title else latin
    if item.get(ENGLISH_CONTAINER_KEY):
        english["container-title"] = item[ENGLISH_CONTAINER_KEY]
        english.pop("container-title-short", None)
    place = str(item.get("publisher-place", "")).strip()
    if place in _PLACES:
        english["publisher-place"] = _PLACES[place]
    for key, value in english.items():
        if key != "id" and isinstance(value, str) and has_cyrillic(value):
            english[key] = transliterate(value, system)
        elif isinstance(value, dict) and has_cyrillic(str(value.get("literal", ""))):
            value["literal"] = transliterate(str(value["literal"]), system)
    english["language"] = "en"
    english[IN_RUSS_KEY] = True
    return english
