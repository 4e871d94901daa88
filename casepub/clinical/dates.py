"""Resolve dates given as offsets from anchors; calendar arithmetic in whole months and days."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

from casepub.model import Offset, PartialDate


class UnknownAnchor(ValueError):
    """An offset names an anchor the case does not define."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"no anchor `{name}`")
        self.name = name
        self.known = known


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus calendar months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    day = min(date.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def resolve(value: PartialDate | Offset, anchors: Mapping[str, PartialDate]) -> PartialDate:
    """A calendar date for ``value``; an offset keeps its anchor's precision."""
    if isinstance(value, PartialDate):
        return value
    if value.anchor not in anchors:
        raise UnknownAnchor(value.anchor, sorted(anchors))
    anchor = anchors[value.anchor]
    if value.months is None and anchor.precision != "day":
        raise ValueError(
            f"anchor `{value.anchor}` is known only to the {anchor.precision}; "
            "count in `months:` from it, or give it a full date"
        )
    try:
        return _moved(anchor, value)
    except (OverflowError, ValueError):
        raise ValueError(
            f"{_offset_text(value)} from `{value.anchor}` falls outside the years 1–9999"
        ) from None


def _offset_text(value: Offset) -> str:
    return f"{value.months} months" if value.months is not None else f"{value.days or 0} days"


def _moved(anchor: PartialDate, value: Offset) -> PartialDate:
    """``anchor`` moved by ``value``'s months or days."""
    if value.months is not None:
        moved = add_months(anchor.first_day(), value.months)
        return PartialDate(
            moved.year, moved.month if anchor.month else None, moved.day if anchor.day else None
        )
    moved = anchor.first_day() + dt.timedelta(days=value.days or 0)
    return PartialDate(moved.year, moved.month, moved.day)


def whole_months(start: PartialDate, end: PartialDate) -> int:
    """Completed calendar months from ``start`` to ``end`` (``2016-02-09`` → ``2025-04`` = 110)."""
    a, b = start.first_day(), end.first_day()
    months = (b.year - a.year) * 12 + b.month - a.month
    if end.day is not None and start.day is not None and b.day < a.day:
        months -= 1
    return months


def days_between(start: PartialDate, end: PartialDate) -> int:
    """Days from ``start`` to ``end`` (each taken at its first possible day)."""
    return (end.first_day() - start.first_day()).days


def whole_years(start: PartialDate, end: PartialDate) -> int:
    """Completed years from ``start`` to ``end``."""
    return whole_months(start, end) // 12
