"""Tables of descriptive statistics declared under ``cohort.statistics``, in one language.

``layout: groups`` — one column per group (and the total), a row per variable: numeric ones as
``26 (12–38)`` with the statistics named in the first column, categories as rows of n (%).
``layout: statistics`` — one column per statistic, a row per numeric variable (and per group).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from casepub.clinical.record import ClinicalRecord
from casepub.load.loaded import LoadedCase
from casepub.model import Lang, text_in
from casepub.model.cohort import StatsTable, VariableKind
from casepub.render.floats import FloatSpec
from casepub.render.front import Texts
from casepub.render.tables import Table
from casepub.stats.data import CohortData, CohortTable, Column
from casepub.stats.printed import (
    categories,
    category_label,
    share_text,
    shares_of,
    statistic_text,
    summary_of,
    words,
)

INDENT = "\u00a0\u00a0\u00a0"
"""Before a category's label under its variable (pipe tables strip ordinary spaces)."""

SPELLED_OUT = 3
"""A ``layout: statistics`` table with more statistics than this heads its columns with their
short names (Me, Q1–Q3, SD), so that it fits a journal's column."""
DEFAULT_SECTIONS = ("results", "methods", "conclusion")
"""Where a statistics table goes when the text does not cite it."""

Group = tuple[str, list[int] | None]
"""A column of a grouped table: its heading and its rows (None: all)."""


def stats_table(declared: StatsTable, data: CohortData, lang: Lang) -> Table | None:
    """The table in ``lang``; None when its data table could not be read."""
    table = data.tables.get(declared.data)
    if table is None:
        return None
    columns = [table.columns[v] for v in declared.variables if v in table.columns]
    groups = _groups(declared, table, lang)
    if declared.layout == "statistics":
        return _by_statistic(declared, columns, groups, lang)
    return _by_group(declared, columns, groups, lang)


def variable_label(column: Column, lang: Lang) -> str:
    """``Возраст, лет`` / ``Age, years``."""
    label = text_in(column.variable.label, lang) or column.name
    unit = text_in(column.variable.unit, lang)
    return f"{label}, {unit}" if unit else label


def _groups(declared: StatsTable, table: CohortTable, lang: Lang) -> list[Group]:
    wording = words(lang)
    total: Group = (str(wording["total"]), None)
    if declared.by is None or declared.by not in table.columns:
        return [total]
    by = table.columns[declared.by]
    groups: list[Group] = []
    for category in categories(by):
        rows = [i for i, cell in enumerate(by.cells) if cell == category]
        groups.append((category_label(by, category, lang), rows))
    return [*groups, total] if declared.total else groups


def _heading(group: Group, table_rows: int, lang: Lang) -> str:
    name, rows = group
    size = table_rows if rows is None else len(rows)
    return str(words(lang)["group_n"]).format(group=name, n=size)


def _by_group(
    declared: StatsTable, columns: Sequence[Column], groups: list[Group], lang: Lang
) -> Table:
    table_rows = len(columns[0].cells) if columns else 0
    header = [str(words(lang)["characteristic"])]
    header += [_heading(g, table_rows, lang) for g in groups]
    rows: list[list[str]] = []
    for column in columns:
        if column.variable.kind is VariableKind.numeric:
            rows.append(_numeric_row(declared, column, groups, lang))
        elif column.variable.kind is VariableKind.boolean:
            rows.append(
                _share_row(declared, column, True, groups, lang, variable_label(column, lang))
            )
        else:
            rows.append([variable_label(column, lang)] + [""] * len(groups))
            rows += [
                _share_row(
                    declared, column, c, groups, lang, INDENT + category_label(column, c, lang)
                )
                for c in categories(column)
            ]
        rows += _missing_row(column, groups, lang)
    widths = [4] + [2] * len(groups)
    return Table(header, rows, widths)


def _numeric_row(
    declared: StatsTable, column: Column, groups: list[Group], lang: Lang
) -> list[str]:
    names = [n for n in declared.statistics if n != "missing"] or ["median"]
    short = words(lang)["short"]
    described = f"{short[names[0]]}" + (
        f" ({'; '.join(short[n] for n in names[1:])})" if names[1:] else ""
    )
    cells = []
    for _, rows in groups:
        summary = summary_of(column, rows)
        parts = [statistic_text(summary, n, column.decimals, lang) for n in names]
        cells.append(parts[0] + (f" ({'; '.join(parts[1:])})" if parts[1:] else ""))
    return [f"{variable_label(column, lang)}, {described}", *cells]


def _share_row(
    declared: StatsTable,
    column: Column,
    category: Hashable,
    groups: list[Group],
    lang: Lang,
    label: str,
) -> list[str]:
    digits = declared.percent_decimals
    return [
        label,
        *(
            share_text(shares_of(column, rows, digits)[category], digits, lang)
            for _, rows in groups
        ),
    ]


def _missing_row(column: Column, groups: list[Group], lang: Lang) -> list[list[str]]:
    """A row of missing counts, only when some value is missing (SAMPL: n of every summary)."""
    counts = [
        sum(
            1
            for i in (rows if rows is not None else range(len(column.cells)))
            if column.cells[i] is None
        )
        for _, rows in groups
    ]
    if not any(counts):
        return []
    return [[INDENT + str(words(lang)["missing"]), *(str(c) for c in counts)]]


def _by_statistic(
    declared: StatsTable, columns: Sequence[Column], groups: list[Group], lang: Lang
) -> Table:
    wording = words(lang)
    names = wording["short"] if len(declared.statistics) > SPELLED_OUT else wording
    header = [str(wording["characteristic"]), *(str(names[n]) for n in declared.statistics)]
    grouped = len(groups) > 1
    rows: list[list[str]] = []
    for column in columns:
        label = variable_label(column, lang)
        if grouped:
            rows.append([label] + [""] * len(declared.statistics))
        for group in groups:
            summary = summary_of(column, group[1])
            cells = [statistic_text(summary, n, column.decimals, lang) for n in declared.statistics]
            name = INDENT + _heading(group, len(column.cells), lang) if grouped else label
            rows.append([name, *cells])
    widths = [6] + [2] * len(declared.statistics)
    return Table(header, rows, widths)


def stats_float_specs(
    loaded: LoadedCase, texts: Texts, record: ClinicalRecord, langs: list[Lang]
) -> list[FloatSpec]:
    """The declared statistics tables as floats, in the body language (``langs[0]``)."""
    cohort = loaded.case.cohort
    if cohort is None or record.cohort is None:
        return []
    specs = []
    for index, declared in enumerate(cohort.statistics):
        table = stats_table(declared, record.cohort, langs[0])
        if table is None:
            continue
        path = ("cohort", "statistics", index, "caption")
        caption = {lang: texts.need(declared.caption, lang, path) for lang in langs}
        sections = (declared.section,) if declared.section else DEFAULT_SECTIONS
        specs.append(FloatSpec(f"tbl:{declared.id}", caption, sections, table=table))
    return specs
