"""The benchmark's case generator makes valid, deterministic cases (not a timed test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, run_casepub

GENERATE = REPO / "benchmarks" / "generate.py"


def _generate(out: Path, count: int, seed: int) -> list[Path]:
    result = subprocess.run(
        [sys.executable, str(GENERATE), str(out), "--count", str(count), "--seed", str(seed)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [Path(line) for line in result.stdout.split()]


def test_generated_cases_pass_check(tmp_path: Path) -> None:
    folders = _generate(tmp_path / "cases", 3, seed=1)
    assert [f.name for f in folders] == ["bench-001", "bench-002", "bench-003"]
    for folder in folders:
        assert (folder / "case.yaml").is_file()
        assert (folder / "references.bib").is_file()
        result = run_casepub("check", "--format", "json", folder)
        assert result.code == 0, result.stdout + result.stderr
        errors = [d for d in json.loads(result.stdout) if d["severity"] == "error"]
        assert errors == [], errors


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", 2, seed=7)
    second = _generate(tmp_path / "b", 2, seed=7)
    for one, two in zip(first, second, strict=True):
        files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
        for name in files:
            assert (one / name).read_bytes() == (two / name).read_bytes(), name
