"""What a journal profile asks of a case: required metadata and sections, and limits on the
title, abstract, main text, key words, figures, tables and references — counted as journals
count (the main text is the sections only: no abstract, references, tables or captions)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from casepub.checks.registry import checker
from casepub.diagnostics import Diagnostic
from casepub.load.loaded import LoadedCase
from casepub.load.yamlsource import KeyPath
from casepub.model import Lang, text_in
from casepub.profiles import Profile
from casepub.render.context import Manuscript

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+(?:[.,]\d+)*")
_MARKUP = re.compile(r"\[@[^\]]*\]|\]\(#[^)]*\)|\{[#.][^}]*\}|^\|.*\|$|^:\s.*$", re.MULTILINE)


def count_words(markdown: str) -> int:
    """Words of running text: citations, link targets, attributes and tables left out."""
    return len(_WORD.findall(_MARKUP.sub(" ", markdown)))


@checker("journal")
def check_journal(loaded: LoadedCase, profile: Profile, manuscript: Manuscript) -> list[Diagnostic]:
    """Every way the case falls short of ``profile``, located in case.yaml."""
    found = list(_required(loaded, manuscript, profile))
    found += list(_limits(loaded, manuscript, profile))
    return found


def _at(
    loaded: LoadedCase, path: KeyPath, message: str, code: str, suggestion: str | None = None
) -> Diagnostic:
    return loaded.diagnostic(path, message, code, suggestion=suggestion)


def _required(loaded: LoadedCase, manuscript: Manuscript, profile: Profile) -> Iterator[Diagnostic]:
    case = loaded.case
    journal = f"{profile.name} ({profile.id})"
    needs = set(profile.required)
    for i, author in enumerate(case.authors):
        for field in ("orcid", "spin"):
            if field in needs and getattr(author, field) is None:
                yield _at(
                    loaded,
                    ("authors", i),
                    f"{journal} asks for every author's {field.upper()}",
                    "journal-required",
                    f"add `{field}:`",
                )
    if "doi" in needs and not (case.journal and case.journal.doi):
        yield _at(
            loaded,
            ("journal",),
            f"{journal} asks for the article's DOI",
            "journal-required",
            "add `journal: {doi: …}`",
        )
    if "english" in needs:
        for path, value in (("title",), case.title), (("abstract",), case.abstract):
            if not isinstance(value, list) and not text_in(value, "en"):
                yield _at(
                    loaded,
                    path,
                    f"{journal} asks for the English version",
                    "journal-required",
                    "add `en:`",
                )
    if "structured_abstract" in needs and not isinstance(case.abstract, list):
        yield _at(
            loaded,
            ("abstract",),
            f"{journal} asks for a structured abstract",
            "journal-required",
            "give a list of {heading, text} parts",
        )
    present = {s.key for s in manuscript.sections}
    for group in profile.sections:
        if group.key not in present and not any(k in present for k in group.include):
            title = text_in(group.title, manuscript.lang) or group.key
            yield _at(
                loaded,
                ("sections",),
                f"{journal} has a section «{title}», but the "
                f"case has none of {', '.join(group.include)}",
                "journal-section",
            )


def _limits(loaded: LoadedCase, manuscript: Manuscript, profile: Profile) -> Iterator[Diagnostic]:
    limits = profile.limits
    for front in manuscript.fronts:
        lang: Lang = front.lang
        if limits.title_chars and len(front.title) > limits.title_chars:
            yield _at(
                loaded,
                ("title",),
                f"the {lang} title has {len(front.title)} characters;"
                f" the journal allows {limits.title_chars}",
                "journal-limit",
            )
        words = sum(count_words(text) for _, text in front.abstract)
        if limits.abstract_words and words > limits.abstract_words:
            yield _at(
                loaded,
                ("abstract",),
                f"the {lang} abstract has {words} words; the "
                f"journal allows {limits.abstract_words}",
                "journal-limit",
            )
        if limits.keywords:
            low, high = limits.keywords
            if not low <= len(front.keywords) <= high:
                yield _at(
                    loaded,
                    ("keywords",),
                    f"{len(front.keywords)} {lang} key words; the journal asks for {low}–{high}",
                    "journal-limit",
                )
    main = sum(count_words(s.markdown) for s in manuscript.sections)
    if limits.main_words and main > limits.main_words:
        yield _at(
            loaded,
            ("sections",),
            f"the main text has {main} words; the journal allows {limits.main_words}",
            "journal-limit",
        )
    counts = {
        "figures": sum(f.kind == "figure" for f in manuscript.floats),
        "tables": sum(f.kind == "table" for f in manuscript.floats),
        "references": len(re.findall(r"\.csl-entry\}", manuscript.references[0].markdown))
        if manuscript.references
        else 0,
    }
    for what, count in counts.items():
        allowed = getattr(limits, what)
        if allowed is not None and count > allowed:
            path: KeyPath = {
                "figures": ("figures",),
                "tables": ("sections",),
                "references": ("bibliography",),
            }[what]
            yield _at(
                loaded, path, f"{count} {what}; the journal allows {allowed}", "journal-limit"
            )
