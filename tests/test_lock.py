"""``make pdf`` / ``make test`` install exactly the locked set: the project's ``.venv`` holds
every package of ``requirements.lock`` at its locked version, and nothing else."""

from __future__ import annotations

import os
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
BOOTSTRAP = {"pip", "setuptools", "casepub"}
"""What ``python -m venv`` brings, and casepub itself (installed on top of the lock)."""

_PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+))?"
)


def locked() -> dict[str, str]:
    """Name → version of each locked package that applies to this interpreter and platform."""
    pins: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match is None:
            continue
        marker = match["marker"]
        if marker is None or Marker(marker.strip()).evaluate():
            pins[canonicalize_name(match["name"])] = match["version"]
    return pins


def test_every_dependency_is_pinned_with_hashes() -> None:
    text = LOCK.read_text(encoding="utf-8")
    pins = [line for line in text.splitlines() if _PIN.match(line)]
    assert len(pins) > 40
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    for block in blocks:
        if _PIN.match(block):
            assert "--hash=sha256:" in block, block.splitlines()[0]
    for needed in ("pyyaml", "jinja2", "typst", "pypandoc-binary", "pytest", "uv"):
        assert needed in locked(), needed


@pytest.mark.skipif(
    bool(os.environ.get("CASEPUB_UNLOCKED")), reason="make test-latest: newest allowed versions"
)
def test_the_venv_holds_exactly_the_locked_versions() -> None:
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip(f"not the project's .venv ({sys.prefix}): make test installs the lock there")
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    expected = locked()
    wrong = {
        name: (installed.get(name), version)
        for name, version in expected.items()
        if installed.get(name) != version
    }
    assert wrong == {}, "installed vs locked: " + repr(wrong)
    extra = set(installed) - set(expected) - BOOTSTRAP
    assert extra == set(), f"installed but not locked: {sorted(extra)}"


def drift() -> list[str]:
    """How this environment differs from the lock: ``name locked → installed`` lines."""
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    pins = locked()
    names = sorted((set(pins) | set(installed)) - BOOTSTRAP)
    return [
        f"  {name} {pins.get(name, '-')} → {installed.get(name, '-')}"
        for name in names
        if pins.get(name) != installed.get(name)
    ]


if __name__ == "__main__":  # make test-latest: what the newest allowed versions change
    print("\n".join(drift()) or "  (the same versions as the lock)")
