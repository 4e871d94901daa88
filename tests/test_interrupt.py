"""Nothing lost: a build killed at any moment leaves every output either as it was or as
the new build makes it — never half-written — and the next build repairs the rest; two
builds of one case at once wait for each other."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import CASES, REPO

KILLS = 100
LAB = """
labs:
  - analyte: ALT
    unit: U/L
    range: {high: 40}
    values:
      - {date: 2024-01-10, value: 50}
      - {date: 2024-02-10, value: VALUE}
"""


def _versions(case: Path) -> list[str]:
    text = (CASES / "minimal" / "case.yaml").read_text(encoding="utf-8")
    text = text.replace("\nsections:", LAB + "\nsections:")
    return [
        text.replace("VALUE", "31"),
        text.replace("VALUE", "35").replace("deliberately short", "deliberately brief"),
    ]


def _build(case: Path, out: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "casepub", "build", str(case), "--format", "html,pdf"]
    return subprocess.Popen(
        [*command, "--out", str(out)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # pandoc and typst die with it
    )


def _outputs(out: Path) -> dict[str, bytes]:
    folder = out / "minimal"
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _reference(case: Path, text: str, out: Path) -> dict[str, bytes]:
    (case / "case.yaml").write_text(text, encoding="utf-8")
    assert _build(case, out).wait() == 0
    return _outputs(out)


def test_builds_killed_at_random_moments_leave_complete_outputs(tmp_path: Path) -> None:
    case = tmp_path / "minimal"
    shutil.copytree(CASES / "minimal", case)
    versions = _versions(case)
    started = time.perf_counter()
    expected = [_reference(case, text, tmp_path / f"v{i}") for i, text in enumerate(versions)]
    duration = (time.perf_counter() - started) / 2
    assert expected[0] != expected[1]
    out = tmp_path / "build"
    current = _reference(case, versions[0], out)
    assert current == expected[0]
    chance = random.Random(20261122)
    for kill in range(KILLS):
        version = chance.randrange(2)
        (case / "case.yaml").write_text(versions[version], encoding="utf-8")
        process = _build(case, out)
        time.sleep(chance.uniform(0, duration))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for name, data in _outputs(out).items():
            assert data in (expected[0].get(name), expected[1].get(name)), (kill, name)
        if kill % 10 == 9:  # the next complete build repairs everything from the cache
            assert _build(case, out).wait() == 0
            assert _outputs(out) == expected[version], kill


def test_two_builds_of_one_case_at_once_do_not_corrupt_each_other(tmp_path: Path) -> None:
    case = tmp_path / "minimal"
    shutil.copytree(CASES / "minimal", case)
    text = _versions(case)[0]
    expected = _reference(case, text, tmp_path / "reference")
    out = tmp_path / "build"
    builds = [_build(case, out) for _ in range(3)]
    assert [b.wait() for b in builds] == [0, 0, 0]
    assert _outputs(out) == expected
