"""The worker process beside a one-case build (casepub/worker.py): same bytes as without it,
errors raised where they would be without it, nothing lost when it dies, no process left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from casepub import worker
from casepub.build import BuildOptions, build
from tests.conftest import REPO

CASE = REPO / "cases" / "ileal-net"


@pytest.fixture
def started() -> Iterator[None]:
    if not worker.start():
        pytest.skip("the worker needs fork and two cores")
    try:
        yield
    finally:
        worker.stop()


def _square(x: int) -> int:
    return x * x


def _fail(message: str) -> int:
    raise ValueError(message)


def _pid() -> int:
    return os.getpid()


def test_work_runs_in_the_worker_process(started: None) -> None:
    assert worker.Pending(_pid).result() != os.getpid()
    assert worker.Pending(_square, 7).result() == 49


def test_without_a_worker_work_runs_here_when_asked() -> None:
    assert not worker.running()
    assert worker.Pending(_pid).result() == os.getpid()


def test_an_error_is_raised_here_with_its_own_message(started: None) -> None:
    pending = worker.Pending(_fail, "no such chart")
    with pytest.raises(ValueError, match="no such chart"):
        pending.result()
    assert worker.Pending(_square, 3).result() == 9  # the worker goes on


def test_work_that_cannot_be_pickled_is_done_here(started: None) -> None:
    lock = threading.Lock()  # cannot go through a pipe
    assert worker.Pending(lambda held: held.locked(), lock).result() is False


def test_results_reach_threads_waiting_in_any_order(started: None) -> None:
    jobs = [worker.Pending(_square, n) for n in range(12)]
    found: dict[int, int] = {}

    def wait(n: int) -> None:
        found[n] = jobs[n].result()

    threads = [threading.Thread(target=wait, args=(n,)) for n in reversed(range(12))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert found == {n: n * n for n in range(12)}


def test_a_dead_worker_costs_nothing_but_time(started: None) -> None:
    assert worker._worker is not None
    os.kill(worker._worker.process.pid, signal.SIGKILL)
    worker._worker.process.join()
    assert worker.Pending(_square, 5).result() == 25
    assert worker.Pending(_pid).result() == os.getpid()


def _outputs(out: Path) -> dict[str, bytes]:
    folder = out / CASE.name
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in {".svg", ".png", ".md", ".typ", ".html", ".xml", ".pdf"}
    }


def test_a_build_with_the_worker_writes_the_same_bytes_and_warnings(tmp_path: Path) -> None:
    options = dict(formats=("pdf", "docx", "html", "jats"), proof=False)
    alone = build(CASE, BuildOptions(out=tmp_path / "alone", **options))  # type: ignore[arg-type]
    if not worker.start():
        pytest.skip("the worker needs fork and two cores")
    try:
        beside = build(CASE, BuildOptions(out=tmp_path / "beside", **options))  # type: ignore[arg-type]
    finally:
        worker.stop()
    assert _outputs(tmp_path / "beside") == _outputs(tmp_path / "alone")
    assert [p.name for p in beside.paths] == [p.name for p in alone.paths]
    assert beside.warnings == alone.warnings


def test_the_command_line_leaves_no_process_behind(tmp_path: Path) -> None:
    """The worker dies with the build: nothing of casepub runs after the command returns."""
    script = (
        "import subprocess, sys\n"
        "from casepub.cli import main\n"
        "from casepub import worker\n"
        f"code = main(['build', {str(CASE)!r}, '--out', {str(tmp_path)!r}])\n"
        "assert not worker.running(), 'worker still running'\n"
        "import multiprocessing\n"
        "assert not [p for p in multiprocessing.active_children() if p.is_alive()]\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "CASEPUB_DAEMON": "0"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / CASE.name / f"{CASE.name}.bilingual.pdf").is_file()


def test_the_pipeline_modules_do_not_import_what_a_build_may_not_need() -> None:
    """matplotlib only where a chart is drawn, pypandoc (and its HTTP client), the
    identifier scanner and its dictionaries only in the worker."""
    code = (
        "import sys\n"
        "import casepub.cli, casepub.batch, casepub.build\n"
        "heavy = ['matplotlib', 'pypandoc', 'http.client', 'casepub.checks.deid', 'faker',"
        " 'pymorphy3', 'docx']\n"
        "print(' '.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""


def test_reading_the_markdown_once_for_several_formats_changes_no_byte(tmp_path: Path) -> None:
    """With several pandoc formats the Markdown is read once and the citations resolved once
    (for all but typst); each file is the same as when its format is built alone."""
    together = build(CASE, BuildOptions(formats=("pdf", "html", "latex"), out=tmp_path / "all"))
    for fmt, suffix in (("html", ".html"), ("latex", ".tex"), ("pdf", ".typ")):
        alone = build(CASE, BuildOptions(formats=(fmt,), out=tmp_path / fmt, proof=False))
        made = next(p for p in alone.paths if p.suffix == suffix)
        same = next(p for p in together.paths if p.name == made.name)
        assert same.read_bytes() == made.read_bytes(), made.name
