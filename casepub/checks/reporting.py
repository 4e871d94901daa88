"""Reporting checklists of the other article types, in the spirit of the CARE check: each item
mapped to the sections and data that report it, a warning for what is missing.

- ``original-article``: the main items of STROBE (von Elm et al., Lancet 2007;370:1453–7),
  for observational studies;
- ``case-series``: the JBI critical appraisal checklist for case series (Munn et al., JBI
  Evidence Synthesis 2020;18(10):2127–33) — there is no single reporting standard.

Case reports keep CARE (:mod:`casepub.checks.care`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from casepub.checks.registry import checker
from casepub.diagnostics import Diagnostic, Severity
from casepub.load.loaded import LoadedCase
from casepub.load.yamlsource import KeyPath, format_path
from casepub.model import LANGS, Case, text_in
from casepub.model.cohort import VariableKind
from casepub.profiles import Profile
from casepub.render import Manuscript

Lacking = Callable[[Case], "KeyPath | None"]


@dataclass(frozen=True)
class Item:
    """One checklist item: the sections that may report it, or a test of the data."""

    id: str
    topic: str
    text: str
    sections: tuple[str, ...] = ()
    lacking: Lacking | None = None


def _abstract_part(part: str, pattern: str) -> Lacking:
    def lacking(case: Case) -> KeyPath | None:
        if not isinstance(case.abstract, list):
            return ("abstract",)
        found = any(
            p.part == part or re.search(pattern, text_in(p.heading, lang) or "", re.I)
            for p in case.abstract
            for lang in LANGS
        )
        return None if found else ("abstract",)

    return lacking


def _statistics(case: Case) -> KeyPath | None:
    cohort = case.cohort
    return None if cohort is not None and cohort.statistics else ("cohort", "statistics")


def _units(case: Case) -> KeyPath | None:
    """STROBE 11: every numeric variable has its unit (a count needs none: label it so)."""
    if case.cohort is None:
        return ("cohort",)
    for name, table in case.cohort.tables.items():
        for key, variable in table.variables.items():
            counted = re.search(r"count|number|колич|число", key + str(variable.label), re.I)
            if variable.kind is VariableKind.numeric and variable.unit is None and not counted:
                return ("cohort", "tables", name, "variables", key, "unit")
    return None


STROBE: tuple[Item, ...] = (
    Item(
        "1b",
        "Title and abstract",
        "An informative, balanced abstract: aim",
        lacking=_abstract_part("aim", r"aim|objective|цель"),
    ),
    Item(
        "1b",
        "Title and abstract",
        "An informative, balanced abstract: methods",
        lacking=_abstract_part("methods", r"method|методы"),
    ),
    Item(
        "1b",
        "Title and abstract",
        "An informative, balanced abstract: results",
        lacking=_abstract_part("results", r"result|результат"),
    ),
    Item("2", "Background", "Scientific background and rationale", ("introduction",)),
    Item("3", "Objectives", "Specific objectives", ("introduction",)),
    Item("4-6", "Methods", "Study design, setting, participants", ("methods",)),
    Item("7-8", "Variables", "Variables and their sources", ("methods",)),
    Item(
        "11",
        "Quantitative variables",
        "How quantitative variables were handled: their units",
        lacking=_units,
    ),
    Item("12", "Statistical methods", "Statistical methods, missing data", ("methods",)),
    Item(
        "13-16", "Results", "Participants, descriptive data, outcomes, main results", ("results",)
    ),
    Item(
        "14",
        "Descriptive data",
        "Characteristics of the participants (a table)",
        lacking=_statistics,
    ),
    Item(
        "18-21",
        "Discussion",
        "Key results, limitations, interpretation, generalisability",
        ("discussion",),
    ),
)
"""STROBE's main items (von Elm et al. 2007), as casepub can see them."""

JBI: tuple[Item, ...] = (
    Item("1", "Inclusion criteria", "Clear criteria for inclusion", ("methods",)),
    Item(
        "2-3",
        "Condition",
        "The condition measured and identified in a standard, reliable way",
        ("methods", "diagnostic_assessment"),
    ),
    Item("4-5", "Inclusion", "Consecutive and complete inclusion of participants", ("methods",)),
    Item(
        "6",
        "Demographics",
        "Clear reporting of the participants' demographics",
        ("patient_information", "results"),
    ),
    Item(
        "7",
        "Clinical information",
        "Clear reporting of the participants' clinical information",
        ("clinical_findings", "patient_information", "results"),
    ),
    Item(
        "8", "Outcomes", "Outcomes or follow-up results clearly reported", ("follow_up", "results")
    ),
    Item(
        "9", "Setting", "The presenting site(s) or clinic(s) and their demographics", ("methods",)
    ),
    Item("10", "Statistics", "Appropriate statistical analysis", ("methods", "results")),
)
"""The JBI critical appraisal checklist for case series (Munn et al. 2020)."""

CHECKLISTS = {"original-article": ("STROBE", STROBE), "case-series": ("JBI", JBI)}


def missing_items(loaded: LoadedCase) -> dict[KeyPath, list[Item]]:
    """The items the case does not report, by the key path to fill in."""
    _, items = CHECKLISTS.get(loaded.case.article_type.value, ("", ()))
    missing: dict[KeyPath, list[Item]] = {}
    for item in items:
        path: KeyPath | None
        if item.lacking is not None:
            path = item.lacking(loaded.case)
        elif any(loaded.sections.get(key) for key in item.sections):
            path = None
        else:
            path = ("sections", item.sections[0])
        if path is not None:
            missing.setdefault(path, []).append(item)
    return missing


@checker("reporting")
def check_reporting(
    loaded: LoadedCase, profile: Profile, manuscript: Manuscript
) -> list[Diagnostic]:
    """One warning per place in the case that lacks items of the article type's checklist."""
    name, _ = CHECKLISTS.get(loaded.case.article_type.value, ("", ()))
    found = []
    for path, items in missing_items(loaded).items():
        mark = None
        known = path
        while mark is None and known:
            mark = loaded.source.locate(known)
            known = known[:-1]
        ids = ", ".join(dict.fromkeys(i.id for i in items))
        found.append(
            Diagnostic(
                loaded.source.file,
                mark.line if mark else 1,
                mark.col if mark else 1,
                format_path(path),
                f"{name} {ids} ({items[0].topic}) not reported: "
                + "; ".join(i.text for i in items),
                "reporting-missing",
                Severity.warning,
                _suggestion(path),
            )
        )
    return found


def _suggestion(path: KeyPath) -> str:
    if path[0] == "sections":
        return f"add `sections: {{{path[1]}: …}}`"
    if path[0] == "abstract":
        return "give the abstract `part: aim`, `part: methods` and `part: results` parts"
    if path[-1] == "unit":
        return "give the variable its `unit:`"
    return "declare a table under `cohort: {statistics: …}`"
