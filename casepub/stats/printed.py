"""Statistics as printed, in one language: the same strings for the tables and for
``{{ stat(…) }}`` / ``{{ freq(…) }}`` in the text, so that the two cannot disagree."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from casepub.i18n import format_number
from casepub.model import Lang, text_in
from casepub.model.cohort import VariableKind
from casepub.resources import labels
from casepub.stats.data import BOOLEANS, CohortTable, Column
from casepub.stats.descriptive import STATISTICS, Share, Summary, rounded, shares, summarise

PAIRS = {"iqr": ("q1", "q3"), "range": ("min", "max"), "mean_sd": ("mean", "sd")}
"""Statistics printed as two numbers."""
MORE_PRECISE = ("mean", "sd")
"""Printed with one decimal more than the variable's data."""
UNDEFINED = "—"
"""What an undefined statistic (the SD of one value, anything of none) prints as."""


def words(lang: Lang) -> dict[str, Any]:
    """The wording of the statistics tables in ``lang``."""
    found: dict[str, Any] = labels()[lang]["stats"]
    return found


def percent_sign(lang: Lang) -> str:
    """Russian sets "%" apart ("75,7 %"); English does not ("75.7%")."""
    return "\u00a0%" if lang == "ru" else "%"


def number(value: float | None, decimals: int, lang: Lang) -> str:
    """``value`` rounded half away from zero to ``decimals``, in the language's notation."""
    if value is None:
        return UNDEFINED
    return format_number(float(rounded(value, decimals)), lang, decimals=decimals)


def _single(summary: Summary, statistic: str, decimals: int, lang: Lang) -> str:
    if statistic in ("n", "missing"):
        return str(getattr(summary, statistic))
    extra = 1 if statistic in MORE_PRECISE else 0
    return number(getattr(summary, statistic), decimals + extra, lang)


def statistic_text(summary: Summary, statistic: str, decimals: int, lang: Lang) -> str:
    """One statistic of a numeric summary: ``26``, ``12–38`` (iqr, range), ``54,2 ± 11,3``."""
    if statistic not in (*STATISTICS, "mean_sd"):
        raise ValueError(f"no statistic {statistic!r}; choose {', '.join(statistic_names())}")
    pair = PAIRS.get(statistic)
    if pair is None:
        return _single(summary, statistic, decimals, lang)
    first, second = (_single(summary, part, decimals, lang) for part in pair)
    if UNDEFINED in (first, second) and statistic != "mean_sd":
        return UNDEFINED
    joint = " ± " if statistic == "mean_sd" else "–"
    return f"{first}{joint}{second}"


def statistic_names() -> list[str]:
    """Every statistic a numeric variable has."""
    return [*STATISTICS, "mean_sd"]


def summary_of(column: Column, rows: Sequence[int] | None = None) -> Summary:
    """The numeric summary of ``column`` over ``rows`` (all rows when None)."""
    cells = column.cells if rows is None else [column.cells[i] for i in rows]
    return summarise([c if isinstance(c, float) else None for c in cells])


def categories(column: Column) -> list[Hashable]:
    """The categories of a categorical, ordinal or boolean column, in the codebook's order
    (yes before no)."""
    if column.variable.kind is VariableKind.boolean:
        return [True, False]
    return list(column.variable.categories)


def category_label(column: Column, category: Hashable, lang: Lang) -> str:
    """A category's label in ``lang``."""
    if isinstance(category, bool):
        return str(words(lang)["yes" if category else "no"])
    label = column.variable.categories.get(str(category))
    return text_in(label, lang) or str(category)


def shares_of(
    column: Column, rows: Sequence[int] | None = None, decimals: int = 1
) -> dict[Hashable, Share]:
    """Counts and percentages of the column's categories over ``rows``, adding up to 100."""
    cells = column.cells if rows is None else [column.cells[i] for i in rows]
    return shares(cells, categories(column), decimals)


def share_text(share: Share, decimals: int, lang: Lang) -> str:
    """``78 (75,7 %)`` / ``78 (75.7%)``."""
    percent = format_number(float(share.rounded), lang, decimals=decimals)
    return f"{share.count} ({percent}{percent_sign(lang)})"


def rows_where(table: CohortTable, condition: str | None) -> list[int] | None:
    """Indices of the rows where ``variable=code`` holds (all rows for None); ``LookupError``
    or ``ValueError`` saying why the condition names nothing."""
    if condition is None:
        return None
    name, equals, code = (part.strip() for part in condition.partition("="))
    if not equals:
        raise ValueError(f"write the condition as `variable=code`, not {condition!r}")
    column = table.columns.get(name)
    if column is None:
        raise LookupError(f"table {table.name!r} has no variable {name!r}")
    wanted = category_code(column, code)
    return [i for i, cell in enumerate(column.cells) if cell == wanted]


def category_code(column: Column, code: str) -> Hashable:
    """The category ``code`` names in ``column`` (``yes``/``да``/``true`` for a boolean)."""
    kind = column.variable.kind
    if kind is VariableKind.boolean:
        found = BOOLEANS.get(code.casefold())
        if found is None:
            raise ValueError(f"{code!r} is not yes or no")
        return found
    if kind not in (VariableKind.categorical, VariableKind.ordinal):
        raise ValueError(f"`{column.name}` is {kind.value}: it has no categories")
    if code not in column.variable.categories:
        known = ", ".join(column.variable.categories)
        raise LookupError(f"`{column.name}` has no category {code!r} (categories: {known})")
    return code
