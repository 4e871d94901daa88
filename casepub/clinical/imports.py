"""Read lab results and lesion measurements exported by hospital systems (CSV or XLSX).

One row per result. Header names may be Russian or English, in any order and case; the
delimiter of a CSV file (``,`` ``;`` or tab) is detected. Decimal commas are accepted.
Every problem is reported at ``file:row:column``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from casepub.diagnostics import CasepubError, DiagnosticList, FileSpot, did_you_mean
from casepub.files import read_bytes, read_text
from casepub.limits import MAX_DATA_BYTES, MAX_XLSX_UNPACKED_BYTES, limit_text, size_text
from casepub.load.loaded import display_path
from casepub.model import PartialDate
from casepub.model.common import Written

Kind = Literal["lab", "lesion"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "дата", "дата взятия", "дата исследования"),
    "analyte": ("analyte", "test", "показатель", "анализ", "тест", "параметр"),
    "value": ("value", "result", "значение", "результат"),
    "unit": ("unit", "units", "единицы", "ед. изм.", "единица измерения", "ед.изм."),
    "low": ("low", "lower", "ref low", "нижняя", "нижняя граница", "норма от"),
    "high": ("high", "upper", "ref high", "верхняя", "верхняя граница", "норма до"),
    "lesion": ("lesion", "id", "очаг"),
    "mm": ("mm", "size", "size mm", "мм", "размер", "размер, мм"),
    "organ": ("organ", "орган"),
    "site": ("site", "локализация"),
}
REQUIRED: dict[Kind, tuple[str, ...]] = {
    "lab": ("date", "analyte", "value", "unit"),
    "lesion": ("lesion", "date", "mm", "organ"),
}


@dataclass(frozen=True)
class Row:
    """One row: its cells as text, keyed by column role, and where each cell is."""

    cells: dict[str, str]
    spots: dict[str, FileSpot]
    date: PartialDate
    number: float | None
    """``value`` (lab) or ``mm`` (lesion) as a number; None for an empty lesion size."""
    low: float | None = None
    high: float | None = None

    def spot(self, role: str) -> FileSpot:
        """The cell of ``role`` (falls back to the row's first cell)."""
        return self.spots.get(role) or next(iter(self.spots.values()))

    @property
    def analyte(self) -> str:
        """The analyte cell."""
        return self.cells.get("analyte", "")

    @property
    def unit(self) -> str:
        """The unit cell."""
        return self.cells.get("unit", "")

    @property
    def value(self) -> float:
        """The value (labs always have one)."""
        return self.number or 0.0


@dataclass
class _Reader:
    file: Path
    kind: Kind
    problems: DiagnosticList

    @property
    def display(self) -> str:
        return display_path(self.file)

    def spot(self, line: int | None, col: int | None, role: str = "") -> FileSpot:
        return FileSpot(self.problems, self.display, line, col, role)

    def rows(self, table: list[list[object]]) -> list[Row]:
        if not table:
            self.spot(1, 1).report("the file has no rows", "import")
            return []
        roles = self._header([str(c or "").strip() for c in table[0]])
        if roles is None:
            return []
        rows = []
        for number, cells in enumerate(table[1:], start=2):
            if all(str(c or "").strip() == "" for c in cells):
                continue
            row = self._row(number, roles, cells)
            if row is not None:
                rows.append(row)
        if len(table) == 1:
            self.spot(1, 1).report("the file has a header but no results", "import")
        return rows

    def _header(self, header: list[str]) -> dict[str, int] | None:
        if _date(header[0] if header else "") is not None:
            self.spot(1, 1).report(
                f"the first row is data ({header[0]!r}…), not the header",
                "import",
                "add a header row: "
                + ";".join(COLUMNS[r][0] for r in REQUIRED[self.kind])
                + " (Russian names work too)",
            )
            return None
        if len(header) == 1 and (glued := _glued_header(header[0])):
            self.spot(1, 1).report(
                f"the header is one column, {header[0]!r}: its columns are separated by `{glued}`",
                "import",
                "separate the columns with `;`, `,` or a tab",
            )
            return None
        roles: dict[str, int] = {}
        for index, name in enumerate(header):
            for role, names in COLUMNS.items():
                if name.lower().strip(" :") in names and role not in roles:
                    roles[role] = index
        missing = [r for r in REQUIRED[self.kind] if r not in roles]
        if missing:
            self.spot(1, 1).report(
                f"the header lacks the column(s) {', '.join(missing)}",
                "import",
                "name the columns "
                + ", ".join(COLUMNS[r][0] for r in REQUIRED[self.kind])
                + " (Russian names work too)",
            )
            return None
        return roles

    def _row(self, line: int, roles: dict[str, int], cells: list[object]) -> Row | None:
        text = {role: _cell_text(cells[i]) if i < len(cells) else "" for role, i in roles.items()}
        spots = {role: self.spot(line, i + 1, role) for role, i in roles.items()}
        date = _date(cells[roles["date"]] if roles["date"] < len(cells) else None)
        if date is None:
            spots["date"].report(
                f"{text['date']!r} is not a date{_calendar_reason(text['date'])}",
                "value",
                "write 2016-02-09 or 09.02.2016",
            )
            return None
        role = "value" if self.kind == "lab" else "mm"
        number = _number(text[role])
        if number is None and (self.kind == "lab" or text[role] != ""):
            if _infinite(text[role]):
                spots[role].report(f"{text[role]!r} is not a finite number", "value")
            else:
                message = f"{text[role]!r} is not a number"
                spots[role].report(message, "value", _number_hint(text[role]))
            return None
        limits = {r: _number(text[r]) if text.get(r) else None for r in ("low", "high")}
        return Row(text, spots, date, number, limits["low"], limits["high"])


def _cell_text(cell: object) -> str:
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()[:10]
    return str(cell if cell is not None else "").strip()


def _date(cell: object) -> PartialDate | None:
    if isinstance(cell, dt.datetime | dt.date):
        return PartialDate.parse(cell)
    text = str(cell or "").strip()
    parts = text.split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):  # ДД.ММ.ГГГГ
        text = f"{parts[2]}-{parts[1]:0>2}-{parts[0]:0>2}"
    elif len(parts) == 2 and all(p.isdigit() for p in parts):  # ММ.ГГГГ
        text = f"{parts[1]}-{parts[0]:0>2}"
    try:
        return PartialDate.parse(text)
    except ValueError:
        return None


def _cleaned(text: str) -> str:
    """A number cell without digit-group spaces and with a decimal point."""
    return text.replace("\u00a0", "").replace(" ", "").replace(",", ".")


def _float(text: str) -> float | None:
    try:
        return float(_cleaned(text))
    except ValueError:
        return None


def _calendar_reason(text: str) -> str:
    """`` (February 2016 has 29 days)`` for a well-formed but impossible date, else ``""``."""
    parts = text.strip().split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        text = f"{parts[2]}-{parts[1]:0>2}-{parts[0]:0>2}"
    try:
        PartialDate.parse(text)
    except ValueError as exc:
        reason = str(exc)
        return reason[reason.index(" (") :] if "calendar date (" in reason else ""
    return ""


def _number(text: str) -> float | None:
    """The number a cell holds (decimal comma allowed), with the decimals it is written with
    (``2,0`` prints "2,0"); None if none, or not finite."""
    number = _float(text)
    if number is None or not math.isfinite(number):
        return None
    return Written.read(_cleaned(text)) or number


def _infinite(text: str) -> bool:
    number = _float(text)
    return number is not None and not math.isfinite(number)


_NUMBER_AND_UNIT = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*((?:[^\W\d_]|[%µμ×]).*)$")


def _number_hint(text: str) -> str | None:
    if ";" in text or "\t" in text:
        return 'a `"` in this row opens a quoted cell that runs on into the next ones; remove it'
    match = _NUMBER_AND_UNIT.match(text.strip())
    if match is None:
        return None
    return f"write the number alone ({match.group(1)}); the unit `{match.group(2)}` goes in `unit`"


def _glued_header(cell: str) -> str | None:
    """The delimiter a one-column header uses instead of ``;`` ``,`` or tab, if any."""
    for delimiter in ("|", ":", "/", " "):
        if len([p for p in cell.split(delimiter) if p.strip()]) >= 3:
            return delimiter
    return None


def _csv_table(file: Path, display: str) -> list[list[object]]:
    text = read_text(file, display, MAX_DATA_BYTES, "data files")
    header = text.split("\n", 1)[0]
    delimiter = max(";\t,", key=header.count)  # the one the header uses most; ties → ";"
    return [list(row) for row in csv.reader(text.splitlines(), delimiter=delimiter)]


def _xlsx_table(file: Path, sheet: str | None, display: str) -> list[list[object]]:
    """The cells of a worksheet; a ``CasepubError`` for a file that is no workbook, too large
    (packed or unpacked), or without the sheet."""
    from openpyxl import load_workbook

    data = read_bytes(file, display, MAX_DATA_BYTES, "data files")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        hint = "save it from Excel or LibreOffice as .xlsx, or export it as CSV"
        raise CasepubError.at(
            display,
            "the file is not an XLSX workbook (not a zip archive)",
            "import",
            suggestion=hint,
        ) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise CasepubError.at(
            display,
            f"the workbook unpacks to {size_text(unpacked)}; casepub reads workbooks of up to "
            f"{limit_text(MAX_XLSX_UNPACKED_BYTES)} unpacked",
            "too-large",
            suggestion="export the sheet with the results as CSV",
        )
    if "xl/workbook.xml" not in names:
        raise CasepubError.at(
            display,
            "the file is a zip archive but not an XLSX workbook",
            "import",
            suggestion="save it from Excel or LibreOffice as .xlsx, or export it as CSV",
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise CasepubError.at(
            display, f"cannot read the workbook: {exc}", "import", suggestion="export it as CSV"
        ) from None
    try:
        sheets = book.sheetnames
        if sheet is not None and sheet not in sheets:
            raise CasepubError.at(
                display,
                f"no worksheet `{sheet}` (the workbook has {', '.join(map(repr, sheets))})",
                "import",
                suggestion=did_you_mean(sheet, sheets),
            )
        if not book.worksheets:
            raise CasepubError.at(display, "the workbook has no worksheet", "import")
        worksheet = book[sheet] if sheet else book.worksheets[0]
        try:
            return [[_xlsx_value(cell) for cell in row] for row in worksheet.iter_rows()]
        except Exception as exc:  # a damaged sheet inside a valid zip
            raise CasepubError.at(
                display,
                f"cannot read the worksheet: {exc}",
                "import",
                suggestion="export it as CSV",
            ) from None
    finally:
        book.close()


_FIXED_DECIMALS = re.compile(r"^[#,]*0\.(0+)$")


def _xlsx_value(cell: object) -> object:
    """A cell's value; a number shown with fixed decimals (format ``0.00``) as the text it
    shows, so that 2 shown as "2.0" keeps its decimal."""
    value = getattr(cell, "value", None)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    shown = str(getattr(cell, "number_format", "") or "").split(";")[0]
    fixed = _FIXED_DECIMALS.match(re.sub(r'\[[^\]]*\]|"[^"]*"', "", shown).strip())
    return f"{value:.{len(fixed.group(1))}f}" if fixed else value


def read_table(file: Path, sheet: str | None, display: str) -> list[list[object]]:
    """The cells of a CSV or XLSX file, row by row (raises ``CasepubError`` for an unreadable
    file or a missing sheet)."""
    if file.suffix.lower() == ".csv":
        return _csv_table(file, display)
    return _xlsx_table(file, sheet, display)


def read_rows(file: Path, sheet: str | None, *, kind: Kind, sink: DiagnosticList) -> list[Row]:
    """The rows of a CSV or XLSX file; problems, now and later at its cells, go to ``sink``."""
    reader = _Reader(file, kind, sink)
    suffix = file.suffix.lower()
    if suffix == ".csv":
        try:
            table = _csv_table(file, reader.display)
        except CasepubError as exc:
            reader.problems.extend(exc.diagnostics)
            return []
    elif suffix == ".xlsx":
        try:
            table = _xlsx_table(file, sheet, reader.display)
        except CasepubError as exc:
            reader.problems.extend(exc.diagnostics)
            return []
    else:
        reader.spot(None, None).report("data files must be .csv or .xlsx", "import")
        return []
    return reader.rows(table)


def cell_number(text: str) -> float | None:
    """The finite number a cell's text holds (decimal comma allowed, written decimals kept)."""
    return _number(text)


def cell_date(cell: object) -> PartialDate | None:
    """The date a cell holds: ISO, ``ДД.ММ.ГГГГ``, ``ММ.ГГГГ`` or a spreadsheet date."""
    return _date(cell)


def not_a_number(text: str) -> tuple[str, str | None]:
    """Why a cell is not a number, and what to write instead."""
    if _infinite(text):
        return f"{text!r} is not a finite number", None
    return f"{text!r} is not a number", _number_hint(text)


def not_a_date(text: str) -> str:
    """Why a cell is not a date (with the calendar's reason for an impossible one)."""
    return f"{text!r} is not a date{_calendar_reason(text)}"
