"""Places smaller than a region (HIPAA Safe Harbor): towns, villages, districts.

Found three ways:

- after a word for a settlement: ``г. Подольска``, ``с. Ивановка``, ``деревне Малые Вязёмы``,
  ``town of Klin``; a district: ``Одинцовского района``;
- after a word for where a person lives or comes from: ``жительница Одинцово``,
  ``проживает в Химках``, ``a resident of Zelenograd``, ``lives in Podolsk``;
- after ``в``/``из``/``in``/``from``, when the dictionary (the gazetteer of OpenCorpora's place
  names, ``Geox``, in every case; Latin names through their reverse transliteration) knows
  the word as a place, or when a US state follows (``Springfield, Ohio``).

Countries (by Babel's names of territories), Russia's federal subjects and the large regions
are not smaller than a region and are not reported; nor are places in ``им.``, institution
names or cited sources.
"""

from __future__ import annotations

import re
from functools import cache

from casepub.checks.deid_morph import lemma, word_info, word_set
from casepub.checks.deid_names import Span, sentence_initial, tokens

_CAP_RU = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*"
_CAP_EN = r"[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)*"
_SETTLEMENT_RU = re.compile(
    rf"(?<![\w.])(?:г|гор|пос|пгт|п|с|дер|д|ст-ца|х|мкр|рп)\.?[ \t]?(?:{_CAP_RU})"
    rf"(?:[ \t]{_CAP_RU})?"
    rf"|\b(?:город|посёлок|поселок|село|деревня|станица|хутор|аул|микрорайон|"
    rf"посёлке|поселке|селе|деревне|станице|хуторе|ауле|микрорайоне|городе|"
    rf"посёлка|поселка|села|деревни|станицы|хутора|аула|микрорайона|города)[ \t]+"
    rf"(?:{_CAP_RU})(?:[ \t]{_CAP_RU})?"
)
_DISTRICT_RU = re.compile(
    r"\b[А-ЯЁ][а-яё]+(?:ск|цк)(?:ий|ого|ому|им|ом|ая|ой|ую)\s+"
    r"(?:район\w*|р-н\w*|(?:административн|городск|муниципальн)\w+\s+(?:округ|район)\w*)"
)
_SETTLEMENT_EN = re.compile(
    rf"\b(?:town|village|city|hamlet|settlement|township|borough|suburb|county)\s+of\s+"
    rf"(?:{_CAP_EN})(?:\s+{_CAP_EN})?"
)
_RESIDENCE_EN = re.compile(
    r"\b(?:lives?|lived|living|resides?|resided|residing|residents?|natives?|moved|relocated|"
    r"came|comes|coming|hometown|born|raised|grew\s+up|farmer|villager|townsman|townswoman)"
    r"(?:\s+(?:in|of|to|at|from|near))?(?:\s+the)?\s+$"
)
_PREPOSITION_EN = re.compile(r"\b(?:in|from|near|at|to)\s+$")
_RESIDENCE_RU = word_set(
    "житель жительница уроженец уроженка проживать жить родом родиться переехать переселиться "
    "вернуться приехать прибыть эвакуировать направить"
)
_PREPOSITION_RU = word_set("в во из под около близ")

FEDERAL_SUBJECTS = word_set(
    "москва санкт-петербург петербург севастополь крым татарстан башкортостан башкирия чечня "
    "дагестан ингушетия якутия бурятия тыва тува хакасия алтай адыгея калмыкия карелия коми "
    "мордовия чувашия удмуртия марий мари кабардино-балкария карачаево-черкесия осетия "
    "чукотка камчатка приморье ямал югра сибирь урал кавказ поволжье европа азия африка "
    "америка австралия антарктида евразия скандинавия прибалтика закавказье"
    " moscow petersburg saint-petersburg sevastopol crimea tatarstan bashkortostan chechnya "
    "dagestan yakutia siberia europe asia africa america australia"
)
"""Federal subjects and larger regions (as a dictionary lemma or English name)."""

US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
    "New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|"
    "Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|"
    "West Virginia|Wisconsin|Wyoming|AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|"
    "MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_TOWN_STATE = re.compile(rf"\b{_CAP_EN}(?:\s+{_CAP_EN})?,\s+(?:{US_STATES})\b")


@cache
def _countries() -> frozenset[str]:
    """Names of countries and territories in Russian and English, casefolded (Babel)."""
    from babel import Locale

    names: set[str] = set()
    for code in ("ru", "en"):
        for name in Locale.parse(code).territories.values():
            names.add(name.casefold())
            names.update(w.casefold() for w in re.findall(r"[^\W\d_]+", name) if len(w) > 3)
    return frozenset(names)


def large_region(word: str) -> bool:
    """A country, a federal subject or a larger region, in any case form."""
    folded = word.casefold()
    candidates = {folded, lemma(word)} | word_info(word).lemmas
    large = FEDERAL_SUBJECTS | _countries()
    return bool(candidates & large) or any(c.replace("ё", "е") in large for c in candidates)


def find_places(text: str, words: list[Span] | None = None) -> list[Span]:
    """Every place smaller than a region that ``text`` names; ``words`` are its
    :func:`tokens` if known."""
    found: list[Span] = []
    for pattern in (_SETTLEMENT_RU, _DISTRICT_RU, _SETTLEMENT_EN, _TOWN_STATE):
        for match in pattern.finditer(text):
            name = re.findall(r"[^\W\d_][^\W\d_-]*(?:-[^\W\d_]+)*", match.group())[-1]
            if _after_year(text, match.start(), name):
                continue
            if not large_region(name) and not _in_institution(text, match.start()):
                found.append(Span(match.group(), match.start(), match.end()))
    words = tokens(text) if words is None else words
    for index, token in enumerate(words):
        if any(f.start <= token.start < f.end for f in found):
            continue
        if _place_in_context(text, words, index):
            found.append(Span(token.text, token.start, token.end))
    return sorted(found, key=lambda f: f.start)


def _after_year(text: str, start: int, name: str) -> bool:
    """``2013 г. Пациентка…``: ``г.`` after a number is a year unless a place follows."""
    before = text[max(0, start - 6) : start]
    if not re.search(r"\d\s?$", before):
        return False
    info = word_info(name)
    if re.search(r"(?<!\d)(?:1[89]|20)\d\d\s?$", before):
        return not info.geox  # «в 1907 г. Оберндорфер…»
    return info.common and not info.geox


def _in_institution(text: str, start: int) -> bool:
    """``им. Н.Н. Блохина`` and the like: the settlement word belongs to a name."""
    return bool(re.search(r"\bим\.\s*(?:[А-ЯЁ]\.\s?)*$", text[max(0, start - 12) : start]))


def _place_in_context(text: str, words: list[Span], index: int) -> bool:
    """A capitalised word after a residence word or a preposition that the gazetteer knows
    as a place smaller than a region."""
    token = words[index]
    if not token.capitalised or large_region(token.text):
        return False
    before = text[max(0, token.start - 40) : token.start]
    info = word_info(token.text)
    if token.latin:
        if _RESIDENCE_EN.search(before):
            return info.geox or not sentence_initial(text, token.start)
        return bool(_PREPOSITION_EN.search(before) and info.geox and not info.personal)
    if not info.geox:
        return False
    previous = [w.text.casefold() for w in words[max(0, index - 3) : index]]
    if any(lemma(w) in _RESIDENCE_RU for w in previous):
        return True
    return bool(previous) and previous[-1] in _PREPOSITION_RU and info.top_geox
