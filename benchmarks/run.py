"""Benchmark casepub builds against the floor of the tools it runs and the targets of issue 7.

    .venv/bin/python benchmarks/run.py [--repeat 5] [--quick] [--json FILE]

Run from the repository root with the project's interpreter: every measured command is
``<this python> -m casepub …``, so the ``casepub`` of that interpreter is the one measured.
Nothing touches the network.

Method (see docs/performance.md): each measured command runs inside a fresh helper
subprocess (``python -c HELPER``) that starts it, waits, and reports

* the wall time of the command alone (the helper's own start-up is not counted);
* ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` of the helper: the largest resident set
  of any single process of the command's tree (the helper is fresh, so no earlier command
  leaks into the maximum);
* on Linux, the peak of the *summed* RSS of the whole tree, sampled from ``/proc`` every
  20 ms (what parallel workers need together; a short spike between samples can be missed).

Rows are repeated; the table prints the median and the min–max of the wall time and the
median of the peak RSS.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "cases" / "ileal-net"
ALL_FORMATS = "pdf,docx,html,jats,latex"
PARTS = ("cold", "floors", "warm", "served", "batch")
"""The parts of the benchmark (``--only``): cold builds, the floors (after a cold build), the
edit and no-op rebuilds, the rebuild in a running process, the batch."""

# The helper that measures one command (or several started together). argv[1] is a JSON list
# of commands; it prints one JSON line: wall seconds, ru_maxrss (KiB), summed tree RSS (KiB),
# exit codes.
HELPER = r"""
import json, os, resource, subprocess, sys, threading, time

commands = json.loads(sys.argv[1])
cwd = sys.argv[2]

def tree_rss(root):
    # Summed VmRSS (KiB) of root and its descendants, from /proc; 0 where /proc is absent.
    try:
        children = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    stat = f.read()
                ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
                children.setdefault(ppid, []).append(int(pid))
            except (OSError, ValueError):
                continue
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
                            break
            except OSError:
                pass
        return total
    except OSError:
        return 0

peak = 0
done = threading.Event()

def sample():
    global peak
    me = os.getpid()
    while not done.is_set():
        peak = max(peak, tree_rss(me) - own)
        done.wait(0.02)

own = tree_rss(os.getpid())
sampler = threading.Thread(target=sample, daemon=True)
start = time.perf_counter()
procs = [
    subprocess.Popen(c, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for c in commands
]
sampler.start()
errors = [p.communicate()[1].decode("utf-8", "replace")[-2000:] for p in procs]
wall = time.perf_counter() - start
done.set()
sampler.join()
codes = [p.returncode for p in procs]
print(json.dumps({
    "wall": wall,
    "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "tree_kib": peak,
    "codes": codes,
    "stderr": [e for e, c in zip(errors, codes) if c != 0],
}))
"""

# The floor: the pandoc command casepub runs for the PDF, then typst.compile, in one process
# of the same Python. argv[1] is a JSON spec written by floor_typst_spec().
FLOOR_TYPST = r"""
import json, subprocess, sys
import typst

spec = json.loads(sys.argv[1])
with open(spec["markdown"], "rb") as f:
    markdown = f.read()
result = subprocess.run(spec["pandoc"], input=markdown, cwd=spec["workdir"],
                        capture_output=True, check=True)
with open(spec["typ"], "wb") as f:
    f.write(result.stdout)
pdf = typst.compile(spec["typ"], root=spec["workdir"], ignore_system_fonts=True,
                    timestamp=spec["timestamp"])
with open(spec["pdf"], "wb") as f:
    f.write(pdf)
"""


SERVED = """
import json, resource, sys, time
from pathlib import Path
from casepub.build import BuildOptions, build
case, out, section = (Path(a) for a in sys.argv[1:4])
repeat = int(sys.argv[4])
options = BuildOptions(formats=("pdf",), out=out)
build(case, options)
original = section.read_text(encoding="utf-8")
word = next(w for w in original.split() if w.isalpha() and len(w) > 5)
changed = original.replace(word, "слово", 1)
times = []
for i in range(repeat):
    section.write_text(changed if i % 2 == 0 else original, encoding="utf-8")
    start = time.perf_counter()
    build(case, options)
    times.append(time.perf_counter() - start)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"times": times, "maxrss_kib": rss}))
"""


@dataclass
class Sample:
    wall: float
    maxrss_mb: float
    tree_mb: float


@dataclass
class Row:
    key: str
    label: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    skipped: str = ""

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def rss(self) -> float:
        return statistics.median(s.maxrss_mb for s in self.samples)

    @property
    def tree(self) -> float:
        return statistics.median(s.tree_mb for s in self.samples)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "label": self.label, "note": self.note}
        if self.skipped:
            data["skipped"] = self.skipped
            return data
        walls = [s.wall for s in self.samples]
        data.update(
            runs=len(walls),
            wall_median_s=round(self.median, 4),
            wall_min_s=round(min(walls), 4),
            wall_max_s=round(max(walls), 4),
            peak_rss_mb=round(self.rss, 1),
            peak_tree_rss_mb=round(self.tree, 1),
            samples=[asdict(s) for s in self.samples],
        )
        return data


class BenchmarkError(RuntimeError):
    """A measured command failed."""


def measure(commands: Sequence[Sequence[str]], cwd: Path = REPO, *, daemon: bool = False) -> Sample:
    """Run ``commands`` together in a fresh helper; their wall time and peak memory. Without
    ``daemon`` they build in their own processes (``CASEPUB_DAEMON=0``), as a first build
    ever does; with it they may hand the build to the running build daemon."""
    out = subprocess.run(
        [sys.executable, "-c", HELPER, json.dumps([list(c) for c in commands]), str(cwd)],
        capture_output=True,
        text=True,
        check=True,
        env=daemon_env(daemon),
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    if any(code != 0 for code in data["codes"]):
        raise BenchmarkError(f"{commands[0][:6]}… failed:\n" + "\n".join(data["stderr"]))
    return Sample(data["wall"], data["maxrss_kib"] / 1024, data["tree_kib"] / 1024)


def daemon_env(daemon: bool) -> dict[str, str]:
    """The environment of a measured command: the build daemon allowed or not (its folder is
    the benchmark's own, ``CASEPUB_DAEMON_DIR``, set in :func:`main`)."""
    return {**os.environ, "CASEPUB_DAEMON": "1" if daemon else "0"}


def casepub(*args: str) -> list[str]:
    return [sys.executable, "-m", "casepub", *args]


def run_quiet(command: Sequence[str], cwd: Path = REPO, *, daemon: bool = False) -> str:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, env=daemon_env(daemon)
    )
    if result.returncode != 0:
        raise BenchmarkError(f"{' '.join(command[:6])}… failed:\n{result.stderr[-2000:]}")
    return result.stdout


def progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


# Environment ------------------------------------------------------------------------------


def _import_casepub() -> None:
    """Import casepub as the measured ``python -m casepub`` (run from REPO) finds it: the
    source tree first, else the interpreter's installed package."""
    sys.path.insert(0, str(REPO))


def machine() -> dict[str, str]:
    """Cores, RAM, Python, casepub, pandoc, typst and xelatex versions."""
    from importlib import metadata

    from casepub.convert.pandoc import pandoc_version

    info = {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "cores_usable": str(len(os.sched_getaffinity(0)))
        if hasattr(os, "sched_getaffinity")
        else str(os.cpu_count()),
        "ram": _ram(),
        "python": platform.python_version(),
        "casepub": _version(metadata, "casepub"),
        "pandoc": pandoc_version(),
        "typst (python)": _version(metadata, "typst"),
        "xelatex": _xelatex_version(),
        "load at start": _load(),
    }
    return info


def _load() -> str:
    """The 1/5/15-minute load averages: other work on the machine makes the figures noisy."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _version(metadata: Any, name: str) -> str:
    try:
        return str(metadata.version(name))
    except metadata.PackageNotFoundError:
        return "not installed (run from source)"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram() -> str:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return f"{pages * size / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        return "unknown"


def _xelatex_version() -> str:
    exe = shutil.which("xelatex")
    if exe is None:
        return "not installed"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.splitlines()[0] if out.stdout else "unknown"


def _front_lang(markdown: Path) -> str:
    match = re.search(r"^lang:\s*(\w+)", markdown.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1) if match else "en"


def floor_typst_spec(workdir: Path, stem: str, timestamp: int) -> dict[str, Any]:
    """The pandoc → typst command line casepub's PdfFormat runs, on its own Markdown.

    Built from casepub's own helpers (bundled pandoc, filter, template, CSL), so it follows
    them; the .typ it writes is compared with casepub's to prove it is the same work."""
    from casepub.convert.pandoc import pandoc_dir, pandoc_executable
    from casepub.profiles import DEFAULT_PROFILE, load_profile
    from casepub.references.styles import DEFAULT_STYLE, style_path

    markdown = workdir / f"{stem}.md"
    profile = load_profile(DEFAULT_PROFILE)
    style = profile.references.style or DEFAULT_STYLE[_front_lang(markdown)]
    pandoc = [
        pandoc_executable(),
        "--from",
        "markdown",
        "--to",
        "typst",
        "--lua-filter",
        str(pandoc_dir() / "casepub.lua"),
        "--resource-path",
        str(workdir),
        "--fail-if-warnings=false",
        "--citeproc",
        "--bibliography",
        str(workdir / f"{stem}.references.json"),
        "--csl",
        str(style_path(style)),
        "--standalone",
        "--template",
        str(profile.template("pandoc/template.typ")),
    ]
    return {
        "markdown": str(markdown),
        "pandoc": pandoc,
        "workdir": str(workdir),
        "typ": str(workdir / f"floor-{stem}.typ"),
        "pdf": str(workdir / f"floor-{stem}.pdf"),
        "timestamp": timestamp,
    }


def xelatex_font() -> str | None:
    """A Cyrillic-capable system font for xelatex (fontconfig), or None."""
    if shutil.which("fc-list") is None:
        return None
    out = subprocess.run(
        ["fc-list", ":lang=ru", "family"], capture_output=True, text=True, check=False
    ).stdout
    families = {line.split(",")[0].strip() for line in out.splitlines() if line.strip()}
    for wanted in ("DejaVu Serif", "Liberation Serif", "PT Serif", "Noto Serif", "CMU Serif"):
        if wanted in families:
            return wanted
    return sorted(families)[0] if families else None


def floor_xelatex_command(workdir: Path, stem: str, font: str) -> list[str]:
    """pandoc → xelatex on the same Markdown (the R Markdown / Quarto route).

    The same citeproc run; the charts as their PNG twins (xelatex cannot read SVG without
    rsvg-convert); no casepub Lua filter (it targets casepub's own writers)."""
    from casepub.convert.pandoc import pandoc_executable
    from casepub.references.styles import DEFAULT_STYLE, style_path

    markdown = workdir / f"{stem}.md"
    latex_md = workdir / f"xelatex-{stem}.md"
    text = markdown.read_text(encoding="utf-8")
    latex_md.write_text(re.sub(r"(media/[\w.-]+)\.svg\)", r"\1.png)", text), encoding="utf-8")
    return [
        pandoc_executable(),
        str(latex_md),
        "--from",
        "markdown",
        "--resource-path",
        str(workdir),
        "--citeproc",
        "--bibliography",
        str(workdir / f"{stem}.references.json"),
        "--csl",
        str(style_path(DEFAULT_STYLE[_front_lang(markdown)])),
        "--pdf-engine=xelatex",
        "-V",
        f"mainfont={font}",
        "-o",
        str(workdir / f"xelatex-{stem}.pdf"),
    ]


# The benchmark ----------------------------------------------------------------------------


class Bench:
    def __init__(self, repeat: int, batch_repeat: int, count: int, jobs: int, tmp: Path):
        self.repeat = repeat
        self.batch_repeat = batch_repeat
        self.count = count
        self.jobs = jobs
        self.tmp = tmp
        self.rows: dict[str, Row] = {}
        self.notes: list[str] = []
        self.no_daemon = ""
        self._fresh = 0

    def fresh(self, name: str) -> Path:
        self._fresh += 1
        return self.tmp / f"{name}-{self._fresh}"

    def row(self, key: str, label: str) -> Row:
        self.rows[key] = Row(key, label)
        return self.rows[key]

    def repeat_into(self, row: Row, times: int, make: Callable[[], Sample]) -> None:
        for i in range(times):
            progress(f"{row.label} ({i + 1}/{times})")
            row.samples.append(make())

    def cold(self) -> Path:
        """Cold builds of the example: PDF only and all formats, each into a new folder.

        Returns the last all-formats folder: it holds the Markdown, the ``.typ`` and the PNG
        twins of the charts the floors need (a PDF-only build draws SVG only)."""
        last: list[Path] = []

        def pdf() -> Sample:
            out = self.fresh("cold-pdf")
            return measure([casepub("build", str(EXAMPLE), "--format", "pdf", "--out", str(out))])

        def everything() -> Sample:
            out = self.fresh("cold-all")
            last[:] = [out]
            return measure(
                [casepub("build", str(EXAMPLE), "--format", ALL_FORMATS, "--out", str(out))]
            )

        self.repeat_into(self.row("cold_pdf", "cold build, PDF (ileal-net)"), self.repeat, pdf)
        self.repeat_into(
            self.row("cold_all", "cold build, 5 formats (ileal-net)"), self.repeat, everything
        )
        return last[0]

    def warm(self) -> None:
        """A one-word edit of a section file, then a rebuild with nothing changed: through the
        build daemon (started on demand by the first build, as it is for an author), and in
        a process of its own; then a cold build handed to the running daemon."""
        case = self.tmp / "warm-case"
        shutil.copytree(EXAMPLE, case)
        out = self.tmp / "warm-out"
        build = casepub("build", str(case), "--format", "pdf", "--out", str(out))
        progress("warm: first build (starts the build daemon)")
        run_quiet(build, daemon=True)
        daemon = self.start_daemon()
        section = sorted((case / "sections").glob("*.ru.md"))[0]
        edit = self.row("warm_edit", "rebuild after a one-word edit")
        alone = self.row("warm_edit_alone", "the same, without the build daemon")
        noop = self.row("noop", "no-op rebuild (nothing changed)")
        edit.note = "served by the build daemon" if daemon else f"no daemon: {self.no_daemon}"
        alone.note = "CASEPUB_DAEMON=0: Python start, imports, then the build"
        original = section.read_text(encoding="utf-8")
        word = next(w for w in original.split() if w.isalpha() and len(w) > 5)
        changed = original.replace(word, "слово", 1)
        rounds = [(edit, True), (alone, False)]
        for i in range(2 * self.repeat):
            # Odd rounds put the word back, so every round is a one-word edit.
            section.write_text(changed if i % 2 == 0 else original, encoding="utf-8")
            row, served = rounds[i % 2]
            progress(f"{row.label} ({i // 2 + 1}/{self.repeat})")
            row.samples.append(measure([build], daemon=served))
            progress(f"{noop.label} ({len(noop.samples) + 1}/{2 * self.repeat})")
            noop.samples.append(measure([build], daemon=served))
        if daemon:
            self.served_cold()

    def start_daemon(self) -> bool:
        """Wait until the build daemon answers (``casepub daemon start``); False, with the
        reason kept, where there is none."""
        try:
            run_quiet(casepub("daemon", "start"), daemon=True)
        except BenchmarkError as exc:
            self.no_daemon = str(exc).splitlines()[-1][:120]
            return False
        return True

    def stop_daemon(self) -> None:
        subprocess.run(casepub("daemon", "stop"), capture_output=True, env=daemon_env(True))

    def served_cold(self) -> None:
        """Cold builds (a new output folder each) handed to the running build daemon."""

        def pdf() -> Sample:
            out = self.fresh("served-cold")
            command = casepub("build", str(EXAMPLE), "--format", "pdf", "--out", str(out))
            return measure([command], daemon=True)

        row = self.row("cold_pdf_daemon", "cold build, PDF, the build daemon running")
        row.note = "a new output folder, the build handed to the daemon"
        self.repeat_into(row, self.repeat, pdf)

    def served(self) -> None:
        """The same one-word edits rebuilt inside one running process, as `casepub serve`
        rebuilds on every save: no interpreter start, no imports."""
        case = self.tmp / "served-case"
        shutil.copytree(EXAMPLE, case)
        section = sorted((case / "sections").glob("*.ru.md"))[0]
        row = self.row("served_edit", "rebuild after a one-word edit, in a running process")
        row.note = "what `casepub serve` does on save"
        progress(row.label)
        spec = [str(case), str(self.tmp / "served-out"), str(section), str(self.repeat)]
        result = subprocess.run(
            [sys.executable, "-c", SERVED, *spec], capture_output=True, text=True, check=True
        )
        data = json.loads(result.stdout.strip().splitlines()[-1])
        row.samples = [Sample(t, data["maxrss_kib"] / 1024, data["maxrss_kib"] / 1024)
                       for t in data["times"]]  # fmt: skip

    def floors(self, cold_out: Path) -> None:
        """pandoc → typst and pandoc → xelatex on the Markdown casepub wrote for the example."""
        workdir = cold_out / EXAMPLE.name
        mds = sorted(p for p in workdir.glob("*.md") if not p.name.startswith(("xelatex-",)))
        if not mds:
            self.row("floor_typst", "floor: pandoc → typst").skipped = "no Markdown written"
            return
        stem = mds[0].stem
        timestamp = 946684800
        journal_year = re.search(r"^\s+year:\s*(\d{4})", EXAMPLE.joinpath("case.yaml").read_text())
        if journal_year:
            import calendar

            timestamp = calendar.timegm((int(journal_year.group(1)), 1, 1, 0, 0, 0, 0, 0, 0))
        spec = floor_typst_spec(workdir, stem, timestamp)
        typst_row = self.row("floor_typst", "floor: bundled pandoc → typst (same .md)")
        self.repeat_into(
            typst_row,
            self.repeat,
            lambda: measure([[sys.executable, "-c", FLOOR_TYPST, json.dumps(spec)]]),
        )
        same = Path(spec["typ"]).read_bytes() == (workdir / f"{stem}.typ").read_bytes()
        typst_row.note = (
            "its .typ is byte-identical to casepub's"
            if same
            else "WARNING: its .typ differs from casepub's (command line drifted?)"
        )
        xrow = self.row("floor_xelatex", "floor: pandoc → xelatex (same .md)")
        font = xelatex_font()
        if shutil.which("xelatex") is None:
            xrow.skipped = "xelatex is not installed"
            return
        if font is None:
            xrow.skipped = "no Cyrillic-capable font found by fc-list"
            return
        command = floor_xelatex_command(workdir, stem, font)
        xrow.note = f"-V mainfont='{font}', PNG charts"
        self.repeat_into(xrow, self.repeat, lambda: measure([command]))

    def batch(self) -> None:
        """The generated cases, cold, serial and in parallel."""
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from generate import generate

        cases = [str(p) for p in generate(self.tmp / "generated", self.count, seed=1)]
        serial = self.row("batch_serial", f"batch of {len(cases)} generated cases, serial")
        parallel = self.row(
            "batch_parallel", f"batch of {len(cases)} generated cases, {self.jobs} jobs"
        )
        serial.note, parallel.note = "--jobs 1", f"--jobs {self.jobs}"

        def run(jobs: int, name: str) -> Sample:
            out = str(self.fresh(name))
            command = casepub("build", *cases, "--format", "pdf", "--out", out, "--jobs", str(jobs))
            return measure([command])

        def run_serial() -> Sample:
            return run(1, "batch-serial")

        def run_parallel() -> Sample:
            return run(self.jobs, "batch-parallel")

        self.repeat_into(serial, self.batch_repeat, run_serial)
        self.repeat_into(parallel, self.batch_repeat, run_parallel)


# Targets and the report -------------------------------------------------------------------


@dataclass
class Target:
    name: str
    verdict: str
    detail: str


def targets(rows: dict[str, Row], jobs: int) -> list[Target]:
    def ok(key: str) -> bool:
        return key in rows and not rows[key].skipped and bool(rows[key].samples)

    found: list[Target] = []

    def ratio(name: str, num: str, den: str, limit: float) -> None:
        if not (ok(num) and ok(den)):
            found.append(Target(name, "SKIP", f"{num} or {den} not measured"))
            return
        value = rows[num].median / rows[den].median
        verdict = "PASS" if value <= limit else "MISS"
        found.append(Target(name, verdict, f"ratio {value:.2f} (limit ≤ {limit})"))

    ratio("warm rebuild after a text edit ≤ 1.5 × pandoc→typst floor", "warm_edit",
          "floor_typst", 1.5)  # fmt: skip
    ratio("  the same, without the build daemon", "warm_edit_alone", "floor_typst", 1.5)
    ratio("  the same, in a running process (casepub serve)", "served_edit",
          "floor_typst", 1.5)  # fmt: skip
    if ok("noop"):
        value = rows["noop"].median
        found.append(
            Target(
                "no-op rebuild ≤ 0.15 s",
                "PASS" if value <= 0.15 else "MISS",
                f"{value:.3f} s (ratio {value / 0.15:.1f} × the limit)",
            )
        )
    if ok("batch_serial") and ok("batch_parallel"):
        speedup = rows["batch_serial"].median / rows["batch_parallel"].median
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        if cores < 2 or jobs < 2:
            found.append(Target("parallel batch ≥ 1.7× serial", "SKIP", "fewer than 2 cores"))
        else:
            found.append(
                Target(
                    f"parallel batch ≥ 1.7× faster than serial ({jobs} jobs)",
                    "PASS" if speedup >= 1.7 else "MISS",
                    f"speed-up {speedup:.2f}×",
                )
            )
    ratio("cold PDF build ≤ 0.6 × pandoc→xelatex", "cold_pdf", "floor_xelatex", 0.6)
    ratio("cold PDF build ≤ 3 × pandoc→typst floor", "cold_pdf", "floor_typst", 3.0)
    ratio("cold build of 5 formats ≤ 1.4 × cold PDF build", "cold_all", "cold_pdf", 1.4)
    ours = [r for k, r in rows.items() if not k.startswith("floor") and ok(k)]
    if ours:
        peak = max(max(s.maxrss_mb for s in r.samples) for r in ours)
        found.append(
            Target(
                "peak memory < 400 MB (largest casepub process)",
                "PASS" if peak < 400 else "MISS",
                f"{peak:.0f} MB (ratio {peak / 400:.2f})",
            )
        )
    return found


def report(info: dict[str, str], rows: dict[str, Row], found: list[Target]) -> str:
    lines = ["", "Machine"]
    lines += [f"  {k:<15} {v}" for k, v in info.items()]
    lines += [
        "",
        "| row | runs | wall median | min–max | peak RSS (max process) | tree RSS | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows.values():
        if row.skipped:
            lines.append(f"| {row.label} | – | skipped | | | | {row.skipped} |")
            continue
        walls = [s.wall for s in row.samples]
        lines.append(
            f"| {row.label} | {len(walls)} | {row.median:.2f} s | "
            f"{min(walls):.2f}–{max(walls):.2f} s | {row.rss:.0f} MB | {row.tree:.0f} MB | "
            f"{row.note} |"
        )
    lines += ["", "Targets"]
    lines += [f"  {t.verdict:<4}  {t.name}: {t.detail}" for t in found]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per row (default 5)")
    parser.add_argument(
        "--batch-repeat", type=int, default=None, help="runs of each batch row (default 3)"
    )
    parser.add_argument("--count", type=int, default=None, help="generated cases (default 50)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: cores)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2 runs, 1 batch run, 10 cases"
    )
    parser.add_argument("--json", type=Path, help="also write the numbers to this JSON file")
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"measure only these parts, comma-separated (default: {','.join(PARTS)})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    repeat = 2 if args.quick and args.repeat == 5 else args.repeat
    batch_repeat = args.batch_repeat or (1 if args.quick else min(3, repeat))
    count = args.count or (10 if args.quick else 50)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    jobs = args.jobs or max(2, cores or 1)

    os.chdir(REPO)
    _import_casepub()
    # An installed casepub has its bytecode compiled (pip does it); the source tree of an
    # editable install gets it on first import — unless PYTHONDONTWRITEBYTECODE is set, as on
    # some CI machines, and then every measured command would compile casepub anew.
    compileall.compile_dir(REPO / "casepub", quiet=1)
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="casepub-bench-"))
    os.environ["CASEPUB_DAEMON_DIR"] = str(tmp / "daemon")  # the benchmark's own daemon
    bench = Bench(repeat, batch_repeat, count, jobs, tmp)
    started = time.perf_counter()
    try:
        parts = {p.strip() for p in args.only.split(",")}
        cold_out = bench.cold() if parts & {"cold", "floors"} else None
        if "floors" in parts and cold_out is not None:
            bench.floors(cold_out)
        if "warm" in parts:
            bench.warm()
        if "served" in parts:
            bench.served()
        if "batch" in parts:
            bench.batch()
    except BenchmarkError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        bench.stop_daemon()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    found = targets(bench.rows, jobs)
    info["load at end"] = _load()
    print(report(info, bench.rows, found))
    busy = float(info["load at start"].split()[0]) if info["load at start"][0].isdigit() else 0.0
    if busy >= 0.5:
        print(
            f"\nnote: the machine was busy at the start (load {busy:.2f}): other processes "
            "compete for the cores, so the times and the parallel speed-up are pessimistic."
        )
    print(f"\n(total {time.perf_counter() - started:.0f} s; repeat {repeat}, batch {batch_repeat})")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "repeat": repeat,
                    "batch_repeat": batch_repeat,
                    "rows": [r.as_json() for r in bench.rows.values()],
                    "targets": [asdict(t) for t in found],
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
