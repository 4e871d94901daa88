"""Read the cohort's data tables against their codebook: every column described, every cell
of the kind its variable says, each problem at ``file:row:column`` (or at the codebook's key
in case.yaml). Columns whose names say they hold identifiers (name, date of birth, record
number…) are refused."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from casepub.clinical.imports import cell_date, cell_number, not_a_date, not_a_number, read_table
from casepub.diagnostics import CasepubError, FileSpot, did_you_mean
from casepub.files import not_a_file, path_problem
from casepub.load.loaded import LoadedCase, display_path
from casepub.load.yamlsource import KeyPath
from casepub.model import PartialDate
from casepub.model.cohort import DataTable, Variable, VariableKind
from casepub.model.common import written_decimals

Cell = float | str | bool | PartialDate | None
"""A parsed cell: a number, a category code or identifier, a boolean, a date; None = missing."""

BOOLEANS = {
    **dict.fromkeys(("yes", "y", "true", "1", "да", "д", "есть"), True),
    **dict.fromkeys(("no", "n", "false", "0", "нет", "н"), False),
}
"""Spellings of a boolean cell (compared case-insensitively)."""

IDENTIFYING_COLUMN = re.compile(
    r"(^|[\W_])(names?|surname|first_?name|last_?name|full_?name|patient_?name|фио|имя|"
    r"фамилия|отчество|birth|dob|born|рожд\w*|snils|снилс|inn|инн|polis|полис|oms|омс|"
    r"passport|паспорт|phone|tel|телефон|address|адрес|e-?mail|почта|mrn|"
    r"record_?(no|number|num)|история_?болезни|№_?истории|номер_?карты|карта)($|[\W_])",
    re.IGNORECASE,
)
"""Header names of columns that hold patient identifiers (domain-notes §5)."""


@dataclass(frozen=True)
class Column:
    """A variable with its parsed cells, in row order."""

    name: str
    variable: Variable
    cells: tuple[Cell, ...]
    written_decimals: int
    """The most decimals a numeric cell is written with (0 for other kinds)."""

    @property
    def decimals(self) -> int:
        """Decimals to print statistics with: the codebook's, else the data's."""
        given = self.variable.decimals
        return given if given is not None else self.written_decimals


@dataclass(frozen=True)
class CohortTable:
    """One data table: its codebook entry and its columns."""

    name: str
    spec: DataTable
    columns: dict[str, Column]
    rows: int


@dataclass
class CohortData:
    """Every data table of the cohort that could be read, by name."""

    tables: dict[str, CohortTable] = field(default_factory=dict)

    def variable(self, reference: str) -> tuple[CohortTable, Column]:
        """``patients.age`` → its table and column; ``LookupError`` saying what exists."""
        table_name, _, name = reference.partition(".")
        table = self.tables.get(table_name)
        if table is None:
            known = ", ".join(self.tables) or "none"
            hint = did_you_mean(table_name, self.tables)
            raise LookupError(
                f"no data table {table_name!r} (tables: {known})" + (f"; {hint}" if hint else "")
            )
        column = table.columns.get(name)
        if column is None:
            hint = did_you_mean(name, table.columns)
            raise LookupError(
                f"table {table_name!r} has no variable {name!r}"
                + (f"; {hint}" if hint else f" (variables: {', '.join(table.columns)})")
            )
        return table, column


def _file(loaded: LoadedCase, name: str, path: KeyPath) -> Path | None:
    """The data file ``name`` in the case folder, or None after reporting why not."""
    problem = path_problem(name)
    if problem is not None:
        loaded.report((*path, "file"), problem, "value")
        return None
    file = (loaded.folder / name).resolve()
    if not file.is_relative_to(loaded.folder):
        loaded.report((*path, "file"), f"`{name}` points outside the case folder", "path-outside")
        return None
    missing = not_a_file(file, name)
    if missing is not None:
        loaded.report((*path, "file"), missing, "file-missing")
        return None
    if file.suffix.lower() not in (".csv", ".xlsx"):
        loaded.report((*path, "file"), "data tables must be .csv or .xlsx", "import")
        return None
    return file


def _text(cell: object) -> str:
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()[:10]
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell if cell is not None else "").strip()


@dataclass
class _TableReader:
    loaded: LoadedCase
    name: str
    spec: DataTable
    display: str

    @property
    def path(self) -> KeyPath:
        return ("cohort", "tables", self.name)

    def spot(self, line: int, col: int, variable: str = "") -> FileSpot:
        where = f"cohort.tables.{self.name}" + (f".{variable}" if variable else "")
        return FileSpot(self.loaded.diagnostics, self.display, line, col, where)

    def read(self, grid: list[list[object]]) -> CohortTable | None:
        if not grid or all(_text(c) == "" for c in grid[0]):
            self.spot(1, 1).report("the file has no header row", "cohort-column")
            return None
        positions = self._header([_text(c) for c in grid[0]])
        body = [row for row in grid[1:] if any(_text(c) for c in row)]
        if not body:
            self.spot(1, 1).report("the file has a header but no rows", "cohort-value")
        columns = {
            name: self._column(name, index, grid)
            for name, index in positions.items()
            if name in self.spec.variables
        }
        return CohortTable(self.name, self.spec, columns, len(body))

    def _header(self, names: list[str]) -> dict[str, int]:
        positions: dict[str, int] = {}
        for index, name in enumerate(names):
            spot = self.spot(1, index + 1)
            if IDENTIFYING_COLUMN.search(name):
                spot.report(
                    f"column `{name}` looks like a patient identifier; casepub does not read "
                    "names, dates of birth, record or document numbers, contacts",
                    "deid-column",
                    "remove the column from the file (keep a pseudonymous key such as P01)",
                )
            elif name in positions:
                spot.report(f"column `{name}` appears twice", "cohort-column")
            elif name and name not in self.spec.variables:
                spot.report(
                    f"column `{name}` is not in the codebook",
                    "cohort-column",
                    did_you_mean(name, self.spec.variables)
                    or f"describe it under cohort.tables.{self.name}.variables, or remove it",
                )
            if name and name not in positions:
                positions[name] = index
        for variable in self.spec.variables:
            if variable not in positions:
                self.loaded.report(
                    (*self.path, "variables", variable),
                    f"`{self.spec.file}` has no column `{variable}`",
                    "cohort-column",
                    suggestion=did_you_mean(variable, [n for n in positions if n]),
                    key=True,
                )
        return positions

    def _column(self, name: str, index: int, grid: list[list[object]]) -> Column:
        variable = self.spec.variables[name]
        missing = {m.casefold() for m in [*self.spec.missing, *variable.missing]}
        cells: list[Cell] = []
        decimals = 0
        for line, row in enumerate(grid[1:], start=2):
            if not any(_text(c) for c in row):
                continue
            raw = row[index] if index < len(row) else None
            text = _text(raw)
            if text == "" or text.casefold() in missing:
                cells.append(None)
                continue
            cell = self._cell(variable, raw, text, self.spot(line, index + 1, name))
            cells.append(cell)
            if isinstance(cell, float):
                decimals = max(decimals, written_decimals(cell) or 0)
        return Column(name, variable, tuple(cells), decimals)

    def _cell(self, variable: Variable, raw: object, text: str, spot: FileSpot) -> Cell:
        kind = variable.kind
        if kind is VariableKind.numeric:
            return _numeric(variable, raw, text, spot)
        if kind in (VariableKind.categorical, VariableKind.ordinal):
            if text in variable.categories:
                return text
            codes = ", ".join(variable.categories)
            spot.report(
                f"{text!r} is not a category of `{spot.path.rsplit('.', 1)[-1]}` ({codes})",
                "cohort-value",
                did_you_mean(text, variable.categories)
                or "add it to the variable's `categories`, or to `missing`",
            )
            return None
        if kind is VariableKind.boolean:
            found = BOOLEANS.get(text.casefold())
            if found is None:
                spot.report(
                    f"{text!r} is not yes or no",
                    "cohort-value",
                    "write yes/no, да/нет, true/false or 1/0",
                )
            return found
        if kind is VariableKind.date:
            date = cell_date(raw)
            if date is None:
                spot.report(not_a_date(text), "cohort-value", "write 2016-02-09 or 09.02.2016")
            return date
        return text


def _numeric(variable: Variable, raw: object, text: str, spot: FileSpot) -> float | None:
    number: float | None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
    else:
        number = cell_number(text)
    if number is None:
        message, hint = not_a_number(text)
        spot.report(message, "cohort-value", hint)
        return None
    low, high = variable.low, variable.high
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"{'' if low is None else f'{low:g}'}…{'' if high is None else f'{high:g}'}"
        spot.report(
            f"{text} is outside the possible values {bounds}",
            "cohort-value",
            "correct the value, or the variable's `low`/`high`",
        )
    return number


def build_cohort(loaded: LoadedCase) -> CohortData | None:
    """The cohort's tables, read and checked; problems go to ``loaded.diagnostics``."""
    cohort = loaded.case.cohort
    if cohort is None:
        return None
    data = CohortData()
    for name, spec in cohort.tables.items():
        file = _file(loaded, spec.file, ("cohort", "tables", name))
        if file is None:
            continue
        display = display_path(file)
        try:
            grid = read_table(file, spec.sheet, display)
        except CasepubError as exc:
            loaded.diagnostics.extend(exc.diagnostics)
            continue
        table = _TableReader(loaded, name, spec, display).read(grid)
        if table is not None:
            data.tables[name] = table
    return data


SUMMARISED = (VariableKind.numeric, VariableKind.categorical, VariableKind.ordinal)
GROUPING = (VariableKind.categorical, VariableKind.ordinal, VariableKind.boolean)


def check_declarations(loaded: LoadedCase, data: CohortData) -> None:
    """Each statistics table names a data table, its variables and a grouping variable that
    exist and can be summarised so; each problem at its key in case.yaml."""
    cohort = loaded.case.cohort
    if cohort is None:
        return
    seen: set[str] = {f.id for f in loaded.case.figures}
    for index, declared in enumerate(cohort.statistics):
        path: KeyPath = ("cohort", "statistics", index)
        if declared.id in seen:
            loaded.report(
                (*path, "id"), f"two tables or figures are `{declared.id}`", "duplicate-id"
            )
        seen.add(declared.id)
        spec = cohort.tables.get(declared.data)
        if spec is None:
            loaded.report(
                (*path, "data"),
                f"no data table `{declared.data}` under cohort.tables",
                "unknown-ref",
                suggestion=did_you_mean(declared.data, cohort.tables),
            )
            continue
        for j, name in enumerate(declared.variables):
            _check_summarised(loaded, (*path, "variables", j), spec, name, declared.layout)
        if declared.by is not None:
            _check_grouping(loaded, (*path, "by"), spec, declared.by)


def _variable(loaded: LoadedCase, path: KeyPath, spec: DataTable, name: str) -> Variable | None:
    variable = spec.variables.get(name)
    if variable is None:
        loaded.report(
            path,
            f"the data table has no variable `{name}`",
            "unknown-ref",
            suggestion=did_you_mean(name, spec.variables),
        )
    return variable


def _check_summarised(
    loaded: LoadedCase, path: KeyPath, spec: DataTable, name: str, layout: str
) -> None:
    variable = _variable(loaded, path, spec, name)
    if variable is None:
        return
    if variable.kind not in (*SUMMARISED, VariableKind.boolean):
        loaded.report(
            path,
            f"`{name}` is a {variable.kind.value} variable: only numeric, categorical, ordinal "
            "and boolean variables are summarised",
            "stats-variable",
        )
    elif layout == "statistics" and variable.kind is not VariableKind.numeric:
        loaded.report(
            path,
            f"`{name}` is {variable.kind.value}: a table with `layout: statistics` has numeric "
            "variables only",
            "stats-variable",
            suggestion="count it in a table with `layout: groups`",
        )


def _check_grouping(loaded: LoadedCase, path: KeyPath, spec: DataTable, name: str) -> None:
    variable = _variable(loaded, path, spec, name)
    if variable is not None and variable.kind not in GROUPING:
        loaded.report(
            path,
            f"`{name}` is {variable.kind.value}: group by a categorical, ordinal or boolean "
            "variable",
            "stats-variable",
        )
