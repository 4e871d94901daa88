"""Read ``responses.yaml``: the model, with the place of every key for diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from casepub.diagnostics import CasepubError, Diagnostic, DiagnosticList, Severity
from casepub.files import read_text
from casepub.limits import MAX_CASE_YAML_BYTES
from casepub.load.errors import validation_diagnostics
from casepub.load.loaded import LoadedCase, display_path
from casepub.load.loader import load_case
from casepub.load.yamlsource import KeyPath, SourceMap, parse_yaml
from casepub.model.responses import Responses
from casepub.revise.versions import materialise

RESPONSES_FILE = "responses.yaml"


@dataclass(frozen=True)
class LoadedResponses:
    """A validated ``responses.yaml`` and where its keys are."""

    responses: Responses
    source: SourceMap
    path: Path

    def diagnostic(
        self, path: KeyPath, message: str, code: str, *, warning: bool = False, hint: str = ""
    ) -> Diagnostic:
        """A finding at ``path`` of the file."""
        severity = Severity.warning if warning else Severity.error
        return self.source.diagnostic(path, message, code, severity, hint or None)

    def places(self) -> list[tuple[KeyPath, str]]:
        """Every place a reply names, with its key path in the file."""
        return [
            (("reviewers", r, "comments", c, "changed", p), place)
            for r, reviewer in enumerate(self.responses.reviewers)
            for c, comment in enumerate(reviewer.comments)
            for p, place in enumerate(comment.changed)
        ]


def responses_file(case_folder: Path) -> Path:
    """Where a case's responses are."""
    return case_folder / RESPONSES_FILE


def load_responses(case_folder: Path) -> LoadedResponses | None:
    """The case's ``responses.yaml``, or None when it has none; raise ``CasepubError``
    with every problem located when it is broken."""
    file = responses_file(case_folder)
    if not file.is_file():
        return None
    display = display_path(file)
    text = read_text(file, display, MAX_CASE_YAML_BYTES, "responses files")
    data, source = parse_yaml(text, display)
    if not isinstance(data, dict):
        raise CasepubError.at(
            display,
            "responses.yaml must be a mapping of keys to values",
            "type",
            line=1,
            col=1,
            suggestion="start with `since: <the submitted version>` and `reviewers:`",
        )
    try:
        responses = Responses.model_validate(data)
    except ValidationError as exc:
        found = DiagnosticList(
            [_with_place_hint(d) for d in validation_diagnostics(exc, data, source, Responses)]
        )
        raise CasepubError(found.sorted()) from None
    return LoadedResponses(responses, source, file)


PLACE_HINT = (
    "name a place as sections.<key>, <list>[<n>] (labs[2]), fig:<id>, tbl:<id> or references:<key>"
)


def _with_place_hint(diagnostic: Diagnostic) -> Diagnostic:
    """A malformed place in ``changed:`` is told what places look like."""
    if ".changed[" in diagnostic.path and diagnostic.suggestion is None:
        return replace(diagnostic, suggestion=PLACE_HINT)
    return diagnostic


def since_revision(case_folder: Path, since: str) -> str:
    """``since`` as ``materialise`` takes it: a folder beside the case's files (made
    absolute), else a git revision."""
    folder = case_folder / since
    return str(folder) if folder.is_dir() else since


def submitted_version(loaded: LoadedCase, responses: LoadedResponses, into: Path) -> LoadedCase:
    """The case as it was at ``since``, read from git or its folder into ``into``."""
    since = responses.responses.since
    try:
        return load_case(materialise(loaded.folder, since_revision(loaded.folder, since), into))
    except CasepubError as exc:
        first = exc.diagnostics[0].message if exc.diagnostics else "it cannot be read"
        raise CasepubError(
            [
                responses.diagnostic(
                    ("since",),
                    f"the submitted version `{since}` cannot be read: {first}",
                    "response-since",
                    hint="give a git tag or revision of the case's repository, or the folder "
                    "of the submitted version",
                )
            ]
        ) from None
