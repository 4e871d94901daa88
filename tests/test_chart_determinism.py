"""A chart's SVG is the same bytes whatever the process drew before it."""

from __future__ import annotations

import subprocess
import sys

from casepub.plots.output import _numbered_clips
from tests.conftest import REPO

DRAW = """
import hashlib, sys
from functools import partial
from pathlib import Path
from casepub.build import BuildOptions, build_manuscript
from casepub.load.loader import load_case
from casepub.profiles import load_profile
from casepub.worker_jobs import chart_files_of, draw_chart
loaded = load_case(Path("cases/stress-layout"), scan_identifiers=False)
profile = load_profile("jmcr")
options = BuildOptions(journal="jmcr")
manuscript = build_manuscript(loaded, "en", "media", options.references(profile), profile)
for chart in sys.argv[1:]:
    make = partial(draw_chart, chart, loaded.case, loaded.record, manuscript.langs, profile)
    svg = chart_files_of(make, [".svg"])[".svg"]
print(hashlib.sha256(svg).hexdigest())
"""


def _svg_hash(*charts: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", DRAW, *charts], cwd=REPO, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_lab_chart_is_the_same_drawn_first_or_after_another() -> None:
    """matplotlib names a clip path by a hash of its transform's text, which changed with the
    charts drawn before in the process (stress-layout's lab chart, jmcr, gave two SVGs)."""
    assert _svg_hash("labs") == _svg_hash("timeline", "labs")


def test_clip_paths_are_numbered_in_the_order_they_are_defined() -> None:
    svg = (
        b'<path clip-path="url(#pbbbbbbbbbb)"/><path clip-path="url(#paaaaaaaaaa)"/>'
        b'<clipPath id="pbbbbbbbbbb"/><clipPath id="paaaaaaaaaa"/>'
    )
    assert _numbered_clips(svg) == (
        b'<path clip-path="url(#clip1)"/><path clip-path="url(#clip2)"/>'
        b'<clipPath id="clip1"/><clipPath id="clip2"/>'
    )
