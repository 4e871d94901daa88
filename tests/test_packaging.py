"""The wheel carries the templates, so ``pip install casepub`` works outside the repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``pip`` builds from the checkout."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    return next(dist.glob("casepub-*.whl"))


def test_wheel_contains_templates_and_console_script(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (REPO / "templates").rglob("*"):
        if template.is_file():
            inside = "casepub/templates/" + template.relative_to(REPO / "templates").as_posix()
            assert inside in names, f"{inside} is not in the wheel"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "casepub = casepub.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_finds_its_templates(wheel: Path, tmp_path: Path) -> None:
    """Unpack the wheel alone on sys.path (no repository beside it) and read its templates."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = "import casepub.resources as r; print(r.templates_dir()); print(sorted(r.labels()))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin"},
        check=True,
    )
    assert result.stdout.splitlines()[0] == str(site / "casepub" / "templates")
    assert "['en', 'ru']" in result.stdout
