"""Stage 3: render a loaded case to pandoc Markdown through Jinja templates.

The names below are imported on first use, so that a module of this stage (the charts, in the
build's worker process) can be imported without the whole manuscript machinery."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casepub.render.context import LangMode, Manuscript, build_manuscript
    from casepub.render.markdown import render_markdown

__all__ = ["LangMode", "Manuscript", "build_manuscript", "render_markdown"]

_HOMES = {
    "LangMode": "context",
    "Manuscript": "context",
    "build_manuscript": "context",
    "render_markdown": "markdown",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
