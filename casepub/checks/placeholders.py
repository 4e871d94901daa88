"""What `casepub new` wrote that the authors have not replaced yet: every example text of the
scaffold still in the case (title, names, abstract, sections, declarations…), the example
ORCID iD, an ``example.org`` address and the example reference. Each is a ``placeholder``
warning that says what to write there, so a new case checks clean except for what is left
to fill in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import jinja2
import yaml

from casepub.checks.registry import checker
from casepub.diagnostics import Diagnostic, Severity
from casepub.load.loaded import LoadedCase
from casepub.load.yamlsource import KeyPath, format_path
from casepub.model import LANGS
from casepub.profiles import Profile
from casepub.render import Manuscript
from casepub.resources import templates_dir

NOT_TEXT = frozenset(
    {"format", "language", "profile", "sex", "age", "date", "id", "affiliations", "status"}
    | {"corresponding", "orcid", "email", "city", "country", "bibliography", "roles", "author"}
    | {"file", "icd10", "stage", "tnm", "grade", "heading", "consent", "conflicts", "funding"}
    | {"adverse_events"}
)
"""Keys whose scaffold values are plausible real values (a heading, a standard declaration),
not example text."""

REAL_TERMS = frozenset({"case report", "клинический случай"})
"""Example key words that are also real ones."""

HINTS = {
    "title": "the article's title",
    "running_title": "a short running title",
    "authors": "the author's name as published",
    "affiliations": "the institution's name",
    "keywords": "the key words (CARE: 2–5)",
    "abstract": "the abstract",
    "diagnosis": "the diagnosis",
    "timeline": "the event",
    "outcome": "what happened: adverse events, or that there were none",
    "sections": "this section of the case",
    "declarations": "the declaration as it stands for this case (confirm it)",
}

EXAMPLE_ORCID = "0000-0002-1825-0097"
EXAMPLE_DOI = "10.1000/example.2024.1"
_SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text.strip().strip("'\"")).strip()


@cache
def scaffold_texts() -> frozenset[str]:
    """The example texts of the bundled scaffold (``templates/scaffold``)."""
    template = jinja2.Template(
        (templates_dir() / "scaffold" / "case.yaml.j2").read_text(encoding="utf-8")
    )
    texts: set[str] = set()
    for structured in (False, True):  # both forms of the abstract
        rendered = template.render(profile="", language="ru", keywords=3, structured=structured)
        texts |= {_normal(t) for t in _strings(yaml.safe_load(rendered), None)}
    sections = templates_dir() / "scaffold" / "sections"
    texts |= {_normal(p.read_text(encoding="utf-8")) for p in sections.glob("*.md")}
    return frozenset(t for t in texts if len(t) > 1 and t.casefold() not in REAL_TERMS)


def _strings(value: object, key: str | None) -> Iterator[str]:
    if key in NOT_TEXT:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, key if name in ("ru", "en") else str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)


@checker("placeholders")
def check_placeholders(
    loaded: LoadedCase, profile: Profile, manuscript: Manuscript
) -> list[Diagnostic]:
    """A warning for every example text, iD, address and reference of the scaffold left."""
    found = [*_texts(loaded), *_section_files(loaded), *_identities(loaded)]
    return found + _references(loaded)


def _hint(path: KeyPath) -> str:
    return f"write {HINTS.get(str(path[0]), 'the case’s own text')} here"


def _warning(file: str, line: int | None, col: int | None, path: str, hint: str) -> Diagnostic:
    message = "still the example text that `casepub new` put here"
    return Diagnostic(file, line, col, path, message, "placeholder", Severity.warning, hint)


def _texts(loaded: LoadedCase) -> Iterator[Diagnostic]:
    examples = scaffold_texts()
    source = loaded.source
    for path, raw in sorted(source.raw.items(), key=lambda item: source.values[item[0]].line):
        last = next((p for p in reversed(path) if isinstance(p, str) and p not in LANGS), "")
        if last and last not in NOT_TEXT and _normal(raw) in examples:
            mark = source.values[path]
            yield _warning(source.file, mark.line, mark.col, format_path(path), _hint(path))


def _section_files(loaded: LoadedCase) -> Iterator[Diagnostic]:
    examples = scaffold_texts()
    for key, passages in loaded.sections.items():
        for passage in passages.values():
            in_file = passage.file != loaded.source.file
            if in_file and _normal(passage.text) in examples:
                yield _warning(passage.file, 1, 1, passage.path, _hint(("sections", key)))


def _identities(loaded: LoadedCase) -> Iterator[Diagnostic]:
    for index, author in enumerate(loaded.case.authors):
        if author.orcid == EXAMPLE_ORCID:
            yield loaded.diagnostic(
                ("authors", index, "orcid"),
                "the example ORCID iD of `casepub new`, not the author's",
                "placeholder",
                severity=Severity.warning,
                suggestion="give the author's own iD from orcid.org, or remove the line",
            )
        if author.email and author.email.lower().endswith(("@example.org", "@example.com")):
            yield loaded.diagnostic(
                ("authors", index, "email"),
                "an example address, not the author's",
                "placeholder",
                severity=Severity.warning,
                suggestion="give the corresponding author's e-mail address",
            )


def _references(loaded: LoadedCase) -> list[Diagnostic]:
    bibliography = loaded.bibliography
    if bibliography is None:
        return []
    return [
        _warning(
            str(bibliography.display),
            entry.line,
            1,
            entry.key,
            "replace the example reference with the literature the case cites",
        )
        for entry in bibliography.entries.values()
        if entry.fields.get("doi", "").lower() == EXAMPLE_DOI
    ]
