"""Read YAML safely and remember where every key and value stands in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from casepub.diagnostics import CasepubError, Diagnostic

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column."""

    line: int
    col: int


@dataclass
class SourceMap:
    """Positions of the keys and values of one YAML document, by key path."""

    file: str
    values: dict[KeyPath, Mark] = field(default_factory=dict)
    keys: dict[KeyPath, Mark] = field(default_factory=dict)
    raw: dict[KeyPath, str] = field(default_factory=dict)
    """The source text of each scalar value, quotes and block indicators included."""

    def locate(self, path: KeyPath, *, prefer_key: bool = False) -> Mark | None:
        """Position of ``path``, or of its nearest ancestor that exists in the file."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefer_key and prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return None

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


class _Builder:
    """Turns a composed node tree into plain Python data and a source map."""

    def __init__(self, source: SourceMap, text: str) -> None:
        self.source = source
        self.text = text
        self.constructor = SafeConstructor()
        self.problems: list[Diagnostic] = []

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.source.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        self.source.raw[path] = self.text[node.start_mark.index : node.end_mark.index]
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError:
            # e.g. 2016-13-45 looks like a timestamp but is no date: let validation say so.
            return node.value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        self.constructor.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                # Keys name fields or ids: `1:` or `2016-01-01:` become text, never a list index.
                key = str(key).lower() if isinstance(key, bool) else str(key)
            child = (*path, key)
            if key in result:
                self.problems.append(self._duplicate(key_node, child))
                continue
            self.source.keys[child] = _mark(key_node)
            result[key] = self.build(value_node, child)
        return result

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
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise CasepubError([_syntax_error(exc, display)]) from None
    except yaml.YAMLError as exc:
        raise CasepubError.at(display, str(exc), "yaml-syntax") from None
    if node is None:
        hint = "run `casepub new DIR` for a template"
        raise CasepubError.at(display, "the file is empty", "empty", line=1, col=1, suggestion=hint)
    builder = _Builder(source, text)
    try:
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        raise CasepubError([_syntax_error(exc, display)]) from None
    if builder.problems:
        raise CasepubError(builder.problems)
    return data, source


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
