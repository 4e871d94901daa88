"""English first names and the capitalised English words that are never a name.

First names come from Faker's person providers (``en_US``, ``en_GB``: the common first names
of the US census and the UK), loaded once per process when an English run of capitalised
words needs them. A word that is also an ordinary English word (``Grace``, ``May``, ``Will``,
``Mark``) counts as a first name only when more capitalised words follow it.
"""

from __future__ import annotations

from functools import cache

from casepub.checks.deid_morph import word_set

MONTHS = word_set(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
STOP_WORDS = MONTHS | word_set(
    "the a an her his she he it its they their them we our us you i this that these those there "
    "then when while after before during in on at of for with from by to and or but if as no "
    "not yes one two three all both each every any some several on off over under between "
    "since until upon into onto within without monday tuesday wednesday thursday friday "
    "saturday sunday figure figures fig table tables case cases day days week weeks month "
    "months year years patient patients total however although because also further thus "
    "here where which who whom whose what how why mrs mr ms dr prof st"
)


@cache
def first_names() -> frozenset[str]:
    """Casefolded English first names (Faker ``en_US`` and ``en_GB``)."""
    from faker.providers.person.en_GB import Provider as British
    from faker.providers.person.en_US import Provider as American

    names: set[str] = set()
    for provider in (American, British):
        for attribute in ("first_names", "first_names_female", "first_names_male"):
            names.update(name.casefold() for name in getattr(provider, attribute, ()))
    return frozenset(names - STOP_WORDS)


def is_first_name(word: str) -> bool:
    """``word`` is a common English first name (``John``, ``Linda``, ``Emily``)."""
    return word.casefold() in first_names()
