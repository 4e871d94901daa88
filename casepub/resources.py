"""Where the bundled templates are: inside the installed package, or the repository's."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_PACKAGE = Path(__file__).resolve().parent


@cache
def templates_dir() -> Path:
    """``casepub/templates`` in a wheel; ``templates/`` beside the package in a checkout."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if (candidate / "base").is_dir():
            return candidate
    raise FileNotFoundError("casepub's templates are missing; reinstall casepub")


@cache
def base_labels() -> dict[str, Any]:
    """The fixed wording of manuscripts, per language (``templates/base/labels.yaml``)."""
    with (templates_dir() / "base" / "labels.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


_OVERRIDES: ContextVar[dict[str, Any] | None] = ContextVar("label_overrides", default=None)


def labels() -> dict[str, Any]:
    """The wording in force: the base labels, with a journal profile's replacements."""
    return _OVERRIDES.get() or base_labels()


@contextmanager
def label_overrides(overrides: Mapping[Any, Mapping[str, Any]]) -> Iterator[None]:
    """Within the block, ``labels()`` has ``overrides`` (per language) merged in."""
    wording = {
        lang: merged(words, overrides.get(lang, {})) for lang, words in base_labels().items()
    }
    token = _OVERRIDES.set(wording)
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


def merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it: mappings merge key by key, the rest replaces."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result
