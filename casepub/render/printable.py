"""The case as it is printed: every text with its dates under the journal's date policy and
its values (``{{ lab(…) }}``) filled in, in each language.

This is the one path of the manuscript's texts. The manuscript — front matter, sections,
captions, tables, declarations, and the JATS made from it — is built from the printed case,
never from the case as loaded, so no text reaches an output with its template code. Which
texts take values is :func:`casepub.clinical.value_texts.takes_values`; loading has refused
template code anywhere else, and :func:`template_code_in` is the last guard.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel

from casepub.clinical.record import ClinicalRecord, build_record
from casepub.clinical.value_texts import takes_values
from casepub.clinical.values import ValueProblem, Values, ValueSyntax, expand, has_template_code
from casepub.diagnostics import CasepubError, Diagnostic, DiagnosticList
from casepub.load.loaded import LoadedCase, Passage
from casepub.load.yamlsource import KeyPath
from casepub.model import LANGS, Lang, Localized
from casepub.model.common import holds_text
from casepub.model.narrative import STORY_SECTIONS
from casepub.profiles import DatePolicy
from casepub.render.dating import Dating


class Printer:
    """Turns one text of the case into its printed form in one language."""

    def __init__(self, loaded: LoadedCase, record: ClinicalRecord, dates: DatePolicy | None):
        self.dating = Dating(loaded.case, record, dates)
        self.values = {lang: Values(loaded.case, record, lang, dates) for lang in LANGS}

    def text(self, text: str, lang: Lang, *, patient: bool, values: bool) -> str:
        """``text`` with its dates under the policy and, where the text takes values, its
        values; ``ValueProblem`` for a value that cannot be computed or template code where
        no values work (loading refuses both first)."""
        dated = self.dating.apply(text, lang, patient=patient)
        if values:
            return expand(dated, self.values[lang])
        if has_template_code(dated):
            raise ValueSyntax("template code in a text where values do not work")
        return dated


def printed_case(
    loaded: LoadedCase, record: ClinicalRecord, dates: DatePolicy | None
) -> LoadedCase:
    """``loaded`` with every text printed (see the module); its clinical record made again
    from the printed texts. ``CasepubError`` listing every text that cannot be printed."""
    printer = Printer(loaded, record, dates)
    problems: list[Diagnostic] = []
    case = _model(loaded.case, (), _Walk(loaded, printer, problems))
    sections = {
        key: {
            lang: _passage(passage, lang, printer, key in STORY_SECTIONS, problems)
            for lang, passage in passages.items()
        }
        for key, passages in loaded.sections.items()
    }
    if problems:
        raise CasepubError(problems)
    printed = dataclasses.replace(
        loaded, case=case, sections=sections, diagnostics=DiagnosticList()
    )
    printed.record = build_record(printed)  # its findings were told when the case was loaded
    printed.record.cohort = record.cohort  # the data tables hold no text to print
    return printed


@dataclasses.dataclass(frozen=True)
class _Walk:
    loaded: LoadedCase
    printer: Printer
    problems: list[Diagnostic]

    def text(self, text: str, lang: Lang, path: KeyPath) -> str:
        try:
            return self.printer.text(text, lang, patient=True, values=takes_values(path))
        except ValueProblem as problem:
            self.problems.append(
                self.loaded.diagnostic(
                    path, problem.message, problem.code, suggestion=problem.suggestion
                )
            )
            return text


def _passage(
    passage: Passage, lang: Lang, printer: Printer, patient: bool, problems: list[Diagnostic]
) -> Passage:
    try:
        text = printer.text(passage.text, lang, patient=patient, values=True)
    except ValueProblem as problem:
        problems.append(
            passage.diagnostic(None, problem.message, problem.code, suggestion=problem.suggestion)
        )
        return passage
    return dataclasses.replace(passage, text=text)


Model = TypeVar("Model", bound=BaseModel)


def _model(model: Model, path: KeyPath, walk: _Walk) -> Model:
    changes: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        if path == () and name in ("sections", "suppress"):
            continue  # sections are printed from their passages; suppressions never
        value = getattr(model, name)
        printed = _value(value, (*path, name), holds_text(field.annotation), walk)
        if printed is not value:
            changes[name] = printed
    return model.model_copy(update=changes) if changes else model


def _value(value: Any, path: KeyPath, text: bool, walk: _Walk) -> Any:
    if isinstance(value, Localized):
        return _localized(value, path, walk)
    if text and isinstance(value, str):
        printed = {lang: walk.text(value, lang, path) for lang in LANGS}
        if all(p == value for p in printed.values()):
            return value
        return Localized(ru=printed["ru"], en=printed["en"])
    if isinstance(value, BaseModel):
        return _model(value, path, walk)
    if isinstance(value, list):
        items = [_value(item, (*path, i), text, walk) for i, item in enumerate(value)]
        return items if _changed(items, value) else value
    if isinstance(value, dict):
        entries = {key: _value(item, (*path, key), text, walk) for key, item in value.items()}
        return entries if _changed(entries.values(), value.values()) else value
    return value


def _localized(value: Localized, path: KeyPath, walk: _Walk) -> Localized:
    changes: dict[str, str] = {
        lang: walk.text(text, lang, (*path, lang))
        for lang in LANGS
        if (text := getattr(value, lang))
    }
    if all(changes[lang] == getattr(value, lang) for lang in changes):
        return value
    return value.model_copy(update=changes)


def _changed(new: Iterable[Any], old: Iterable[Any]) -> bool:
    return any(a is not b for a, b in zip(new, old, strict=True))


def template_code_in(texts: Iterable[tuple[str, str]]) -> Iterator[Diagnostic]:
    """A finding for each ``(where, text)`` that would print template code: the guard that
    nothing got past :func:`printed_case`."""
    for where, text in texts:
        if has_template_code(text):
            yield Diagnostic(
                "",
                None,
                None,
                where,
                f"template code would be printed: {text[:80]!r}",
                "value-place",
                suggestion="report this: loading should have refused it",
            )
