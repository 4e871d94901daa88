"""``casepub diff`` on two versions of ileal-net under git: the DOCX revisions element by
element, accept-all against the new version's own DOCX, LibreOffice, the PDF text layer and
its proof, the HTML marks, and unreadable revisions."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from casepub.revise.docx_revisions import accept_all
from tests.conftest import REPO, run_casepub
from tests.helpers import pdf_text
from tests.revision_fixture import SECOND_DATE, Versions, make_versions

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
AUTHOR = "Николай Александрович Перегудов"
"""The case's first author, in the body language: the revisions' author."""


@dataclass(frozen=True)
class Outputs:
    versions: Versions
    pdf: Path
    docx: Path
    html: Path
    plain_docx: Path
    stderr: str


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    root = tmp_path_factory.mktemp("diff")
    versions = make_versions(root)
    out = root / "out"
    ran = run_casepub(
        "diff", versions.case, "--from", versions.first, "--to", versions.second,
        "--format", "pdf,docx,html", "--out", out,
    )  # fmt: skip
    assert ran.code == 0, ran.stderr
    written = [Path(line) for line in ran.stdout.splitlines()]
    assert all(p.is_file() for p in written)
    by_suffix = {p.suffix: p for p in written}
    built = run_casepub(
        "build", versions.case, "--format", "docx", "--no-proof", "--out", root / "plain"
    )
    assert built.code == 0, built.stderr
    plain = next(Path(line) for line in built.stdout.splitlines() if line.endswith(".docx"))
    return Outputs(
        versions, by_suffix[".pdf"], by_suffix[".docx"], by_suffix[".html"], plain, ran.stderr
    )


def _document(docx: bytes) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))


def _text(element: etree._Element) -> str:
    return "".join(element.xpath(".//w:t/text() | .//w:delText/text()", namespaces=NS))


def _paragraphs(docx: bytes) -> list[str]:
    return [_text(p) for p in _document(docx).iter(f"{{{W}}}p")]


def test_the_files_are_named_and_listed(outputs: Outputs) -> None:
    names = {p.name for p in (outputs.pdf, outputs.docx, outputs.html)}
    assert names == {f"ileal-net.diff.bilingual.{s}" for s in ("pdf", "docx", "html")}
    assert "9 change(s) of the case" in outputs.stderr
    assert "change: markers[0].values[1].value (changed): 407.9 → 412.3" in outputs.stderr


def test_docx_revisions_element_by_element(outputs: Outputs) -> None:
    root = _document(outputs.docx.read_bytes())
    inserted = root.xpath("//w:ins[w:r]", namespaces=NS)
    deleted = root.xpath("//w:del[w:r]", namespaces=NS)
    marks = root.xpath("//w:ins | //w:del", namespaces=NS)
    assert inserted and deleted
    for mark in marks:
        assert mark.get(f"{{{W}}}author") == AUTHOR
        assert mark.get(f"{{{W}}}date") == SECOND_DATE  # the --to commit's date
    ids = [m.get(f"{{{W}}}id") for m in marks]
    assert len(set(ids)) == len(ids)
    assert not root.xpath("//w:del//w:t", namespaces=NS)  # deleted text is w:delText only
    insertions = [_text(m) for m in inserted]
    deletions = [_text(m) for m in deleted]
    assert "разнородные" in deletions and "различные" in insertions  # the word edit
    assert any(d.startswith("Первоначально под циторедукцией") for d in deletions)  # sentence
    assert any("радиоэмболизация [10]" in i for i in insertions)  # the added citation
    assert "[10]" in deletions and "[11]" in insertions  # a reference renumbered in the text
    cell = root.xpath("//w:tc[.//w:delText[starts-with(., '407,9')]]", namespaces=NS)
    assert len(cell) == 1 and _text(cell[0]).endswith("412,3\u00a0↑")  # the table cell
    entry = [p for p in root.iter(f"{{{W}}}p") if "Radioembolization for unres" in _text(p)]
    assert entry and entry[0].xpath("w:pPr/w:rPr/w:ins", namespaces=NS)  # a new paragraph
    comments = zipfile.ZipFile(outputs.docx).read("word/comments.xml").decode("utf-8")
    assert "рисунок перерисован" in comments and "figure redrawn" in comments


def test_accepting_every_revision_gives_the_new_version(outputs: Outputs) -> None:
    accepted = accept_all(outputs.docx.read_bytes())
    assert not _document(accepted).xpath("//w:ins | //w:del", namespaces=NS)
    assert _paragraphs(accepted) == _paragraphs(outputs.plain_docx.read_bytes())


def test_libreoffice_opens_the_marked_and_the_accepted_docx(
    outputs: Outputs, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("LibreOffice (soffice) is not installed: the DOCX is not converted")
        pytest.skip("soffice is not installed")
    accepted = tmp_path / "accepted.docx"
    accepted.write_bytes(accept_all(outputs.docx.read_bytes()))
    result = subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(outputs.docx), str(accepted)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    marked_text = pdf_text(tmp_path / outputs.docx.with_suffix(".pdf").name)
    assert "разнородные" in marked_text and "различные" in marked_text
    accepted_text = pdf_text(tmp_path / "accepted.pdf")
    assert "различные" in accepted_text and "разнородные" not in accepted_text
    assert "412,3" in accepted_text and "407,9" not in accepted_text


def test_pdf_text_layer_shows_the_old_and_the_new_words(outputs: Outputs) -> None:
    text = pdf_text(outputs.pdf)
    assert "Изменения с версии" in text and "Changes since" in text  # the legend
    for word in ("разнородные", "различные", "407,9", "412,3", "Первоначально", "Kennedy"):
        assert word in text, word
    assert "перерисован" in text  # the redrawn marker chart


def test_the_marked_pdf_passes_the_proof(outputs: Outputs) -> None:
    proof = run_casepub("proof", outputs.pdf)
    assert proof.code == 0, proof.stdout + proof.stderr


def test_html_marks_and_margin_bars(outputs: Outputs) -> None:
    html = outputs.html.read_text(encoding="utf-8")
    assert '<span class="deletion" data-author="' in html
    assert '<span class="insertion" data-author="' in html
    assert "border-left: 3px solid" in html and "p:has(.insertion, .deletion)" in html
    assert 'class="revision-legend"' in html


def test_bad_revisions_are_told_without_a_traceback(outputs: Outputs, tmp_path: Path) -> None:
    unknown = run_casepub("diff", outputs.versions.case, "--from", "submitted-v1")
    assert unknown.code == 1 and "Traceback" not in unknown.stderr
    assert "unknown revision `submitted-v1`" in unknown.stderr
    assert unknown.stderr.rstrip().endswith("[revision]")
    plain = tmp_path / "minimal"
    shutil.copytree(REPO / "cases" / "minimal", plain)
    not_git = run_casepub("diff", plain, "--from", "HEAD", "--out", tmp_path / "out")
    assert not_git.code == 1 and "not in a git repository" in not_git.stderr
    assert not (tmp_path / "out").exists()
    other = run_casepub("diff", plain, "--from", "HEAD", "--format", "jats")
    assert other.code == 2 and "writes pdf, docx and html" in other.stderr


def test_the_working_folder_against_head_with_an_own_author(
    outputs: Outputs, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(outputs.versions.repo, repo)
    case = repo / "cases" / "ileal-net"
    section = case / "sections" / "introduction.ru.md"
    text = section.read_text(encoding="utf-8")
    section.write_text(text.replace("различные", "самые разные"), encoding="utf-8")
    ran = run_casepub(
        "diff", case, "--from", "HEAD", "--format", "html", "--author", "A. Reviewer",
        "--no-proof", "--out", tmp_path / "out",
    )  # fmt: skip
    assert ran.code == 0, ran.stderr
    html = " ".join(Path(ran.stdout.splitlines()[-1]).read_text(encoding="utf-8").split())
    assert '<span class="insertion" data-author="A. Reviewer"' in html
    assert ">самые разные<" in html and ">различные<" in html
    assert "1 change(s) of the case" in ran.stderr
