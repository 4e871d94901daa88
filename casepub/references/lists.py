"""The reference lists of a manuscript, formatted by citeproc before the manuscript is.

Each list is rendered by the bundled pandoc from CSL-JSON, with the keys cited in the order of
first citation, so every list has the same numbers as the text. The manuscript then includes
the lists as Markdown; its own citeproc run only numbers the citations (no bibliography).

A bilingual manuscript has two lists: the original one ("Список литературы", GOST by default)
and the English "References" (Vancouver by default), in which Russian sources are
transliterated, carry their English title and end with "(In Russ.)" before the DOI.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from casepub.cache import active_cache, code_fingerprint, digest
from casepub.convert.pandoc import pandoc_executable
from casepub.diagnostics import CasepubError
from casepub.parallel import together
from casepub.references.bibtex import Bibliography
from casepub.references.csljson import to_csl
from casepub.references.english import english_items
from casepub.references.localise import (
    AuthorForm,
    format_per_language,
    localises_per_item,
    mark_authors,
)
from casepub.references.styles import DEFAULT_STYLE, style_path
from casepub.references.translit import Translit

IN_RUSS = "(In Russ.)"


@dataclass(frozen=True)
class ReferenceOptions:
    """How the lists are made: styles (a short name, a CSL name or a .csl path) and the
    transliteration of Russian sources in English lists."""

    style: str | None = None
    """Style of the list in the body language; default gost (Russian) or vancouver (English)."""
    english_style: str = "vancouver"
    """Style of the English "References" of a bilingual manuscript."""
    translit: Translit = "bsi"
    """bsi (BS 2979, default), bgn (BGN/PCGN) or lc (ALA-LC)."""
    official_title: bool = False
    """Print a Russian source's English title unbracketed, as its official title."""
    author_form: AuthorForm = "standard"
    """GOST with four or more authors: the standard's form or the journals' (``localise``)."""


@dataclass(frozen=True)
class ReferenceList:
    """One formatted list: its heading and a Markdown block of ``.csl-entry`` divs."""

    heading: str
    lang: str
    markdown: str
    id_prefix: str


def cited_order(texts: list[str], keys: set[str]) -> list[str]:
    """Keys of ``keys`` in the order of their first citation in ``texts``."""
    from casepub.references.citations import find_citations

    order: list[str] = []
    for text in texts:
        for citation in find_citations(text):
            if citation.key in keys and citation.key not in order:
                order.append(citation.key)
    return order


def list_id(id_prefix: str) -> str:
    """The id of a whole list: ``bibliography`` (entries ``ref-…``), ``bibliography-en``
    (entries ``ref-en-…``)."""
    language = id_prefix.removeprefix("ref-").rstrip("-")
    return f"bibliography-{language}" if language else "bibliography"


def format_list(
    items: list[dict[str, Any]], order: list[str], csl: Path, lang: str, *, id_prefix: str = "ref-"
) -> str:
    """The citeproc-formatted entries of ``order`` as a Markdown block (ids ``id_prefix+key``);
    during a build, a list made before from the same entries, order, style and casepub is
    reused."""
    cited = [item for item in items if item["id"] in order]
    cache = active_cache()
    key = digest(
        json.dumps([cited, order, lang, id_prefix], sort_keys=True),
        csl.read_bytes(),
        _pandoc_identity(),
        code_fingerprint(),  # how the lists are put together (localise) is code, too
    )
    if cache is not None and (found := cache.files("references", key)) is not None:
        return found["list.md"].decode("utf-8")
    block = _citeproc_list(cited, order, csl, lang, id_prefix)
    if cache is not None:
        cache.store("references", key, {"list.md": block.encode("utf-8")})
    return block


def _pandoc_identity() -> str:
    """Which pandoc formats the lists: another one (an upgrade) makes new lists."""
    executable = Path(pandoc_executable())
    stat = executable.stat()
    return f"{executable}:{stat.st_size}:{stat.st_mtime_ns}"


def _citeproc_list(
    cited: list[dict[str, Any]], order: list[str], csl: Path, lang: str, id_prefix: str
) -> str:
    """The list of the ``cited`` entries in ``order``, each in its own language if the style
    says so (``localise``), with the ids of ``id_prefix``."""
    if localises_per_item(csl):
        block = format_per_language(
            cited, lambda language: _citeproc_run(cited, order, csl, language), lang
        )
    else:
        block = _citeproc_run(cited, order, csl, lang)
    # Each list has its own ids: entries ``<prefix><key>``, the list ``bibliography[-en]``
    # (never ``refs``, which the manuscript's own citeproc run would fill, nor ``ref-…``,
    # which pandoc's LaTeX writer takes for an entry).
    if id_prefix != "ref-":
        block = block.replace("{#ref-", "{#" + id_prefix)
    block = block.replace("{#refs ", "{#" + list_id(id_prefix) + " ", 1)
    return block.strip() + "\n"


def _citeproc_run(cited: list[dict[str, Any]], order: list[str], csl: Path, lang: str) -> str:
    """Run pandoc's citeproc on the ``cited`` entries in ``order``, in the locale ``lang``."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(cited, handle, ensure_ascii=False)
    source = Path(handle.name)
    document = (
        f"---\nlang: {lang}\n---\n\n"
        + " ".join(f"[@{key}]" for key in order)
        + "\n\n::: {#refs}\n:::\n"
    )
    try:
        result = subprocess.run(
            [
                pandoc_executable(),
                "--from",
                "markdown",
                "--to",
                "markdown",
                "--wrap=none",
                "--citeproc",
                "--bibliography",
                str(source),
                "--csl",
                str(csl),
            ],
            input=document.encode("utf-8"),
            capture_output=True,
            check=False,
        )
    finally:
        source.unlink(missing_ok=True)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise CasepubError.at("", f"citeproc failed: {message}", "pandoc")
    text = result.stdout.decode("utf-8")
    return text[text.index(":::") :] if ":::" in text else ""


def mark_in_russ(block: str, russian: set[str], id_prefix: str) -> str:
    """Add "(In Russ.)" to each Russian source's entry, before its DOI when it has one."""
    lines = block.split("\n")
    current: str | None = None
    for index, line in enumerate(lines):
        opening = re.match(r"::: \{#" + re.escape(id_prefix) + r"(\S+) \.csl-entry\}", line)
        if opening:
            current = opening.group(1)
            continue
        if current in russian and line.startswith("["):
            lines[index] = _insert_in_russ(line)
            current = None
    return "\n".join(lines)


def _insert_in_russ(entry: str) -> str:
    doi = re.search(r"\s(doi:|DOI:?|https://doi\.org)", entry)
    if doi:
        return f"{entry[: doi.start()]} {IN_RUSS}{entry[doi.start() :]}"
    closing = entry.rfind("]{.csl-right-inline}")
    if closing < 0:
        return f"{entry} {IN_RUSS}"
    return f"{entry[:closing]} {IN_RUSS}{entry[closing:]}"


def english_list(
    items: list[dict[str, Any]],
    order: list[str],
    csl: Path,
    *,
    system: Translit = "bsi",
    official_title: bool = False,
    id_prefix: str = "ref-",
) -> str:
    """The English list: Russian sources transliterated and marked "(In Russ.)"."""
    english = english_items(items, system=system, official_title=official_title)
    russian = {item["id"] for item in english if item.get("casepub-in-russ")}
    block = format_list(english, order, csl, "en", id_prefix=id_prefix)
    return mark_in_russ(block, russian, id_prefix)


def reference_lists(
    bibliography: Bibliography,
    texts: list[str],
    *,
    body_lang: str,
    bilingual: bool,
    headings: dict[str, str],
    options: ReferenceOptions,
) -> list[ReferenceList]:
    """The lists a manuscript prints: the body language's, and in a bilingual Russian
    manuscript the English one too. ``headings`` maps ``ru``/``en`` to list titles."""
    items = mark_authors(to_csl(bibliography.entries), options.author_form)
    order = cited_order(texts, set(bibliography.entries))
    if not order:
        return []
    style = style_path(options.style or DEFAULT_STYLE[body_lang])
    if body_lang == "en":
        block = english_list(
            items, order, style, system=options.translit, official_title=options.official_title
        )
        return [ReferenceList(headings["en"], "en", block, "ref-")]
    russian = partial(format_list, items, order, style, "ru")
    if not bilingual:
        return [ReferenceList(headings["ru"], "ru", russian(), "ref-")]
    english = partial(
        english_list,
        items,
        order,
        style_path(options.english_style),
        system=options.translit,
        official_title=options.official_title,
        id_prefix="ref-en-",
    )
    ru_block, en_block = together([russian, english])  # two pandoc runs at once
    return [
        ReferenceList(headings["ru"], "ru", ru_block, "ref-"),
        ReferenceList(headings["en"], "en", en_block, "ref-en-"),
    ]


def csl_items(
    bibliography: Bibliography, options: ReferenceOptions
) -> dict[str, list[dict[str, Any]]]:
    """CSL-JSON of the bibliography as written, and its English form, for inspection."""
    items = to_csl(bibliography.entries)
    return {
        "": items,
        "-en": english_items(items, system=options.translit, official_title=options.official_title),
    }


def format_bibliography(
    bibliography: Bibliography,
    *,
    lang: str,
    style: str | None,
    translit: Translit = "bsi",
    to: str = "text",
    author_form: AuthorForm = "standard",
) -> str:
    """Every entry of a .bib, in file order, formatted in ``style`` (``casepub refs format``)."""
    items = mark_authors(to_csl(bibliography.entries), author_form)
    order = sorted(bibliography.entries, key=lambda key: bibliography.entries[key].line)
    csl = style_path(style or DEFAULT_STYLE[lang])
    if lang == "en":
        block = english_list(items, order, csl, system=translit)
    else:
        block = format_list(items, order, csl, lang)
    if to == "markdown":
        return block
    target = "plain" if to == "text" else "html"
    result = subprocess.run(
        [pandoc_executable(), "--from", "markdown", "--to", target, "--wrap=none"],
        input=block.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise CasepubError.at("", result.stderr.decode("utf-8", "replace"), "pandoc")
    text = result.stdout.decode("utf-8")
    # citeproc's number and entry are two spans; plain text loses the space between them
    return re.sub(r"^(\d+\.)(?=\S)", r"\1 ", text, flags=re.MULTILINE) if to == "text" else text
