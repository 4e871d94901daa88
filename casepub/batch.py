"""Build many cases at once — a journal office rebuilding an issue, or ``make pdf`` — in
parallel across cores, with a progress display and a closing summary table. One failing case
does not stop the others; the caller's exit code says whether any failed.

Each case is built in a worker process (``spawn``: nothing is shared but the arguments); the
written paths are printed in the order the cases were given, as soon as the earlier ones are
done, so scripts reading stdout see the same order every time.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from casepub.build import BuildOptions, build
from casepub.diagnostics import CasepubError


@dataclass(frozen=True)
class CaseResult:
    """How one case's build went."""

    target: Path
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    warnings: int = 0
    errors: list[str] = field(default_factory=list)
    """The diagnostics that stopped the build, formatted."""
    proof: list[str] = field(default_factory=list)
    """What the proof found in the outputs, formatted (counted among the warnings)."""

    @property
    def failed(self) -> bool:
        """True when nothing was written for this case."""
        return bool(self.errors)


def build_one(target: Path, options: BuildOptions) -> CaseResult:
    """Build ``target``; never raises for a broken case."""
    start = time.perf_counter()
    try:
        built = build(target, options)
    except CasepubError as exc:
        return CaseResult(
            target,
            seconds=time.perf_counter() - start,
            errors=[d.format() for d in exc.diagnostics],
        )
    proof = [d.format() for d in built.proof]
    seconds = time.perf_counter() - start
    return CaseResult(target, built.paths, seconds, built.warnings + len(proof), proof=proof)


Report = Callable[[CaseResult], None]


def build_all(
    targets: Sequence[Path], options: BuildOptions, jobs: int, report: Report
) -> list[CaseResult]:
    """Build every case, ``jobs`` at a time; ``report`` is called for each in the given
    order, as soon as it and every case before it are done."""
    if jobs <= 1 or len(targets) <= 1:
        results = []
        for target in targets:
            results.append(build_one(target, options))
            report(results[-1])
        return results
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(build_one, target, options) for target in targets]
        return [
            _result(future, target, report) for future, target in zip(futures, targets, strict=True)
        ]


def _result(future: Future[CaseResult], target: Path, report: Report) -> CaseResult:
    try:
        result = future.result()
    except Exception as exc:  # a worker that died (killed, out of memory)
        result = CaseResult(target, errors=[f"{target}: the build process failed: {exc!r}"])
    report(result)
    return result


def default_jobs(cases: int) -> int:
    """One worker per core, no more than there are cases."""
    return max(1, min(cases, multiprocessing.cpu_count()))


def summary_table(results: Sequence[CaseResult], formats: Sequence[str]) -> str:
    """The closing table: case, formats, time, warnings, errors (plain text, aligned)."""
    rows = [("case", "formats", "time", "warnings", "errors")]
    for r in results:
        rows.append(
            (
                str(r.target),
                "—" if r.failed else ",".join(formats),
                f"{r.seconds:.1f} s",
                str(r.warnings),
                str(len(r.errors)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failed = sum(r.failed for r in results)
    total = (
        f"{len(results)} case(s), {failed} failed, {sum(r.seconds for r in results):.1f} s of work"
    )
    return "\n".join([*lines, total])


class Progress:
    """A progress bar on an interactive terminal (rich), plain lines otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.live = sys.stderr.isatty() and total > 1
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(
                TextColumn("casepub build"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                transient=True,
            )
            self.task = self.bar.add_task("", total=total)
            self.bar.start()

    def advance(self, result: CaseResult) -> None:
        """Count ``result`` as done."""
        self.done += 1
        state = "FAILED" if result.failed else f"{result.seconds:.1f} s"
        if self.live:
            self.bar.update(self.task, advance=1, description=f"{result.target.name}: {state}")
        elif self.total > 1:
            print(f"casepub: [{self.done}/{self.total}] {result.target}: {state}", file=sys.stderr)

    def stop(self) -> None:
        """Remove the bar."""
        if self.live:
            self.bar.stop()
