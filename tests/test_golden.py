"""Golden files: the generated Markdown of every example case, in every language mode.

Rewrite them after an intended change with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import pytest

from casepub.load.loader import load_case
from casepub.render import LangMode, build_manuscript, render_markdown
from tests.conftest import CASES, assert_golden

GOLDEN = CASES.parent / "tests" / "golden"
EXAMPLES = sorted(p.name for p in CASES.iterdir() if (p / "case.yaml").is_file())
MODES: dict[str, tuple[LangMode, ...]] = {"ru": ("bilingual", "ru", "en"), "en": ("en",)}


def _targets() -> list[tuple[str, LangMode]]:
    targets = []
    for name in EXAMPLES:
        language = load_case(CASES / name).case.language
        targets.extend((name, mode) for mode in MODES[language])
    return targets


@pytest.mark.parametrize(("name", "mode"), _targets())
def test_markdown_matches_golden(name: str, mode: LangMode, update_golden: bool) -> None:
    markdown = render_markdown(build_manuscript(load_case(CASES / name), mode))
    assert_golden(markdown, GOLDEN / f"{name}.{mode}.md", update_golden)
