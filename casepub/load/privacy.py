"""De-identification check: every text of the case (both languages, captions, tables, file
names, section files) is scanned for patient identifiers; each is a located warning
``deid-<kind>``. The authors' own names, affiliations and e-mails are not scanned."""

from __future__ import annotations

import re

from casepub.deid import Finding, scan
from casepub.diagnostics import Diagnostic, Severity
from casepub.load.loaded import LoadedCase
from casepub.load.yamlsource import Mark, format_path
from casepub.model import text_in

AUTHOR_METADATA = ("authors", "affiliations", "journal", "suppress", "bibliography", "profile")
"""Top-level keys that hold the authors' and the journal's own data, not the patient's."""


def _position(origin: Mark, raw: str, index: int) -> Mark:
    newlines = raw.count("\n", 0, index)
    if newlines == 0:
        return Mark(origin.line, origin.col + index)
    return Mark(origin.line + newlines, index - raw.rfind("\n", 0, index))


def _diagnostic(file: str, mark: Mark, path: str, finding: Finding) -> Diagnostic:
    return Diagnostic(
        file,
        mark.line,
        mark.col,
        path,
        finding.message,
        f"deid-{finding.kind}",
        Severity.warning,
        "remove it, or state the patient's consent and suppress this finding",
    )


NAME_KINDS = ("patronymic-name", "initials-name")


def known_names(loaded: LoadedCase) -> set[str]:
    """Family names that are not the patient's: the authors' (both languages) and those of
    every author in the bibliography."""
    names: set[str] = set()
    for author in loaded.case.authors:
        for lang in ("ru", "en"):
            family = text_in(author.family, lang)
            if family:
                names.add(family.casefold())
    if loaded.bibliography is not None:
        for entry in loaded.bibliography.entries.values():
            for person in entry.fields.get("author", "").split(" and "):
                family = person.split(",")[0] if "," in person else person.split(" ")[-1]
                family = re.sub(r"[{}\\]", "", family).strip()
                if family:
                    names.add(family.casefold())
    return names


_INSTITUTION = re.compile(
    r"\s*(?:National|Russian|Research|Medical|Cancer|Oncology|Center|Centre|Institute|"
    r"University|Hospital|Clinic|Academy)\b",
    re.IGNORECASE,
)


def _innocent(finding: Finding, text: str, names: set[str]) -> bool:
    """A name that is an author's, a cited author's, or an eponym: «им. Н.Н. Блохина»,
    "the N.N. Blokhin National … Center"."""
    if finding.kind not in NAME_KINDS:
        return False
    words = {w.casefold() for w in re.findall(r"[^\W\d_]+", finding.text)}
    before = text[max(0, finding.start - 12) : finding.start].casefold()
    eponym = "им." in before or "named after" in before
    eponym = eponym or bool(_INSTITUTION.match(text, finding.end))
    return bool(words & names) or eponym


def check_privacy(loaded: LoadedCase) -> None:
    """Add a warning for every identifier found in the case's texts and section files."""
    allowed = [a.email for a in loaded.case.authors if a.email]
    names = known_names(loaded)
    source = loaded.source
    for path, raw in sorted(source.raw.items(), key=lambda item: source.values[item[0]].line):
        if not path or path[0] in AUTHOR_METADATA:
            continue
        origin = source.values[path]
        for finding in scan(raw, allowed_emails=allowed):
            if _innocent(finding, raw, names):
                continue
            loaded.diagnostics.add(
                _diagnostic(
                    source.file, _position(origin, raw, finding.start), format_path(path), finding
                )
            )
    for passages in loaded.sections.values():
        for passage in passages.values():
            if passage.raw is passage.text and passage.file != source.file:
                for finding in scan(passage.text, allowed_emails=allowed):
                    if _innocent(finding, passage.text, names):
                        continue
                    mark = _position(Mark(1, 1), passage.text, finding.start)
                    loaded.diagnostics.add(_diagnostic(passage.file, mark, passage.path, finding))
