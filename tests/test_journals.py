"""Journal profiles: every example builds in every profile; a profile's plan, styles, dates
and layout reach the outputs; its requirements are checked; the submission package is whole."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from casepub.build import BuildOptions, build_case
from casepub.load.loader import load_case
from casepub.model import text_in
from casepub.package import build_package
from casepub.profiles import load_profile, profile_ids
from tests.conftest import CASES, REPO, run_casepub
from tests.helpers import docx_text, html_tree, pdf_text, squash
from tests.test_jats import schema_dir, validate  # noqa: F401 (schema_dir is a fixture)

EXAMPLES = sorted(p.name for p in CASES.iterdir() if (p / "case.yaml").is_file())
PROFILES = ["preprint", "ru-oncology", "jmcr"]
EXAMPLE_PROFILE = REPO / "docs" / "examples" / "my-journal"


def test_three_profiles_are_listed() -> None:
    assert set(PROFILES) <= set(profile_ids())
    listed = run_casepub("journals")
    assert listed.code == 0
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == sorted(profile_ids())


def test_extends_merges_and_finds_templates_up_the_chain() -> None:
    profile = load_profile("jmcr")
    assert profile.extends == "preprint" and profile.cover_letter  # inherited
    assert profile.references.style == "vancouver" and profile.dates.policy == "relative"
    assert profile.template("pandoc/template.typ").is_file()
    assert [f.name for f in profile.folders] == ["jmcr", "preprint"]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict[str, Path]]:
    out = tmp_path_factory.mktemp("journals")
    result = {}
    for name in EXAMPLES:
        for journal in PROFILES:
            files = build_case(
                CASES / name,
                BuildOptions(("pdf", "docx", "html", "latex", "jats"), out=out, journal=journal),
            )
            result[name, journal] = {p.suffix: p for p in files if "/media/" not in str(p)}
    return result


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("journal", PROFILES)
def test_every_example_builds_in_every_profile(
    name: str, journal: str, builds: dict[tuple[str, str], dict[str, Path]]
) -> None:
    files = builds[name, journal]
    assert {".pdf", ".docx", ".html", ".tex", ".xml", ".md"} <= set(files)
    title = text_in(load_case(CASES / name).case.title, "en") or ""
    assert squash(title)[:40] in squash(pdf_text(files[".pdf"]))


def test_profile_section_plan_reaches_the_manuscript(
    builds: dict[tuple[str, str], dict[str, Path]],
) -> None:
    tree = html_tree(builds["ileal-net", "jmcr"][".html"])
    headings = [h.text_content() for h in tree.xpath("//h1")][:4]
    assert headings == ["Background", "Case presentation", "Discussion", "Conclusions"]
    ru = html_tree(builds["ileal-net", "ru-oncology"][".html"])
    assert [h.text_content() for h in ru.xpath("//h1")][:2] == [
        "Введение",
        "Клиническое наблюдение",
    ]


def test_relative_dates_in_jmcr(builds: dict[tuple[str, str], dict[str, Path]]) -> None:
    markdown = builds["pnet-tace", "jmcr"][".md"].read_text(encoding="utf-8")
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert "| Day 0 |" in markdown and any(r.startswith("| Month ") for r in rows)
    assert not any(re.search(r"\b(19|20)\d\d\b", r.split("|")[1]) for r in rows), (
        "generated tables give relative dates (the author's own prose keeps hers)"
    )


def test_two_columns_and_line_numbers(builds: dict[tuple[str, str], dict[str, Path]]) -> None:
    typ = builds["ileal-net", "ru-oncology"][".typ"].read_text(encoding="utf-8")
    assert "#show: cp-two-columns" in typ
    with zipfile.ZipFile(builds["ileal-net", "jmcr"][".docx"]) as docx:
        assert "w:lnNumType" in docx.read("word/document.xml").decode()
    with zipfile.ZipFile(builds["ileal-net", "preprint"][".docx"]) as docx:
        assert "w:lnNumType" not in docx.read("word/document.xml").decode()


def test_latex_source_is_complete(builds: dict[tuple[str, str], dict[str, Path]]) -> None:
    tex = builds["ileal-net", "ru-oncology"][".tex"].read_text(encoding="utf-8")
    assert "\\begin{document}" in tex and "\\end{document}" in tex
    assert "Комбинированное" in tex and "media/fig01-timeline.png" in tex


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="xelatex is not installed")
def test_latex_compiles_with_xelatex(builds: dict[tuple[str, str], dict[str, Path]]) -> None:
    tex = builds["ileal-net", "ru-oncology"][".tex"]
    subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent,
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert "Комбинированное" in pdf_text(tex.with_suffix(".pdf"))


def test_a_few_lines_make_a_new_journal(tmp_path: Path) -> None:
    lines = (EXAMPLE_PROFILE / "profile.yaml").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 20
    written = build_case(
        CASES / "ileal-net", BuildOptions(("html",), out=tmp_path, journal=str(EXAMPLE_PROFILE))
    )
    tree = html_tree(next(p for p in written if p.suffix == ".html"))
    assert [h.text_content() for h in tree.xpath("//h1")][:4] == [
        "Актуальность",
        "Описание случая",
        "Обсуждение",
        "Выводы",
    ]
    first = tree.xpath('//div[@id="bibliography"]//div[contains(@class, "csl-right-inline")]')[0]
    assert "2015;121(4):589–597" in first.text_content()  # AMA, not GOST


def test_journal_checks_are_located() -> None:
    result = run_casepub(
        "check", CASES / "pnet-tace", "--journal", "ru-oncology", "--format", "json"
    )
    found = json.loads(result.stdout)
    assert result.code == 1
    codes = {(d["code"], d["path"]) for d in found}
    assert ("journal-required", "authors[0]") in codes  # no ORCID for the placeholder
    assert ("journal-limit", "keywords") in codes
    assert all(d["line"] for d in found)
    assert run_casepub("check", CASES / "ileal-net", "--journal", "ru-oncology").code == 0


def test_unknown_journal_is_a_clear_error() -> None:
    result = run_casepub("build", CASES / "minimal", "--journal", "jmrc")
    assert result.code == 1 and "did you mean `jmcr`?" in result.stderr


@pytest.mark.parametrize("name", ["ileal-net", "pnet-tace"])
def test_submission_package_is_complete_and_blinded(name: str, tmp_path: Path) -> None:
    zip_path = build_package(CASES / name, BuildOptions(out=tmp_path, journal="ru-oncology"))
    archive = zipfile.ZipFile(zip_path)
    names = set(archive.namelist())
    expected = {
        "manuscript.docx",
        "manuscript.pdf",
        "blinded-manuscript.docx",
        "blinded-manuscript.pdf",
        "title-page.docx",
        "title-page.pdf",
        "care-checklist.md",
        "cover-letter.ru.txt",
        "cover-letter.en.txt",
        "references.bib",
        "MANIFEST.txt",
    }
    assert expected <= names
    loaded = load_case(CASES / name)
    figures = [n for n in names if n.startswith("figures/")]
    assert any(n.endswith("dpi.tiff") for n in figures) and any(n.endswith(".svg") for n in figures)
    assert any(n.startswith("tables/") for n in names)
    manifest = archive.read("MANIFEST.txt").decode()
    for line in manifest.splitlines()[2:]:
        digest, file = line.split("  ", 1)
        assert hashlib.sha256(archive.read(file)).hexdigest() == digest
    assert len(manifest.splitlines()[2:]) == len(names) - 1
    blind_pdf = tmp_path / "blind.pdf"
    blind_pdf.write_bytes(archive.read("blinded-manuscript.pdf"))
    blind_docx = tmp_path / "blind.docx"
    blind_docx.write_bytes(archive.read("blinded-manuscript.docx"))
    text = squash(pdf_text(blind_pdf)) + squash(docx_text(blind_docx))
    for author in loaded.case.authors:
        for lang in ("ru", "en"):
            family = text_in(author.family, lang)
            if family:
                assert squash(family) not in text, f"{family} in the blinded manuscript"
        if author.email:
            assert squash(author.email) not in text
    title_page = tmp_path / "title.pdf"
    title_page.write_bytes(archive.read("title-page.pdf"))
    first = loaded.case.authors[0]
    assert squash(text_in(first.family, "ru") or "") in squash(pdf_text(title_page))


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("journal", PROFILES)
def test_jats_of_every_profile_is_valid(
    name: str,
    journal: str,
    schema_dir: Path,  # noqa: F811 (the fixture of test_jats, imported above)
    builds: dict[tuple[str, str], dict[str, Path]],
) -> None:
    root = validate(builds[name, journal][".xml"].read_bytes(), schema_dir)
    assert root.get("article-type") == "case-report"
