"""Each source in its own language: the GOST lists describe an English source in English terms
("Vol. 449, No. 4. P. 395–401", "et al.") and a Russian one in Russian ("Т.", "№", "С.",
"и др."), as GOST 7.1 and 7.11 ask.

Pandoc's citeproc localises a whole run, not an item, so a style that says so (the comment
``casepub:per-item-language`` in the CSL file, as ``templates/csl/gost-r-7-0-5-2008.csl``
has) is run once per language of the cited sources, every run with all the entries (so the
numbers agree), and each entry is taken from the run in its own language. This is the one
place where lists are put together from several runs.

The module also marks the items for what CSL cannot test by itself: an entry with four or
more authors (or only organisations as authors) starts with its title in the standard form
of GOST R 7.0.5 (``casepub-title-first``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Literal

from casepub.parallel import together
from casepub.references.csljson import is_russian

PER_ITEM_MARK = "casepub:per-item-language"
TITLE_FIRST_KEY = "casepub-title-first"
AuthorForm = Literal["standard", "journal"]
"""GOST with four or more authors: ``standard`` — the title first, then "/ И.И. Иванов,
П.П. Петров, С.С. Сидоров [и др.]"; ``journal`` — "Иванов И.И., Петров П.П., Сидоров С.С.
и др." before the title, as many journals print it."""

_ENTRY = re.compile(r"^::: \{#(?P<id>\S+) \.csl-entry\}\n.*?\n:::$", re.MULTILINE | re.DOTALL)


def localises_per_item(csl: Path) -> bool:
    """Whether ``csl`` asks for each entry in its own language (read every time: a style
    file can change while ``casepub serve`` or the build daemon runs)."""
    return PER_ITEM_MARK in csl.read_text(encoding="utf-8")


def description_language(item: Mapping[str, Any]) -> str:
    """The language an entry is described in: its ``language`` (``langid``), else Russian
    for a Cyrillic title or names, else English."""
    language = str(item.get("language") or "").strip()
    if re.fullmatch(r"[A-Za-z]{2,3}(?:-\w+)*", language):
        return language.split("-")[0].lower()
    return "ru" if is_russian(dict(item)) else "en"


def mark_authors(items: list[dict[str, Any]], form: AuthorForm) -> list[dict[str, Any]]:
    """``items`` with ``casepub-title-first`` on those that GOST describes under the title."""
    marked = []
    for item in items:
        copy = {key: value for key, value in item.items() if key != TITLE_FIRST_KEY}
        if _title_first(item.get("author") or [], form):
            copy[TITLE_FIRST_KEY] = "yes"
        marked.append(copy)
    return marked


def _title_first(authors: list[Mapping[str, Any]], form: AuthorForm) -> bool:
    if not authors:
        return False
    literal = [name for name in authors if "literal" in name]
    if len(literal) == len(authors):
        return True  # organisations only: they follow "/"
    if form == "journal":
        return False
    truncated = any(str(name.get("literal", "")).casefold() == "others" for name in literal)
    return len(authors) >= 4 or truncated


def format_per_language(
    items: list[dict[str, Any]], run: Callable[[str], str], list_language: str
) -> str:
    """The list from one ``run(language)`` per language of ``items``: each entry (``.csl-entry``
    div ``ref-<id>``, as citeproc writes it) from the run in its own language, the frame from
    the run in ``list_language`` (or the first)."""
    languages = {str(item["id"]): description_language(item) for item in items}
    wanted = sorted(set(languages.values()), key=lambda lang: (lang != list_language, lang))
    if len(wanted) <= 1:
        return run(wanted[0] if wanted else list_language)
    runs = together([partial(run, language) for language in wanted])
    blocks = dict(zip(wanted, runs, strict=True))
    entries = {language: _entries(block) for language, block in blocks.items()}

    def entry(match: re.Match[str]) -> str:
        key = match.group("id")
        language = languages.get(key.removeprefix("ref-"), "")
        return entries.get(language, {}).get(key, match.group(0))

    return _ENTRY.sub(entry, blocks[wanted[0]])


def _entries(block: str) -> dict[str, str]:
    return {match.group("id"): match.group(0) for match in _ENTRY.finditer(block)}
