"""The revision core: a case at a git revision, the changes between two versions by place,
and the word-level marking of two pandoc documents."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from casepub.diagnostics import CasepubError
from casepub.revise.changes import Change, compare_cases
from casepub.revise.marking import Marker, marked_document, merge_inlines
from casepub.revise.versions import materialise
from tests.conftest import REPO
from tests.revision_fixture import Versions, git, make_versions


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    return make_versions(tmp_path_factory.mktemp("core"))


@pytest.fixture(scope="module")
def changes(versions: Versions, tmp_path_factory: pytest.TempPathFactory) -> list[Change]:
    old = materialise(versions.case, versions.first, tmp_path_factory.mktemp("old"))
    return compare_cases(old, versions.case)


def test_materialise_unpacks_the_case_folder_of_a_larger_repository(
    versions: Versions, tmp_path: Path
) -> None:
    old = materialise(versions.case, versions.first, tmp_path)
    assert old == tmp_path / "ileal-net"
    assert sorted(p.name for p in old.iterdir()) == ["case.yaml", "references.bib", "sections"]
    assert "value: 407.9" in (old / "case.yaml").read_text(encoding="utf-8")
    assert "kennedy2008" not in (old / "references.bib").read_text(encoding="utf-8")
    assert git(versions.repo, "status", "--porcelain") == ""  # nothing written in the repo


def test_a_folder_is_taken_as_it_is(tmp_path: Path) -> None:
    folder = REPO / "cases" / "minimal"
    assert materialise(folder, str(folder), tmp_path) == folder.resolve()
    assert list(tmp_path.iterdir()) == []


def test_unreadable_revisions_are_located_errors(versions: Versions, tmp_path: Path) -> None:
    plain = tmp_path / "plain" / "minimal"
    shutil.copytree(REPO / "cases" / "minimal", plain)
    with pytest.raises(CasepubError, match="not in a git repository") as not_git:
        materialise(plain, "HEAD", tmp_path / "a")
    assert not_git.value.diagnostics[0].code == "revision"
    with pytest.raises(CasepubError, match="unknown revision `v9`"):
        materialise(versions.case, "v9", tmp_path / "b")
    later = versions.repo / "cases" / "later"
    shutil.copytree(REPO / "cases" / "minimal", later)
    git(versions.repo, "add", "cases/later")
    git(versions.repo, "commit", "-q", "-m", "another case")
    try:
        with pytest.raises(CasepubError, match="did not exist at revision") as absent:
            materialise(later, versions.second, tmp_path / "c")
        assert "cases/later/case.yaml" in absent.value.diagnostics[0].message
    finally:
        git(versions.repo, "reset", "-q", "--hard", versions.second)


def _found(changes: list[Change], place: str, kind: str, lang: str | None = None) -> Change:
    matches = [c for c in changes if c.place == place and c.kind == kind and c.lang == lang]
    assert matches, [c.describe() for c in changes]
    return matches[0]


def test_changes_are_named_by_their_places(changes: list[Change]) -> None:
    value = _found(changes, "markers[0].values[1].value", "changed")
    assert (value.old, value.new) == ("407.9", "412.3")
    word = _found(changes, "sections.introduction", "changed", "ru")
    assert (word.old, word.new) == ("разнородные", "различные")
    assert _found(changes, "sections.introduction", "changed", "en").new == "diverse"
    removed = _found(changes, "sections.introduction", "removed", "en")
    assert removed.old.startswith("In its early days, cytoreduction meant")
    added = _found(changes, "sections.introduction", "added", "en")
    assert added.new == "Radioembolization is a further option [@kennedy2008radioembolization]."
    reference = _found(changes, "references:kennedy2008radioembolization", "added")
    assert "Radioembolization for unresectable" in reference.new
    assert _found(changes, "fig:markers", "changed").aspect == "redrawn"
    assert not [c for c in changes if c.place in ("fig:timeline", "fig:lesions")]
    assert len(changes) == 9, [c.describe() for c in changes]


def test_a_reply_place_covers_the_changes_below_it() -> None:
    value = Change("labs[2].values[0].value", "changed", "4.2", "4.8")
    assert value.under("labs[2]") and value.under("labs") and value.under("labs[2].values")
    assert not value.under("labs[1]") and not value.under("labs[20]")
    title = Change("title", "changed", "a", "b", lang="en")
    assert title.under("title") and title.under("title.en") and not title.under("title.ru")
    assert Change("sections.discussion", "added", lang="ru").under("sections")
    assert not Change("sections.discussion", "added").under("sections.disc")


# --- marking ---------------------------------------------------------------------------------


def _inlines(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for word in text.split(" "):
        found += [{"t": "Space"}] if found else []
        found.append({"t": "Str", "c": word})
    return found


def _accepted(value: Any) -> Any:
    """``value`` with deletions dropped and insertions unwrapped."""
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict) and item.get("t") == "Span":
                classes = item["c"][0][1]
                if "deletion" in classes:
                    continue
                if "insertion" in classes:
                    out += _accepted(item["c"][1])
                    continue
            out.append(_accepted(item))
        return out
    if isinstance(value, dict):
        return {k: _accepted(v) for k, v in value.items()}
    return value


def _spans(inlines: list[dict[str, Any]], mark: str) -> list[str]:
    return [
        "".join(i.get("c", " ") for i in span["c"][1])
        for span in inlines
        if span["t"] == "Span" and mark in span["c"][0][1]
    ]


def test_words_are_marked_and_accepting_gives_the_new_text() -> None:
    marker = Marker("A. Author", "2024-06-15T09:30:00Z")
    old, new = _inlines("the lesion grew by 4 mm in May"), _inlines("the lesion grew by 6 mm")
    merged = merge_inlines(old, new, marker)
    assert _spans(merged, "deletion") == ["4", " in May"]
    assert _spans(merged, "insertion") == ["6"]
    assert merged[-1]["c"][0][2] == [["author", "A. Author"], ["date", "2024-06-15T09:30:00Z"]]
    assert _accepted(merged) == new


def test_a_deleted_citation_prints_its_old_number() -> None:
    def cite(key: str) -> dict[str, Any]:
        citation = {
            "citationId": key,
            "citationPrefix": [],
            "citationSuffix": [],
            "citationMode": {"t": "NormalCitation"},
            "citationNoteNum": 1,
            "citationHash": 0,
        }
        return {"t": "Cite", "c": [[citation], [{"t": "Str", "c": f"[@{key}]"}]]}

    def document(*paragraphs: list[dict[str, Any]]) -> dict[str, Any]:
        blocks = [{"t": "Para", "c": p} for p in paragraphs]
        return {"pandoc-api-version": [1, 23], "meta": {}, "blocks": blocks}

    old = document([*_inlines("First"), cite("a")], [*_inlines("Then"), cite("b")])
    new = document([*_inlines("Then"), cite("b")])
    merged = marked_document(old, new, Marker("A", "2024-01-01T00:00:00Z"))
    deleted = merged["blocks"][0]["c"]
    assert _spans(deleted, "deletion") == ["First[1]"]
    renumbered = merged["blocks"][1]["c"]
    assert _spans(renumbered, "deletion") == ["[2]"]  # b was 2, is 1: shown as struck [2]
    # the emptied paragraph goes when accepted in Word: its paragraph mark is deleted too
    assert _accepted(merged["blocks"]) == [{"t": "Para", "c": []}, *new["blocks"]]


def test_rows_and_paragraphs_deleted_whole_go_when_accepted(tmp_path: Path) -> None:
    """A paragraph and a table row deleted whole get their marks deleted too, so that
    accepting every revision leaves neither an empty paragraph nor an empty row."""
    from lxml import etree  # type: ignore[import-untyped, unused-ignore]

    from casepub.convert.pandoc import run_pandoc
    from casepub.revise.docx_revisions import W, accept_all, mark_whole_paragraphs

    old = "Kept.\n\nGone whole.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n"
    new = "Kept.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 5 | 6 |\n\nAdded.\n"

    def document(markdown: str) -> Any:
        return json.loads(run_pandoc(markdown, "json", workdir=tmp_path, citeproc=None))

    merged = marked_document(document(old), document(new), Marker("A", "2024-01-01T00:00:00Z"))
    target = tmp_path / "marked.docx"
    run_pandoc(json.dumps(merged), "docx", workdir=tmp_path, citeproc=None, output=target,
               reader="json")  # fmt: skip
    marked = mark_whole_paragraphs(target.read_bytes())

    def texts(docx: bytes, path: str) -> list[str]:
        root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
        return ["".join(e.itertext()) for e in root.xpath(path, namespaces={"w": W})]

    assert texts(marked, "//w:tr[w:trPr/w:del]") == ["34"]
    assert texts(marked, "//w:tr[w:trPr/w:ins]") == ["56"]
    assert texts(marked, "//w:p[w:pPr/w:rPr/w:del]") == ["Gone whole.", "3", "4"]
    assert texts(marked, "//w:p[w:pPr/w:rPr/w:ins]") == ["5", "6", "Added."]
    accepted = accept_all(marked)
    assert texts(accepted, "//w:p") == ["Kept.", "a", "b", "1", "2", "5", "6", "Added."]


def test_a_section_written_as_plain_text_is_compared_by_its_words(tmp_path: Path) -> None:
    """A section given as a plain string has no title of its own (``str.title`` is not one)."""
    old = tmp_path / "minimal"
    shutil.copytree(REPO / "cases" / "minimal", old)
    yaml_file = old / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace(" was performed", " had been performed", 1), "utf-8")
    found = compare_cases(old, REPO / "cases" / "minimal")
    assert {c.place for c in found} == {"sections.patient_information"}
    assert all(c.old == "had been" and c.new == "was" for c in found)
