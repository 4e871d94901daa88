"""``casepub respond``: the point-by-point response to the reviewers.

For each reviewer, each comment, the authors' reply and — for each place the reply names —
the changed text, quoted from the revised manuscript with its page and lines there. The
revised manuscript's PDF is built first (from the build cache when unchanged); the quoted
text is found in its text layer (:mod:`casepub.revise.pages`). The submitted version
(``since:``) is read from git or its folder to tell what changed (:mod:`casepub.revise.quotes`).
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casepub.build import BuildOptions, build_case, default_mode, profile_for
from casepub.checks.checklist import write_formats
from casepub.checks.proof.geometry import profile_geometry
from casepub.diagnostics import CasepubError
from casepub.i18n import format_date
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.model import LANGS, Lang, text_in
from casepub.model.common import Localized
from casepub.profiles import DEFAULT_PROFILE, Profile
from casepub.render import LangMode, Manuscript, build_manuscript
from casepub.render.context import section_heading
from casepub.render.markdown import environment, template_failure
from casepub.resources import label_overrides, labels
from casepub.revise.pages import Spot, Word, find_text, printed_words
from casepub.revise.quotes import Printed, Quote, changed_quotes, plain, printed, unit_places
from casepub.revise.responses import (
    LoadedResponses,
    load_responses,
    responses_file,
    submitted_version,
)

LETTER_TEMPLATE = "response-letter.md.j2"
FORMATS = ("pdf", "docx", "md")
PACKAGE_NAME = "response-to-reviewers"
"""The letter's name in a submission package."""


@dataclass(frozen=True)
class Revision:
    """What the letter is made from: the revised case, its responses, the printed units of
    both versions and the words of the revised manuscript's PDF."""

    loaded: LoadedCase
    responses: LoadedResponses
    profile: Profile
    old: Printed
    new: Printed
    words: list[Word]
    manuscript: Manuscript
    pdf: Path


def require_responses(loaded: LoadedCase) -> LoadedResponses:
    """The case's responses, or an error saying where they go."""
    responses = load_responses(loaded.folder)
    if responses is None:
        raise CasepubError.at(
            str(responses_file(loaded.folder)),
            "no responses.yaml: the response to the reviewers is written from it",
            "file-missing",
            suggestion="see docs/revisions.md for its form",
        )
    return responses


def manuscript_mode(loaded: LoadedCase, profile: Profile) -> LangMode:
    """The language mode the manuscript is built in for ``profile``."""
    return profile.language or default_mode(loaded)


def ungrouped(loaded: LoadedCase, profile: Profile) -> Manuscript:
    """The manuscript with each CARE section under its own key (the journal's wording and
    date policy kept), to take the printed text of a place from."""
    flat = profile.model_copy(update={"sections": []})
    return build_manuscript(
        loaded, manuscript_mode(loaded, profile), "media", BuildOptions().references(profile), flat
    )


def revision(target: Path, options: BuildOptions) -> Revision:
    """Build the revised manuscript's PDF and read both versions of the case."""
    loaded = load_case(target)
    responses = require_responses(loaded)
    profile = profile_for(loaded, options.journal)
    built = build_case(target, dataclasses.replace(options, formats=["pdf"], lang=None))
    pdf = next(p for p in built if p.suffix == ".pdf")
    with tempfile.TemporaryDirectory(prefix="casepub-since-") as scratch:
        old_case = submitted_version(loaded, responses, Path(scratch))
        old = printed(ungrouped(old_case, profile))
    manuscript = ungrouped(loaded, profile)
    words = printed_words(pdf, profile_geometry(profile))
    return Revision(loaded, responses, profile, old, printed(manuscript), words, manuscript, pdf)


def letter_langs(loaded: LoadedCase, profile: Profile, lang: LangMode | None) -> list[Lang]:
    """The languages of the letter: asked for, else the journal's (both for a bilingual one)."""
    mode = lang or manuscript_mode(loaded, profile)
    if mode != "bilingual":
        return [mode]
    first = loaded.case.language
    return [first, *(other for other in LANGS if other != first)]


def write_letter(
    target: Path,
    options: BuildOptions,
    lang: LangMode | None = None,
    formats: Sequence[str] = FORMATS,
    into: Path | None = None,
) -> list[Path]:
    """Write ``<out>/<id>/<id>.response[.<journal>].<lang>.{pdf,docx,md}`` (or
    ``response-to-reviewers.*`` in the folder ``into``); return the paths."""
    made = revision(target, options)
    langs = letter_langs(made.loaded, made.profile, lang)
    mode = "bilingual" if len(langs) > 1 else langs[0]
    journal = "" if made.profile.id == DEFAULT_PROFILE else f".{made.profile.id}"
    name = f"{made.loaded.id}.response{journal}.{mode}" if into is None else PACKAGE_NAME
    folder = into or made.pdf.parent
    order = tuple(f for f in ("md", "docx") if f in formats)
    written = write_formats(letter_markdown(made, langs), folder, name, order)
    if "pdf" in formats:
        written += write_formats(letter_markdown(made, langs, typst=True), folder, name, ("pdf",))
    return written


TYPST_PAGE = """```{=typst}
#set par(justify: false)
```
"""
"""The letter's text for typst: pandoc's template justifies it (its margins are kept: the
proof reads the page from the template's first ``margin:``)."""


def _typst_lang(lang: Lang) -> str:
    """A raw typst block setting the language (hyphenation, quotes) of what follows."""
    return f'```{{=typst}}\n#set text(lang: "{lang}")\n```\n\n'


def letter_markdown(made: Revision, langs: Sequence[Lang], *, typst: bool = False) -> str:
    """The letter in each of ``langs``, one after the other (``typst``: with the page and
    each part's language set for the PDF)."""
    parts = []
    for lang in langs:
        with label_overrides(made.profile.labels):
            words = labels()[lang]
            context = _letter(made, lang, words)
            try:
                template = environment(tuple(made.profile.folders)).get_template(LETTER_TEMPLATE)
                text = template.render(w=words["review_response"], letter=context)
                parts.append((_typst_lang(lang) if typst else "") + text.strip())
            except Exception as exc:  # a profile's template: any failure is the template's
                raise template_failure(exc, LETTER_TEMPLATE) from None
    lines: list[str] = []
    head = TYPST_PAGE + "\n" if typst else ""
    between = "\n\n```{=typst}\n#pagebreak()\n```\n\n" if typst else "\n\n---\n\n"
    for line in (head + between.join(parts)).splitlines():
        if line.startswith("#") and lines and lines[-1]:
            lines.append("")  # a heading after a list is a heading, not the list's text
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def _text(value: str | Localized | None, lang: Lang) -> str:
    """A text in ``lang``, else in the other language."""
    return text_in(value, lang) or next((t for o in LANGS if (t := text_in(value, o))), "")


def _letter(made: Revision, lang: Lang, words: dict[str, Any]) -> dict[str, Any]:
    responses = made.responses.responses
    w = words["review_response"]
    details = []
    if responses.manuscript is not None:
        details.append(f"{w['manuscript']} {_text(responses.manuscript, lang)}")
    if responses.round is not None:
        details.append(w["round"].format(round=responses.round))
    if responses.date is not None:
        details.append(format_date(responses.date, lang))
    reviewers = []
    number = 0
    for reviewer in responses.reviewers:
        comments = []
        for comment in reviewer.comments:
            number += 1
            comments.append(
                {
                    "number": number,
                    "comment": _text(comment.comment, lang),
                    "reply": _text(comment.reply, lang),
                    "places": [_place(made, place, lang, words) for place in comment.changed],
                }
            )
        reviewers.append({"name": _text(reviewer.name, lang), "comments": comments})
    return {
        "title": _text(made.loaded.case.title, lang),
        "details": details,
        "reviewers": reviewers,
    }


def _place(made: Revision, place: str, lang: Lang, words: dict[str, Any]) -> dict[str, Any]:
    quotes = changed_quotes(place, made.old, made.new)
    note = words["review_response"]["redrawn"] if any(q.kind == "unchanged" for q in quotes) else ""
    return {
        "label": place_label(made, place, lang, words),
        "note": note,
        "quotes": [_quote(made, q, words) for q in quotes],
    }


def _quote(made: Revision, quote: Quote, words: dict[str, Any]) -> dict[str, Any]:
    text = plain(quote.text, made.new.numbers)
    spot = None if quote.kind == "removed" else find_text(made.words, text)
    return {
        "text": text,
        "removed": quote.kind == "removed",
        "where": where(spot, words["review_response"]) if spot else "",
    }


def where(spot: Spot, w: dict[str, str]) -> str:
    """``p. 3, lines 12–15`` in the letter's wording."""
    if spot.end_page != spot.page:
        return w["across"].format(
            page=spot.page, line=spot.line, end_page=spot.end_page, end=spot.end_line
        )
    if spot.end_line != spot.line:
        return w["places"].format(page=spot.page, line=spot.line, end=spot.end_line)
    return w["place"].format(page=spot.page, line=spot.line)


def place_label(made: Revision, place: str, lang: Lang, words: dict[str, Any]) -> str:
    """How the letter names a place: the section's heading, ``Fig. 2``, ``Reference 4``,
    the table that prints a data list."""
    if place.startswith("sections."):
        key = place.removeprefix("sections.")
        try:
            return section_heading(key, made.loaded.case.article_type, lang)
        except KeyError:
            return place
    if place.startswith("references:"):
        key = place.removeprefix("references:")
        number = made.new.numbers.get(key)
        label = words["review_response"]["reference"]
        return f"{label} {number}" if number else f"{label} `{key}`"
    floats = {f.spec.id: f for f in made.manuscript.floats}
    shown = [
        f"{words['figure' if f.kind == 'figure' else 'table']} {f.number}"
        for name in unit_places(place)
        if (f := floats.get(name)) is not None
    ]
    if not shown:
        return f"`{place}`"
    return ", ".join(shown) + ("" if place in floats else f" (`{place}`)")
