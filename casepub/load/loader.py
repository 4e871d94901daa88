"""Load a case folder: YAML → validated ``Case`` + resolved Markdown + bibliography."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from casepub.clinical.checks import check_record
from casepub.clinical.record import build_record
from casepub.diagnostics import CasepubError, DiagnosticList
from casepub.files import not_a_file, path_problem, read_text
from casepub.images import image_problem
from casepub.limits import MAX_CASE_YAML_BYTES
from casepub.load.checks import check_case
from casepub.load.errors import validation_diagnostics
from casepub.load.loaded import LoadedCase, display_path
from casepub.load.panels import check_panel_refs
from casepub.load.series import check_examples
from casepub.load.yamlsource import parse_yaml
from casepub.model import Case
from casepub.stats.data import build_cohort, check_declarations

CASE_FILE = "case.yaml"


def case_file(target: Path) -> Path:
    """The case.yaml of a case folder (or the file itself)."""
    return target / CASE_FILE if target.is_dir() else target


def load_case(target: Path, *, scan_identifiers: bool = True) -> LoadedCase:
    """Read and validate the case at ``target``; raise ``CasepubError`` listing every error.

    ``scan_identifiers=False`` leaves the scan for identifiers (warnings only) to the caller
    (:func:`casepub.checks.privacy.identifier_findings`), which a build runs beside pandoc;
    a case with errors is scanned all the same, so its report lists everything."""
    yaml_file = case_file(target)
    display = display_path(yaml_file)
    if not yaml_file.is_file():
        hint: str | None
        if target.is_dir():
            hint = "run `casepub new DIR` to start a case"
        else:
            hint = None if target.exists() else "no such file or folder"
        raise CasepubError.at(display, "no such case file", "file-missing", suggestion=hint)
    text = read_text(yaml_file, display, MAX_CASE_YAML_BYTES, "case files")
    data, source = parse_yaml(text, display)
    if not isinstance(data, dict):
        message = "a case file must be a mapping of keys to values"
        raise CasepubError.at(display, message, "type", line=1, col=1)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        found = DiagnosticList(validation_diagnostics(exc, data, source, Case))
        raise CasepubError(found.sorted()) from None
    folder = yaml_file.parent.resolve()
    loaded = LoadedCase(
        id=folder.name,
        folder=folder,
        yaml_file=yaml_file,
        case=case,
        source=source,
        sections={},
        bibliography=None,
    )
    check_case(loaded)
    _check_figure_files(loaded)
    check_panel_refs(loaded)
    check_examples(loaded)
    if scan_identifiers:
        _scan_identifiers(loaded)
    loaded.record = build_record(loaded)
    loaded.record.cohort = build_cohort(loaded)
    if loaded.record.cohort is not None:
        check_declarations(loaded, loaded.record.cohort)
    check_record(loaded, loaded.record)
    if loaded.diagnostics.errors:
        if not scan_identifiers:
            _scan_identifiers(loaded)
        raise CasepubError(loaded.diagnostics.sorted())
    return loaded


def _scan_identifiers(loaded: LoadedCase) -> None:
    """Warnings for identifiers (the scanner and its dictionaries are imported only now)."""
    from casepub.checks.privacy import check_privacy

    check_privacy(loaded)


def _check_figure_files(loaded: LoadedCase) -> None:
    """Each figure file that exists in the case folder must be a usable image of its kind
    (missing files, wrong extensions and paths outside the folder are reported by
    ``check_case``)."""
    for index, figure in enumerate(loaded.case.figures):
        for name, sub in figure.images():
            if path_problem(name) is not None:
                continue
            file = (loaded.folder / name).resolve()
            if not file.is_relative_to(loaded.folder) or not_a_file(file, name) is not None:
                continue
            problem = image_problem(file)
            if problem is not None:
                message, suggestion, code = problem
                loaded.report(
                    ("figures", index, *sub), f"`{name}`: {message}", code, suggestion=suggestion
                )
