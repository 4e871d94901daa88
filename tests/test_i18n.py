"""Numbers, dates and names formatted per language."""

from __future__ import annotations

import pytest

from casepub.i18n import format_date, format_number, initials, initials_of
from casepub.model import Localized, PartialDate


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (263.9, "ru", "263,9"),
        (263.9, "en", "263.9"),
        (85133, "ru", "85\u00a0133"),
        (85133, "en", "85,133"),
    ],
)
def test_numbers_use_the_language_decimal_mark(value: float, lang: str, expected: str) -> None:
    assert format_number(value, lang) == expected  # type: ignore[arg-type]


def test_fixed_decimals() -> None:
    assert format_number(1189.1, "ru", decimals=2) == "1189,10"
    assert format_number(12345.6, "ru", decimals=1) == "12\u00a0345,6"


def test_russian_groups_digits_only_from_five_digits() -> None:
    assert format_number(1189.1, "ru") == "1189,1"
    assert format_number(1189.1, "en") == "1,189.1"


@pytest.mark.parametrize(
    ("iso", "lang", "expected"),
    [
        ("2016-12-08", "ru", "08.12.2016"),
        ("2016-02-11", "en", "11 February 2016"),
        ("2016-12", "ru", "12.2016"),
        ("2016-12", "en", "December 2016"),
        ("2013", "en", "2013"),
    ],
)
def test_dates_per_language(iso: str, lang: str, expected: str) -> None:
    assert format_date(PartialDate.parse(iso), lang) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Николай Александрович", "Н.А."),
        ("Nikolay A.", "N.A."),
        ("Анна-Мария", "А.-М."),
        ("B. I.", "B.I."),
    ],
)
def test_initials(given: str, expected: str) -> None:
    assert initials(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Ольга Юрьевна", "О.Ю."),
        (Localized(ru="Николай Александрович", en="Nikolay A."), Localized(ru="Н.А.", en="N.A.")),
        (Localized(ru="Жанна Юрьевна"), Localized(ru="Ж.Ю.")),
    ],
)
def test_initials_in_each_language(given: str | Localized, expected: str | Localized) -> None:
    assert initials_of(given) == expected
