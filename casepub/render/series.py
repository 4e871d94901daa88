"""Clinical examples as Markdown: a subsection per example ("Клинический пример 1. …"),
opening with the patient (sex, age) and the diagnosis (grade, Ki-67), then the author's text.

The subsections are headings of the section they stand in: ``##`` under a section, one level
deeper (:func:`deeper`) when the section itself is a subsection of a journal's heading.
"""

from __future__ import annotations

import re

from casepub.i18n import format_number
from casepub.model import Case, Lang, text_in
from casepub.model.series import ClinicalExample
from casepub.resources import labels

EXAMPLE_CLASS = ".clinical-example"
_HEADING = re.compile(r"^(#+) (.*\{#example-[\w-]+ \.clinical-example\})$", re.MULTILINE)


def examples_by_section(case: Case, lang: Lang) -> dict[str, str]:
    """The Markdown of the case's examples in ``lang``, by the section they go in, numbered
    in the order of the case file."""
    found: dict[str, list[str]] = {}
    for number, example in enumerate(case.examples, start=1):
        found.setdefault(example.section, []).append(example_markdown(example, number, lang))
    return {section: "\n\n".join(parts) for section, parts in found.items()}


def example_markdown(example: ClinicalExample, number: int, lang: Lang) -> str:
    """One example: its heading, the opening line and its text."""
    words = labels()[lang]["example"]
    heading = f"{words['heading']}\u00a0{number}"
    title = text_in(example.title, lang)
    if title:
        heading += f". {title}"
    text = (text_in(example.text, lang) or "").strip()
    return (
        f"## {heading} {{#example-{example.id} {EXAMPLE_CLASS}}}\n\n"
        f"{opening(example, lang)} {text}".rstrip()
    )


def opening(example: ClinicalExample, lang: Lang) -> str:
    """ "Пациентка, 54 года. Диагноз: …; степень злокачественности G2, Ki-67 8 %." /
    "A 54-year-old woman. Diagnosis: …; grade G2, Ki-67 8%." """
    words = labels()[lang]["example"]
    patient, diagnosis = example.patient, example.diagnosis
    sex = patient.sex.value
    if lang == "ru":
        who = f"{words[sex]}, {patient.age}\u00a0{_years_ru(patient.age, words['years'])}."
    else:
        who = f"A {patient.age}-{words['years']} {words[sex]}."
    details = []
    if diagnosis.grade:
        details.append(f"{words['grade']} {diagnosis.grade}")
    if diagnosis.ki67 is not None:
        percent = "\u00a0%" if lang == "ru" else "%"
        details.append(f"Ki-67 {format_number(diagnosis.ki67, lang)}{percent}")
    stated = (text_in(diagnosis.text, lang) or "").strip().rstrip(".")
    said = "; ".join([stated, *details]) if stated else "; ".join(details)
    return f"{who} {words['diagnosis']}: {said}." if said else who


def _years_ru(age: int, forms: list[str]) -> str:
    """год / года / лет after a number."""
    if age % 10 == 1 and age % 100 != 11:
        return forms[0]
    if 2 <= age % 10 <= 4 and not 12 <= age % 100 <= 14:
        return forms[1]
    return forms[2]


def deeper(markdown: str) -> str:
    """The examples' headings one level deeper (their section became a subsection)."""
    return _HEADING.sub(lambda m: f"{m.group(1)}# {m.group(2)}", markdown)
