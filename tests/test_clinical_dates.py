"""Offsets from anchors and calendar arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from casepub.clinical.dates import (
    UnknownAnchor,
    add_months,
    days_between,
    resolve,
    whole_months,
)
from casepub.model import Offset, PartialDate

ANCHORS = {
    "start": PartialDate(2016, 2, 9),
    "year": PartialDate(2016),
    "month": PartialDate(2016, 1),
}


def test_days_after_an_anchor() -> None:
    assert resolve(Offset(anchor="start", days=30), ANCHORS) == PartialDate(2016, 3, 10)
    assert resolve(Offset(anchor="start", days=-9), ANCHORS) == PartialDate(2016, 1, 31)


def test_months_keep_the_anchor_precision() -> None:
    assert resolve(Offset(anchor="start", months=110), ANCHORS) == PartialDate(2025, 4, 9)
    assert resolve(Offset(anchor="month", months=13), ANCHORS) == PartialDate(2017, 2)


def test_days_need_a_day_precise_anchor() -> None:
    with pytest.raises(ValueError, match="known only to the year"):
        resolve(Offset(anchor="year", days=3), ANCHORS)


def test_unknown_anchor_names_the_known_ones() -> None:
    with pytest.raises(UnknownAnchor) as error:
        resolve(Offset(anchor="strat", days=1), ANCHORS)
    assert error.value.known == ["month", "start", "year"]


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert add_months(dt.date(2016, 1, 31), 1) == dt.date(2016, 2, 29)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2016-02-09", "2025-04", 110),
        ("2016-02-09", "2025-04-08", 109),
        ("2016-02-09", "2025-04-09", 110),
        ("2016", "2017", 12),
    ],
)
def test_whole_months(start: str, end: str, months: int) -> None:
    assert whole_months(PartialDate.parse(start), PartialDate.parse(end)) == months


def test_days_between() -> None:
    assert days_between(PartialDate(2018, 4, 11), PartialDate(2018, 5, 31)) == 50
