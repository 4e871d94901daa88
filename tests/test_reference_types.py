"""Every source type in GOST R 7.0.5 and in Vancouver, English and Russian, line by line
against lines written by hand (tests/golden/references/types.yaml); each source in its own
language in GOST; supplements, parts and special issues; preprints, patents, standards."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from casepub.references.bibtex import BibEntry, read_bibliography
from casepub.references.csljson import to_csl
from casepub.references.kinds import issue_designation
from casepub.references.lists import format_bibliography, format_list
from casepub.references.localise import description_language, mark_authors
from casepub.references.styles import style_path
from tests.conftest import DATA, run_casepub

TYPES = DATA / "references" / "types.bib"
EXPECTED: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).parent / "golden" / "references" / "types.yaml").read_text(encoding="utf-8")
)


def entries(text: str) -> list[str]:
    """The entries of a plain-text list, without their numbers. Pandoc reads the list as
    Markdown and joins an abbreviation to the next word with a no-break space ("No.\u00a05",
    "et al.\u00a0TNM"); the expected lines are written with plain spaces."""
    text = text.replace("\u00a0", " ").strip()
    return [re.sub(r"^\d+\. ", "", e.strip()) for e in re.split(r"\n\n(?=\d+\. )", text)]


def plain(markdown: str) -> str:
    """A list block as Markdown with its escapes read: ``--`` → –, ``\\[`` → [."""
    return markdown.replace("--", "–").replace("\\[", "[").replace("\\]", "]")


@pytest.fixture(scope="module")
def formatted() -> dict[str, dict[str, str]]:
    bibliography, problems = read_bibliography(TYPES, "types.bib")
    assert not problems
    keys = sorted(bibliography.entries, key=lambda key: bibliography.entries[key].line)
    lists = {
        "gost": format_bibliography(bibliography, lang="ru", style="gost"),
        "gost-journal": format_bibliography(
            bibliography, lang="ru", style="gost", author_form="journal"
        ),
        "vancouver": format_bibliography(bibliography, lang="en", style="vancouver"),
    }
    by_key: dict[str, dict[str, str]] = {key: {} for key in keys}
    for style, text in lists.items():
        lines = entries(text)
        assert len(lines) == len(keys), style
        for key, line in zip(keys, lines, strict=True):
            by_key[key][style] = line
    return by_key


def test_every_entry_has_expected_lines(formatted: dict[str, dict[str, str]]) -> None:
    assert set(formatted) == set(EXPECTED)


@pytest.mark.parametrize("style", ["gost", "gost-journal", "vancouver"])
@pytest.mark.parametrize("key", list(EXPECTED))
def test_line_as_written_by_hand(
    formatted: dict[str, dict[str, str]], key: str, style: str
) -> None:
    expected = EXPECTED[key].get(style) or EXPECTED[key]["gost"]
    assert formatted[key][style] == expected, f"{key} ({EXPECTED[key]['kind']}), {style}"


# ---- each source in its own language ----------------------------------------------------------


def test_gost_list_gives_each_source_its_own_terms_and_every_doi() -> None:
    """English sources: "Vol."/"No."/"P."/"et al."; Russian: "Т."/"№"/"С."/"и др."; each DOI."""
    result = run_casepub("refs", "format", DATA / "references" / "varied.bib", "--style", "gost")
    assert result.code == 0, result.stderr
    bibliography, _ = read_bibliography(DATA / "references" / "varied.bib", "varied.bib")
    lines = entries(result.stdout)
    for entry, line in zip(bibliography.entries.values(), lines, strict=True):
        russian = re.search("[А-Яа-я]", line) is not None
        english_terms = ("Vol. ", "No. ", "P. ", "et al.")
        russian_terms = ("Т. ", "№ ", "С. ", "и др.")
        unwanted = english_terms if russian else russian_terms
        assert not any(term in line for term in unwanted), line
        if "doi" in entry.fields:
            assert "DOI: 10." in line, line
    assert any("Vol. " in line and "No. " in line and "P. " in line for line in lines)
    assert any("[et al.]" in line for line in lines)
    assert any("Т. " in line and "№ " in line for line in lines)


def test_journal_form_on_the_command_line() -> None:
    result = run_casepub("refs", "format", TYPES, "--style", "gost", "--authors", "journal")
    assert result.code == 0, result.stderr
    result.stdout = result.stdout.replace("\u00a0", " ")
    assert "Rindi G., Klöppel G., Alhman H. et al. TNM staging" in result.stdout
    assert "Попов С.А., Павловский А.В., Поликарпов А.А. и др. Новые" in result.stdout


def article(key: str, language: str | None, names: list[str], words: str) -> dict[str, Any]:
    """A CSL journal article: ``words`` = "title|journal|year|volume|issue|pages"."""
    title, journal, year, volume, issue, page = words.split("|")
    found = {"id": key, "type": "article-journal", "title": title, "container-title": journal}
    found |= {"volume": volume, "issue": issue, "page": page}
    found |= {"author": [{"family": name, "given": "A."} for name in names]}
    found["issued"] = {"date-parts": [[int(year)]]}
    return found | ({"language": language} if language else {})


GERMAN = article("de1", "de", [f"Autor{n}" for n in range(5)], "Ein Titel|Zeitschrift|2020|3|2|1–9")
ENGLISH = article("en1", None, ["Smith"], "A title|Journal|2021|4|1|5–6")
RUSSIAN = article("ru1", None, ["Иванов"], "Заглавие|Журнал|2022|5|3|7–8")


def test_each_entry_in_its_own_language_with_the_same_numbers_and_ids() -> None:
    items = mark_authors([RUSSIAN, GERMAN, ENGLISH], "standard")
    block = plain(format_list(items, ["ru1", "de1", "en1"], style_path("gost"), "ru"))
    keys = re.findall(r"\{#ref-(\w+) \.csl-entry\}", block)
    numbers = re.findall(r"\[(\d+)\. \]\{\.csl-left-margin\}", block)
    assert (keys, numbers) == (["ru1", "de1", "en1"], ["1", "2", "3"])
    assert "Иванов A. Заглавие // Журнал. 2022. Т. 5, № 3. С. 7–8." in block
    assert "Zeitschrift. 2020. Bd. 3, H. 2. S. 1–9." in block
    assert "[u. a.]" in block
    assert "Journal. 2021. Vol. 4, No. 1. P. 5–6." in block


@pytest.mark.parametrize(
    ("item_fields", "language"),
    [
        ({"language": "en-US"}, "en"),
        ({"language": "ru"}, "ru"),
        ({"title": "Заглавие"}, "ru"),
        ({"title": "Title"}, "en"),
        ({"language": "de", "title": "Заглавие"}, "de"),
        ({"language": "not a code", "title": "Title"}, "en"),
    ],
)
def test_description_language(item_fields: dict[str, str], language: str) -> None:
    assert description_language({"id": "x", **item_fields}) == language


@pytest.mark.parametrize(
    ("authors", "form", "title_first"),
    [
        (3, "standard", False),
        (4, "standard", True),
        (4, "journal", False),
        (0, "standard", False),
    ],
)
def test_title_first_from_four_authors(authors: int, form: str, title_first: bool) -> None:
    names = [{"family": f"F{n}", "given": "G"} for n in range(authors)]
    (marked,) = mark_authors([{"id": "x", "author": names}], form)  # type: ignore[arg-type]
    assert ("casepub-title-first" in marked) is title_first


def test_organisations_and_truncated_lists_follow_the_title() -> None:
    organisation = {"id": "o", "author": [{"literal": "World Health Organization"}]}
    truncated = {"id": "t", "author": [{"family": "Rindi", "given": "G."}, {"literal": "others"}]}
    marked = mark_authors([organisation, truncated], "standard")
    assert all("casepub-title-first" in m for m in marked)
    journal = mark_authors([organisation, truncated], "journal")
    assert ["casepub-title-first" in m for m in journal] == [True, False]


# ---- supplements, parts, special issues ------------------------------------------------------


def parts(
    volume: str = "", issue: str = "", supplement: str | None = None, **more: str
) -> dict[str, str]:
    """The CSL variables of a designation: ``supplement`` is its number ("" for none)."""
    found = {"volume": volume, "issue": issue}
    if supplement is not None:
        found |= {"casepub-supplement": "Suppl", "supplement-number": supplement}
    found |= {key.replace("_", "-"): value for key, value in more.items()}
    return {key: value for key, value in found.items() if value}


@pytest.mark.parametrize(
    ("volume", "issue", "expected"),
    [
        ("62", "Suppl 1", parts("62", supplement="1")),
        ("62", "Suppl. 1", parts("62", supplement="1")),
        ("62 Suppl 1", "", parts("62", supplement="1")),
        ("38", "15_suppl", parts("38", "15", supplement="")),
        ("58", "12 Suppl 7", parts("58", "12", supplement="7")),
        ("20", "15(Suppl 2)", parts("20", "15", supplement="2")),
        ("7", "S1", parts("7", supplement="1")),
        ("83", "Pt 2", parts("83", part_number="2")),
        ("13", "9 Pt 1", parts("13", "9", part_number="1")),
        ("11", "Spec No", parts("11", casepub_special_issue="Spec No")),
        ("12", "3 прил. 2", parts("12", "3", supplement="2")),
        ("12", "Приложение", parts("12", supplement="")),
        ("4", "ч. 2", parts("4", part_number="2")),
        ("4", "спецвыпуск", parts("4", casepub_special_issue="Spec No")),
        ("45", "2", parts("45", "2")),
        ("", "11", parts(issue="11")),
        ("3", "2-3", parts("3", "2-3")),
        ("3", "Partial", parts("3", "Partial")),
    ],
)
def test_issue_designations(volume: str, issue: str, expected: dict[str, str]) -> None:
    assert issue_designation(volume, issue) == expected


SPECIAL_ISSUES = [
    ("Suppl 1", "Vol. 62, Suppl. 1. P. 59–68", "Т. 62, прил. 1. С. 59–68", "62 Suppl 1:59-68"),
    ("15_suppl", "Vol. 62, No. 15, Suppl. P.", "Т. 62, № 15, прил. С.", "62(15 Suppl):59-68"),
    ("Pt 2", "Vol. 62, Pt 2. P. 59–68", "Т. 62, ч. 2. С. 59–68", "62(Pt 2):59-68"),
    ("Spec No", "Vol. 62, Spec. Iss. P.", "Т. 62, спец. вып. С.", "62(Spec No):59-68"),
]


@pytest.mark.parametrize(("issue", "gost_en", "gost_ru", "vancouver"), SPECIAL_ISSUES)
def test_special_issues_in_each_style(
    issue: str, gost_en: str, gost_ru: str, vancouver: str
) -> None:
    def article(key: str, title: str, langid: str) -> BibEntry:
        fields = {"author": "Doe, Jane", "title": title, "journal": "J", "year": "2000"}
        fields |= {"volume": "62", "number": issue, "pages": "59--68", "langid": langid}
        return BibEntry(key, "article", fields, 1)

    english, russian = article("en", "Title", "english"), article("ru", "Заглавие", "russian")
    items = to_csl({"en": english, "ru": russian})
    gost = plain(format_list(items, ["en", "ru"], style_path("gost"), "ru"))
    assert gost_en in gost and gost_ru in gost
    nlm = plain(format_list(items[:1], ["en"], style_path("vancouver"), "en"))
    assert vancouver in nlm


# ---- entry types as exporters write them --------------------------------------------------------


def csl_of(entry_type: str, **fields: str) -> dict[str, Any]:
    return to_csl({"k": BibEntry("k", entry_type, {"title": "T", **fields}, 1)})[0]


@pytest.mark.parametrize(
    ("entry_type", "fields", "server"),
    [
        ("article", {"journal": "medRxiv"}, "medRxiv"),  # Mendeley
        ("online", {"eprinttype": "arxiv", "eprint": "2001.00001"}, "arXiv"),  # Better BibTeX
        ("misc", {"archiveprefix": "arXiv", "eprint": "2001.00001"}, "arXiv"),  # arXiv's own
        ("unpublished", {"publisher": "Research Square"}, "Research Square"),
        ("misc", {"pubstate": "preprint", "howpublished": "Preprints.org"}, "Preprints.org"),
    ],
)
def test_preprints(entry_type: str, fields: dict[str, str], server: str) -> None:
    found = csl_of(entry_type, **fields)
    assert (found["type"], found["publisher"]) == ("article", server)
    assert "container-title" not in found
    if fields.get("eprint"):
        assert found["number"] == "arXiv:2001.00001"


def test_an_article_with_an_arxiv_id_stays_an_article() -> None:
    found = csl_of("article", journal="Nature", eprinttype="arxiv", eprint="2001.00001")
    assert found["type"] == "article-journal"


def test_patents_standards_guidelines_and_edn() -> None:
    patent = csl_of("patent", number="US 1", holder="{Acme Inc.}", type="patentus", author="A, B")
    assert (patent["type"], patent["publisher-place"], patent["casepub-holder"]) == (
        "patent",
        "United States",
        "Acme Inc.",
    )
    assert "casepub-inventors" not in patent
    assert csl_of("patent", author="A, B and C, D")["casepub-inventors"] == "yes"
    standard = csl_of("standard", number="ISO 690:2010", organization="ISO")
    assert (standard["type"], standard["number"], standard["publisher"]) == (
        "standard",
        "ISO 690:2010",
        "ISO",
    )
    guideline = csl_of("report", type="клинические рекомендации", number="610")
    assert guideline["casepub-guideline"] == "yes"
    assert guideline["casepub-english-genre"] == "clinical guidelines"
    assert "casepub-guideline" not in csl_of("report", type="Technical report")
    assert csl_of("article", edn="ABCDEF")["casepub-edn"] == "ABCDEF"
    thesis = csl_of("phdthesis")
    assert (thesis["genre"], thesis["casepub-english-genre"]) == ("PhD thesis", "dissertation")
    assert csl_of("inproceedings", eventdate="2002-04-03/2002-04-05")["event-date"] == {
        "date-parts": [[2002, 4, 3], [2002, 4, 5]]
    }


def test_english_only_list_in_gost(tmp_path: Path) -> None:
    """The issue's case: a list of English sources only, formatted in GOST."""
    varied = (DATA / "references" / "varied.bib").read_text(encoding="utf-8")
    english = tmp_path / "english.bib"
    english.write_text(varied[: varied.index("% ---- Russian journal article")], encoding="utf-8")
    result = run_casepub("refs", "format", english, "--style", "gost")
    assert result.code == 0, result.stderr
    lines = entries(result.stdout)
    assert len(lines) == 19
    assert not [line for line in lines if re.search("[А-Яа-яЁё№]", line)]
    articles = lines[:17]
    assert all(" P. " in line for line in articles if "Modern Pathology" not in line)
    assert all("DOI: 10." in line for line in articles if "Oncology (Williston Park)" not in line)
    assert sum("[et al.]" in line for line in lines) == 14  # 4+ authors, or editors
