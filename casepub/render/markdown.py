"""Render the manuscript view through Jinja2 templates (StrictUndefined) into pandoc Markdown.

Templates may come from a journal profile downloaded from anywhere, so they run in Jinja's
immutable sandbox: no attribute starting with ``_``, no mutation of lists or dicts, no access
to Python internals. A template that tries is refused (``template-unsafe``); a syntax error, an
undefined name or any other failure is reported at the template's file and line
(``template-error``) — never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from casepub.diagnostics import CasepubError
from casepub.files import folder_state
from casepub.i18n import format_date, format_number
from casepub.load.loaded import display_path
from casepub.model import PartialDate
from casepub.profiles import Profile
from casepub.render.context import Manuscript
from casepub.resources import templates_dir

MANUSCRIPT_TEMPLATE = "manuscript.md.j2"


def _table_cell(text: object) -> str:
    """Text safe inside a pipe-table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _yaml_string(text: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def environment(folders: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The sandboxed template environment: a journal profile's folders first, then
    ``templates/base``; undefined names are errors, Markdown is not escaped. Kept while the
    folders' files stay as they are (Jinja itself notices a changed template, not a new one
    that overrides a base template)."""
    return _environment(folders, folder_state(folders))


@lru_cache(maxsize=8)
def _environment(
    folders: tuple[Path, ...], state: tuple[tuple[str, int, int], ...]
) -> jinja2.Environment:
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([*folders, templates_dir() / "base"]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # pandoc writes ids as {#id}: Jinja comments are {## … ##} instead of {# … #}.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters["cell"] = _table_cell
    env.filters["yaml_string"] = _yaml_string
    env.filters["one_line"] = _one_line
    env.filters["number"] = format_number
    env.filters["date"] = lambda value, lang: format_date(PartialDate.parse(value), lang)
    return env


def _template_frame(
    traceback: TracebackType | None, default: tuple[str, int | None]
) -> tuple[str, int | None]:
    """The innermost template file and line of a traceback (Jinja rewrites template frames
    to carry the template's name and line), else ``default``."""
    found = default
    while traceback is not None:
        name = traceback.tb_frame.f_code.co_filename
        if not name.endswith(".py") and not name.startswith("<frozen"):
            found = (name, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def template_failure(
    exc: Exception,
    default_file: str,
    *,
    path: str = "",
    shown: Mapping[str, str] | None = None,
    line_offset: int = 0,
) -> CasepubError:
    """A located diagnostic for a template that failed to compile or render.

    ``default_file`` is named when the failure has no template frame (a template given as a
    string); ``shown`` maps Jinja's names (``<template>``) to the file to name instead, and
    ``line_offset`` is added to lines found in such a string template."""
    line: int | None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line = exc.filename or exc.name or default_file, exc.lineno
        message = f"template syntax error: {exc.message}"
    else:
        file, line = _template_frame(exc.__traceback__, (default_file, None))
        if isinstance(exc, jinja2.TemplateNotFound):
            message = f"template `{exc.name}` not found"
        elif isinstance(exc, jinja2.UndefinedError):
            message = f"undefined in the template: {exc.message}"
        else:
            message = f"the template failed: {exc}"
    unsafe = isinstance(exc, jinja2.exceptions.SecurityError)
    if file in (shown or {}):
        file = (shown or {})[file]
        line = line + line_offset if line is not None else None
    elif file == "<template>":
        file = default_file
        line = line + line_offset if line is not None else None
    elif Path(file).is_file():
        file = display_path(Path(file))
    if unsafe:
        return CasepubError.at(
            file,
            f"the template was refused: {exc} (templates run sandboxed and may not reach "
            "Python internals)",
            "template-unsafe",
            line=line,
            path=path,
            suggestion="use only the variables and filters the template is given",
        )
    return CasepubError.at(file, message, "template-error", line=line, path=path)


def render_markdown(manuscript: Manuscript, profile: Profile | None = None) -> str:
    """The pandoc Markdown of ``manuscript``, normalised to end in one newline."""
    folders = tuple(profile.folders) if profile else ()
    columns = profile.output.columns if profile else 1
    try:
        template = environment(folders).get_template(MANUSCRIPT_TEMPLATE)
        text = template.render(m=manuscript, columns=columns)
    except CasepubError:
        raise
    except Exception as exc:  # a profile's template: any failure is the template's
        raise template_failure(exc, MANUSCRIPT_TEMPLATE) from None
    lines = [line.rstrip() if not line.endswith("\\") else line for line in text.splitlines()]
    collapsed: list[str] = []
    for line in lines:
        if line == "" and collapsed and collapsed[-1] == "":
            continue
        collapsed.append(line)
    return "\n".join(collapsed).strip() + "\n"
