"""The items of an English reference list: Russian sources in English form.

``translit.to_english`` transliterates a Russian source and gives it its English title and
journal; this adds what the English list prints in English words rather than in
transliteration: the genre ("[dissertation]", "[clinical guidelines]"), the publisher or
institution when the entry gives its English name (``englishpublisher``,
``englishinstitution``) and the country of a patent. An English thesis gets Citing Medicine's
"dissertation" for "PhD thesis".
"""

from __future__ import annotations

from typing import Any

from casepub.references.csljson import ENGLISH_PUBLISHER_KEY, IN_RUSS_KEY
from casepub.references.kinds import ENGLISH_GENRE_KEY
from casepub.references.translit import Translit, to_english

COUNTRIES = {
    "Российская Федерация": "Russian Federation",
    "Рос. Федерация": "Russian Federation",
    "РФ": "Russian Federation",
    "Россия": "Russia",
    "СССР": "USSR",
}
"""Countries (of patents) as the English list names them."""


def english_items(
    items: list[dict[str, Any]], *, system: Translit = "bsi", official_title: bool = False
) -> list[dict[str, Any]]:
    """``to_english`` of ``items``, with English genres, publishers and countries."""
    originals = {str(item["id"]): item for item in items}
    english = to_english(items, system=system, official_title=official_title)
    return [_in_english(item, originals[str(item["id"])]) for item in english]


def _in_english(item: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    done = dict(item)
    if original.get(ENGLISH_GENRE_KEY):
        done["genre"] = original[ENGLISH_GENRE_KEY]
    if item.get(IN_RUSS_KEY):
        if original.get(ENGLISH_PUBLISHER_KEY):
            done["publisher"] = original[ENGLISH_PUBLISHER_KEY]
        country = COUNTRIES.get(str(original.get("publisher-place", "")).strip())
        if country:
            done["publisher-place"] = country
    return done
