"""The command line as an author runs it: new → check → build, schema, help, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casepub.schema import json_schema_text, markdown_reference
from tests.conftest import REPO, run_casepub
from tests.helpers import pdf_text


def test_new_check_build_round_trip(tmp_path: Path) -> None:
    case = tmp_path / "my-case"
    created = run_casepub("new", case)
    assert created.code == 0, created.stderr
    assert (
        (case / "case.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=case.schema.json")
    )
    assert json.loads((case / "case.schema.json").read_text(encoding="utf-8"))["title"] == "Case"

    checked = run_casepub("check", case)
    assert checked.code == 0
    assert all(line.endswith("[placeholder]") for line in checked.stdout.splitlines())
    assert "0 error(s)" in checked.stderr

    out = tmp_path / "out"
    built = run_casepub("build", case, "--format", "pdf,docx,html", "--out", out)
    assert built.code == 0, built.stderr
    written = [Path(line) for line in built.stdout.splitlines()]
    assert {p.suffix for p in written} == {".md", ".json", ".typ", ".pdf", ".docx", ".html"}
    assert all(p.is_file() and p.is_relative_to(out) for p in written)
    text = pdf_text(next(p for p in written if p.suffix == ".pdf"))
    assert "Название статьи" in text and "Title of the article" in text


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    assert run_casepub("new", tmp_path / "c").code == 0
    before = (tmp_path / "c" / "case.yaml").read_bytes()
    again = run_casepub("new", tmp_path / "c")
    assert again.code == 1 and "already exists" in again.stderr
    assert (tmp_path / "c" / "case.yaml").read_bytes() == before


def test_failed_build_writes_nothing_and_explains(tmp_path: Path) -> None:
    case = tmp_path / "c"
    run_casepub("new", case)
    yaml_file = case / "case.yaml"
    yaml_file.write_text(
        yaml_file.read_text(encoding="utf-8").replace(
            "orcid: 0000-0002-1825-0097", "orcid: 0000-0002-1825-0098"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_casepub("build", case, "--out", out)
    assert result.code == 1
    assert result.stdout == ""
    lines = yaml_file.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "orcid:" in text)
    column = lines[line - 1].index("0000") + 1
    assert f"case.yaml:{line}:{column}: authors[0].orcid: ORCID iD" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.rglob("*.*"))


def test_build_in_english_only_needs_english_texts(tmp_path: Path) -> None:
    case = tmp_path / "c"
    run_casepub("new", case)
    yaml_file = case / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("  en: The abstract in English.\n", ""), encoding="utf-8")
    result = run_casepub("build", case, "--lang", "en", "--out", tmp_path / "out")
    assert result.code == 1
    assert "abstract: no English text (`en:`)" in result.stderr
    assert "[lang-missing]" in result.stderr
    assert run_casepub("build", case, "--lang", "ru", "--out", tmp_path / "out").code == 0


@pytest.mark.parametrize("command", [[], ["new"], ["check"], ["build"], ["schema"], ["diff"]])
def test_help_everywhere(command: list[str]) -> None:
    result = run_casepub(*command, "--help")
    assert result.code == 0 and "usage: casepub" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["build"],
        ["build", "cases/minimal", "--format", "pfd"],
        ["check", "--format", "xml", "."],
        ["diff", "cases/minimal"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run_casepub(*args)
    assert result.code == 2 and "usage:" in result.stderr


def test_schema_command_matches_committed_docs() -> None:
    assert run_casepub("schema").stdout == json_schema_text()
    committed = REPO / "docs" / "case.schema.json"
    assert committed.read_text(encoding="utf-8") == json_schema_text(), "run `make docs`"


def test_format_reference_is_current() -> None:
    document = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    assert markdown_reference() in document, "docs/format.md is stale: run `make docs`"
