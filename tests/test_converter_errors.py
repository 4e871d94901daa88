"""A failing pandoc or typst is reported in the author's terms, at the case file and section
that caused it, with the raw message kept in ``<out>/<id>/<stem>.<format>.log`` (issue 8)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import casepub.build
import casepub.load.checks
from casepub.build import BuildOptions, build_case
from casepub.cli import main
from casepub.diagnostics import CasepubError, Diagnostic

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "cases" / "minimal"
INTRO = "This fictional example contains only what a case file needs."


def _patch_markdown(monkeypatch: pytest.MonkeyPatch, change: Callable[[str], str]) -> None:
    render = casepub.build.render_markdown  # type: ignore[attr-defined]
    monkeypatch.setattr(casepub.build, "render_markdown", lambda *a: change(render(*a)))


def _failure(case: Path, fmt: str, out: Path, journal: str | None = None) -> Diagnostic:
    with pytest.raises(CasepubError) as exc:
        build_case(case, BuildOptions((fmt,), out=out, journal=journal))
    [found] = exc.value.diagnostics
    return found


def _case(tmp_path: Path) -> Path:
    case = tmp_path / "minimal"
    shutil.copytree(MINIMAL, case)
    return case


def _line_of(file: Path, text: str) -> int:
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_unknown_label_names_the_section_and_keeps_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _patch_markdown(
        monkeypatch, lambda md: md.replace(INTRO, INTRO + " See [the figure](#nolabel).")
    )
    case = _case(tmp_path)
    found = _failure(case, "pdf", tmp_path / "out")
    assert found.code == "typst"
    assert found.file.endswith("case.yaml") and found.path == "sections.introduction"
    assert found.line == _line_of(case / "case.yaml", "introduction:")
    assert (
        "cross-reference to `nolabel` points at nothing" in found.message
        and "Introduction" in found.message
    )
    log = tmp_path / "out" / "minimal" / "minimal.en.pdf.log"
    assert str(log) in found.message or "minimal.en.pdf.log" in found.message
    raw = log.read_text(encoding="utf-8")
    assert "label `<nolabel>` does not exist in the document" in raw
    assert "minimal.en.typ:" in raw  # typst's own span


def test_a_cross_reference_written_by_the_author_is_found(tmp_path: Path) -> None:
    case = _case(tmp_path)
    yaml = case / "case.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace(INTRO, INTRO + " See [it](#nolabel)."), "utf-8")
    found = _failure(case, "pdf", tmp_path / "out")
    line = _line_of(yaml, "#nolabel")
    text = yaml.read_text("utf-8").splitlines()[line - 1]
    assert (found.line, found.col) == (line, text.index("(#nolabel)") + 1)
    assert found.path == "sections.introduction"


def test_the_failing_text_is_found_in_the_section_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(casepub.load.checks, "check_markup", lambda loaded: None)
    case = _case(tmp_path)
    (case / "sections").mkdir()
    (case / "sections" / "discussion.en.md").write_text(
        'First paragraph.\n\nThen `#read("no-such-file.txt")`{=typst} here.\n', "utf-8"
    )
    yaml = case / "case.yaml"
    yaml.write_text(
        yaml.read_text("utf-8").replace(
            "  conclusion: |",
            "  discussion:\n    file: sections/discussion.{lang}.md\n  conclusion: |",
        ),
        "utf-8",
    )
    found = _failure(case, "pdf", tmp_path / "out")
    assert found.file.endswith("discussion.en.md") and (found.line, found.col) == (3, 13)
    assert found.path == "sections.discussion.file" and "file not found" in found.message


def test_typst_syntax_error_in_a_profile_template_is_located(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    (journal / "pandoc").mkdir(parents=True)
    (journal / "profile.yaml").write_text("name: Broken\nextends: preprint\n", "utf-8")
    base = (ROOT / "templates" / "base" / "pandoc" / "template.typ").read_text("utf-8")
    (journal / "pandoc" / "template.typ").write_text(
        "// a broken journal template\n#this-function-does-not-exist(1)\n" + base, "utf-8"
    )
    found = _failure(_case(tmp_path), "pdf", tmp_path / "out", str(journal))
    assert found.code == "typst"
    assert found.file.endswith("template.typ") and found.line == 2
    assert "journal template" in found.message
    raw = (tmp_path / "out" / "minimal" / "minimal.journal.en.pdf.log").read_text("utf-8")
    assert "error:" in raw


def test_pandoc_error_maps_back_to_the_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _patch_markdown(
        monkeypatch,
        lambda md: md.replace("went home the next day.", "went home.\n\n---\nfoo: [open\n---\n"),
    )
    case = _case(tmp_path)
    found = _failure(case, "html", tmp_path / "out")
    assert found.code == "pandoc" and found.path == "sections.patient_information"
    assert found.line == _line_of(case / "case.yaml", "patient_information:")
    assert "metadata block" in found.message
    raw = (tmp_path / "out" / "minimal" / "minimal.en.html.log").read_text("utf-8")
    assert "YAML" in raw


def test_cli_prints_no_traceback_and_a_later_success_removes_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case = _case(tmp_path)
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        _patch_markdown(patch, lambda md: md.replace(INTRO, INTRO + " See [the figure](#nolabel)."))
        code = main(["build", str(case), "--format", "pdf", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "[typst]" in err and "minimal.en.pdf.log" in err
    log = out / "minimal" / "minimal.en.pdf.log"
    assert log.is_file()
    assert main(["build", str(case), "--format", "pdf", "--out", str(out)]) == 0
    assert not log.exists()
