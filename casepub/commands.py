"""What each ``casepub`` command does (``casepub.cli`` parses the command line and imports
this module only when a command needs it, so that an unchanged build answers at once)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from casepub.checks.checklist import write_checklist
from casepub.checks.lint import lint
from casepub.checks.suppress import apply_suppressions
from casepub.diagnostics import CasepubError, Diagnostic, Severity, to_json
from casepub.files import write_atomic
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.profiles import DEFAULT_PROFILE, load_profile, profile_ids
from casepub.references.bibcheck import check_bibliography, check_styles, too_many_references
from casepub.references.bibtex import Bibliography, read_bibliography
from casepub.references.lists import cited_order, format_bibliography
from casepub.references.styles import DEFAULT_STYLE
from casepub.scaffold import new_case
from casepub.schema import json_schema_text, markdown_reference, with_reference

EXIT_OK, EXIT_ERRORS = 0, 1


def print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)


def run_new(args: argparse.Namespace) -> int:
    for path in new_case(args.dir, args.journal):
        print(path)
    print(
        f"casepub: new case in {args.dir}; edit case.yaml, then `casepub check {args.dir}`",
        file=sys.stderr,
    )
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    found: list[Diagnostic] = []
    suppressed = 0
    for target in args.cases:
        try:
            loaded = load_case(target)
            linted = lint(loaded, args.journal)
            findings = loaded.diagnostics.sorted() + linted.findings
            filtered = apply_suppressions(loaded, findings, linted.profile.id)
            found += filtered.kept + filtered.unused
            suppressed += len(filtered.suppressed)
        except CasepubError as exc:
            found.extend(exc.diagnostics)
    errors = sum(d.severity is Severity.error for d in found)
    warnings = len(found) - errors
    if args.format == "json":
        print(to_json(found))
    else:
        for diagnostic in found:
            print(diagnostic.format())
        print(
            f"casepub: {len(args.cases)} case(s) checked: {errors} error(s), "
            f"{warnings} warning(s), {suppressed} suppressed",
            file=sys.stderr,
        )
    if errors or (args.strict and warnings):
        return EXIT_ERRORS
    return EXIT_OK


def _report(found: Sequence[Diagnostic], output: str, what: str) -> int:
    """Print findings as the linter does; the exit code says whether any is an error."""
    errors = sum(d.severity is Severity.error for d in found)
    if output == "json":
        print(to_json(found))
    else:
        for diagnostic in found:
            print(diagnostic.format())
        print(
            f"casepub: {what}: {errors} error(s), {len(found) - errors} warning(s)", file=sys.stderr
        )
    return EXIT_ERRORS if errors else EXIT_OK


def _proof_targets(targets: Sequence[Path], out: Path) -> list[Path]:
    """The files to proof: each file given, and the outputs in ``out`` of each case given."""
    from casepub.cache import case_folder
    from casepub.checks.proof.stored import PROOFED

    files: list[Path] = []
    for target in targets:
        if target.is_file() and target.name != "case.yaml":
            files.append(target)
            continue
        if not target.exists():
            raise CasepubError.at(str(target), "no such file or case folder", "file-missing")
        folder = out / case_folder(target).name
        found = sorted(
            p
            for p in (folder.iterdir() if folder.is_dir() else [])
            if p.suffix in PROOFED and not p.name.startswith(".") and p.is_file()
        )
        if not found:
            raise CasepubError.at(
                str(target),
                f"no outputs to proof in {folder}",
                "file-missing",
                suggestion=f"build it first: casepub build {target} --out {out}",
            )
        files += found
    return files


def run_proof(args: argparse.Namespace) -> int:
    from casepub.checks.proof.geometry import profile_geometry
    from casepub.checks.proof.office import soffice
    from casepub.checks.proof.run import proof_paths

    ids = set(profile_ids())
    office = args.office if args.office is not None else soffice() is not None
    found: list[Diagnostic] = []
    files = _proof_targets(args.targets, args.out)
    for path in files:
        named = next((p for p in path.name.split(".")[1:-1] if p in ids), None)
        geometry = profile_geometry(load_profile(args.journal or named or DEFAULT_PROFILE))
        found += proof_paths([path], geometry, office=office)
    if args.format == "json":
        print(to_json(found))
    else:
        for diagnostic in found:
            print(diagnostic.format())
        printed = " (DOCX also as LibreOffice prints it)" if office else ""
        print(
            f"casepub: {len(files)} file(s) proofed{printed}: {len(found)} finding(s)",
            file=sys.stderr,
        )
    return EXIT_ERRORS if found else EXIT_OK


def run_refs_check(args: argparse.Namespace) -> int:
    target: Path = args.target
    bibliography: Bibliography | None = None
    cited: list[str] | None = None
    if target.suffix.lower() in (".bib", ".json"):
        if not target.is_file():
            raise CasepubError.at(str(target), "no such file", "file-missing")
        bibliography, found = read_bibliography(target, str(target))
        found += check_bibliography(bibliography)
        styles = args.style or ["gost", "vancouver"]
    else:
        styles = args.style or []
        try:
            loaded = load_case(target)
            found = loaded.diagnostics.sorted()
            bibliography = loaded.bibliography
            texts = [p.text for s in loaded.sections.values() for p in s.values()]
            cited = cited_order(texts, set(bibliography.entries) if bibliography else set())
            styles = args.style or _case_styles(loaded)
        except CasepubError as exc:
            found = exc.diagnostics
        found = [d for d in found if d.code.startswith(("bib-", "citation-"))]
    if bibliography is not None:
        found = sorted([*found, *check_styles(bibliography, styles)], key=_by_line)
    if args.max is not None and bibliography is not None:
        found += too_many_references(bibliography, args.max, cited)
    return _report(found, args.format, f"{target}")


def _case_styles(loaded: LoadedCase) -> list[str]:
    """The styles a case's lists are made in: its profile's, or the defaults."""
    from casepub.build import profile_for

    settings = profile_for(loaded, None).references
    styles = [settings.style or DEFAULT_STYLE[loaded.case.language]]
    return styles + ([settings.english_style] if loaded.case.language == "ru" else [])


def _by_line(diagnostic: Diagnostic) -> tuple[str, int, str]:
    return (diagnostic.file or "", diagnostic.line or 0, diagnostic.code)


def run_refs_format(args: argparse.Namespace) -> int:
    bib: Path = args.bib
    if not bib.is_file():
        raise CasepubError.at(str(bib), "no such file", "file-missing")
    bibliography, problems = read_bibliography(bib, str(bib))
    if any(d.severity is Severity.error for d in problems):
        raise CasepubError(problems)
    print(
        format_bibliography(
            bibliography,
            lang=args.lang,
            style=args.style,
            translit=args.translit,
            to=args.to,
            author_form=args.authors,
        ),
        end="",
    )
    return EXIT_OK


def run_care(args: argparse.Namespace) -> int:
    from casepub.build import BuildOptions

    options = BuildOptions(out=args.out, journal=args.journal)
    return _each_case(args.cases, lambda target: write_checklist(target, options))


def run_respond(args: argparse.Namespace) -> int:
    from casepub.build import BuildOptions
    from casepub.revise.letter import write_letter  # PDF text reading, only for this command

    options = BuildOptions(out=args.out, journal=args.journal)
    return _each_case(
        args.cases, lambda target: write_letter(target, options, args.lang, args.formats)
    )


def run_package(args: argparse.Namespace) -> int:
    from casepub.build import BuildOptions
    from casepub.package import build_package

    options = BuildOptions(out=args.out, journal=args.journal)
    return _each_case(
        args.cases,
        lambda target: [build_package(target, options, revision=args.revision)],
        _no_package,
    )


def _no_package(target: Path, diagnostics: Sequence[Diagnostic]) -> None:
    proof = [d for d in diagnostics if d.code.startswith("proof-")]
    if proof:
        print(
            f"casepub: {target}: no package written: the proof found {len(proof)} "
            "defect(s) in what it would hold",
            file=sys.stderr,
        )


def _each_case(
    cases: Sequence[Path],
    make: Callable[[Path], Iterable[Path]],
    failed_with: Callable[[Path, Sequence[Diagnostic]], None] | None = None,
) -> int:
    """``make`` for each case, printing the files it writes; a case that fails has its
    diagnostics printed (and ``failed_with`` told) and the others go on."""
    failed = 0
    for target in cases:
        try:
            for path in make(target):
                print(path, flush=True)
        except CasepubError as exc:
            failed += 1
            print_diagnostics(exc.diagnostics)
            if failed_with is not None:
                failed_with(target, exc.diagnostics)
    return EXIT_ERRORS if failed else EXIT_OK


def run_journals(args: argparse.Namespace) -> int:
    for profile_id in profile_ids():
        profile = load_profile(profile_id)
        parent = f" (extends {profile.extends})" if profile.extends else ""
        language = profile.language or "the case's language"
        print(
            f"{profile_id}\t{profile.name}{parent}; {language}; references: "
            f"{profile.references.style or 'by language'}; dates: {profile.dates.policy}"
        )
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    text = json_schema_text(args.of) if args.format == "json" else markdown_reference()
    if args.output is not None and args.format == "markdown" and args.output.is_file():
        # Keep the hand-written part of an existing document; replace the reference.
        text = with_reference(args.output.read_text(encoding="utf-8"))
    if args.output is None:
        sys.stdout.write(text)
    else:
        print(write_atomic(args.output, text))
    return EXIT_OK


def run_diff(args: argparse.Namespace) -> int:
    from casepub.revise.diff import DiffOptions, write_diff

    options = DiffOptions(
        rev_from=args.rev_from,
        rev_to=args.rev_to,
        formats=args.formats,
        lang=args.lang,
        journal=args.journal,
        out=args.out,
        author=args.author,
        proof=args.proof,
    )
    done = write_diff(args.case, options)
    for path in done.paths:
        print(path)
    print_diagnostics(done.proof)
    for change in done.changes:
        print(f"casepub: change: {change.describe()}", file=sys.stderr)
    print(
        f"casepub: {len(done.changes)} change(s) of the case, {done.marked} mark(s) in the "
        f"manuscript since {args.rev_from}",
        file=sys.stderr,
    )
    return EXIT_OK
