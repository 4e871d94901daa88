"""check --strict, and suppressions recorded in the case file with a reason."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_casepub

LAB = """labs:
  - analyte: ALT
    unit: U/L
    values: [{date: 2016-02-09, value: 208}]
"""


def _case(tmp_path: Path, suppress: str = "") -> Path:
    case = tmp_path / "case"
    run_casepub("new", case)
    yaml_file = case / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    # The example texts of `casepub new` are accepted last, so the tests' own rules keep
    # their numbers.
    suppress = suppress or "suppress:\n"
    suppress += "  - {code: placeholder, reason: the scaffold's example texts}\n"
    text = text.replace("bibliography:", LAB + suppress + "\nbibliography:")
    text = text.replace("findings.\n", "findings (@tbl:labs).\n")  # the table the lab makes
    text = text.replace("Данные осмотра.\n", "Данные осмотра (@tbl:labs).\n")
    yaml_file.write_text(text, encoding="utf-8")
    return case


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    case = _case(tmp_path)
    plain = run_casepub("check", case)
    assert plain.code == 0 and "[range-missing]" in plain.stdout
    assert run_casepub("check", case, "--strict").code == 1


def test_a_suppressed_warning_is_counted_not_reported(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        "suppress:\n  - code: range-missing\n    path: labs[0].analyte\n"
        "    reason: the laboratory report gives no range\n",
    )
    result = run_casepub("check", case, "--strict")
    assert result.code == 0, result.stdout
    assert result.stdout == "" and "0 warning(s)" in result.stderr
    without = run_casepub("check", _case(tmp_path / "plain"), "--strict")
    counted = [int(r.stderr.split(" suppressed")[0].split()[-1]) for r in (result, without)]
    assert counted[0] == counted[1] + 1


def test_a_suppression_matching_nothing_is_reported(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        "suppress:\n  - {code: range-missing, reason: fine}\n"
        "  - {code: lesion-once, reason: stale}\n",
    )
    found = json.loads(run_casepub("check", case, "--format", "json").stdout)
    assert [(d["code"], d["path"]) for d in found] == [("suppress-unused", "suppress[1]")]


def test_errors_cannot_be_suppressed(tmp_path: Path) -> None:
    case = _case(tmp_path, "suppress:\n  - {code: citation-unknown, reason: trust me}\n")
    discussion = case / "sections" / "discussion.en.md"
    discussion.write_text("See [@nothere2020].\n", encoding="utf-8")
    result = run_casepub("check", case)
    assert result.code == 1 and "[citation-unknown]" in result.stdout


def test_a_suppression_needs_a_reason(tmp_path: Path) -> None:
    case = _case(tmp_path, "suppress:\n  - {code: range-missing}\n")
    result = run_casepub("check", case, "--format", "json")
    assert result.code == 1
    assert any(
        d["path"] == "suppress[0].reason" and d["code"] == "missing"
        for d in json.loads(result.stdout)
    )
