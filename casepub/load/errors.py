"""Turn pydantic validation errors into located, plain-language diagnostics."""

from __future__ import annotations

import re
import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from casepub.diagnostics import Diagnostic, did_you_mean
from casepub.load.yamlsource import CommaSplit, KeyPath, SourceMap, format_path

_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def data_path(data: Any, loc: tuple[int | str, ...]) -> tuple[KeyPath, str | int | None]:
    """Follow ``loc`` through ``data``, skipping union tags; return the path and a missing tail."""
    path: list[str | int] = []
    node: Any = data
    for index, part in enumerate(loc):
        if isinstance(node, dict) and part in node:  # noqa: SIM114 (mypy narrows per branch)
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif index == len(loc) - 1 and isinstance(node, dict):
            return tuple(path), part
    return tuple(path), None


def _leaves(tp: Any) -> list[Any]:
    origin = get_origin(tp)
    if origin is typing.Annotated:
        return _leaves(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return [leaf for arg in get_args(tp) for leaf in _leaves(arg)]
    return [tp]


def models_at(root: type[BaseModel], path: KeyPath) -> list[type[BaseModel]]:
    """The model classes that may describe the mapping at ``path``."""
    current: list[Any] = [root]
    for part in path:
        following: list[Any] = []
        for leaf in (x for tp in current for x in _leaves(tp)):
            origin, args = get_origin(leaf), get_args(leaf)
            if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                if isinstance(part, str) and part in leaf.model_fields:
                    following.append(leaf.model_fields[part].annotation)
            elif origin is list and isinstance(part, int):
                following.append(args[0])
            elif origin is dict and isinstance(part, str):
                following.append(args[1])
        current = following
    leaves = [x for tp in current for x in _leaves(tp)]
    return [x for x in leaves if isinstance(x, type) and issubclass(x, BaseModel)]


def _field_names(root: type[BaseModel], path: KeyPath) -> list[str]:
    names: list[str] = []
    for model in models_at(root, path):
        names.extend(n for n in model.model_fields if n not in names)
    return names


def _message(error: ErrorDetails, value: Any) -> str:
    kind = error["type"]
    if kind in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[kind]}, got {_describe(value)}"
    if kind == "literal_error" or kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{_describe(value)} is not allowed; expected {expected}"
    bounds = {
        "less_than_equal": ("le", "at most"),
        "less_than": ("lt", "less than"),
        "greater_than_equal": ("ge", "at least"),
        "greater_than": ("gt", "more than"),
    }
    if kind in bounds:
        name, words = bounds[kind]
        return f"{_describe(value)} is out of range; it must be {words} {error['ctx'][name]}"
    if kind == "finite_number":
        return f"{_describe(value)} is not a number that can be used; expected a finite number"
    if kind == "string_pattern_mismatch":
        return f"{_describe(value)} does not have the expected form"
    if kind in ("too_short", "too_long") and isinstance(value, list | dict):
        return error["msg"].replace("List", "the list").replace("Dictionary", "the mapping")
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


_PATTERN_HINTS = {
    "tnm": "write the TNM category like T1NxM1 or pT3N1M1",
    "stage": "write the stage in Roman numerals: I, IIA, IV",
    "grade": "write the grade as G1, G2 or G3",
    "icd10": "write an ICD-10 code like C17.2",
    "issn": "write the ISSN as 1234-5678",
    "doi": "write the DOI as 10.xxxx/…, without https://doi.org/",
    "pages": "write pages as 92-100",
    "initial": "one capital letter with a dot: Ф.",
    "id": "start with a letter; use letters, digits, - and _",
}


def validation_diagnostics(
    exc: ValidationError, data: Any, source: SourceMap, root: type[BaseModel]
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, located in the YAML file."""
    diagnostics: list[Diagnostic] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors(include_url=False):
        path, missing = data_path(data, tuple(error["loc"]))
        kind = error["type"]
        if kind == "missing" and missing is not None:
            diag = _missing(source, path, str(missing))
        elif kind == "extra_forbidden":
            diag = _unknown(source, path, root)
        else:
            value = error.get("input")
            mark = source.locate(path)
            hint = None
            if kind == "string_pattern_mismatch" and path and isinstance(path[-1], str):
                hint = _PATTERN_HINTS.get(path[-1])
            if kind == "enum":
                hint = did_you_mean(str(value), _enum_values(error))
            if kind in _NUMBER_ERRORS and isinstance(value, str):
                hint = number_hint(value)
            diag = Diagnostic(
                source.file,
                mark.line if mark else None,
                mark.col if mark else None,
                format_path(path),
                _message(error, value),
                _code(kind),
                suggestion=hint,
            )
        key = (diag.path, diag.message)
        if key not in seen:
            seen.add(key)
            diagnostics.append(diag)
    return diagnostics


_NUMBER_ERRORS = frozenset(["int_type", "int_parsing", "float_type", "float_parsing"])
_DECIMAL_COMMA = re.compile(r"^([+-]?\d+),(\d+)$")
_NUMBER_AND_UNIT = re.compile(r"^[+-]?\d+(?:[.,]\d+)?\s*([^\d\s.,].*)$")


def number_hint(text: str) -> str | None:
    """What to write instead of a text where a number is expected: ``263,9`` → a decimal
    point; ``263.9 U/L`` → the number alone, the unit in its own place."""
    text = text.strip()
    if match := _DECIMAL_COMMA.match(text):
        return f"use a decimal point: {match.group(1)}.{match.group(2)}"
    if match := _NUMBER_AND_UNIT.match(text):
        number = text[: len(text) - len(match.group(1))].strip().replace(",", ".")
        return f"write the number alone ({number}); the unit `{match.group(1)}` goes in `unit`"
    return None


def _enum_values(error: ErrorDetails) -> list[str]:
    expected = str(error.get("ctx", {}).get("expected", ""))
    return [part.strip(" '") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _missing(source: SourceMap, path: KeyPath, name: str) -> Diagnostic:
    mark = source.locate(path, prefer_key=True)
    where = format_path(path)
    return Diagnostic(
        source.file,
        mark.line if mark else 1,
        mark.col if mark else 1,
        f"{where}.{name}" if where else name,
        f"required key `{name}` is missing",
        "missing",
    )


def _unknown(source: SourceMap, path: KeyPath, root: type[BaseModel]) -> Diagnostic:
    split = source.commas.get(path)
    if split is not None:
        return _comma_split(source, split)
    key = str(path[-1])
    mark = source.keys.get(path) or source.locate(path)
    allowed = _field_names(root, path[:-1])
    hint = did_you_mean(key, allowed)
    if hint is None and allowed:
        hint = "allowed here: " + ", ".join(allowed)
    return Diagnostic(
        source.file,
        mark.line if mark else None,
        mark.col if mark else None,
        format_path(path),
        f"unknown key `{key}`",
        "unknown-key",
        suggestion=hint,
    )


def _comma_split(source: SourceMap, split: CommaSplit) -> Diagnostic:
    """``{ru: печень, наибольший очаг, en: …}``: told once, at the text the comma cut."""
    mark = source.values.get(split.owner)
    name = split.owner[-1]
    rest = ", ".join(f"`{part}`" for part in split.parts[1:])
    keys = "keys" if len(split.parts) > 2 else "key"
    return Diagnostic(
        source.file,
        mark.line if mark else None,
        mark.col if mark else None,
        format_path(split.owner),
        f"unknown {keys} {rest}: in a mapping written in braces `{{…}}` a comma ends the text, "
        f"so `{name}` is only `{split.parts[0]}` and the rest is read as a key",
        "unknown-key",
        suggestion=f'quote a text that has a comma: {{{name}: "{split.text}", …}}',
    )


def _code(kind: str) -> str:
    if kind in _TYPE_NAMES:
        return "type"
    if kind in ("literal_error", "enum"):
        return "choice"
    return "value"
