"""A converter's failure in the author's terms: which case file and section caused it.

pandoc's errors carry a line of the generated Markdown, typst's a span in the generated
``.typ``: the heading above that line names the manuscript section (its id is the CARE
section key, ``patient-information``), and the text the error points at is looked up in the
section's own file (or case.yaml) to give its line and column there. An error in a journal
template is reported at the template's file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from casepub.convert.failure import Failure
from casepub.diagnostics import Diagnostic
from casepub.load.loaded import LoadedCase, Passage, display_path
from casepub.load.yamlsource import format_path
from casepub.model import SECTION_KEYS

_MD_HEADING = re.compile(r"^#+ (?P<title>.*?)\s*\{#(?P<id>[\w-]+)[^}]*\}\s*$")
_TYP_HEADING = re.compile(r"^=+ (?P<title>.*?)\s*(?:<(?P<id>[\w-]+)>)?\s*$")
_TYP_LABEL = re.compile(r"^<(?P<id>[\w-]+)>\s*$")
_LABEL = re.compile(r"label `<([^>]+)>` does not exist")


def _heading(text: str, line: int, kind: str) -> tuple[str, str] | None:
    """The (id, title) of the section heading at or above 1-based ``line`` of ``text``."""
    lines = text.splitlines()[: max(line, 0)]
    for index in range(len(lines) - 1, -1, -1):
        if kind == "markdown":
            if match := _MD_HEADING.match(lines[index]):
                return match.group("id"), match.group("title")
            continue
        label = _TYP_LABEL.match(lines[index])
        if label and index > 0 and (heading := _TYP_HEADING.match(lines[index - 1])):
            return label.group("id"), heading.group("title")
        heading = _TYP_HEADING.match(lines[index])
        if heading and heading.group("id"):
            return heading.group("id"), heading.group("title")
    return None


def _section_key(section_id: str) -> str | None:
    key = section_id.replace("-", "_")
    return key if key in SECTION_KEYS else None


def _find(raw: str, snippet: str) -> int | None:
    index = raw.find(snippet)
    if index < 0 and snippet.startswith('"') and snippet.endswith('"'):
        index = raw.find(snippet.strip('"'))
    return index if index >= 0 else None


def _passages(loaded: LoadedCase, key: str | None) -> Iterator[Passage]:
    keys = [key] if key else list(loaded.sections)
    for k in keys:
        yield from loaded.sections.get(k, {}).values()


def _snippets(failure: Failure) -> list[str]:
    found = []
    if match := _LABEL.search(failure.summary):
        found += [f"@{match.group(1)}", f"(#{match.group(1)})"]
    if failure.snippet:
        found.append(failure.snippet)
    return [s for s in found if s.strip()]


def _in_case(loaded: LoadedCase, key: str | None, snippets: list[str]) -> Diagnostic | None:
    """The place in the case's files where one of ``snippets`` is written."""
    for snippet in snippets:
        for scope in [key, None] if key else [None]:
            for passage in _passages(loaded, scope):
                index = _find(passage.raw, snippet)
                if index is not None:
                    mark = passage.origin.at_index(passage.raw, index)
                    return Diagnostic(passage.file, mark.line, mark.col, passage.path, "", "")
        for path, raw in loaded.source.raw.items():
            index = _find(raw, snippet) if isinstance(raw, str) else None
            if index is not None and path in loaded.source.values:
                mark = loaded.source.values[path].at_index(raw, index)
                where = format_path(path)
                return Diagnostic(loaded.source.file, mark.line, mark.col, where, "", "")
    return None


def _in_template(
    failure: Failure, generated: str, markdown: str, template: Path | None
) -> Diagnostic | None:
    """The journal template's line when the failing line of the .typ came from it (it is in
    the template, word for word, and not in the Markdown)."""
    if template is None or failure.line is None or not template.is_file():
        return None
    lines = generated.splitlines()
    if not 0 < failure.line <= len(lines):
        return None
    wanted = lines[failure.line - 1].strip()
    if len(wanted) < 3 or wanted in {line.strip() for line in markdown.splitlines()}:
        return None
    for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() == wanted:
            return Diagnostic(display_path(template), number, failure.col, "", "", "")
    return None


def _words(failure: Failure) -> tuple[str, str | None]:
    """The failure said for an author, and a suggestion."""
    if match := _LABEL.search(failure.summary):
        return (
            f"the cross-reference to `{match.group(1)}` points at nothing: no figure, table or "
            f"section has that id",
            "refer to figures as @fig:<id> and tables as @tbl:<id>, with an id from `figures:` "
            "or a generated one",
        )
    if "escape the project root" in failure.summary or "searched at" in failure.summary:
        return (
            f"{failure.summary}: the PDF may use only files inside the build folder",
            "images belong in `figures:`; raw typst in the text is not allowed",
        )
    return failure.summary, None


def explain(
    failure: Failure,
    *,
    fmt: str,
    log: Path,
    markdown: str,
    generated: Path | None = None,
    loaded: LoadedCase | None = None,
    template: Path | None = None,
) -> Diagnostic:
    """One diagnostic for ``failure`` of format ``fmt``: at the case file, section and (when
    found) line that caused it, else at the template; ``log`` holds the raw message."""
    words, suggestion = _words(failure)
    text = markdown
    if failure.input == "typst" and generated is not None and generated.is_file():
        text = generated.read_text(encoding="utf-8")
    section = (
        _heading(text, failure.line, failure.input)
        if failure.input in ("markdown", "typst") and failure.line is not None
        else None
    )
    key = _section_key(section[0]) if section else None
    place: Diagnostic | None = None
    if failure.input == "template" and failure.file is not None:
        place = Diagnostic(display_path(failure.file), failure.line, failure.col, "", "", "")
    elif failure.input == "typst":
        place = _in_template(failure, text, markdown, template)
    if place is None and loaded is not None:
        lines = text.splitlines()
        line = failure.line or 0
        written = (
            lines[line - 1].strip() if failure.input != "none" and 0 < line <= len(lines) else ""
        )
        candidates = [written] if len(written) > 3 else []
        place = _in_case(loaded, key, [*candidates, *_snippets(failure)])
        if place is None and key is not None:
            passage = next(_passages(loaded, key), None)
            if passage is not None:
                place = Diagnostic(
                    passage.file, passage.origin.line, passage.origin.col, passage.path, "", ""
                )
        if place is None:
            path = f"sections.{key}" if key else ""
            place = Diagnostic(loaded.source.file, None, None, path, "", "")
    if place is None:
        place = Diagnostic(str(failure.file or ""), failure.line, failure.col, "", "", "")
    where = f" (in the section “{section[1]}”)" if section and section[1] else ""
    if place.file.endswith((".typ", ".j2", ".css")) and failure.input != "markdown":
        where = " (in the journal template)"
    message = (
        f"{failure.tool} could not write the {fmt.upper()}: {words}{where}; "
        f"its full message is in {display_path(log)}"
    )
    return Diagnostic(
        place.file,
        place.line,
        place.col,
        place.path,
        message,
        failure.tool,
        suggestion=suggestion,
    )
