"""The proof of a PDF: on every page, no glyph printed over a glyph of another word
(``proof-overlap``), nothing outside the text area or across a column (``proof-overflow``),
every caption beside its float (``proof-caption``) and no template or markup left in the text
(``proof-residue``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from pypdfium2 import PdfiumError

from casepub.checks.proof.layout import PAGE_NUMBER, Caption, Layout, body_size, describe, tolerance
from casepub.checks.proof.pdfread import Box, Glyph, Page, Run, UnreadablePdf, read_pdf
from casepub.checks.proof.residue import residue_in
from casepub.checks.proof.subject import Subject, quoted
from casepub.diagnostics import Diagnostic

MM = 72 / 25.4
EXAMPLES = 3
"""Overlapping words quoted per page and element; the rest are counted."""


def proof_pdf(source: Path | bytes, subject: Subject) -> list[Diagnostic]:
    """Every finding on every page of the PDF ``source``."""
    assert subject.geometry is not None
    try:
        with read_pdf(source) as reading:
            pages = list(reading)
            size = body_size(pages)
            found: list[Diagnostic] = []
            carried = None
            for page in pages:
                layout = Layout(page, subject.geometry, size, carried)
                carried = layout.open_table()
                found += _residue(subject, page)
                found += _overlaps(subject, layout)
                found += _outside(subject, layout)
                found += _across_columns(subject, layout)
                found += _captions(subject, layout)
            return found
    except (UnreadablePdf, PdfiumError) as exc:
        return [subject.finding("", f"the PDF cannot be read: {exc}", "proof-unreadable")]


# --- residue ---------------------------------------------------------------------------------


def _residue(subject: Subject, page: Page) -> Iterator[Diagnostic]:
    text = page.text.replace("\x02\r\n", "").replace("\x02", "-")
    for residue in residue_in(text):
        yield subject.on_page(page.number, residue.message, "proof-residue")


# --- overlapping glyphs ----------------------------------------------------------------------


def _touching(runs: list[Run]) -> list[tuple[Run, Run]]:
    """Pairs of runs whose boxes intersect (a sweep down the page)."""
    ordered = sorted(runs, key=lambda r: r.box.top)
    pairs = []
    for index, run in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other.box.top >= run.box.bottom:
                break
            width, height = run.box.overlap(other.box)
            if width > 0.3 and height > 0.3:
                pairs.append((run, other))
    return pairs


def _inked_over(a: Box, b: Box) -> bool:
    """Whether two glyph boxes share more than a sliver of ink."""
    width, height = a.overlap(b)
    if width <= 0.4 or height <= 0.4:
        return False
    smaller = min(a.width * a.height, b.width * b.height)
    return width * height > max(0.3, 0.15 * smaller)


def _same_word(a: Run, b: Run, glyphs: dict[int, list[Glyph]]) -> tuple[int, int] | None:
    """When ``b`` goes on with ``a``'s last word or the other way round (a change of font
    inside a word): the words of ``a`` and ``b`` that are one word."""
    first, second = sorted((a, b), key=lambda r: r.box.x0)
    if (
        first.text[-1:].isspace()
        or second.text[:1].isspace()
        or abs(second.box.x0 - first.box.x1) >= 0.3 * first.size
    ):
        return None
    last = glyphs[first.handle][-1].word if glyphs.get(first.handle) else 0
    return (last, 0) if first is a else (0, last)


def _word(glyphs: list[Glyph], index: int) -> str:
    return "".join(g.char for g in glyphs if g.word == index)


def _overlapping_words(a: Run, b: Run, glyphs: dict[int, list[Glyph]]) -> tuple[str, str] | None:
    """The first two words of ``a`` and ``b`` whose glyphs overlap, if any."""
    mine, theirs = glyphs.get(a.handle, []), glyphs.get(b.handle, [])
    one_word = _same_word(a, b, glyphs)
    for glyph in mine:
        for other in theirs:
            if _inked_over(glyph.box, other.box) and (glyph.word, other.word) != one_word:
                return _word(mine, glyph.word), _word(theirs, other.word)
    return None


def _overlaps(subject: Subject, layout: Layout) -> Iterator[Diagnostic]:
    pairs = _touching(layout.page.runs)
    if not pairs:
        return
    glyphs = layout.page.glyphs([run for pair in pairs for run in pair])
    by_element: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b in pairs:
        pair = _overlapping_words(a, b, glyphs)
        if pair is not None:
            element = layout.element(subject, a.box, a.size)
            by_element[element or layout.element(subject, b.box, b.size)].append(pair)
    for element, words in by_element.items():
        examples = ", ".join(f"{quoted(x, 24)} and {quoted(y, 24)}" for x, y in words[:EXAMPLES])
        more = f" and {len(words) - EXAMPLES} more" if len(words) > EXAMPLES else ""
        where = f"{element}: " if element else ""
        yield subject.on_page(
            layout.page.number,
            f"{where}words printed over each other: {examples}{more}",
            "proof-overlap",
        )


# --- outside the text area -------------------------------------------------------------------


def _side(layout: Layout, run: Run) -> tuple[str, float] | None:
    """Which margin ``run`` reaches into and how far (points); None inside the text area."""
    left, top, right, bottom = layout.edges
    box, slack = run.box, tolerance(run.size)
    if box.x0 < left - slack and not (layout.geometry.line_numbers and run.text.strip().isdigit()):
        return "left margin", left - box.x0
    if box.x1 > right + slack:
        return "right margin", box.x1 - right
    if box.top < top - slack and not layout.in_header(run):
        return "top margin", top - box.top
    if box.bottom > bottom + slack:
        if layout.in_footer(run) and PAGE_NUMBER.match(run.text):
            return None
        return "bottom margin", box.bottom - bottom
    return None


def _outside(subject: Subject, layout: Layout) -> Iterator[Diagnostic]:
    grouped: dict[tuple[str, str], list[tuple[Run, float]]] = defaultdict(list)
    for run in layout.page.runs:
        reach = _side(layout, run)
        if reach is not None:
            grouped[describe(subject, layout, run), reach[0]].append((run, reach[1]))
    for (element, side), runs in grouped.items():
        depth = max(distance for _, distance in runs) / MM
        lines = f" ({len(runs)} lines)" if len(runs) > 1 else ""
        yield subject.on_page(
            layout.page.number,
            f"{element} runs {depth:.1f} mm into the {side}{lines}",
            "proof-overflow",
        )


# --- across the columns ----------------------------------------------------------------------


def _crossing(layout: Layout, run: Run) -> bool:
    """Whether ``run`` leaves column 1 for the gutter or column 2."""
    (_, first_right), (second_left, _) = layout.columns[0], layout.columns[1]
    slack = tolerance(run.size)
    return run.box.x0 < second_left - slack and run.box.x1 > first_right + slack


def _across_columns(subject: Subject, layout: Layout) -> Iterator[Diagnostic]:
    """Text that crosses the gutter while column 2 holds running text beside it. Text across
    the gutter with nothing beside it is a block over the full width (the front matter, a
    float set over both columns) and is left alone."""
    if len(layout.columns) < 2:
        return
    second = [
        r
        for r in layout.body_runs
        if layout.column_of(r.box, r.size) == 1 and layout.is_body_text(r)
    ]
    grouped: dict[str, list[Run]] = defaultdict(list)
    for run in layout.body_runs:
        if _crossing(layout, run) and any(_beside(run, other) for other in second):
            grouped[describe(subject, layout, run)].append(run)
    for element, runs in grouped.items():
        reach = max(r.box.x1 for r in runs)
        into = "column 2" if reach > layout.columns[1][0] else "the gutter"
        lines = f" ({len(runs)} lines)" if len(runs) > 1 else ""
        yield subject.on_page(
            layout.page.number,
            f"{element} is wider than the column: it runs {(reach - layout.columns[0][1]) / MM:.1f}"
            f" mm past column 1 into {into}, beside the text of column 2{lines}",
            "proof-overflow",
        )


def _beside(run: Run, other: Run) -> bool:
    return min(run.box.bottom, other.box.bottom) - max(run.box.top, other.box.top) > 1


# --- captions --------------------------------------------------------------------------------


def _captions(subject: Subject, layout: Layout) -> Iterator[Diagnostic]:
    for caption in layout.captions:
        name = subject.float_name(caption.kind, caption.number, caption.text)
        problem = (
            _table_caption(layout, caption)
            if caption.kind == "table"
            else _figure_caption(layout, caption)
        )
        if problem:
            yield subject.on_page(
                layout.page.number, f"the caption of {name} {problem}", "proof-caption"
            )


def _where(layout: Layout, caption: Caption) -> str:
    if len(layout.columns) > 1 and caption.column is not None:
        return f"column {caption.column + 1} of page {layout.page.number}"
    return f"page {layout.page.number}"


def _table_caption(layout: Layout, caption: Caption) -> str | None:
    """A table's caption stands above it: the table must follow in the same column."""
    below = [
        line
        for line in layout.lines(caption.column)
        if line.box.top >= caption.box.bottom - 1 and line not in caption.lines
    ]
    if below:
        return None
    return f"is the last line of {_where(layout, caption)}: the table begins after the break"


def _figure_caption(layout: Layout, caption: Caption) -> str | None:
    """A figure's caption stands below it: the figure must end just above it."""
    box, window = caption.box, max(4 * caption.size, 30.0)
    left, right = (
        layout.columns[caption.column]
        if caption.column is not None
        else (layout.edges[0], layout.edges[2])
    )
    for graphic in layout.page.graphics():
        shared = min(graphic.x1, right) - max(graphic.x0, left)
        if box.top - window <= graphic.bottom <= box.top + 2 and shared > 0.2 * (right - left):
            return None
    above = [line for line in layout.lines(caption.column) if line.box.bottom < box.top]
    if not above:
        return f"is the first line of {_where(layout, caption)}: its figure is before the break"
    return f"is not under its figure: no figure ends just above it on {_where(layout, caption)}"
