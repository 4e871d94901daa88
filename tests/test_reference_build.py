"""Every source type in a built case: the bilingual example case citing each entry of
tests/data/references/types.bib, built to PDF, DOCX, HTML and JATS. Both lists print each
entry as tests/golden/references/types.yaml says; JATS is valid against the JATS 1.3 DTD and
types each citation (``publication-type``)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from docx import Document
from lxml import etree, html
from pypdf import PdfReader

from casepub.references.bibtex import read_bibliography
from casepub.references.csljson import to_csl
from tests.conftest import CASES, DATA, run_casepub
from tests.test_jats import schema_dir, validate

__all__ = ["schema_dir"]  # the DTD, downloaded once by test_jats's fixture

TYPES = DATA / "references" / "types.bib"
EXPECTED: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).parent / "golden" / "references" / "types.yaml").read_text(encoding="utf-8")
)
PUBLICATION_TYPES = {
    "hanahan2011hallmarks": "journal",
    "rindi2006tnm": "journal",
    "ahlman2000interventional": "journal",
    "antsiferov2018carcinoid": "journal",
    "popov2018new": "journal",
    "form2021supplement": "journal",
    "altman1991practical": "book",
    "murray2002medical": "book",
    "bakhtin1965tvorchestvo": "book",
    "amin2017ajcc": "book",
    "kaprin2016malignant": "book",
    "meltzer2002chromosome": "book",
    "dvinyaninova2001kompliment": "book",
    "christensen2002analysis": "confproc",
    "form2019abstracts": "confproc",
    "borkowski2002infant": "thesis",
    "belozerov2002religioznaya": "thesis",
    "glukhov2000issledovanie": "thesis",
    "nccn2011neuroendocrine": "report",
    "form2020guidelines": "report",
    "page2001health": "report",
    "carestatement": "webpage",
    "nlr2007periodicals": "webpage",
    "bendavid2020covid": "preprint",
    "form2022preprint": "preprint",
    "pagedas2002flexible": "patent",
    "chugaeva2002priemoperedayushchee": "patent",
    "iso690": "standard",
    "gost7052008": "standard",
}
FORMATS = ("pdf", "docx", "html", "jats")
CASE = CASES / "pnet-tace"
CASE_KEYS = set(re.findall(r"(?m)^@\w+\{([^,]+),", (CASE / "references.bib").read_text("utf-8")))
"""Keys the example case has already (its own entry is kept)."""


def _types_without(keys: set[str]) -> str:
    """types.bib without the entries whose keys the case already has."""
    blocks = re.split(r"(?m)^(?=@)", TYPES.read_text(encoding="utf-8"))
    keys_of = [re.match(r"@\w+\{([^,]+),", block) for block in blocks]
    return "".join(b for b, k in zip(blocks, keys_of, strict=True) if not k or k[1] not in keys)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example case pnet-tace citing every entry of types.bib, in every format."""
    root = tmp_path_factory.mktemp("types")
    case = root / "case"
    shutil.copytree(CASE, case)
    bib = case / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n" + _types_without(CASE_KEYS))
    citations = "; ".join(f"@{key}" for key in EXPECTED)
    for lang in ("ru", "en"):
        section = case / "sections" / f"introduction.{lang}.md"
        section.write_text(section.read_text(encoding="utf-8") + f"\n\nSources [{citations}].\n")
    out = root / "out"
    result = run_casepub("build", case, "--format", ",".join(FORMATS), "--out", out)
    assert result.code == 0, result.stderr
    files = [Path(line) for line in result.stdout.split()]
    return {fmt: next(f for f in files if f.suffix == _SUFFIX[fmt]) for fmt in FORMATS}


_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "jats": ".xml"}


def _expected_lines() -> list[str]:
    """The expected lines of the entries that come from types.bib."""
    return [
        lines[style]
        for key, lines in EXPECTED.items()
        if key not in CASE_KEYS
        for style in ("gost", "vancouver")
    ]


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def test_html_lists_print_every_line(built: dict[str, Path]) -> None:
    page = html.parse(str(built["html"])).getroot()
    entries = [_plain(e.text_content()) for e in page.find_class("csl-entry")]
    entries = [re.sub(r"^\d+\.\s?", "", entry) for entry in entries]
    for line in _expected_lines():
        assert line in entries, line


def test_docx_lists_print_every_line(built: dict[str, Path]) -> None:
    paragraphs = [_plain(p.text) for p in Document(str(built["docx"])).paragraphs]
    paragraphs = [re.sub(r"^\d+\. ?", "", p) for p in paragraphs]
    for line in _expected_lines():
        assert line in paragraphs, line


def test_pdf_lists_print_each_type(built: dict[str, Path]) -> None:
    text = _plain(" ".join(page.extract_text() for page in PdfReader(built["pdf"]).pages))
    text = re.sub(r"-\s", "-", text)
    for fragment in (
        "Vol. 62, Suppl. 1. P. 59–68.",
        "С. 45–47. EDN: ABCDEF",
        "дис. … канд. ист. наук. М., 2002. 215 с.",
        "ID: 000.",
        "Пат. 2187888 Российская Федерация.",
        "ISO 690:2010.",
        "medRxiv [Preprint]. 2020.",
        "[dissertation abstract]",
        "Russian Federation patent 2187888",
    ):
        assert fragment in text, fragment


def test_jats_is_valid_and_types_each_citation(built: dict[str, Path], schema_dir: Path) -> None:
    root = validate(built["jats"].read_bytes(), schema_dir)
    for key, publication_type in PUBLICATION_TYPES.items():
        ref = root.find(f".//ref[@id='ref-{key}']")
        assert ref is not None, key
        citations = ref.findall(".//element-citation")
        assert citations and {c.get("publication-type") for c in citations} == {publication_type}, (
            key
        )
    assert set(PUBLICATION_TYPES) == set(EXPECTED)


def test_jats_citation_details(built: dict[str, Path], schema_dir: Path) -> None:
    root = validate(built["jats"].read_bytes(), schema_dir)

    def citation(key: str, lang: str | None = None) -> etree._Element:
        where = f"[@{{http://www.w3.org/XML/1998/namespace}}lang='{lang}']" if lang else ""
        found = root.find(f".//ref[@id='ref-{key}']//element-citation{where}")
        assert found is not None, key
        return found

    assert citation("ahlman2000interventional").findtext("supplement") == "Suppl 1"
    patent = citation("pagedas2002flexible")
    assert patent.find("patent").get("country") == "United States"
    assert patent.findtext("patent") == "US 20020103498"
    assert patent.find("person-group[@person-group-type='assignee']/collab") is not None
    assert patent.find("person-group[@person-group-type='inventor']/name") is not None
    assert citation("iso690").findtext("pub-id[@pub-id-type='std-designation']") == ("ISO 690:2010")
    assert citation("bendavid2020covid").findtext("source") == "medRxiv"
    assert citation("christensen2002analysis").findtext("conf-loc") == "Kinsdale, Ireland"
    assert citation("form2021supplement", "ru").findtext("pub-id[@custom-type='edn']") == "ABCDEF"
    guideline = citation("form2020guidelines", "en")
    assert guideline.findtext("source") == "Neuroendocrine tumours"


def test_a_case_with_a_csl_json_bibliography(tmp_path: Path) -> None:
    """Zotero's CSL-JSON export as the case's bibliography: checked and built like BibTeX."""
    case = tmp_path / "case"
    shutil.copytree(CASES / "minimal", case)
    bibliography, _ = read_bibliography(case / "references.bib", "references.bib")
    zotero = json.loads((DATA / "references" / "zotero.json").read_text(encoding="utf-8"))
    items = to_csl(bibliography.entries) + zotero[:2]
    (case / "references.bib").unlink()
    (case / "references.json").write_text(json.dumps(items, ensure_ascii=False, indent=1))
    data = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    data["bibliography"] = "references.json"
    data["sections"]["introduction"] += " Sources [@rindi2006tnm; @ahlman2000interventional]."
    (case / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_casepub("build", case, "--format", "html", "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    page = html.parse(result.stdout.split()[-1]).getroot()
    entries = [_plain(e.text_content()) for e in page.find_class("csl-entry")]
    assert any(e.endswith("Digestion. 2000;62 Suppl 1:59-68.") for e in entries), entries
    assert any("Virchows Arch. 2006 Oct;449(4):395-401." in e for e in entries), entries
