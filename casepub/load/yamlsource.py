"""Read YAML safely and remember where every key and value stands in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from casepub.diagnostics import CasepubError, Diagnostic, Severity
from casepub.limits import MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_NODES
from casepub.model.common import Written

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column."""

    line: int
    col: int

    def moved(self, line: int, col: int) -> Mark:
        """The place of 0-based ``line`` and ``col`` of a text that starts here."""
        if line == 0:
            return Mark(self.line, self.col + col)
        return Mark(self.line + line, col + 1)

    def at_index(self, raw: str, index: int) -> Mark:
        """The place of character ``index`` of ``raw``, a text that starts here."""
        line_start = raw.rfind("\n", 0, index) + 1
        return self.moved(raw.count("\n", 0, index), index - line_start)


@dataclass(frozen=True)
class CommaSplit:
    """A text of a flow mapping that its commas cut into a value and keys: the key it was
    meant for, and its parts (``печень``, ``наибольший очаг``)."""

    owner: KeyPath
    """The value the comma cut short (``…site.ru``)."""
    parts: list[str]

    @property
    def text(self) -> str:
        """The whole text, as the author meant it."""
        return ", ".join(self.parts)


@dataclass
class SourceMap:
    """Positions of the keys and values of one YAML document, by key path."""

    file: str
    values: dict[KeyPath, Mark] = field(default_factory=dict)
    keys: dict[KeyPath, Mark] = field(default_factory=dict)
    raw: dict[KeyPath, str] = field(default_factory=dict)
    """The source text of each scalar value, quotes and block indicators included."""
    commas: dict[KeyPath, CommaSplit] = field(default_factory=dict)
    """Keys that are the rest of a text a comma cut short in a flow mapping
    (``{ru: печень, наибольший очаг, en: …}``), by their path."""

    def locate(self, path: KeyPath, *, prefer_key: bool = False) -> Mark | None:
        """Position of ``path``, or of its nearest ancestor that exists in the file."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefer_key and prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return None

    def diagnostic(
        self,
        path: KeyPath,
        message: str,
        code: str,
        severity: Severity = Severity.error,
        suggestion: str | None = None,
        *,
        mark: Mark | None = None,
    ) -> Diagnostic:
        """A finding at ``path`` of this file (at ``mark`` when given, else where ``path``
        or its nearest ancestor is)."""
        where = mark or self.locate(path)
        return Diagnostic(
            self.file,
            where.line if where else None,
            where.col if where else None,
            format_path(path),
            message,
            code,
            severity,
            suggestion,
        )

    def span(self, path: KeyPath) -> tuple[Mark, str]:
        """Where a scalar value starts and its source text, to locate things inside it."""
        mark = self.values.get(path) or self.locate(path) or Mark(1, 1)
        return mark, self.raw.get(path, "")


def format_path(path: KeyPath) -> str:
    """``('authors', 0, 'orcid')`` → ``authors[0].orcid``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
"""The tags of plain data. Any other (``!!python/object``, ``!!binary``, ``!custom``) is
refused: casepub never builds objects from YAML."""


class _LimitError(Exception):
    """The document exceeds one of the limits of ``casepub.limits``."""

    def __init__(self, mark: yaml.Mark | None, message: str, suggestion: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.suggestion = suggestion


def _too_deep(mark: yaml.Mark | None) -> _LimitError:
    return _LimitError(
        mark,
        f"lists and mappings are nested more than {MAX_YAML_DEPTH} levels deep",
        "a case nests a few levels; check the brackets and the indentation",
    )


class _Loader(yaml.SafeLoader):
    """The safe loader, composing with bounded depth and a bounded number of aliases (the
    composer is recursive: an unbounded depth would end in a RecursionError)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases = 0

    def _mark(self) -> yaml.Mark:
        return self.peek_event().start_mark  # type: ignore[no-untyped-call,no-any-return]

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise _LimitError(
                    self._mark(),
                    f"more than {MAX_YAML_ALIASES} aliases (`*name`)",
                    "write the values out; casepub limits aliases against alias bombs",
                )
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                raise _too_deep(self._mark())
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Constructor(SafeConstructor):
    """The safe constructor, with merge keys (``<<: [*a, *a, …]``) that cannot multiply the
    pairs of a mapping without bound (each level of merges is checked as it is made)."""

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        super().flatten_mapping(node)
        if len(node.value) > MAX_YAML_NODES:
            raise _LimitError(
                node.start_mark,
                f"more than {MAX_YAML_NODES} keys once the merges (`<<:`) are expanded",
                "write the values out; a merge of merges multiplies them",
            )


class _Builder:
    """Turns a composed node tree into plain Python data and a source map."""

    def __init__(self, source: SourceMap, text: str) -> None:
        self.source = source
        self.text = text
        self.constructor = _Constructor()
        self.problems: list[Diagnostic] = []
        self.nodes = 0
        self.open: set[int] = set()
        """The collection nodes being built: an alias to one of them is a cycle."""

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise _LimitError(
                node.start_mark,
                f"more than {MAX_YAML_NODES} values once the aliases are expanded",
                "write the values out; an alias of an alias of … multiplies them",
            )
        if len(path) > MAX_YAML_DEPTH:
            raise _too_deep(node.start_mark)
        self.source.values[path] = _mark(node)
        if node.tag not in ALLOWED_TAGS:
            self.problems.append(self._tag(node, path))
            return None
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            if id(node) in self.open:
                raise _LimitError(
                    node.start_mark,
                    "an alias refers to the list or mapping that contains it",
                    "write the values out",
                )
            self.open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, path)
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        self.source.raw[path] = self.text[node.start_mark.index : node.end_mark.index]
        try:
            value = self.constructor.construct_object(node, deep=True)
        except ValueError:
            # e.g. 2016-13-45 looks like a timestamp but is no date: let validation say so.
            return node.value
        if type(value) is float and isinstance(node, yaml.ScalarNode) and node.style is None:
            return Written.read(node.value) or value  # 2.0 keeps its decimal: "2,0"
        return value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        self.constructor.flatten_mapping(node)
        result: dict[Any, Any] = {}
        previous: tuple[yaml.Node, KeyPath] | None = None
        split: CommaSplit | None = None
        for key_node, value_node in node.value:
            if previous is not None and self._decimal_comma(
                node, previous[0], key_node, value_node
            ):
                self.problems.append(self._comma(previous[0], key_node, previous[1]))
                continue
            split = self._text_comma(node, previous, key_node, value_node, split)
            if key_node.tag not in ALLOWED_TAGS:
                self.problems.append(self._tag(key_node, path))
                continue
            key = self.constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                # Keys name fields or ids: `1:` or `2016-01-01:` become text, never a list index.
                key = str(key).lower() if isinstance(key, bool) else str(key)
            child = (*path, key)
            if key in result:
                self.problems.append(self._duplicate(key_node, child))
                continue
            self.source.keys[child] = _mark(key_node)
            if split is not None:
                self.source.commas[child] = split
            result[key] = self.build(value_node, child)
            previous = (value_node, child)
        return result

    def _text_comma(
        self,
        mapping: yaml.MappingNode,
        previous: tuple[yaml.Node, KeyPath] | None,
        key: yaml.Node,
        value: yaml.Node,
        split: CommaSplit | None,
    ) -> CommaSplit | None:
        """``{ru: печень, наибольший очаг}``: a comma ends a plain text in a flow mapping,
        and the rest is read as a key without a value. The split the key belongs to, if any
        (``split`` is the one the key before belonged to)."""
        if previous is None or not mapping.flow_style:
            return None
        before = previous[0]
        rest = (
            isinstance(key, yaml.ScalarNode)
            and key.style is None
            and isinstance(value, yaml.ScalarNode)
            and value.tag == _CORE + "null"
            and value.value == ""
            and self.text[before.end_mark.index : key.start_mark.index].strip() == ","
        )
        if not rest:
            return None
        if split is not None:
            split.parts.append(str(key.value))
            return split
        plain_text = isinstance(before, yaml.ScalarNode) and before.style is None
        if not plain_text or before.tag != _CORE + "str":
            return None
        return CommaSplit(previous[1], [str(before.value), str(key.value)])

    def _decimal_comma(
        self, mapping: yaml.MappingNode, before: yaml.Node, key: yaml.Node, value: yaml.Node
    ) -> bool:
        """``{value: 263,9}``: a flow mapping reads ``263`` and then a key ``9``."""
        return (
            bool(mapping.flow_style)
            and isinstance(before, yaml.ScalarNode)
            and before.tag == _CORE + "int"
            and before.style is None
            and isinstance(key, yaml.ScalarNode)
            and key.style is None
            and key.value.isdigit()
            and isinstance(value, yaml.ScalarNode)
            and value.tag == _CORE + "null"
            and value.value == ""
            and self.text[before.end_mark.index : key.start_mark.index] == ","
        )

    def _comma(self, before: yaml.Node, key: yaml.Node, path: KeyPath) -> Diagnostic:
        mark = _mark(before)
        written = f"{before.value},{key.value}"
        return Diagnostic(
            self.source.file,
            mark.line,
            mark.col,
            format_path(path),
            f"`{written}` is read as the number {before.value} and a key `{key.value}`",
            "value",
            suggestion=f"use a decimal point: {before.value}.{key.value}",
        )

    def _tag(self, node: yaml.Node, path: KeyPath) -> Diagnostic:
        mark = _mark(node)
        tag = str(node.tag)
        shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
        return Diagnostic(
            self.source.file,
            mark.line,
            mark.col,
            format_path(path),
            f"the YAML tag `{shown}` is not allowed: casepub reads plain data (text, numbers, "
            "dates, lists and mappings) and never builds objects from tags",
            "yaml-tag",
            suggestion="remove the tag",
        )

    def _duplicate(self, key_node: yaml.Node, path: KeyPath) -> Diagnostic:
        first = self.source.keys[path]
        mark = _mark(key_node)
        return Diagnostic(
            self.source.file,
            mark.line,
            mark.col,
            format_path(path),
            f"key given twice (first on line {first.line})",
            "yaml-duplicate-key",
            suggestion="remove one of them",
        )


def parse_yaml(text: str, display: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain data and its source map."""
    source = SourceMap(display)
    hint = "run `casepub new DIR` for a template"
    if not text.strip():
        raise CasepubError.at(display, "the file is empty", "empty", line=1, col=1, suggestion=hint)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        raise CasepubError([_unprintable(exc, text, display)]) from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise CasepubError([_syntax_error(exc, display)]) from None
    except yaml.YAMLError as exc:
        raise CasepubError.at(display, str(exc), "yaml-syntax") from None
    except _LimitError as exc:
        raise CasepubError([_limit_error(exc, display)]) from None
    except RecursionError:  # a safety net: the depth limit stops far earlier
        raise CasepubError([_limit_error(_too_deep(None), display)]) from None
    finally:
        loader.dispose()
    if node is None:
        raise CasepubError.at(display, "the file is empty", "empty", line=1, col=1, suggestion=hint)
    builder = _Builder(source, text)
    try:
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        raise CasepubError([_syntax_error(exc, display)]) from None
    except _LimitError as exc:
        raise CasepubError([_limit_error(exc, display)]) from None
    except RecursionError:
        raise CasepubError([_limit_error(_too_deep(None), display)]) from None
    if builder.problems:
        raise CasepubError(builder.problems)
    return data, source


def _unprintable(exc: yaml.reader.ReaderError, text: str, display: str) -> Diagnostic:
    """A control character YAML does not allow (found before parsing starts)."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    col = exc.position - (before.rfind("\n") + 1) + 1
    return Diagnostic(
        display,
        line,
        col,
        "",
        f"a control character (U+{exc.character:04X}) that YAML does not allow",
        "yaml-syntax",
        suggestion="delete it; such characters often come from copying out of another program",
    )


def _limit_error(exc: _LimitError, display: str) -> Diagnostic:
    line = exc.mark.line + 1 if exc.mark else None
    col = exc.mark.column + 1 if exc.mark else None
    return Diagnostic(
        display, line, col, "", f"{exc.message}: not read", "too-large", suggestion=exc.suggestion
    )


def _syntax_error(exc: yaml.MarkedYAMLError, display: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{problem} ({exc.context})"
    hint = None
    context = exc.context_mark
    if exc.context and context and mark and context.line != mark.line:
        problem = (
            f"{exc.problem or 'invalid YAML'} ({exc.context} that starts on line "
            f"{context.line + 1}, column {context.column + 1})"
        )
    if "\t" in problem or "\\t" in problem or "tab" in problem.lower():
        hint = "indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        hint = "quote a value that contains `: `, or check the indentation"
    return Diagnostic(
        display, line, col, "", f"YAML syntax error: {problem}", "yaml-syntax", suggestion=hint
    )
