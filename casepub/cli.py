"""Command-line interface: ``casepub new | check | build | schema``.

Exit codes: 0 success, 1 the case has errors (or the build failed), 2 usage error.
Written files go to stdout, one per line; messages go to stderr.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from casepub import __version__
from casepub.build import BuildOptions, build_case
from casepub.checklist import write_checklist
from casepub.diagnostics import CasepubError, Diagnostic, Severity, to_json
from casepub.files import write_atomic
from casepub.formats import FORMAT_NAMES
from casepub.lint import lint
from casepub.load.loader import load_case
from casepub.package import build_package
from casepub.profiles import load_profile, profile_ids
from casepub.references.bibcheck import check_bibliography, too_many_references
from casepub.references.bibtex import Bibliography, read_bibliography
from casepub.references.lists import cited_order, format_bibliography
from casepub.scaffold import new_case
from casepub.schema import json_schema_text, markdown_reference, with_reference
from casepub.suppress import apply_suppressions

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _formats(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in FORMAT_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(FORMAT_NAMES)}"
        )
    return names


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casepub",
        description="Write a medical case report once, as structured data; publish it as "
        "bilingual PDF, DOCX and HTML.",
    )
    parser.add_argument("--version", action="version", version=f"casepub {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = commands.add_parser(
        "new",
        help="start a case folder from a commented template",
        description="Create DIR with case.yaml, sections, references "
        "and the JSON Schema for your editor.",
    )
    new.add_argument("dir", type=Path, help="folder to create")
    new.set_defaults(run=_run_new)

    check = commands.add_parser(
        "check",
        help="validate cases; list every problem",
        description="Validate cases and list every problem as "
        "file:line:col: key.path: message [code].",
    )
    check.add_argument(
        "cases", nargs="+", type=Path, metavar="CASE", help="case folder or case.yaml"
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default) or a JSON list of diagnostics",
    )
    check.add_argument(
        "--journal",
        default=None,
        metavar="ID",
        help="also check what the journal profile requires (sections, "
        "metadata, word and figure limits)",
    )
    check.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    check.set_defaults(run=_run_check)

    build = commands.add_parser(
        "build",
        help="build PDF, DOCX and HTML",
        description="Build cases; print every file written.",
    )
    build.add_argument(
        "cases", nargs="+", type=Path, metavar="CASE", help="case folder or case.yaml"
    )
    build.add_argument(
        "--format",
        type=_formats,
        default=["pdf"],
        dest="formats",
        help=f"comma-separated: {','.join(FORMAT_NAMES)} (default: pdf)",
    )
    build.add_argument(
        "--lang",
        choices=("ru", "en", "bilingual"),
        default=None,
        help="manuscript language; default: bilingual for a Russian case, en for an English one",
    )
    build.add_argument(
        "--out", type=Path, default=Path("build"), help="output folder (default: build)"
    )
    build.add_argument(
        "--csl",
        default=None,
        help="citation style: gost, vancouver, ama, a CSL name or a .csl path",
    )
    build.add_argument(
        "--journal",
        default=None,
        metavar="ID",
        help="journal profile (see `casepub journals`); default: the case's `profile`, "
        "else preprint",
    )
    build.add_argument(
        "--translit",
        choices=("bsi", "bgn", "lc"),
        default=None,
        help="transliteration of Russian sources in English reference lists: "
        "bsi (BS 2979, the profile's default), bgn (BGN/PCGN) or lc (ALA-LC)",
    )
    build.add_argument(
        "--official-english-titles",
        action="store_true",
        default=None,
        help="print Russian sources' English titles unbracketed, as official "
        "titles (default: [in brackets], a translation)",
    )
    build.set_defaults(run=_run_build)

    refs = commands.add_parser(
        "refs",
        help="check or format a bibliography on its own",
        description="Check a .bib (or a case's), or format it in a citation style.",
    )
    refs_commands = refs.add_subparsers(dest="refs_command", required=True, metavar="ACTION")
    refs_check = refs_commands.add_parser(
        "check",
        help="check a .bib file or a case's references",
        description="Report broken entries, missing fields, malformed DOI/PMID/year/pages, "
        "duplicates and Russian sources without an English title; for a case, "
        "also citations missing from the .bib and entries never cited.",
    )
    refs_check.add_argument("target", type=Path, metavar="BIB_OR_CASE")
    refs_check.add_argument("--format", choices=("text", "json"), default="text")
    refs_check.add_argument(
        "--max",
        type=int,
        default=None,
        metavar="N",
        help="the journal's limit on the number of references",
    )
    refs_check.set_defaults(run=_run_refs_check)
    refs_format = refs_commands.add_parser(
        "format",
        help="print a .bib as a formatted reference list",
        description="Format every entry of a .bib, in file order, in a citation style.",
    )
    refs_format.add_argument("bib", type=Path, metavar="BIB")
    refs_format.add_argument(
        "--style",
        default=None,
        help="gost, vancouver, ama, a CSL name or a .csl path "
        "(default: gost for --lang ru, vancouver for en)",
    )
    refs_format.add_argument(
        "--lang",
        choices=("ru", "en"),
        default="ru",
        help="ru: sources as written; en: Russian sources transliterated "
        "with their English titles and (In Russ.)",
    )
    refs_format.add_argument("--translit", choices=("bsi", "bgn", "lc"), default="bsi")
    refs_format.add_argument(
        "--to",
        choices=("text", "markdown", "html"),
        default="text",
        dest="to",
        help="output format (default: text)",
    )
    refs_format.set_defaults(run=_run_refs_format)

    _case_command(
        commands,
        "package",
        _run_package,
        "write the submission package (zip) for a journal",
        "Write <out>/<id>/<id>.<journal>.submission.zip: manuscript (DOCX, PDF), title page, "
        "blinded manuscript, figures (TIFF, SVG), tables, CARE checklist, cover letter, .bib "
        "and a SHA-256 manifest.",
    )
    _case_command(
        commands,
        "care",
        _run_care,
        "write the filled CARE checklist (section and page of every item)",
        "Build the manuscript PDF, then write <out>/<id>/<id>.care.<mode>.{md,docx,pdf}: every "
        "CARE 2013/2017 item and sub-item with the section that reports it and its page, or "
        "why it is not reported.",
    )

    # -- serve (live preview) --
    serve = commands.add_parser(
        "serve",
        help="live preview in the browser, rebuilt on every save",
        description="Serve the case's HTML with its check findings at http://127.0.0.1:PORT/ "
        "(this computer only); the page rebuilds and reloads on every save in the case folder.",
    )
    serve.add_argument("case", type=Path, metavar="CASE", help="case folder or case.yaml")
    serve.add_argument(
        "--journal", default=None, metavar="ID", help="journal profile to start with"
    )
    serve.add_argument("--lang", choices=("ru", "en", "bilingual"), default=None)
    serve.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0: any free port)"
    )
    serve.set_defaults(run=_run_serve)
    # -- end serve --

    journals = commands.add_parser(
        "journals",
        help="list the journal profiles",
        description="List the bundled journal profiles.",
    )
    journals.set_defaults(run=_run_journals)

    schema = commands.add_parser(
        "schema",
        help="print the case format's JSON Schema",
        description="Print the JSON Schema of case.yaml (for editors) or its Markdown reference.",
    )
    schema.add_argument("--format", choices=("json", "markdown"), default="json")
    schema.add_argument(
        "--output",
        type=Path,
        default=None,
        help="write to FILE, not stdout (an existing Markdown file keeps its "
        "text above the generated reference)",
    )
    schema.set_defaults(run=_run_schema)
    return parser


def _case_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    run: Callable[[argparse.Namespace], int],
    summary: str,
    description: str,
) -> None:
    """A command that takes cases, ``--journal`` and ``--out``."""
    command = commands.add_parser(name, help=summary, description=description)
    command.add_argument("cases", nargs="+", type=Path, metavar="CASE")
    command.add_argument(
        "--journal",
        default=None,
        metavar="ID",
        help="journal profile; default: the case's `profile`, else preprint",
    )
    command.add_argument("--out", type=Path, default=Path("build"))
    command.set_defaults(run=run)


def _print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)


def _run_new(args: argparse.Namespace) -> int:
    for path in new_case(args.dir):
        print(path)
    print(
        f"casepub: new case in {args.dir}; edit case.yaml, then `casepub check {args.dir}`",
        file=sys.stderr,
    )
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
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


def _run_build(args: argparse.Namespace) -> int:
    options = BuildOptions(
        formats=args.formats,
        lang=args.lang,
        out=args.out,
        csl=args.csl,
        translit=args.translit,
        official_titles=args.official_english_titles,
        journal=args.journal,
    )
    failed = 0
    for target in args.cases:
        try:
            for path in build_case(target, options):
                print(path, flush=True)
        except CasepubError as exc:
            failed += 1
            _print_diagnostics(exc.diagnostics)
            print(f"casepub: {target}: build failed, nothing written for it", file=sys.stderr)
    return EXIT_ERRORS if failed else EXIT_OK


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


def _run_refs_check(args: argparse.Namespace) -> int:
    target: Path = args.target
    bibliography: Bibliography | None = None
    cited: list[str] | None = None
    if target.suffix.lower() == ".bib":
        if not target.is_file():
            raise CasepubError.at(str(target), "no such file", "file-missing")
        bibliography, found = read_bibliography(target, str(target))
        found += check_bibliography(bibliography)
    else:
        try:
            loaded = load_case(target)
            found = loaded.diagnostics.sorted()
            bibliography = loaded.bibliography
            texts = [p.text for s in loaded.sections.values() for p in s.values()]
            cited = cited_order(texts, set(bibliography.entries) if bibliography else set())
        except CasepubError as exc:
            found = exc.diagnostics
        found = [d for d in found if d.code.startswith(("bib-", "citation-"))]
    if args.max is not None and bibliography is not None:
        found += too_many_references(bibliography, args.max, cited)
    return _report(found, args.format, f"{target}")


def _run_refs_format(args: argparse.Namespace) -> int:
    bib: Path = args.bib
    if not bib.is_file():
        raise CasepubError.at(str(bib), "no such file", "file-missing")
    bibliography, problems = read_bibliography(bib, str(bib))
    if any(d.severity is Severity.error for d in problems):
        raise CasepubError(problems)
    print(
        format_bibliography(
            bibliography, lang=args.lang, style=args.style, translit=args.translit, to=args.to
        ),
        end="",
    )
    return EXIT_OK


def _run_care(args: argparse.Namespace) -> int:
    failed = 0
    for target in args.cases:
        try:
            for path in write_checklist(target, BuildOptions(out=args.out, journal=args.journal)):
                print(path, flush=True)
        except CasepubError as exc:
            failed += 1
            _print_diagnostics(exc.diagnostics)
    return EXIT_ERRORS if failed else EXIT_OK


def _run_package(args: argparse.Namespace) -> int:
    failed = 0
    for target in args.cases:
        try:
            print(build_package(target, BuildOptions(out=args.out, journal=args.journal)))
        except CasepubError as exc:
            failed += 1
            _print_diagnostics(exc.diagnostics)
    return EXIT_ERRORS if failed else EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    from casepub.serve import serve  # the server and the file watcher only when serving

    return serve(args.case, port=args.port, lang=args.lang, journal=args.journal)


def _run_journals(args: argparse.Namespace) -> int:
    for profile_id in profile_ids():
        profile = load_profile(profile_id)
        parent = f" (extends {profile.extends})" if profile.extends else ""
        language = profile.language or "the case's language"
        print(
            f"{profile_id}\t{profile.name}{parent}; {language}; references: "
            f"{profile.references.style or 'by language'}; dates: {profile.dates.policy}"
        )
    return EXIT_OK


def _run_schema(args: argparse.Namespace) -> int:
    text = json_schema_text() if args.format == "json" else markdown_reference()
    if args.output is not None and args.format == "markdown" and args.output.is_file():
        # Keep the hand-written part of an existing document; replace the reference.
        text = with_reference(args.output.read_text(encoding="utf-8"))
    if args.output is None:
        sys.stdout.write(text)
    else:
        print(write_atomic(args.output, text))
    return EXIT_OK


def _crash_report() -> Path:
    with tempfile.NamedTemporaryFile(
        "w", prefix="casepub-crash-", suffix=".log", delete=False, encoding="utf-8"
    ) as handle:
        traceback.print_exc(file=handle)
        return Path(handle.name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CasepubError as exc:
        _print_diagnostics(exc.diagnostics)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        print("casepub: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        report = _crash_report()
        print(
            f"casepub: internal error: {exc!r}. This is a bug in casepub; the traceback is "
            f"in {report}",
            file=sys.stderr,
        )
        return EXIT_ERRORS
