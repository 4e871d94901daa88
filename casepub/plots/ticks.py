"""Axis ticks: numeric dates ("2017", "04.2017", "11.04.2018"), months from day 0 ("−6", "0",
"12") and plain numbers.

Dates are plotted as proleptic ordinals (``date.toordinal()``); the ticks are placed here, not by
``matplotlib.dates``, so labels read the same in Russian and English and do not depend on the
locale. Formatters are small classes (not lambdas) so that figures can be copied by pickling.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable

from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, Formatter, LogLocator, NullFormatter

from casepub.plots.data import CALENDAR, DateScale
from casepub.plots.style import Decimal, format_number

MONTH_DAYS = 365.2425 / 12
"""Mean days per month: a tick at ``n`` calendar months from day 0 rounds back to ``n``."""


def day(when: dt.date) -> float:
    """The x coordinate of a date."""
    return float(when.toordinal())


class DateFormatter(Formatter):
    """Tick label of an ordinal date with a ``strftime`` pattern of numbers only."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __call__(self, x: float, pos: int | None = None) -> str:
        return dt.date.fromordinal(round(x)).strftime(self.pattern)


class MonthOffsetFormatter(Formatter):
    """Tick label of an ordinal date as whole months from day 0 (an ordinal): "−6", "0", "12"."""

    def __init__(self, day0: float) -> None:
        self.day0 = day0

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(round((x - self.day0) / MONTH_DAYS))


class NumberFormatter(Formatter):
    """Plain tick numbers (no offset, no scientific notation) with the given decimal mark."""

    def __init__(self, decimal: Decimal) -> None:
        self.decimal: Decimal = decimal

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(x, self.decimal)


def _month_starts(lo: float, hi: float, every: int) -> list[float]:
    first = dt.date.fromordinal(math.ceil(lo))
    index = first.year * 12 + first.month - 1 + (1 if first.day > 1 else 0)
    ticks: list[float] = []
    while True:
        year, month = divmod(index, 12)
        tick = day(dt.date(year, month + 1, 1))
        if tick > hi:
            return ticks
        if month % every == 0:
            ticks.append(tick)
        index += 1


def _year_starts(lo: float, hi: float, every: int) -> list[float]:
    years = range(
        dt.date.fromordinal(math.ceil(lo)).year, dt.date.fromordinal(math.floor(hi)).year + 1
    )
    starts = [(y, day(dt.date(y, 1, 1))) for y in years if y % every == 0]
    return [tick for _, tick in starts if lo <= tick <= hi]


def add_months(when: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (earlier if negative), or the month's last
    day when it is shorter."""
    year, month = divmod(when.year * 12 + when.month - 1 + months, 12)
    return dt.date(year, month + 1, min(when.day, calendar.monthrange(year, month + 1)[1]))


def month_offset_ticks(
    lo: float, hi: float, axis_cm: float, day0: dt.date
) -> tuple[list[float], list[float]]:
    """Major and minor ticks of an axis of months from ``day0``: every 1, 2, 3, 6, 12, 24 or 60
    months counted from day 0 (so 0 is a tick when in range); minor ticks every month, every
    quarter over 7 years, every year over 15."""
    first = math.floor((lo - day(day0)) / MONTH_DAYS) - 1
    last = math.ceil((hi - day(day0)) / MONTH_DAYS) + 1
    months = [(n, day(add_months(day0, n))) for n in range(first, last + 1)]
    months = [(n, tick) for n, tick in months if lo <= tick <= hi]
    fit = max(2, int(axis_cm / 1.0))
    every = next((k for k in (1, 2, 3, 6, 12, 24, 60) if len(months) / k <= fit), 120)
    minor_every = 1 if len(months) <= 7 * 12 else 3 if len(months) <= 15 * 12 else 12
    major = [tick for n, tick in months if n % every == 0]
    minor = [tick for n, tick in months if n % minor_every == 0] if every > 1 else []
    return major, minor


def date_ticks(
    lo: float, hi: float, axis_cm: float, *, months_only: bool = False
) -> tuple[list[float], list[float], str]:
    """Major ticks, minor ticks and label pattern for a date axis ``axis_cm`` long.

    Years when at least three year starts are in range (minor ticks: months when the span is
    short, quarters when longer); otherwise months ("04.2017", every 1, 3, 6 or 12 months, minor
    ticks monthly); within about two months, days, unless ``months_only`` (then month starts,
    or the first day of the range labelled with its month).
    """
    fit_years = max(2, int(axis_cm / 1.2))
    fit_months = max(2, int(axis_cm / 1.45))
    years = _year_starts(lo, hi, 1)
    minor: list[float] = []
    if len(years) >= 3:
        every = next((n for n in (1, 2, 5, 10, 20, 50) if len(years) / n <= fit_years), 100)
        major = _year_starts(lo, hi, every)
        if every > 1:
            minor = years
        elif hi - lo < 7 * 365:
            minor = _month_starts(lo, hi, 1)
        elif hi - lo < 15 * 365:
            minor = _month_starts(lo, hi, 3)
        return major, minor, "%Y"
    if hi - lo > 75:
        months = _month_starts(lo, hi, 1)
        every = next((n for n in (1, 3, 6) if len(months) / n <= fit_months), 12)
        major = _month_starts(lo, hi, every)
        if len(major) < 2:
            major = _month_starts(lo, hi, 6)
        return major, months, "%m.%Y"
    if months_only:
        return _month_starts(lo, hi, 1) or [float(math.ceil(lo))], [], "%m.%Y"
    fit_days = max(2, int(axis_cm / 2.0))  # "17.02.2023" is 1.6 cm wide at 8 pt
    days = [float(d) for d in range(math.ceil(lo), math.floor(hi) + 1)]
    step = next((n for n in (1, 2, 7, 14) if len(days) / n <= fit_days), 28)
    return days[::step], days if step > 1 else [], "%d.%m.%Y"


def date_axis(
    axes: Axes, lo: float, hi: float, axis_cm: float, scale: DateScale = CALENDAR
) -> None:
    """Set x limits and numeric date ticks (see :func:`date_ticks`), or with a ``relative``
    scale ticks in months from day 0 (see :func:`month_offset_ticks`)."""
    axes.set_xlim(lo, hi)
    formatter: Formatter
    if scale.policy == "relative":
        day0 = scale.day0 or dt.date.fromordinal(math.ceil(lo))
        major, minor = month_offset_ticks(lo, hi, axis_cm, day0)
        formatter = MonthOffsetFormatter(day(day0))
    else:
        major, minor, pattern = date_ticks(lo, hi, axis_cm, months_only=scale.policy == "month")
        formatter = DateFormatter(pattern)
    axes.xaxis.set_major_locator(FixedLocator(major))
    axes.xaxis.set_minor_locator(FixedLocator([t for t in minor if t not in major]))
    axes.xaxis.set_major_formatter(formatter)
    axes.xaxis.set_minor_formatter(NullFormatter())


def number_axis(axes: Axes, decimal: Decimal) -> None:
    """Plain numbers on a linear y axis."""
    axes.yaxis.set_major_formatter(NumberFormatter(decimal))


def log_axis(axes: Axes, low: float, high: float, decimal: Decimal) -> None:
    """A log y axis around ``low``..``high`` with plain-number ticks (1, 2, 5 × 10ⁿ)."""
    bottom, top = low / 1.5, high * 1.5
    axes.set_yscale("log")
    axes.set_ylim(bottom, top)
    decades = math.log10(top / bottom)
    subs: tuple[float, ...] = (1.0, 2.0, 5.0) if decades <= 3.2 else (1.0,)
    if decades < 1.0:
        subs = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
    axes.yaxis.set_major_locator(LogLocator(base=10.0, subs=subs, numticks=30))
    axes.yaxis.set_minor_locator(
        LogLocator(base=10.0, subs=[s for s in range(2, 10) if s not in subs], numticks=30)
    )
    axes.yaxis.set_major_formatter(NumberFormatter(decimal))
    axes.yaxis.set_minor_formatter(NullFormatter())


def positive(values: Iterable[float], what: str) -> list[float]:
    """The values, or ValueError if one cannot be drawn on a log axis."""
    values = list(values)
    bad = [v for v in values if not v > 0]
    if bad:
        raise ValueError(f"{what}: a log axis needs values > 0, got {bad[0]}")
    return values
