"""Reference lists as authors and editors see them: golden lists in GOST, Vancouver and AMA,
the bilingual pair of the example cases, and the ``casepub refs`` commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from casepub.load.loader import load_case
from casepub.references.bibtex import read_bibliography
from casepub.references.csljson import to_csl
from casepub.references.lists import english_list, format_bibliography
from casepub.references.styles import style_path
from casepub.render import build_manuscript
from tests.conftest import CASES, DATA, assert_golden, run_casepub

VARIED = DATA / "references" / "varied.bib"
GOLDEN = Path(__file__).parent / "golden" / "references"


@pytest.mark.parametrize(
    ("style", "lang"), [("gost", "ru"), ("vancouver", "en"), ("ama", "en"), ("vancouver", "ru")]
)
def test_formatted_list_matches_golden(style: str, lang: str, update_golden: bool) -> None:
    bibliography, problems = read_bibliography(VARIED, "varied.bib")
    assert not problems
    text = format_bibliography(bibliography, lang=lang, style=style, to="text")
    assert len(re.findall(r"^\[?\d+[.\]]", text, re.MULTILINE)) == len(bibliography.entries)
    assert_golden(text, GOLDEN / f"varied.{style}.{lang}.txt", update_golden)


def test_english_list_transliterates_russian_sources() -> None:
    bibliography, _ = read_bibliography(VARIED, "varied.bib")
    text = format_bibliography(bibliography, lang="en", style="vancouver", to="text")
    entries = [e for e in re.split(r"\n(?=\d+\. )", text) if e.strip()]
    russian = [e for e in entries if "(In Russ.)" in e]
    assert russian, "varied.bib has Russian sources"
    for entry in russian:
        assert not re.search(r"[А-Яа-яЁё]", entry), entry
        doi = entry.find("doi:")
        assert doi < 0 or entry.index("(In Russ.)") < doi, "(In Russ.) comes before the DOI"
    assert all("(In Russ.)" not in e for e in entries if e not in russian)


@pytest.mark.parametrize("system", ["bsi", "bgn", "lc"])
def test_transliteration_systems_differ_and_leave_no_cyrillic(system: str) -> None:
    bibliography, _ = read_bibliography(VARIED, "varied.bib")
    text = format_bibliography(bibliography, lang="en", style="vancouver", translit=system)
    assert not re.search(r"[А-Яа-яЁё]", text)


@pytest.mark.parametrize("name", ["ileal-net", "pnet-tace"])
def test_bilingual_manuscript_has_both_lists_with_the_same_numbers(name: str) -> None:
    manuscript = build_manuscript(load_case(CASES / name), "bilingual")
    russian, english = manuscript.references
    assert (russian.heading, english.heading) == ("Список литературы", "References")
    keys_ru = re.findall(r"\{#ref-(?!en-)([\w-]+) \.csl-entry\}", russian.markdown)
    keys_en = re.findall(r"\{#ref-en-([\w-]+) \.csl-entry\}", english.markdown)
    assert keys_ru == keys_en and keys_ru
    numbers = re.findall(r"\[(\d+)\. \]\{\.csl-left-margin\}", english.markdown)
    assert numbers == [str(n) for n in range(1, len(keys_en) + 1)]
    assert "(In Russ.)" in english.markdown and "(In Russ.)" not in russian.markdown
    assert not re.search(r"[А-Яа-яЁё]", english.markdown)


def test_build_keeps_csl_json_for_inspection(tmp_path: Path) -> None:
    result = run_casepub("build", CASES / "ileal-net", "--format", "html", "--out", tmp_path)
    assert result.code == 0, result.stderr
    written = [Path(p) for p in result.stdout.split()]
    original = next(p for p in written if p.name.endswith(".references.json"))
    english = next(p for p in written if p.name.endswith(".references-en.json"))
    items = {i["id"]: i for i in json.loads(original.read_text(encoding="utf-8"))}
    assert items["hallet2015rising"]["DOI"] == "10.1002/cncr.29099"
    russian = [
        i for i in json.loads(english.read_text(encoding="utf-8")) if i.get("casepub-in-russ")
    ]
    assert russian and all(not re.search(r"[А-Яа-я]", i["title"]) for i in russian)


def test_refs_format_command(tmp_path: Path) -> None:
    result = run_casepub("refs", "format", VARIED, "--style", "gost", "--lang", "ru")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("1. ")
    html = run_casepub("refs", "format", VARIED, "--lang", "en", "--to", "html")
    assert '<a href="https://doi.org/' in html.stdout


def test_refs_check_command_on_a_bib_and_on_a_case() -> None:
    clean = run_casepub("refs", "check", VARIED, "--format", "json")
    found = json.loads(clean.stdout)
    assert clean.code == 0 and {d["code"] for d in found} <= {
        "bib-english-title",
        "bib-field-missing",  # what GOST and Vancouver print: rindi2018common has no volume
    }
    assert all(d["severity"] == "warning" for d in found)
    case = run_casepub("refs", "check", CASES / "ileal-net")
    assert case.code == 0 and "0 error(s)" in case.stderr


BROKEN = """@article{ok2020,
  author = {Doe, Jane},
  title = {A title},
  journal = {Journal},
  year = {2020},
  doi = {10.1000/ok}
}

@article{ok2020,
  author = {Roe, Rick},
  title = {Another title},
  journal = {Journal},
  year = {2021}
}

@article{baddoi2019,
  author = {Poe, Pat},
  title = {A third title},
  journal = {Journal},
  year = {2019},
  doi = {doi.org/not-a-doi}
}

@article{open2018,
  author = {Moe, Max},
  title = {Unbalanced {brace,
  journal = {Journal},
  year = {2018}
}
"""


def test_broken_bib_gives_located_messages_and_no_traceback(tmp_path: Path) -> None:
    bib = tmp_path / "broken.bib"
    bib.write_text(BROKEN, encoding="utf-8")
    result = run_casepub("refs", "check", bib, "--format", "json")
    assert result.code == 1 and "Traceback" not in result.stderr
    found = {(d["code"], d["line"]) for d in json.loads(result.stdout)}
    assert ("bib-duplicate-key", 9) in found
    assert ("bib-doi", 16) in found
    assert any(code == "bib-syntax" and line >= 24 for code, line in found)


def test_reference_limit_is_checked() -> None:
    over = run_casepub("refs", "check", CASES / "ileal-net", "--max", "15", "--format", "json")
    assert over.code == 1
    (found,) = json.loads(over.stdout)
    assert found["code"] == "bib-too-many" and "20 references cited" in found["message"]
    assert run_casepub("refs", "check", CASES / "ileal-net", "--max", "20").code == 0


def test_official_english_titles_are_unbracketed() -> None:
    bibliography, _ = read_bibliography(VARIED, "varied.bib")
    bracketed = format_bibliography(bibliography, lang="en", style="vancouver")
    assert "[Carcinoid syndrome in the practice of an endocrinologist]" in bracketed
    items = to_csl(bibliography.entries)
    block = english_list(
        items, ["antsiferov2018carcinoid"], style_path("vancouver"), official_title=True
    )
    assert "Carcinoid syndrome in the practice of an endocrinologist." in block
    assert "Kartsinoidny" not in block and "[Carcinoid" not in block
