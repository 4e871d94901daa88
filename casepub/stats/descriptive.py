"""Descriptive statistics of one variable, with the standard library's ``statistics``.

Definitions (docs/statistics.md):

- ``n`` counts the non-missing values, ``missing`` the missing ones;
- quartiles are ``statistics.quantiles(values, n=4, method="inclusive")``: the sample's
  ``(n - 1)·p``-th order statistic, interpolated linearly (Excel's ``QUARTILE.INC``, R's
  ``type = 7``); the median is the second quartile, which equals ``statistics.median``;
- the SD is the sample standard deviation (divisor ``n - 1``); undefined for fewer than two;
- a percentage is of the non-missing values; the categories of one variable are rounded by
  the largest-remainder method so that they add up to exactly 100.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

STATISTICS = ("n", "missing", "median", "q1", "q3", "iqr", "min", "max", "range", "mean", "sd")
"""The statistics of a numeric variable a table or ``{{ stat(…) }}`` can ask for; ``iqr`` and
``range`` print as two numbers (``12–38``), ``mean_sd`` as ``54.2 ± 11.3``."""


@dataclass(frozen=True)
class Summary:
    """The summary of a numeric variable; every statistic is None when it is undefined."""

    n: int
    missing: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    sd: float | None = None


def summarise(values: Sequence[float | None]) -> Summary:
    """n, missing, quartiles, extremes, mean and sample SD of ``values`` (None = missing)."""
    present = sorted(v for v in values if v is not None)
    missing = len(values) - len(present)
    if not present:
        return Summary(0, missing)
    if len(present) == 1:
        only = present[0]  # statistics.quantiles needs two values before Python 3.13
        return Summary(1, missing, only, only, only, only, only, only, None)
    q1, median, q3 = statistics.quantiles(present, n=4, method="inclusive")
    return Summary(
        n=len(present),
        missing=missing,
        median=median,
        q1=q1,
        q3=q3,
        min=present[0],
        max=present[-1],
        mean=statistics.fmean(present),
        sd=statistics.stdev(present),
    )


@dataclass(frozen=True)
class Share:
    """One category: its count, its exact percentage and the percentage as printed."""

    count: int
    exact: Fraction
    rounded: Decimal


def shares(
    values: Sequence[Hashable | None], categories: Sequence[Hashable], decimals: int = 1
) -> dict[Hashable, Share]:
    """Count and percentage of each of ``categories`` among the non-missing ``values``.

    Percentages are rounded to ``decimals`` by the largest-remainder method: each is cut
    down to ``decimals``, and the units still missing to 100 go to the largest remainders
    (a tie to the larger count, then to the earlier category). With no value, every
    percentage is 0 and :func:`Share.count` 0.
    """
    present = [v for v in values if v is not None]
    counts = {c: sum(1 for v in present if v == c) for c in categories}
    total = len(present)
    scale = 10**decimals
    exact = {c: Fraction(100 * counts[c], total) if total else Fraction(0) for c in categories}
    units = {c: int(exact[c] * scale) for c in categories}  # floor: exact is never negative
    if total and sum(counts.values()) == total:
        short = 100 * scale - sum(units.values())
        order = sorted(
            categories,
            key=lambda c: (-(exact[c] * scale - units[c]), -counts[c], categories.index(c)),
        )
        for category in order[:short]:
            units[category] += 1
    return {c: Share(counts[c], exact[c], Decimal(units[c]) / scale) for c in categories}


def rounded(value: float, decimals: int) -> Decimal:
    """``value`` rounded half away from zero to ``decimals`` (2.5 → 3, −2.5 → −3): the rule
    a reader checks by hand, not the half-to-even of ``round``."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
