"""Which texts of a case take values (``{{ lab(…) }}``), and the check, at load, that every
value in them can be computed and that no template code stands anywhere else.

Values work in the texts printed as prose: the narrative, the abstract's parts, captions,
the timeline's events and outcomes, the treatments' descriptions, the declarations, and the
clinical texts (diagnosis, outcome, notes). They cannot work in what is printed as it is
written, indexed or used as a label — the title and running title, key words, names,
affiliations, headings, the journal's data, treatment and lesion names that label the
charts — so template code there is refused (``value-place``) rather than printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from casepub.clinical.record import ClinicalRecord
from casepub.clinical.values import (
    ValueProblem,
    Values,
    evaluate,
    find_expressions,
    syntax_problems,
    template_code_at,
)
from casepub.diagnostics import Diagnostic
from casepub.load.loaded import LoadedCase, Passage
from casepub.load.yamlsource import KeyPath, Mark, format_path
from casepub.model import LANGS, SECTION_KEYS, Lang

PLACE_CODE = "value-place"

_TEXTS_WITH_VALUES = frozenset(
    {
        "abstract",
        "abstract[].text",
        "figures[].caption",
        "figures[].panels[].caption",
        "examples[].text",
        "examples[].diagnosis.text",
        "examples[].timeline[].event",
        "examples[].outcome.text",
        "timeline[].event",
        "timeline[].outcome",
        "treatments[].schedule",
        "treatments[].target",
        "treatments[].embolic",
        "treatments[].reason_stopped",
        "diagnosis.text",
        "diagnosis.other[]",
        "diagnosis.pathology[].specimen",
        "diagnosis.pathology[].result",
        "outcome.text",
        "outcome.adverse_events",
        "outcome.cause_of_death",
        "labs[].values[].note",
        "markers[].values[].note",
        "lesions[].not_followed",
        "declarations.consent",
        "declarations.conflicts",
        "declarations.funding",
        "declarations.ethics",
        "declarations.acknowledgements",
        *(f"sections.{key}" for key in SECTION_KEYS),
        *(f"sections.{key}.text" for key in SECTION_KEYS),
    }
)
"""The key paths (indexes as ``[]``, the language left off) of the texts that take values."""

_NOT_PRINTED = frozenset({"suppress"})
"""Parts of a case never printed: template code in them is neither refused nor read."""


def field_pattern(path: KeyPath) -> str:
    """``("abstract", 1, "text", "en")`` → ``abstract[].text``."""
    if path and path[-1] in LANGS:
        path = path[:-1]
    return format_path(tuple(0 if isinstance(part, int) else part for part in path)).replace(
        "[0]", "[]"
    )


def takes_values(path: KeyPath) -> bool:
    """Whether the text at ``path`` of case.yaml may hold ``{{ … }}`` values."""
    return field_pattern(path) in _TEXTS_WITH_VALUES


def text_lang(path: KeyPath) -> Lang | None:
    """The language of the text at ``path``: its ``ru:``/``en:`` key; None for a plain
    string, which serves every language."""
    last = path[-1] if path else None
    return last if last in LANGS else None


def value_at(model: BaseModel, path: KeyPath) -> Any:
    """The value of ``model`` at a key path of its file (None where there is none)."""
    node: Any = model
    for part in path:
        if isinstance(node, BaseModel) and isinstance(part, str):
            node = getattr(node, part, None)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def check_values(loaded: LoadedCase, record: ClinicalRecord) -> None:
    """Every ``{{ … }}`` of every text must compute, in each language it is written in;
    template code where values cannot work, or that is no value, is an error at its place."""
    values = {lang: Values(loaded.case, record, lang) for lang in LANGS}
    for passage, langs in _texts(loaded):
        for problem in _problems(passage, [values[lang] for lang in langs]):
            loaded.diagnostics.add(problem)


def _texts(loaded: LoadedCase) -> Iterator[tuple[Passage, tuple[Lang, ...]]]:
    """Each text with template code, as a passage to locate in, with its languages; texts
    where values cannot work are reported here and not given."""
    source = loaded.source
    for path, raw in sorted(source.raw.items(), key=lambda item: source.values[item[0]].line):
        if not _has_marks(raw) or path[0] in _NOT_PRINTED:
            continue
        if path[0] == "sections" and takes_values(path):
            continue  # a section's text: read from its passages below
        origin, _ = source.span(path)
        text = value_at(loaded.case, path)
        if not takes_values(path) or not isinstance(text, str):
            index = template_code_at(raw)
            if index is not None:
                loaded.diagnostics.add(_refused(loaded, path, origin.at_index(raw, index)))
            continue
        lang = text_lang(path)
        passage = Passage(text, source.file, format_path(path), origin, raw)
        yield passage, (lang,) if lang else LANGS
    for passages in loaded.sections.values():
        for lang, passage in passages.items():
            if _has_marks(passage.text):
                yield passage, (lang,)


def _has_marks(text: str) -> bool:
    return any(mark in text for mark in ("{{", "}}", "{%", "%}"))


_WRITTEN_AS_IS = {
    "title": "the title",
    "running_title": "the running title",
    "keywords": "key words",
    "authors": "the authors' names and details",
    "affiliations": "affiliations",
    "journal": "the journal's data",
    "treatments": "a treatment's name, agents or chart lane",
    "lesions": "a lesion's site (a chart label)",
    "labs": "the name or unit of a result",
    "markers": "the name or unit of a result",
}


def _what(path: KeyPath) -> str:
    """What the text at ``path`` is, as the refusal names it."""
    pattern = field_pattern(path)
    if pattern.endswith((".heading", ".title")) and pattern != "title":
        return "a heading"
    return _WRITTEN_AS_IS.get(str(path[0]), f"`{pattern}`")


def _refused(loaded: LoadedCase, path: KeyPath, mark: Mark) -> Diagnostic:
    return Diagnostic(
        loaded.source.file,
        mark.line,
        mark.col,
        format_path(path),
        f"values (`{{{{ … }}}}`) do not work in {_what(path)}: such texts are printed, "
        "indexed or used as labels as they are written",
        PLACE_CODE,
        suggestion="write the text itself; values work in the narrative, the abstract, "
        "captions, the timeline, treatment details, the clinical texts and the declarations",
    )


def _problems(passage: Passage, languages: list[Values]) -> Iterator[Diagnostic]:
    """The template code of ``passage`` that is no value, and each value that cannot be
    computed in one of ``languages`` (a value failing in both is told once)."""
    found = list(syntax_problems(passage.text))
    in_raw = [index for index, _ in syntax_problems(passage.raw)]
    for number, (_, problem) in enumerate(found):
        yield _at(passage, in_raw[number] if len(in_raw) == len(found) else None, problem)
    expressions = list(find_expressions(passage.text))
    starts = [e.start for e in find_expressions(passage.raw)]
    told: set[tuple[int, str]] = set()
    for number, expression in enumerate(expressions):
        start = starts[number] if len(starts) == len(expressions) else None
        for values in languages:
            try:
                evaluate(expression, values)
            except ValueProblem as problem:
                if (number, problem.message) not in told:
                    told.add((number, problem.message))
                    yield _at(passage, start, problem)


def _at(passage: Passage, raw_index: int | None, problem: ValueProblem) -> Diagnostic:
    mark = passage.origin.at_index(passage.raw, raw_index) if raw_index is not None else None
    return passage.diagnostic(mark, problem.message, problem.code, suggestion=problem.suggestion)
