"""Incremental builds: a rebuild redoes only what its inputs changed; an unchanged rebuild
converts nothing; a damaged or half-written cache entry is a miss, never a wrong output."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from casepub import build as build_module
from casepub import formats
from casepub.build import BuildOptions, build
from casepub.cache import CACHE_DIR, StageCache, tree_hash
from casepub.references import lists
from tests.conftest import CASES, run_casepub


class Calls:
    """Counts the expensive stages: pandoc runs, chart drawings, reference lists."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pandoc = 0
        self.charts = 0
        self.twins = 0
        self.lists = 0
        real_pandoc = formats.run_pandoc
        real_list = lists._citeproc_list

        def citeproc_list(*args: Any, **kwargs: Any) -> str:
            self.lists += 1
            return real_list(*args, **kwargs)

        monkeypatch.setattr(lists, "_citeproc_list", citeproc_list)

        def pandoc(*args: Any, **kwargs: Any) -> bytes:
            self.pandoc += 1
            return real_pandoc(*args, **kwargs)

        from casepub.render import charts

        real_charts = charts.chart_files

        def chart_files(*args: Any, **kwargs: Any) -> dict[str, bytes]:
            self.charts += 1
            return real_charts(*args, **kwargs)

        real_twin = build_module.png_twin

        def png_twin(*args: Any, **kwargs: Any) -> dict[str, bytes]:
            self.twins += 1
            return real_twin(*args, **kwargs)

        monkeypatch.setattr(formats, "run_pandoc", pandoc)
        monkeypatch.setattr(charts, "chart_files", chart_files)
        monkeypatch.setattr(build_module, "png_twin", png_twin)

    def reset(self) -> None:
        self.pandoc = self.charts = self.twins = self.lists = 0


@pytest.fixture()
def case(tmp_path: Path) -> Path:
    folder = tmp_path / "ileal-net"
    shutil.copytree(CASES / "ileal-net", folder)
    return folder


def _options(tmp_path: Path, *formats_: str) -> BuildOptions:
    return BuildOptions(formats=formats_ or ("pdf",), out=tmp_path / "build")


def _stamps(paths: list[Path]) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in paths}


def test_an_unchanged_rebuild_converts_and_writes_nothing(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    options = _options(tmp_path, "pdf", "html")
    first = build(case, options)
    assert calls.pandoc >= 2 and calls.charts == 3
    before = _stamps(first.paths)
    calls.reset()
    again = build(case, options)
    assert (calls.pandoc, calls.charts) == (0, 0)
    assert again.paths == first.paths
    assert _stamps(again.paths) == before


def test_a_text_edit_reuses_every_chart(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    options = _options(tmp_path)
    first = build(case, options)
    pdf = next(p for p in first.paths if p.suffix == ".pdf")
    old_pdf = pdf.read_bytes()
    section = case / "sections" / "discussion.ru.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nНовое предложение.\n", "utf-8")
    calls.reset()
    build(case, options)
    assert calls.charts == 0 and calls.lists == 0 and calls.pandoc >= 1
    assert pdf.read_bytes() != old_pdf


def test_an_edited_source_makes_new_reference_lists(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    options = _options(tmp_path)
    first = build(case, options)
    assert calls.lists == 2  # the Russian list and the English one
    bib = case / "references.bib"
    text = bib.read_text(encoding="utf-8")
    title = re.search(r"^\s*title\s*=\s*\{", text, flags=re.MULTILINE)
    assert title is not None
    bib.write_text(text[: title.end()] + "Revised: " + text[title.end() :], "utf-8")
    calls.reset()
    again = build(case, options)
    assert calls.lists == 2
    markdown = next(p for p in again.paths if p.suffix == ".md")
    assert markdown in first.paths and "Revised:" in markdown.read_text(encoding="utf-8")


def test_a_data_edit_redraws_only_its_charts(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    options = _options(tmp_path)
    build(case, options)
    yaml_file = case / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("value: 628.8", "value: 628.9", 1), encoding="utf-8")
    calls.reset()
    build(case, options)
    assert 1 <= calls.charts < 3


def test_a_new_format_builds_only_that_format(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    build(case, _options(tmp_path, "pdf"))
    calls.reset()
    built = build(case, _options(tmp_path, "pdf", "docx"))
    # the DOCX only, and its charts' PNG twins, made from the SVGs in the cache: none redrawn
    assert calls.charts == 0 and calls.twins == 3 and calls.pandoc == 1
    assert {p.suffix for p in built.paths} >= {".pdf", ".docx"}


def test_a_removed_or_edited_output_is_built_again(case: Path, tmp_path: Path) -> None:
    options = _options(tmp_path)
    first = build(case, options)
    pdf = next(p for p in first.paths if p.suffix == ".pdf")
    good = pdf.read_bytes()
    pdf.write_bytes(b"%PDF- truncated")
    assert build(case, options).paths == first.paths
    assert pdf.read_bytes() == good
    pdf.unlink()
    build(case, options)
    assert pdf.read_bytes() == good


def test_a_damaged_cache_entry_is_a_miss(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = _options(tmp_path)
    first = build(case, options)
    svgs = {p: p.read_bytes() for p in first.paths if p.suffix == ".svg"}
    entries = sorted((tmp_path / "build" / CACHE_DIR / "chart").rglob("*.svg"))
    assert entries
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:100])  # a half-written file
    (case / "sections" / "discussion.ru.md").write_text("Обсуждение [@pavel2012enets].\n", "utf-8")
    calls = Calls(monkeypatch)
    built = build(case, options)
    assert calls.charts == 3
    assert {p: p.read_bytes() for p in built.paths if p.suffix == ".svg"} == svgs


def test_an_interrupted_store_leaves_no_entry(tmp_path: Path) -> None:
    cache = StageCache(tmp_path)
    folder = cache.root / "chart" / "ab"
    folder.mkdir(parents=True)
    (folder / ".abcdef12.scratch").mkdir()  # what a killed build leaves behind
    assert cache.files("chart", "ab" + "0" * 62) is None
    cache.store("chart", "ab" + "0" * 62, {"x.svg": b"<svg/>"})
    assert cache.files("chart", "ab" + "0" * 62) == {"x.svg": b"<svg/>"}


def test_the_fingerprint_ignores_the_output_folder_inside_the_case(tmp_path: Path) -> None:
    (tmp_path / "case.yaml").write_text("x", encoding="utf-8")
    before = tree_hash(tmp_path, skip=[(tmp_path / "build").resolve()])
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.pdf").write_bytes(b"pdf")
    assert tree_hash(tmp_path, skip=[(tmp_path / "build").resolve()]) == before


def test_build_writes_through_the_cache_from_the_command_line(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    first = run_casepub("build", case, "--out", out)
    assert first.code == 0, first.stderr
    again = run_casepub("build", case, "--out", out)
    assert again.code == 0 and again.stdout == first.stdout
