"""Batch builds: cases built in parallel, in a stable order, with a summary; one failing case
does not stop the others, and the exit code says that one failed."""

from __future__ import annotations

import shutil
from pathlib import Path

from casepub.cli import FORMAT_NAMES
from casepub.formats import OutputFormat
from tests.conftest import CASES, DATA, run_casepub


def test_a_batch_builds_every_good_case_and_reports_the_broken_one(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(CASES / "minimal", cases / "a-minimal")
    shutil.copytree(DATA / "bad" / "yaml-unclosed-bracket", cases / "b-broken")
    shutil.copytree(CASES / "minimal", cases / "c-minimal")
    targets = sorted(cases.iterdir())
    result = run_casepub(
        "build", *targets, "--format", "html", "--jobs", "2", "--out", tmp_path / "build"
    )
    assert result.code == 1
    written = [Path(line) for line in result.stdout.split()]
    assert [p.parent.name for p in written if p.suffix == ".html"] == ["a-minimal", "c-minimal"]
    assert all(p.is_file() for p in written)
    assert "case.yaml:15:10" in result.stderr and "b-broken: build failed" in result.stderr
    table = result.stderr[result.stderr.index("case ") :].splitlines()
    rows = {line.split()[0]: line.split() for line in table[2:5]}
    assert rows[str(targets[1])][1] == "—" and rows[str(targets[1])][-1] == "1"
    assert rows[str(targets[0])][1] == "html" and rows[str(targets[0])][-1] == "0"
    assert table[-1].startswith("3 case(s), 1 failed")
    assert not (tmp_path / "build" / "b-broken").exists()


def test_serial_and_parallel_batches_write_the_same_files(tmp_path: Path) -> None:
    targets = [CASES / "minimal", CASES / "pnet-tace"]
    serial = run_casepub("build", *targets, "--format", "html", "-j", "1", "--out", tmp_path / "s")
    parallel = run_casepub(
        "build", *targets, "--format", "html", "-j", "2", "--out", tmp_path / "p"
    )
    assert serial.code == parallel.code == 0
    names = [Path(line).relative_to(tmp_path / "s") for line in serial.stdout.split()]
    assert names == [Path(line).relative_to(tmp_path / "p") for line in parallel.stdout.split()]
    for name in names:
        if name.suffix in (".md", ".html", ".svg"):
            assert (tmp_path / "s" / name).read_bytes() == (tmp_path / "p" / name).read_bytes()


def test_the_command_line_knows_every_format() -> None:
    assert set(FORMAT_NAMES) == set(OutputFormat.registry)
