"""Command-line interface: ``casepub new | check | build | proof | schema`` and the rest.

Exit codes: 0 success, 1 the case has errors (or the build failed), 2 usage error.
Written files go to stdout, one per line; messages go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from casepub import __version__
from casepub.diagnostics import CasepubError

FORMAT_NAMES = ("pdf", "docx", "html", "jats", "latex", "figures")
"""The output formats (``casepub.formats`` registers one class each; a test keeps the two
lists equal — this one is here so that parsing the command line imports nothing heavy)."""

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _listed(allowed: Sequence[str]) -> Callable[[str], list[str]]:
    """A parser of a comma-separated list of names from ``allowed``."""

    def parse(value: str) -> list[str]:
        names = [v.strip() for v in value.split(",") if v.strip()]
        unknown = [n for n in names if n not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(allowed)}"
            )
        return names

    return parse


_formats = _listed(FORMAT_NAMES)
LETTER_FORMATS = ("pdf", "docx", "md")
"""The formats of the response to the reviewers (``casepub respond``)."""


def _diff_formats(value: str) -> list[str]:
    names = _formats(value)
    other = [n for n in names if n not in ("pdf", "docx", "html")]
    if other:
        raise argparse.ArgumentTypeError(f"`diff` writes pdf, docx and html, not {other[0]}")
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
    new.add_argument(
        "--journal",
        default=None,
        metavar="ID",
        help="write the case for this journal profile (see `casepub journals`)",
    )
    new.set_defaults(run="new")

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
    check.set_defaults(run="check")

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
        help="transliteration of Russian sources and Russian-only names in English: "
        "bsi (BS 2979, the profile's default), bgn (BGN/PCGN) or lc (ALA-LC)",
    )
    build.add_argument(
        "--official-english-titles",
        action="store_true",
        default=None,
        help="print Russian sources' English titles unbracketed, as official "
        "titles (default: [in brackets], a translation)",
    )
    build.add_argument(
        "--no-proof",
        dest="proof",
        action="store_false",
        help="do not proof the outputs (overlapping text, text outside the margins, orphan "
        "captions, leftover markup: see docs/proof.md)",
    )
    build.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="cases built at once (default: one per core)",
    )
    build.add_argument(
        "--no-daemon",
        dest="daemon",
        action="store_false",
        help="build in this process: neither use nor start the build daemon (see `casepub daemon`)",
    )
    build.set_defaults(run=_run_build)

    daemon = commands.add_parser(
        "daemon",
        help="start, stop or show the build daemon that makes rebuilds fast",
        description="The build daemon keeps casepub loaded between builds: `casepub build` "
        "hands its work to it and starts it when none runs (not with --no-daemon, "
        "CASEPUB_DAEMON=0 or CI set). It is private to you, serves only builds of its own "
        "casepub, packages and environment, and exits after 30 idle minutes "
        "(CASEPUB_DAEMON_IDLE seconds).",
    )
    daemon.add_argument(
        "action",
        choices=("start", "stop", "status"),
        help="start: start it (and wait until it answers); stop: stop every daemon of "
        "yours; status: pid, socket, uptime, builds served, identity (exit 1: none runs)",
    )
    daemon.set_defaults(run=_run_daemon)

    proof = commands.add_parser(
        "proof",
        help="proof built outputs: overlaps, margins, columns, captions, leftover markup",
        description="Proof PDF, DOCX, HTML and JATS files, or the outputs of a case in --out: "
        "glyphs printed over each other, text outside the text area or across a column, "
        "captions away from their floats, template or markup residue, DOCX tables, styles and "
        "properties; each DOCX also as LibreOffice prints it, when it is installed. "
        "Exit 1 when anything is found.",
    )
    proof.add_argument(
        "targets",
        nargs="+",
        type=Path,
        metavar="FILE_OR_CASE",
        help="an output file, or a case folder whose outputs in --out are proofed",
    )
    proof.add_argument(
        "--out",
        type=Path,
        default=Path("build"),
        help="where a case's outputs are (default: build)",
    )
    proof.add_argument(
        "--journal",
        default=None,
        metavar="ID",
        help="the profile a PDF without its .typ beside it was set in (default: from the file "
        "name, else preprint)",
    )
    proof.add_argument(
        "--office",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also print each DOCX with LibreOffice and proof that (default: when installed)",
    )
    proof.add_argument("--format", choices=("text", "json"), default="text")
    proof.set_defaults(run="proof")

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
    refs_check.add_argument(
        "--style",
        action="append",
        default=None,
        metavar="STYLE",
        help="also report the fields this style prints and an entry lacks (gost, vancouver; "
        "repeatable; default: both for a .bib, the journal profile's for a case)",
    )
    refs_check.set_defaults(run="refs_check")
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
        "--authors",
        choices=("standard", "journal"),
        default="standard",
        help="GOST with 4 or more authors: standard (title / first three [и др.]) "
        "or journal (first three и др. before the title)",
    )
    refs_format.add_argument(
        "--to",
        choices=("text", "markdown", "html"),
        default="text",
        dest="to",
        help="output format (default: text)",
    )
    refs_format.set_defaults(run="refs_format")

    package = _case_command(
        commands,
        "package",
        "package",
        "write the submission package (zip) for a journal",
        "Write <out>/<id>/<id>.<journal>.submission.zip: manuscript (DOCX, PDF), title page, "
        "blinded manuscript, figures (TIFF, SVG), tables, CARE checklist, cover letter, .bib "
        "and a SHA-256 manifest.",
    )
    package.add_argument(
        "--revision",
        action="store_true",
        help="a revised submission: also the marked manuscript (changes since responses.yaml's "
        "`since`) and the response to the reviewers",
    )
    _case_command(
        commands,
        "care",
        "care",
        "write the filled CARE checklist (section and page of every item)",
        "Build the manuscript PDF, then write <out>/<id>/<id>.care.<mode>.{md,docx,pdf}: every "
        "CARE 2013/2017 item and sub-item with the section that reports it and its page, or "
        "why it is not reported.",
    )

    # -- diff (marked manuscript) --
    diff = commands.add_parser(
        "diff",
        help="write the marked manuscript: every change since an earlier version",
        description="Compare two versions of a case (git revisions of its folder, or two "
        "folders) and write <out>/<id>/<id>.diff.<mode>.{pdf,docx,html}: inserted words "
        "coloured and underlined, deleted words struck through, a bar in the margin; in DOCX "
        "Word revisions (w:ins / w:del) to accept or reject. See docs/revisions.md.",
    )
    diff.add_argument("case", type=Path, metavar="CASE", help="case folder or case.yaml")
    diff.add_argument(
        "--from",
        dest="rev_from",
        required=True,
        metavar="REV",
        help="the earlier version: a git revision of the case folder (HEAD~1, a tag, a "
        "hash) or a folder",
    )
    diff.add_argument(
        "--to",
        dest="rev_to",
        default=None,
        metavar="REV",
        help="the later version (default: the case folder as it is now)",
    )
    diff.add_argument(
        "--format",
        type=_diff_formats,
        default=["pdf"],
        dest="formats",
        help="comma-separated: pdf,docx,html (default: pdf)",
    )
    diff.add_argument("--lang", choices=("ru", "en", "bilingual"), default=None)
    diff.add_argument(
        "--journal",
        default=None,
        metavar="ID",
        help="journal profile; default: the case's `profile`, else preprint",
    )
    diff.add_argument("--out", type=Path, default=Path("build"))
    diff.add_argument(
        "--author",
        default=None,
        help="the author of the DOCX revisions (default: the case's first author)",
    )
    diff.add_argument("--no-proof", dest="proof", action="store_false")
    diff.set_defaults(run="diff")
    # -- end diff --

    # -- respond (response to the reviewers) --
    respond = _case_command(
        commands,
        "respond",
        "respond",
        "write the response to the reviewers from responses.yaml",
        "Build the revised manuscript's PDF, then write "
        "<out>/<id>/<id>.response[.<journal>].<lang>.{pdf,docx,md}: each reviewer's comments, "
        "the replies, and the changed text each reply names, quoted with its page and lines in "
        "the revised manuscript.",
    )
    respond.add_argument(
        "--lang",
        choices=("ru", "en", "bilingual"),
        default=None,
        help="the letter's language; default: the journal's (both for a bilingual one)",
    )
    respond.add_argument(
        "--format",
        type=_listed(LETTER_FORMATS),
        default=["pdf", "docx", "md"],
        dest="formats",
        help="comma-separated: pdf,docx,md (default: all three)",
    )
    # -- end respond --

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
    journals.set_defaults(run="journals")

    schema = commands.add_parser(
        "schema",
        help="print the case format's JSON Schema",
        description="Print the JSON Schema of case.yaml (for editors) or its Markdown reference.",
    )
    schema.add_argument("--format", choices=("json", "markdown"), default="json")
    schema.add_argument(
        "--of",
        choices=("case", "responses"),
        default="case",
        help="the JSON Schema of case.yaml (default) or of responses.yaml",
    )
    schema.add_argument(
        "--output",
        type=Path,
        default=None,
        help="write to FILE, not stdout (an existing Markdown file keeps its "
        "text above the generated reference)",
    )
    schema.set_defaults(run="schema")
    return parser


def _case_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    run: str,
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
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
    return command


def _run_build(args: argparse.Namespace) -> int:
    from casepub.cache import build_variant, up_to_date  # the standard library only

    variant = build_variant(
        args.lang, args.journal, args.csl, args.translit, args.official_english_titles
    )
    unchanged = [up_to_date(t, args.out, variant, args.formats) for t in args.cases]
    if all(u is not None for u in unchanged):  # nothing to do: answered in milliseconds
        from casepub.checks.proof.stored import replay

        for done in unchanged:
            print("\n".join(str(p) for p in done.paths) if done else "", flush=True)
            for finding in replay(args.out, done.paths) if done and args.proof else []:
                print(finding.format(), file=sys.stderr)
        return EXIT_OK
    if not args.daemon:
        return _build_batch(args)
    from casepub.daemon import client  # the standard library only, like casepub.cache

    attempt = client.build(args.argv)
    if attempt.code is not None:
        return attempt.code
    code = _build_batch(args)
    if attempt.start:
        client.start_after_build()
    return code


def _worker_helps(args: argparse.Namespace) -> bool:
    """Whether a worker process should draw the charts beside the conversion: for one case
    built for the first time into its output folder. Not for a rebuild, whose charts come
    from the cache (the worker's imports would only compete for the cores), not for a batch
    (its cases use the cores already), not in the build daemon (which has everything
    imported and would fork all its memory: 0.4 s against a 0.5 s rebuild)."""
    from casepub.cache import CACHE_DIR

    first = not (args.out / CACHE_DIR / "chart").is_dir()
    return len(args.cases) == 1 and first and not args.in_daemon


def _build_batch(args: argparse.Namespace) -> int:
    from casepub import worker

    if _worker_helps(args):
        worker.start()  # forked now, before the imports below, which it need not share
    from casepub.batch import CaseResult, Progress, build_all, default_jobs, summary_table
    from casepub.build import BuildOptions

    options = BuildOptions(
        formats=args.formats,
        lang=args.lang,
        out=args.out,
        csl=args.csl,
        translit=args.translit,
        official_titles=args.official_english_titles,
        journal=args.journal,
        proof=args.proof,
    )
    progress = Progress(len(args.cases))

    def report(result: CaseResult) -> None:
        for path in result.paths:
            print(path, flush=True)
        for line in [*result.proof, *result.errors]:
            print(line, file=sys.stderr)
        if result.proof:
            print(
                f"casepub: {result.target}: the proof found {len(result.proof)} defect(s) in the "
                "outputs; `casepub package` refuses them",
                file=sys.stderr,
            )
        if result.failed:
            print(
                f"casepub: {result.target}: build failed, nothing written for it", file=sys.stderr
            )
        progress.advance(result)

    jobs = args.jobs or default_jobs(len(args.cases))
    try:
        results = build_all(args.cases, options, jobs, report)
    finally:
        progress.stop()
        worker.stop()
    if len(results) > 1:
        print(summary_table(results, args.formats), file=sys.stderr)
    return EXIT_ERRORS if any(r.failed for r in results) else EXIT_OK


def _run_daemon(args: argparse.Namespace) -> int:
    from casepub.daemon.manage import run

    result: int = run(args.action)
    return result


def _run_serve(args: argparse.Namespace) -> int:
    from casepub.serve import serve  # the server and the file watcher only when serving

    return serve(args.case, port=args.port, lang=args.lang, journal=args.journal)


def _crash_report() -> Path:
    with tempfile.NamedTemporaryFile(
        "w", prefix="casepub-crash-", suffix=".log", delete=False, encoding="utf-8"
    ) as handle:
        traceback.print_exc(file=handle)
        return Path(handle.name)


def _dispatch(args: argparse.Namespace) -> int:
    if callable(args.run):
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    from casepub import commands  # the pipeline, only for the command that needs it

    command: Callable[[argparse.Namespace], int] = getattr(commands, f"run_{args.run}")
    return command(args)


def run() -> NoReturn:
    """The console entry point (``casepub``, ``python -m casepub``): :func:`main`, then the
    process ends at once. Nothing is left to clean up — the pipeline joins its threads and
    processes and writes every file atomically before :func:`main` returns — and tearing
    down the interpreter's objects one by one would add 0.02–0.03 s to every command."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe has nothing to flush
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    args.argv, args.in_daemon = list(sys.argv[1:] if argv is None else argv), False
    return _run(args)


def run_in_daemon(argv: Sequence[str]) -> int:
    """Run a client's command line inside the build daemon (which never hands it on)."""
    args = _parser().parse_args(argv)
    args.argv, args.daemon, args.in_daemon = list(argv), False, True
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return _dispatch(args)
    except CasepubError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
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
