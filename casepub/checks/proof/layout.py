"""The page as the proof sees it: the text area, the columns, the running header and page
number bands, and which float (table, figure) a piece of text belongs to."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from casepub.checks.proof.geometry import Geometry
from casepub.checks.proof.pdfread import Box, Page, Run
from casepub.checks.proof.subject import Subject, caption_kind, caption_label, quoted

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:\d+|[ivxlcIVXLC]+)(?:\s*(?:/|из|of)\s*\d+)?\s*(?:[-–—])?\s*$"
)
"""What the footer band may hold: a page number (``3``, ``iv``, ``3 / 11``)."""


def tolerance(size: float) -> float:
    """How far a glyph may stand past an edge: typst hangs hyphens and punctuation into the
    margin, and descenders and accents leave the line's box."""
    return max(2.0, 0.4 * size)


@dataclass(frozen=True)
class Line:
    """Runs standing side by side in one column (or across the columns), left to right."""

    runs: tuple[Run, ...]
    column: int | None

    @cached_property
    def box(self) -> Box:
        return Box.around(r.box for r in self.runs)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def size(self) -> float:
        return self.runs[0].size


@dataclass(frozen=True)
class Caption:
    """A caption found on a page: the float's kind and number, and the lines it spans."""

    kind: str
    number: int
    lines: tuple[Line, ...]
    column: int | None

    @cached_property
    def box(self) -> Box:
        return Box.around(line.box for line in self.lines)

    @property
    def text(self) -> str:
        return self.lines[0].text

    @property
    def size(self) -> float:
        return self.lines[0].size


@dataclass
class Layout:
    """One page with the geometry it was set in."""

    page: Page
    geometry: Geometry
    body_size: float
    """The most common font size of the document: the body text."""
    carried: Caption | None = None
    """The table still running at the end of the previous page, continued on this one."""

    @cached_property
    def edges(self) -> tuple[float, float, float, float]:
        """Left, top, right and bottom edge of the text area."""
        left, right = self.geometry.body(self.page.width)
        return left, self.geometry.top, right, self.page.height - self.geometry.bottom

    @cached_property
    def columns(self) -> list[tuple[float, float]]:
        """Left and right edge of each column."""
        return self.geometry.column_edges(self.page.width)

    def column_of(self, box: Box, size: float) -> int | None:
        """The column ``box`` lies in; None when it spans more than one."""
        slack = tolerance(size)
        for index, (left, right) in enumerate(self.columns):
            if box.x0 >= left - slack and box.x1 <= right + slack:
                return index
        return None

    def in_header(self, run: Run) -> bool:
        """Whether ``run`` lies in the running-header band above the text area."""
        return run.box.bottom <= self.edges[1] + tolerance(run.size) / 2

    def in_footer(self, run: Run) -> bool:
        """Whether ``run`` lies in the page-number band below the text area."""
        return run.box.top >= self.edges[3] - tolerance(run.size) / 4

    @cached_property
    def body_runs(self) -> list[Run]:
        """The runs of the text area (header and footer bands left out), top to bottom."""
        runs = [r for r in self.page.runs if not self.in_header(r) and not self.in_footer(r)]
        return sorted(runs, key=lambda r: (r.box.top, r.box.x0))

    def is_body_text(self, run: Run) -> bool:
        """Whether ``run`` is set in the body's size (not a table's, caption's or note's)."""
        return abs(run.size - self.body_size) <= 0.3

    def column_runs(self, column: int | None) -> list[Run]:
        """The body runs in ``column`` and those spanning the columns, top to bottom."""
        return [
            r
            for r in self.body_runs
            if (found := self.column_of(r.box, r.size)) is None or found == column
        ]

    def lines(self, column: int | None) -> list[Line]:
        """The lines of ``column`` (with the lines spanning the columns), top to bottom."""
        return self._lines[column if column is not None else 0]

    @cached_property
    def _lines(self) -> list[list[Line]]:
        found = []
        for column in range(len(self.columns)):
            lines: list[list[Run]] = []
            for run in self.column_runs(column):
                if lines and _same_line(lines[-1][0], run):
                    lines[-1].append(run)
                else:
                    lines.append([run])
            found.append(
                [
                    Line(tuple(sorted(runs, key=lambda r: r.box.x0)), self._line_column(runs))
                    for runs in lines
                ]
            )
        return found

    def _line_column(self, runs: list[Run]) -> int | None:
        columns = {self.column_of(r.box, r.size) for r in runs}
        return columns.pop() if len(columns) == 1 else None

    @cached_property
    def captions(self) -> list[Caption]:
        """The captions that start a line on this page, each with its continuation lines."""
        found: list[Caption] = []
        for column in range(len(self.columns)):
            lines = self.lines(column)
            index = 0
            while index < len(lines):
                line = lines[index]
                label = caption_label(line.text)
                if label is None or (line.column is None and column > 0):
                    index += 1
                    continue
                kind, number = caption_kind(label), int(label.group("number"))
                block = self._caption_block(lines, index, kind, number)
                found.append(Caption(kind, number, block, line.column))
                index += len(block)
        return found

    def _caption_block(
        self, lines: list[Line], start: int, kind: str, number: int
    ) -> tuple[Line, ...]:
        """The caption's first line and the lines that continue it: its wrapped lines and its
        lines in the other languages (``Table 2.`` under ``Таблица 2.``)."""
        first = lines[start]
        left, right = self._column_edges(first.column)
        block = [first]
        for line in lines[start + 1 :]:
            last = block[-1]
            if abs(line.size - first.size) > 0.3 or line.box.top - last.box.bottom > first.size:
                break
            label = caption_label(line.text)
            same_float = label is not None and (
                caption_kind(label),
                int(label.group("number")),
            ) == (kind, number)
            wrapped = last.box.x1 >= right - 0.25 * (right - left)
            if not (same_float or (wrapped and abs(line.box.x0 - first.box.x0) <= 2)):
                break
            block.append(line)
        return tuple(block)

    def _column_edges(self, column: int | None) -> tuple[float, float]:
        if column is None:
            return self.edges[0], self.edges[2]
        return self.columns[column]

    def caption_above(self, box: Box, column: int | None) -> Caption | None:
        """The table caption whose table ``box`` is part of: the nearest table caption above it
        in its column with no line of running text between them."""
        candidates = [
            c
            for c in self.captions
            if c.kind == "table" and c.box.bottom <= box.top + 1 and c.column in (column, None)
        ]
        caption = max(candidates, key=lambda c: c.box.bottom) if candidates else None
        start = caption.box.bottom if caption else self.edges[1] - 1
        between = [
            line
            for line in self.lines(column)
            if start < line.box.top < box.top and self._paragraph_line(line)
        ]
        if between:
            return None
        return caption or self.entering(column)

    def entering(self, column: int | None) -> Caption | None:
        """The table continued from before the top of ``column``: from the previous column,
        or for the first column from the previous page."""
        if not column:
            return self.carried
        lines = self.lines(column - 1)
        if not lines:
            return self.entering(column - 1)
        return self.caption_above(lines[-1].box, column - 1)

    def open_table(self) -> Caption | None:
        """The table still running at the foot of the page's last column."""
        column = len(self.columns) - 1
        lines = self.lines(column)
        return self.caption_above(lines[-1].box, column) if lines else self.entering(column)

    def _paragraph_line(self, line: Line) -> bool:
        """A line of running text: body size, from the column's left edge, most of its width."""
        left, right = self._column_edges(line.column)
        return (
            self.is_body_text(line.runs[0])
            and abs(line.box.x0 - left) <= 1.5
            and line.box.width >= 0.6 * (right - left)
        )

    def element(self, subject: Subject, box: Box, size: float) -> str:
        """What ``box`` belongs to, for a message: ``table 3 (treatments)`` or nothing."""
        column = self.column_of(box, size)
        if column is None and len(self.columns) > 1:
            column = 0 if box.x0 < self.columns[0][1] else 1
        caption = self.caption_above(box, column)
        if caption is None:
            return ""
        return subject.float_name(caption.kind, caption.number, caption.text)


def _same_line(a: Run, b: Run) -> bool:
    """Whether two runs stand on one line (their boxes share most of their height)."""
    shared = min(a.box.bottom, b.box.bottom) - max(a.box.top, b.box.top)
    return shared >= 0.5 * min(a.box.height, b.box.height)


def body_size(pages: Sequence[Page]) -> float:
    """The font size most of the text is set in."""
    weight: dict[float, int] = {}
    for page in pages:
        for run in page.runs:
            size = round(run.size, 1)
            weight[size] = weight.get(size, 0) + len(run.text)
    return max(weight, key=lambda s: weight[s]) if weight else 10.0


def describe(subject: Subject, layout: Layout, run: Run) -> str:
    """``table 3 (treatments)`` if ``run`` is part of a table, else the line's words."""
    return layout.element(subject, run.box, run.size) or f"the line {quoted(run.text)}"
