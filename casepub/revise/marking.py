"""The marked manuscript: two versions of the rendered manuscript, as pandoc documents
(pandoc's JSON), merged into one in which every inserted word is in a ``Span`` of class
``insertion`` and every deleted word in one of class ``deletion`` (pandoc's own form of
tracked changes: its DOCX writer makes ``w:ins`` / ``w:del`` of them).

Blocks are aligned first (equal blocks kept; a run of differing blocks paired by type and
likeness), then the words of each paired paragraph, heading, table cell or caption are
compared (``difflib`` on tokens, deterministic). What is kept is always the new version's,
so dropping the deletions and unwrapping the insertions gives the new document exactly.
A deleted citation is printed as the old version printed it, as text (a deleted ``Cite``
would make citeproc number it and renumber the others).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Json = Any
Mark = Literal["insertion", "deletion"]

LIKENESS = 0.3
"""Two differing blocks of a changed run are compared word by word when at least this much
of their text is alike; else the old one is deleted and the new one inserted."""
_WRAPPERS = {"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
"""Inline containers whose content is all of them (``c`` is the inlines)."""
_HOLDERS = {"Quoted", "Link", "Span"}
"""Inline containers whose inlines are ``c[1]``."""


@dataclass
class Marker:
    """Who made the changes and when (the DOCX revisions' ``w:author`` and ``w:date``), the
    old version's citation numbers, and how many changes were marked."""

    author: str
    date: str
    old_numbers: dict[str, int] = field(default_factory=dict)
    new_numbers: dict[str, int] = field(default_factory=dict)
    marked: int = 0

    def old_key(self, value: Json) -> str:
        """``value`` of the old version as compared: its citations by key and number."""
        return _key(_canonical(value, self.old_numbers))

    def new_key(self, value: Json) -> str:
        """``value`` of the new version as compared."""
        return _key(_canonical(value, self.new_numbers))

    def span(self, mark: Mark, inlines: list[Json]) -> Json:
        """``inlines`` in a Span of class ``mark``."""
        self.marked += 1
        attrs = [["author", self.author], ["date", self.date]]
        return {"t": "Span", "c": [["", [mark], attrs], inlines]}

    def note(self, text: str) -> Json:
        """A note to the reader (``revision-note``): a Word comment in DOCX."""
        attrs = [["author", self.author], ["date", self.date]]
        inlines = [{"t": "Space"}, {"t": "Str", "c": text}]  # the space is the note's too
        return {"t": "Span", "c": [["", ["revision-note"], attrs], inlines]}


def marked_document(old: Json, new: Json, marker: Marker) -> Json:
    """The new pandoc document with the changes from ``old`` marked."""
    marker.old_numbers = citation_numbers(old["blocks"])
    marker.new_numbers = citation_numbers(new["blocks"])
    blocks = merge_blocks(old["blocks"], new["blocks"], marker)
    return {**new, "blocks": blocks}


def citation_numbers(blocks: list[Json]) -> dict[str, int]:
    """Each cited key's number in a numeric style: the order of first citation."""
    numbers: dict[str, int] = {}
    for node in _nodes(blocks):
        if node.get("t") == "Cite":
            for citation in node["c"][0]:
                numbers.setdefault(citation["citationId"], len(numbers) + 1)
    return numbers


def _nodes(value: Json) -> Iterator[Json]:
    """Every pandoc element in ``value``, depth first, in document order."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        yield from _nodes(value.get("c"))
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def plain_text(value: Json) -> str:
    """The words of ``value``, spaces between (and between its blocks: table cells)."""
    words = []
    for node in _nodes(value):
        if node["t"] in ("Plain", "Para", "Header", "LineBlock"):
            words.append(" ")
        elif node["t"] == "Str":
            words.append(node["c"])
        elif node["t"] in ("Space", "SoftBreak", "LineBreak"):
            words.append(" ")
    return "".join(words)


def _key(value: Json) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _canonical(value: Json, numbers: dict[str, int]) -> Json:
    """``value`` with each citation reduced to what prints: its keys, prefixes, suffixes and
    numbers (not pandoc's running hash, which changes when a citation is added before)."""
    if isinstance(value, list):
        return [_canonical(v, numbers) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("t") == "Cite":
        return {
            "cite": [
                [
                    c["citationId"],
                    numbers.get(c["citationId"]),
                    c["citationMode"],
                    c["citationPrefix"],
                    c["citationSuffix"],
                ]
                for c in value["c"][0]
            ]
        }
    return {k: _canonical(v, numbers) for k, v in value.items()}


# --- blocks ----------------------------------------------------------------------------------


def _identifier(block: Json) -> str:
    content = block.get("c")
    kind = block["t"]
    if kind in ("Div", "Figure", "Table", "CodeBlock") and content:
        return str(content[0][0])
    if kind == "Header":
        return str(content[1][0])
    return ""


def _likeness(old: Json, new: Json) -> float | None:
    """How alike two blocks are (0–1), or None when they are not to be paired: other types,
    other identifiers, other heading levels."""
    if old.get("t") != new.get("t"):
        return None
    old_id, new_id = _identifier(old), _identifier(new)
    if old_id and new_id:
        return 1.0 if old_id == new_id else None
    if old["t"] == "Header" and old["c"][0] != new["c"][0]:
        return None
    a, b = plain_text(old).split(), plain_text(new).split()
    if not a and not b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < LIKENESS or matcher.quick_ratio() < LIKENESS:
        return 0.0
    return matcher.ratio()


def align(
    old: Sequence[Json],
    new: Sequence[Json],
    like: Callable[[Json, Json], float | None],
    marker: Marker,
) -> list[tuple[Json | None, Json | None]]:
    """``old`` and ``new`` in one order: equal items together, then within each run that
    differs the pairs of most likeness (``like``, dynamic programming), the others alone."""
    matcher = difflib.SequenceMatcher(
        None, [marker.old_key(b) for b in old], [marker.new_key(b) for b in new], autojunk=False
    )
    pairs: list[tuple[Json | None, Json | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += list(zip(old[i1:i2], new[j1:j2], strict=True))
        else:
            pairs += _pair_run(old[i1:i2], new[j1:j2], like)
    return pairs


def _pair_run(
    old: Sequence[Json], new: Sequence[Json], like: Callable[[Json, Json], float | None]
) -> list[tuple[Json | None, Json | None]]:
    """The best order-keeping pairing of two runs of differing items."""
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best, how = score[i + 1][j], "old"
            if score[i][j + 1] > best:
                best, how = score[i][j + 1], "new"
            alike = like(old[i], new[j])
            if alike is not None and alike >= LIKENESS and score[i + 1][j + 1] + alike > best:
                best, how = score[i + 1][j + 1] + alike, "pair"
            score[i][j], step[i][j] = best, how
    pairs: list[tuple[Json | None, Json | None]] = []
    i = j = 0
    while i < n or j < m:
        how = step[i][j] if i < n and j < m else ("old" if i < n else "new")
        if how == "pair":
            pairs.append((old[i], new[j]))
            i, j = i + 1, j + 1
        elif how == "old":
            pairs.append((old[i], None))
            i += 1
        else:
            pairs.append((None, new[j]))
            j += 1
    return pairs


def _merged(
    old: Sequence[Json],
    new: Sequence[Json],
    like: Callable[[Json, Json], float | None],
    marker: Marker,
    whole: Callable[[Json, Mark], list[Json]],
    merge: Callable[[Json, Json], list[Json]],
) -> list[Json]:
    """``old`` and ``new`` aligned: an item of one version only marked ``whole``, a pair
    merged."""
    merged: list[Json] = []
    for before, after in align(old, new, like, marker):
        if before is None:
            merged += whole(after, "insertion")
        elif after is None:
            merged += whole(before, "deletion")
        else:
            merged += merge(before, after)
    return merged


def merge_blocks(old: Sequence[Json], new: Sequence[Json], marker: Marker) -> list[Json]:
    """The blocks of ``new`` with the changes from ``old`` marked."""

    def merge(before: Json, after: Json) -> list[Json]:
        if marker.old_key(before) == marker.new_key(after):
            return [after]
        return _merge_block(before, after, marker)

    return _merged(
        old, new, _likeness, marker, lambda b, mark: mark_blocks([b], mark, marker), merge
    )


def _merge_block(old: Json, new: Json, marker: Marker) -> list[Json]:
    kind, a, b = new["t"], old["c"], new["c"]
    if kind in ("Para", "Plain"):
        return [{"t": kind, "c": merge_inlines(a, b, marker)}]
    if kind == "Header":
        return [{"t": kind, "c": [b[0], b[1], merge_inlines(a[2], b[2], marker)]}]
    if kind == "Div":
        return [{"t": kind, "c": [b[0], merge_blocks(a[1], b[1], marker)]}]
    if kind == "BlockQuote":
        return [{"t": kind, "c": merge_blocks(a, b, marker)}]
    if kind == "BulletList":
        return [{"t": kind, "c": _merge_items(a, b, marker)}]
    if kind == "OrderedList":
        return [{"t": kind, "c": [b[0], _merge_items(a[1], b[1], marker)]}]
    if kind == "Figure":
        caption = [b[1][0], merge_blocks(a[1][1], b[1][1], marker)]
        return [{"t": kind, "c": [b[0], caption, merge_blocks(a[2], b[2], marker)]}]
    if kind == "Table" and _columns(a) == _columns(b):
        return [_merge_table(a, b, marker)]
    return [*mark_blocks([old], "deletion", marker), *mark_blocks([new], "insertion", marker)]


def _merge_items(old: list[Json], new: list[Json], marker: Marker) -> list[Json]:
    """List items (each a list of blocks) aligned and merged."""
    return _merged(
        old,
        new,
        _item_likeness,
        marker,
        lambda item, mark: [mark_blocks(item, mark, marker)],
        lambda before, after: [merge_blocks(before, after, marker)],
    )


def _item_likeness(old: Json, new: Json) -> float | None:
    return _likeness({"t": "Item", "c": old}, {"t": "Item", "c": new})


# --- tables ----------------------------------------------------------------------------------


def _columns(table: Json) -> int:
    return len(table[2])


def _merge_table(old: Json, new: Json, marker: Marker) -> Json:
    """A table of the same columns: caption, head, bodies and foot merged row by row (rows
    aligned by likeness: a row inserted or deleted is marked whole)."""
    attr, caption, colspecs, head, bodies, foot = new
    caption = [caption[0], merge_blocks(old[1][1], caption[1], marker)]
    head = [head[0], _merge_rows(old[3][1], head[1], marker)]
    merged_bodies = []
    old_bodies = old[4]
    for n, body in enumerate(bodies):
        was = old_bodies[n] if n < len(old_bodies) else [body[0], body[1], [], []]
        merged_bodies.append(
            [
                body[0],
                body[1],
                _merge_rows(was[2], body[2], marker),
                _merge_rows(was[3], body[3], marker),
            ]
        )
    for was in old_bodies[len(bodies) :]:
        merged_bodies.append([was[0], was[1], [], _mark_rows(was[3], "deletion", marker)])
    foot = [foot[0], _merge_rows(old[5][1], foot[1], marker)]
    return {"t": "Table", "c": [attr, caption, colspecs, head, merged_bodies, foot]}


def _row_likeness(old: Json, new: Json) -> float | None:
    if len(old[1]) != len(new[1]):
        return None
    alike = _likeness({"t": "Row", "c": old}, {"t": "Row", "c": new}) or 0.0
    first = _key(old[1][0][4]) == _key(new[1][0][4]) if old[1] else False
    return (alike + 1.0) / 2 if first else alike  # the first cell (a date, a name) binds


def _merge_rows(old: list[Json], new: list[Json], marker: Marker) -> list[Json]:
    def merge(before: Json, after: Json) -> list[Json]:
        cells = [
            [*cell[:4], _merge_cell(was[4], cell[4], marker)]
            for was, cell in zip(before[1], after[1], strict=True)
        ]
        return [[after[0], cells]]

    return _merged(
        old, new, _row_likeness, marker, lambda row, mark: _mark_rows([row], mark, marker), merge
    )


def _merge_cell(old: list[Json], new: list[Json], marker: Marker) -> list[Json]:
    """A changed cell of one line is replaced whole (the old value struck, then the new):
    a value and its unit or sign stay together, as the DOCX tables join them."""
    if marker.old_key(old) == marker.new_key(new):
        return new
    one_line = ("Plain", "Para")
    if len(old) == len(new) == 1 and old[0]["t"] in one_line and new[0]["t"] in one_line:
        gone = _deleted(old[0]["c"], marker)
        inlines = [marker.span("deletion", [*gone, {"t": "Space"}])] if gone else []
        if new[0]["c"]:
            inlines.append(marker.span("insertion", new[0]["c"]))
        return [{"t": new[0]["t"], "c": inlines}]
    return merge_blocks(old, new, marker)


def _mark_rows(rows: list[Json], mark: Mark, marker: Marker) -> list[Json]:
    return [
        [row[0], [[*cell[:4], mark_blocks(cell[4], mark, marker)] for cell in row[1]]]
        for row in rows
    ]


# --- marking whole blocks --------------------------------------------------------------------


def mark_blocks(blocks: list[Json], mark: Mark, marker: Marker) -> list[Json]:
    """``blocks`` inserted or deleted whole: all their text in ``mark`` spans (a deleted
    block loses its identifier, images and raw code)."""
    marked: list[Json] = []
    for block in blocks:
        marked += _mark_block(block, mark, marker)
    return marked


def _mark_block(block: Json, mark: Mark, marker: Marker) -> list[Json]:
    kind, c = block["t"], block.get("c")
    deleting = mark == "deletion"
    if kind in ("Para", "Plain"):
        inlines = _deleted(c, marker) if deleting else c
        return [{"t": kind, "c": mark_inlines(inlines, mark, marker)}] if inlines else []
    if kind == "Header":
        attr = ["", c[1][1], c[1][2]] if deleting else c[1]
        inlines = _deleted(c[2], marker) if deleting else c[2]
        return [{"t": kind, "c": [c[0], attr, mark_inlines(inlines, mark, marker)]}]
    if kind == "Div":
        attr = ["", c[0][1], c[0][2]] if deleting else c[0]
        return [{"t": kind, "c": [attr, mark_blocks(c[1], mark, marker)]}]
    if kind == "BlockQuote":
        return [{"t": kind, "c": mark_blocks(c, mark, marker)}]
    if kind == "BulletList":
        return [{"t": kind, "c": [mark_blocks(item, mark, marker) for item in c]}]
    if kind == "OrderedList":
        return [{"t": kind, "c": [c[0], [mark_blocks(item, mark, marker) for item in c[1]]]}]
    if kind == "Figure":
        caption = mark_blocks(c[1][1], mark, marker)
        if deleting:  # the old image is not in the new build: its caption, struck through
            return [{"t": "Para", "c": _inlines_of(caption)}]
        return [{"t": kind, "c": [c[0], [c[1][0], caption], mark_blocks(c[2], mark, marker)]}]
    if kind == "Table":
        attr = ["", c[0][1], []] if deleting else c[0]
        caption = [c[1][0], mark_blocks(c[1][1], mark, marker)]
        head = [c[3][0], _mark_rows(c[3][1], mark, marker)]
        bodies = [
            [b[0], b[1], _mark_rows(b[2], mark, marker), _mark_rows(b[3], mark, marker)]
            for b in c[4]
        ]
        foot = [c[5][0], _mark_rows(c[5][1], mark, marker)]
        return [{"t": kind, "c": [attr, caption, c[2], head, bodies, foot]}]
    if kind == "LineBlock":
        lines = [mark_inlines(_deleted(x, marker) if deleting else x, mark, marker) for x in c]
        return [{"t": kind, "c": lines}]
    return [] if deleting else [block]  # raw code, rules: kept when new, dropped when old


def mark_inlines(inlines: list[Json], mark: Mark, marker: Marker) -> list[Json]:
    """``inlines`` inserted or deleted whole: each run in a ``mark`` span, inside the spans
    they hold (a reference's number and text stay spans of their own)."""
    out: list[Json] = []
    run: list[Json] = []
    for inline in inlines:
        if inline["t"] == "Span":
            if run:
                out.append(marker.span(mark, run))
                run = []
            attr, content = inline["c"]
            out.append({"t": "Span", "c": [attr, mark_inlines(content, mark, marker)]})
        else:
            run.append(inline)
    if run:
        out.append(marker.span(mark, run))
    return out


def _inlines_of(blocks: list[Json]) -> list[Json]:
    inlines: list[Json] = []
    for block in blocks:
        if block["t"] in ("Para", "Plain"):
            inlines += [*([{"t": "Space"}] if inlines else []), *block["c"]]
    return inlines


def _deleted(inlines: list[Json], marker: Marker) -> list[Json]:
    """Deleted inlines as printable text: a citation as its old number, no image or note
    (the old image is not in the build; a deleted note would still be numbered)."""
    kept: list[Json] = []
    for inline in inlines:
        kind = inline["t"]
        if kind == "Cite":
            kept.append({"t": "Str", "c": _old_citation(inline, marker)})
        elif kind in ("Image", "Note"):
            continue
        elif kind in _WRAPPERS:
            kept.append({"t": kind, "c": _deleted(inline["c"], marker)})
        elif kind in _HOLDERS:
            c = inline["c"]
            kept.append({"t": kind, "c": [c[0], _deleted(c[1], marker), *c[2:]]})
        else:
            kept.append(inline)
    return kept


def _old_citation(cite: Json, marker: Marker) -> str:
    """A deleted citation as the old version printed it (its text, when citeproc has made
    it), else its old numbers."""
    printed = plain_text(cite["c"][1])
    if printed and "@" not in printed:
        return printed
    numbers = [marker.old_numbers.get(c["citationId"]) for c in cite["c"][0]]
    if all(n is not None for n in numbers):
        return "[" + ", ".join(str(n) for n in numbers) + "]"
    return plain_text(cite["c"][1]) or "[?]"


# --- words -----------------------------------------------------------------------------------

Frame = tuple[str, str]
"""An inline container a word is in: its type and its parameters (JSON)."""


@dataclass(frozen=True)
class Token:
    """A word, a space or an atom (citation, math, image…) with the containers it is in."""

    frames: tuple[Frame, ...]
    node: Json
    numbers: tuple[tuple[str, int], ...] = ()
    """The numbers of the version the token is from (for a citation's key)."""

    @property
    def key(self) -> str:
        return _key([self.frames, _canonical(self.node, dict(self.numbers))])

    @property
    def is_space(self) -> bool:
        return bool(self.node["t"] == "Space")


def tokens(inlines: list[Json], frames: tuple[Frame, ...] = ()) -> list[Token]:
    """``inlines`` as a flat list of tokens (a soft line break is a space)."""
    found: list[Token] = []
    for inline in inlines:
        kind = inline["t"]
        if kind in _WRAPPERS:
            found += tokens(inline["c"], (*frames, (kind, "")))
        elif kind in _HOLDERS:
            c = inline["c"]
            frame = (kind, _key([c[0], *c[2:]]))
            found += tokens(c[1], (*frames, frame))
        elif kind == "SoftBreak":
            found.append(Token(frames, {"t": "Space"}))
        else:
            found.append(Token(frames, inline))
    return found


def _container(frame: Frame, inlines: list[Json]) -> Json:
    kind, params = frame
    if kind in _WRAPPERS:
        return {"t": kind, "c": inlines}
    rest = json.loads(params)
    return {"t": kind, "c": [rest[0], inlines, *rest[1:]]}


def merge_inlines(old: list[Json], new: list[Json], marker: Marker) -> list[Json]:
    """The inlines of ``new`` with the words changed from ``old`` marked."""
    a = [_numbered(t, marker.old_numbers) for t in tokens(old)]
    b = [_numbered(t, marker.new_numbers) for t in tokens(new)]
    matcher = difflib.SequenceMatcher(None, [t.key for t in a], [t.key for t in b], autojunk=False)
    runs = _joined(list(matcher.get_opcodes()), a)
    items: list[tuple[Mark | None, Token]] = []
    for tag, i1, i2, j1, j2 in runs:
        if tag == "equal":
            items += [(None, t) for t in b[j1:j2]]
            continue
        items += [("deletion", d) for t in a[i1:i2] if (d := _deletable(t, marker)) is not None]
        items += [("insertion", t) for t in b[j1:j2]]
    return _rebuild(items, 0, marker)


def _numbered(token: Token, numbers: dict[str, int]) -> Token:
    """A citation token with its version's numbers (other tokens as they are)."""
    if token.node["t"] != "Cite":
        return token
    keys = [c["citationId"] for c in token.node["c"][0]]
    return Token(token.frames, token.node, tuple((k, numbers.get(k, 0)) for k in keys))


def _deletable(token: Token, marker: Marker) -> Token | None:
    kind = token.node["t"]
    if kind == "Cite":
        return Token(token.frames, {"t": "Str", "c": _old_citation(token.node, marker)})
    if kind in ("Image", "Note"):
        return None
    return token


Opcode = tuple[str, int, int, int, int]


def _joined(opcodes: Sequence[Opcode], old: list[Token]) -> list[Opcode]:
    """The opcodes with a lone space between two changes taken into the change, so that
    "a b" → "c d" reads as one deletion and one insertion."""
    runs: list[Opcode] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        between = 0 < n < len(opcodes) - 1
        if tag == "equal" and between and all(t.is_space for t in old[i1:i2]):
            tag = "replace"
        if runs and tag != "equal" and runs[-1][0] != "equal":
            _, p1, _, q1, _ = runs.pop()
            runs.append(("replace", p1, i2, q1, j2))
        else:
            runs.append((tag, i1, i2, j1, j2))
    return runs


def _rebuild(items: list[tuple[Mark | None, Token]], depth: int, marker: Marker) -> list[Json]:
    """Inlines again from marked tokens: containers re-made, each run of one mark in a span
    (inside the containers, so that the marks never cross them)."""
    out: list[Json] = []
    i = 0
    while i < len(items):
        mark, token = items[i]
        j = i + 1
        if len(token.frames) > depth:
            frame = token.frames[depth]
            while (
                j < len(items)
                and len(items[j][1].frames) > depth
                and items[j][1].frames[depth] == frame
            ):
                j += 1
            out.append(_container(frame, _rebuild(items[i:j], depth + 1, marker)))
        else:
            while j < len(items) and len(items[j][1].frames) == depth and items[j][0] == mark:
                j += 1
            nodes = [t.node for _, t in items[i:j]]
            out += nodes if mark is None else [marker.span(mark, nodes)]
        i = j
    return out
