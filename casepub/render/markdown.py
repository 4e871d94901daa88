"""Render the manuscript view through Jinja2 templates (StrictUndefined) into pandoc Markdown."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jinja2

from casepub.i18n import format_date, format_number
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


@cache
def environment(folders: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The template environment: a journal profile's folders first, then ``templates/base``;
    undefined names are errors, Markdown is not escaped."""
    env = jinja2.Environment(
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


def render_markdown(manuscript: Manuscript, profile: Profile | None = None) -> str:
    """The pandoc Markdown of ``manuscript``, normalised to end in one newline."""
    folders = tuple(profile.folders) if profile else ()
    columns = profile.output.columns if profile else 1
    template = environment(folders).get_template(MANUSCRIPT_TEMPLATE)
    text = template.render(m=manuscript, columns=columns)
    lines = [line.rstrip() if not line.endswith("\\") else line for line in text.splitlines()]
    collapsed: list[str] = []
    for line in lines:
        if line == "" and collapsed and collapsed[-1] == "":
            continue
        collapsed.append(line)
    return "\n".join(collapsed).strip() + "\n"
