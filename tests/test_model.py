"""Unit tests of the case model's own types: partial dates, ORCID, bilingual text."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from casepub.model import Localized, PartialDate, text_in, text_langs
from casepub.model.people import Author, orcid_checksum_ok


@pytest.mark.parametrize(
    ("raw", "iso", "precision"),
    [
        ("2016", "2016", "year"),
        (2016, "2016", "year"),
        ("2016-12", "2016-12", "month"),
        ("2016-12-08", "2016-12-08", "day"),
        (dt.date(2016, 12, 8), "2016-12-08", "day"),
    ],
)
def test_partial_date_parses_each_precision(raw: object, iso: str, precision: str) -> None:
    date = PartialDate.parse(raw)
    assert (date.iso(), date.precision) == (iso, precision)


@pytest.mark.parametrize("raw", ["2016-13", "2016-02-30", "spring 2016", "16-12-08", True, 2.5])
def test_partial_date_rejects_non_dates(raw: object) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(raw)


def test_partial_dates_order_by_first_day() -> None:
    dates = [PartialDate.parse(d) for d in ("2017-02", "2016", "2016-12-08")]
    assert [d.iso() for d in sorted(dates, key=PartialDate.first_day)] == [
        "2016",
        "2016-12-08",
        "2017-02",
    ]


@pytest.mark.parametrize(
    ("orcid", "valid"),
    [
        ("0000-0002-1825-0097", True),  # ORCID's own example
        ("0000-0002-6965-8236", True),
        ("0000-0002-9079-593X", True),  # check digit X
        ("0000-0002-1825-0098", False),
    ],
)
def test_orcid_check_digit(orcid: str, valid: bool) -> None:
    assert orcid_checksum_ok(orcid) is valid


def _author(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "a",
        "family": "Иванов",
        "given": "Иван Иванович",
        "affiliations": ["x"],
    }
    data.update(changes)
    return data


def test_orcid_url_form_is_normalised() -> None:
    author = Author.model_validate(_author(orcid="https://orcid.org/0000-0002-1825-0097"))
    assert author.orcid == "0000-0002-1825-0097"


def test_orcid_with_wrong_check_digit_is_refused() -> None:
    with pytest.raises(ValidationError, match="check digit"):
        Author.model_validate(_author(orcid="0000-0002-1825-0098"))


def test_unknown_keys_are_errors() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Author.model_validate(_author(orcdi="0000-0002-1825-0097"))


def test_text_resolves_per_language() -> None:
    both = Localized(ru="Текст", en="Text")
    assert (text_in(both, "ru"), text_in(both, "en")) == ("Текст", "Text")
    assert text_in("один", "en") == "один"
    assert text_langs(Localized(en="only")) == {"en"}
    with pytest.raises(ValidationError, match="at least one language"):
        Localized()
