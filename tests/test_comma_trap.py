"""The YAML comma trap: in ``{ru: печень, наибольший очаг, en: …}`` the comma ends the text
and the rest becomes a key. The diagnostic says so, at the text, with the quoted form."""

from __future__ import annotations

from pathlib import Path

import pytest

from casepub.diagnostics import CasepubError, Diagnostic
from casepub.load.loader import load_case
from tests.helpers import make_case

LESION = """
lesions:
  - id: L1
    site: {{ru: {site}, en: "liver, largest lesion"}}
    organ: liver
    measurements:
      - {{date: 2024-01-15, mm: 41}}
    not_followed: {{ru: удалён, en: resected}}
"""


def _found(tmp_path: Path, site: str) -> list[Diagnostic]:
    case = make_case(tmp_path / "case", {}, LESION.format(site=site))
    with pytest.raises(CasepubError) as exc:
        load_case(case)
    return exc.value.diagnostics


def test_a_comma_in_a_flow_mapping_is_told_as_such(tmp_path: Path) -> None:
    [found] = _found(tmp_path, "печень, наибольший очаг")
    assert found.code == "unknown-key" and found.path == "lesions[0].site.ru"
    lines = (tmp_path / "case" / "case.yaml").read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "site:" in text)
    assert (found.line, found.col) == (line, lines[line - 1].index("печень") + 1)
    assert "a comma ends the text, so `ru` is only `печень`" in found.message
    assert found.suggestion == 'quote a text that has a comma: {ru: "печень, наибольший очаг", …}'


def test_every_piece_a_comma_cut_off_is_named_once(tmp_path: Path) -> None:
    [found] = _found(tmp_path, "печень, сегмент 7, наибольший очаг")
    assert "unknown keys `сегмент 7`, `наибольший очаг`" in found.message
    assert '{ru: "печень, сегмент 7, наибольший очаг", …}' in (found.suggestion or "")


def test_the_quoted_text_is_read_whole(tmp_path: Path) -> None:
    case = make_case(tmp_path / "case", {}, LESION.format(site='"печень, наибольший очаг"'))
    site = load_case(case).case.lesions[0].site  # type: ignore[union-attr]
    assert getattr(site, "ru", None) == "печень, наибольший очаг"


def test_an_unknown_key_without_a_comma_is_still_an_unknown_key(tmp_path: Path) -> None:
    [found] = _found(tmp_path, "печень, de: Leber")
    assert found.message == "unknown key `de`"
    assert found.suggestion == "allowed here: ru, en"
