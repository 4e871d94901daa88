"""Shared fixtures: repository paths, the golden-file flag, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ["CASEPUB_DAEMON"] = "0"
"""No test starts or uses the build daemon by accident (subprocesses inherit this); the tests
of the daemon turn it on for themselves, in a folder of their own (tests/test_daemon.py)."""

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "cases"
DATA = Path(__file__).resolve().parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden files from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def assert_golden(actual: str, golden: Path, update: bool) -> None:
    """Compare ``actual`` with the golden file, or rewrite it with ``--update-golden``."""
    if update or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {golden} was missing and has been written; rerun")
        return
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, (
        f"output differs from {golden.relative_to(REPO)}; if the change is intended, "
        "rerun pytest with --update-golden and review the diff"
    )


@dataclass
class Result:
    """Exit code and decoded output of one ``casepub`` run."""

    code: int
    stdout: str
    stderr: str


def run_casepub(*args: str | Path, cwd: Path | None = None) -> Result:
    """Run the real command line in a subprocess, as an author would."""
    process = subprocess.run(
        [sys.executable, "-m", "casepub", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        check=False,
    )
    return Result(process.returncode, process.stdout, process.stderr)


FIGURES = "deid figures"
"""``record_property`` name of measured figures that the run prints at its end."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures tests recorded with ``record_property("deid figures", …)``: they
    reach the controller under pytest-xdist too, and show without ``-s``."""
    lines = [
        str(value)
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        for name, value in getattr(report, "user_properties", [])
        if name == FIGURES and report.when == "call"
    ]
    if lines:
        terminalreporter.write_sep("-", FIGURES)
        for line in lines:
            terminalreporter.write_line(line)
