"""BibTeX → CSL-JSON: LaTeX, names, dates, types, identifiers, languages, and the English form
of Russian sources (transliteration by BSI, BGN/PCGN and ALA-LC)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from casepub.convert.pandoc import pandoc_executable
from casepub.references.bibfields import (
    has_cyrillic,
    language_code,
    normalise_doi,
    parse_date,
    parse_month,
    parse_names,
    unconcatenate,
)
from casepub.references.bibtex import BibEntry, read_bibliography
from casepub.references.csljson import IN_RUSS_KEY, is_russian, to_csl
from casepub.references.latex import latex_to_text
from casepub.references.styles import style_path
from casepub.references.translit import Translit, to_english, transliterate
from tests.conftest import CASES, DATA

VARIED = DATA / "references" / "varied.bib"
SYSTEMS: tuple[Translit, ...] = ("bsi", "bgn", "lc")
PANGRAM = "Съешь же ещё этих мягких французских булок, да выпей чаю. Ёж"


@pytest.fixture(scope="module")
def items() -> dict[str, dict[str, Any]]:
    bibliography, problems = read_bibliography(VARIED, "varied.bib")
    assert problems == []
    return {item["id"]: item for item in to_csl(bibliography.entries)}


def entry(entry_type: str, **fields: str) -> BibEntry:
    return BibEntry("key", entry_type, fields, 1)


def item_of(entry_type: str, **fields: str) -> dict[str, Any]:
    return to_csl({"key": entry(entry_type, **fields)})[0]


def strings(value: Any) -> list[str]:
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


# ---- the varied bibliography as a whole -----------------------------------------------------


def test_every_entry_becomes_an_item_keyed_by_its_bibtex_key(items: dict[str, Any]) -> None:
    assert len(items) >= 22
    assert list(items)[:3] == ["eisenhauer2009new", "gagnier2013care", "riley2017care"]
    for item in items.values():
        assert item["title"]
        assert "issued" in item or item["type"] == "webpage"


def test_no_latex_is_left_in_any_item(items: dict[str, Any]) -> None:
    for item in items.values():
        for text in strings(item):
            assert "\\" not in text, (item["id"], text)
            assert not re.search(r"[{}]|--", text.replace("10.1002/1097", "")), (item["id"], text)


@pytest.mark.parametrize(
    ("key", "count"),
    [
        ("kloppel2017neuroendocrine", 1),
        ("Hanahan2011", 2),
        ("Siegel2020", 3),
        ("siegel2023cancer", 4),
        ("hallet2015exploring", 6),
        ("sung2021global", 7),
        ("bodei2017diagnostic", 7),
        ("dasari2017trends", 8),
        ("eisenhauer2009new", 16),
        ("riley2017care", 21),
        ("strosberg2017phase", 35),
    ],
)
def test_author_lists_of_every_length(items: dict[str, Any], key: str, count: int) -> None:
    assert len(items[key]["author"]) == count


# ---- types ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry_type", "fields", "csl_type"),
    [
        ("article", {}, "article-journal"),
        ("book", {}, "book"),
        ("incollection", {}, "chapter"),
        ("inbook", {}, "chapter"),
        ("inproceedings", {}, "paper-conference"),
        ("conference", {}, "paper-conference"),
        ("phdthesis", {}, "thesis"),
        ("mastersthesis", {}, "thesis"),
        ("thesis", {}, "thesis"),
        ("techreport", {}, "report"),
        ("report", {}, "report"),
        ("manual", {}, "report"),
        ("standard", {}, "standard"),
        ("online", {}, "webpage"),
        ("electronic", {}, "webpage"),
        ("www", {}, "webpage"),
        ("misc", {"url": "https://www.care-statement.org"}, "webpage"),
        ("misc", {"howpublished": r"\url{https://www.care-statement.org}"}, "webpage"),
        ("misc", {}, "document"),
        ("unpublished", {}, "manuscript"),
        ("something", {}, "document"),
    ],
)
def test_entry_types(entry_type: str, fields: dict[str, str], csl_type: str) -> None:
    assert item_of(entry_type, title="T", **fields)["type"] == csl_type


def test_varied_types(items: dict[str, Any]) -> None:
    assert items["amin2017ajcc"]["type"] == "book"
    assert items["bodei2017diagnostic"]["type"] == "chapter"
    assert items["nccn2011neuroendocrine"]["type"] == "report"
    assert items["carestatement"]["type"] == "webpage"


def test_theses_get_a_genre() -> None:
    assert item_of("phdthesis", title="T")["genre"] == "PhD thesis"
    assert item_of("thesis", title="T", type="phdthesis")["genre"] == "PhD thesis"
    assert item_of("thesis", title="T", type="Дис. … канд. мед. наук")["genre"] == (
        "Дис. … канд. мед. наук"
    )


# ---- fields -----------------------------------------------------------------------------------


def test_book_fields(items: dict[str, Any]) -> None:
    book = items["amin2017ajcc"]
    assert book["editor"][:3] == [
        {"family": "Amin", "given": "Mahul B."},
        {"family": "Edge", "given": "Stephen B."},
        {"family": "Greene", "given": "Frederick L."},
    ]
    assert book["edition"] == "8"
    assert book["publisher"] == "Springer"
    assert book["publisher-place"] == "Cham"
    assert book["ISBN"] == "978-3-319-40617-6"
    assert "author" not in book


def test_chapter_fields(items: dict[str, Any]) -> None:
    chapter = items["bodei2017diagnostic"]
    assert chapter["container-title"] == (
        "Nuclear Oncology: From Pathophysiology to Clinical Applications"
    )
    assert [name["family"] for name in chapter["editor"]] == [
        "Strauss",
        "Mariani",
        "Volterrani",
        "Larson",
    ]
    assert chapter["page"] == "799–838"
    assert chapter["edition"] == "2"
    assert chapter["DOI"] == "10.1007/978-3-319-26236-9_18"


def test_report_and_webpage_fields(items: dict[str, Any]) -> None:
    guideline = items["nccn2011neuroendocrine"]
    assert guideline["author"] == [{"literal": "National Comprehensive Cancer Network"}]
    assert guideline["publisher"] == "National Comprehensive Cancer Network"
    assert guideline["version"] == "1.2011"
    assert (
        guideline["URL"] == "http://www.nccn.org/professionals/physician_gls/pdf/neuroendocrine.pdf"
    )
    assert guideline["accessed"] == {"date-parts": [[2015, 5, 14]]}
    page = items["carestatement"]
    assert page["URL"] == "https://www.care-statement.org"
    assert page["accessed"] == {"date-parts": [[2026, 11, 22]]}


def test_biblatex_fields_from_better_bibtex(items: dict[str, Any]) -> None:
    article = items["strosberg2017phase"]
    assert article["container-title"] == "New England Journal of Medicine"
    assert article["container-title-short"] == "N Engl J Med"
    assert article["issued"] == {"date-parts": [[2017, 1, 12]]}
    assert article["language"] == "en"
    assert article["ISSN"] == "0028-4793"


def test_mendeley_extras_are_ignored(items: dict[str, Any]) -> None:
    article = items["Siegel2020"]
    assert set(article) == {
        "id",
        "type",
        "author",
        "title",
        "container-title",
        "volume",
        "issue",
        "page",
        "issued",
        "ISSN",
        "DOI",
        "URL",
    }


def test_identifiers(items: dict[str, Any]) -> None:
    gagnier = items["gagnier2013care"]
    assert (gagnier["PMID"], gagnier["PMCID"]) == ("24228906", "PMC3844611")
    assert items["kloppel2017neuroendocrine"]["DOI"] == "10.1159/000481390"
    assert items["hallet2015exploring"]["DOI"] == "10.1002/cncr.29099"
    assert items["godwin1975carcinoid"]["DOI"] == (
        "10.1002/1097-0142(197508)36:2<560::AID-CNCR2820360235>3.0.CO;2-4"
    )


def test_number_is_an_issue_for_articles_and_a_number_for_reports() -> None:
    assert item_of("article", number="4")["issue"] == "4"
    assert item_of("techreport", number="TR-12")["number"] == "TR-12"
    book = item_of("book", series="Contemporary Endocrinology", number="3")
    assert (book["collection-title"], book["collection-number"]) == (
        "Contemporary Endocrinology",
        "3",
    )
    assert item_of("article", issue="2", number="e123")["issue"] == "2"


def test_journal_articles_have_no_publisher(items: dict[str, Any]) -> None:
    assert "publisher" not in items["Hanahan2011"]  # JabRef writes "Elsevier BV"


def test_places_organisations_and_notes() -> None:
    thesis = item_of("phdthesis", school="University of Oxford", location="Oxford")
    assert (thesis["publisher"], thesis["publisher-place"]) == ("University of Oxford", "Oxford")
    manual = item_of("manual", organization="World Health Organization")
    assert manual["publisher"] == "World Health Organization"
    assert item_of("misc", note=r"In press, see \url{https://x.org}")["note"] == (
        "In press, see https://x.org"
    )
    assert item_of("book", edition="2nd ed.")["edition"] == "2"
    assert item_of("book", edition="4-е изд., перераб.")["edition"] == "4-е изд., перераб."


def test_pages_get_an_en_dash(items: dict[str, Any]) -> None:
    assert items["eisenhauer2009new"]["page"] == "228–247"
    assert items["gurusamy2009liver"]["page"] == "CD007060"
    assert items["mayo2011surgical"]["page"] == "806, 808, 810"
    assert item_of("article", pages="e8--e21")["page"] == "e8–e21"


def test_a_url_that_is_the_doi_link_is_not_repeated() -> None:
    item = item_of("article", doi="10.1002/cncr.29099", url="https://doi.org/10.1002/CNCR.29099")
    assert item["DOI"] == "10.1002/cncr.29099"
    assert "URL" not in item
    assert item_of("article", url=r"https://x.org/a\_b")["URL"] == "https://x.org/a_b"


# ---- LaTeX ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Kl{\"o}ppel", "Klöppel"),
        (r"G\"{u}nter", "Günter"),
        (r"\'e", "é"),
        (r"{\c c}", "ç"),
        (r"Fran\c{c}ois", "François"),
        (r"{\'C}wik{\l}a", "Ćwikła"),
        (r"Sedl{\'a}{\v{c}}kov{\'a}", "Sedláčková"),
        (r"na\"{\i}ve", "naïve"),
        (r"Stra{\ss}e", "Straße"),
        (r"\O{}berg", "Øberg"),
        (r"\aa ngstr\"om", "ångström"),
        (r"Erd\H{o}s", "Erdős"),
        (r"\&", "&"),
        (r"100\%", "100%"),
        ("12--19", "12–19"),
        ("then --- now", "then — now"),
        ("``quoted''", "“quoted”"),
        (r"$\alpha$-fetoprotein", "α-fetoprotein"),
        (r"$\geq$ 2~cm", "≥ 2\u00a0cm"),
        (r"37$^{\circ}$C", "37°C"),
        (r"\textit{in vivo}", "in vivo"),
        (r"{\em in vivo}", "in vivo"),
        (r"\href{https://x.org}{the site}", "the site"),
        (r"\noop{1}First", "First"),
        (r"\unknowncommand{kept}", "kept"),
        ("line\n  break", "line break"),
        ("{Protected} {{Title}}", "Protected Title"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    ("latex", "markup"),
    [
        ("The {CARE} guidelines", 'The <span class="nocase">CARE</span> guidelines'),
        ("{Title Case}", '<span class="nocase">Title Case</span>'),
        (r"{\"U}ber", "Über"),
        (r"$^{68}$Ga-DOTATATE", "<sup>68</sup>Ga-DOTATATE"),
        (r"\textsuperscript{177}Lu", "<sup>177</sup>Lu"),
        (r"H\textsubscript{2}O", "H<sub>2</sub>O"),
        (r"\emph{E.~coli}", "<i>E.\u00a0coli</i>"),
        (
            r"{\bf bold} and \textsc{caps}",
            '<b>bold</b> and <span style="font-variant:small-caps;">caps</span>',
        ),
        ("{2020}", "2020"),
    ],
)
def test_latex_markup_for_csl(latex: str, markup: str) -> None:
    assert latex_to_text(latex, markup=True) == markup


def test_titles_keep_case_protection(items: dict[str, Any]) -> None:
    assert items["Siegel2020"]["title"] == '<span class="nocase">Cancer statistics, 2020</span>'
    assert items["strosberg2017phase"]["title"] == (
        'Phase 3 <span class="nocase">Trial</span> of <sup>177</sup>'
        '<span class="nocase">Lu-Dotatate</span> for '
        '<span class="nocase">Midgut Neuroendocrine Tumors</span>'
    )


def test_string_macros_and_concatenation(items: dict[str, Any]) -> None:
    assert items["eisenhauer2009new"]["container-title"] == "European Journal of Cancer"
    assert unconcatenate("{European Journal} # { of Cancer}") == "European Journal of Cancer"
    assert unconcatenate('jan # "~5"') == "January~5"
    assert unconcatenate("C# programming") == "C# programming"
    assert item_of("article", journal='"Eur J" # { Cancer}')["container-title"] == "Eur J Cancer"


# ---- names ------------------------------------------------------------------------------------


def test_names_in_both_orders_with_particles_suffixes_and_literals() -> None:
    names = parse_names(
        r"Kl{\"o}ppel, G{\"u}nter and Ludwig van Beethoven and von Schoen-Angerer, T."
        r" and Smith, Jr., John and {World Health Organization} and {\'E}mile Zola"
        r" and Lopera Sierra, M. and Анциферов, М.~Б. and Plato"
    )
    assert names == [
        {"family": "Klöppel", "given": "Günter"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "Schoen-Angerer", "given": "T.", "non-dropping-particle": "von"},
        {"family": "Smith", "given": "John", "suffix": "Jr."},
        {"literal": "World Health Organization"},
        {"family": "Zola", "given": "Émile"},
        {"family": "Lopera Sierra", "given": "M."},
        {"family": "Анциферов", "given": "М. Б."},
        {"family": "Plato"},
    ]


def test_and_inside_braces_is_part_of_a_literal_name() -> None:
    assert parse_names("{Barnes and Noble} and Doe, J.") == [
        {"literal": "Barnes and Noble"},
        {"family": "Doe", "given": "J."},
    ]


def test_and_others_becomes_the_literal_pandoc_prints_as_et_al(items: dict[str, Any]) -> None:
    caplin = items["caplin2014lanreotide"]["author"]
    assert caplin[-1] == {"literal": "others"}
    assert caplin[2] == {"family": "Ćwikła", "given": "J. B."}
    assert items["gagnier2013care"]["author"][-1] == {"literal": "CARE Group"}
    assert items["riley2017care"]["author"][4] == {
        "family": "Schoen-Angerer",
        "given": "T.",
        "non-dropping-particle": "von",
    }


# ---- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "number"),
    [
        ("jan", 1),
        ("January", 1),
        ("Jan.", 1),
        ("1", 1),
        ("09", 9),
        ("sep", 9),
        ("Sept", 9),
        ("December", 12),
        ("янв", 1),
        ("января", 1),
        ("март", 3),
        ("мая", 5),
        ("май", 5),
        ("сент.", 9),
        ("January~5", 1),
        ("13", None),
        ("foo", None),
        ("", None),
    ],
)
def test_months(month: str, number: int | None) -> None:
    assert parse_month(month) == number


@pytest.mark.parametrize(
    ("date", "parts"),
    [
        ("2016", [[2016]]),
        ("2016-02", [[2016, 2]]),
        ("2016-02-09", [[2016, 2, 9]]),
        ("2016-02-09T10:00:00Z", [[2016, 2, 9]]),
        ("2016-02-09/2016-02-11", [[2016, 2, 9], [2016, 2, 11]]),
        ("2016-02-30", None),
        ("16-02-09", None),
        ("in press", None),
    ],
)
def test_biblatex_dates(date: str, parts: list[list[int]] | None) -> None:
    assert parse_date(date) == parts


def test_issued_from_year_month_day_or_date(items: dict[str, Any]) -> None:
    assert items["eisenhauer2009new"]["issued"] == {"date-parts": [[2009, 1]]}
    assert items["Hanahan2011"]["issued"] == {"date-parts": [[2011, 3]]}
    assert items["caplin2014lanreotide"]["issued"] == {"date-parts": [[2014, 7]]}
    assert items["gagnier2013care"]["issued"] == {"date-parts": [[2013, 9, 10]]}
    assert item_of("article", year="2020", month="янв")["issued"] == {"date-parts": [[2020, 1]]}
    assert item_of("article", year="in press")["issued"] == {"literal": "in press"}
    assert item_of("article", date="2016-02-30")["issued"] == {"literal": "2016-02-30"}
    assert item_of("article", date="2016-02-09", year="2015")["issued"] == {
        "date-parts": [[2016, 2, 9]]
    }


# ---- DOIs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "doi"),
    [
        ("10.1002/cncr.29099", "10.1002/cncr.29099"),
        ("https://doi.org/10.1002/CNCR.29099", "10.1002/CNCR.29099"),
        ("http://dx.doi.org/10.1002/cncr.29099", "10.1002/cncr.29099"),
        ("https://www.doi.org/10.1002/cncr.29099", "10.1002/cncr.29099"),
        ("doi:10.1159/000481390", "10.1159/000481390"),
        ("DOI: 10.1159/000481390", "10.1159/000481390"),
        ("  10.1186/1752-1947-7-223\n", "10.1186/1752-1947-7-223"),
        (r"10.1007/978-3-319-26236-9\_18", "10.1007/978-3-319-26236-9_18"),
        ("https://doi.org/10.1002%2Fcncr.29099", "10.1002/cncr.29099"),
        ("10.1002", None),
        ("cncr.29099", None),
        ("10.12/x", None),
        ("10.1002/cncr 29099", None),
        ("", None),
    ],
)
def test_normalise_doi(written: str, doi: str | None) -> None:
    assert normalise_doi(written) == doi


def test_dois_compare_without_case_or_prefix() -> None:
    link = normalise_doi("https://doi.org/10.1002/CNCR.29099")
    bare = normalise_doi("10.1002/cncr.29099")
    assert link is not None and bare is not None
    assert link != bare
    assert link.casefold() == bare.casefold()


# ---- languages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("russian", "ru"),
        ("Russian", "ru"),
        ("ru", "ru"),
        ("рус", "ru"),
        ("рус.", "ru"),
        ("ru-RU", "ru-RU"),
        ("english", "en"),
        ("American", "en-US"),
        ("ngerman", "de"),
        ("russian and english", "ru"),
        ("klingon", None),
    ],
)
def test_language_codes(written: str, code: str | None) -> None:
    assert language_code(written) == code


def test_language_of_items(items: dict[str, Any]) -> None:
    assert items["antsiferov2018carcinoid"]["language"] == "ru"
    assert items["kaprin2016malignant"]["language"] == "ru"  # no langid: Cyrillic title
    assert items["gagnier2013care"]["language"] == "en"
    assert "language" not in items["Hanahan2011"]
    assert item_of("article", title="T", language="Russian")["language"] == "ru"
    assert item_of("article", title="T", langid="рус")["language"] == "ru"


def test_is_russian(items: dict[str, Any]) -> None:
    russian = {key for key, item in items.items() if is_russian(item)}
    assert russian == {"antsiferov2018carcinoid", "popov2018new", "kaprin2016malignant"}
    assert is_russian({"title": "Карциноидный сидром"})
    assert is_russian({"title": "T", "language": "ru-RU"})
    assert not is_russian({"title": "Карциноидный сидром", "language": "en"})
    assert is_russian({"title": "T", "author": [{"family": "Попов", "given": "С. А."}]})


# ---- transliteration --------------------------------------------------------------------------


CYRILLIC_LETTERS = "".join(chr(code) for code in range(0x400, 0x530) if chr(code).isalpha())


@pytest.mark.parametrize("system", SYSTEMS)
def test_cyrillic_becomes_ascii(system: Translit) -> None:
    """Every system prints its ASCII form: no Cyrillic, no diacritics, no typographic signs."""
    texts = (PANGRAM, PANGRAM.upper(), "Їжак і ґанок; Ђорђе; ў; Ѣ", CYRILLIC_LETTERS)
    for text in (*texts, *CYRILLIC_LETTERS):
        assert transliterate(text, system).isascii(), transliterate(text, system)


@pytest.mark.parametrize(
    ("system", "pangram"),
    [
        ("bsi", "S\"esh' zhe eshche etikh myagkikh frantsuzskikh bulok, da vypei chayu. Ezh"),
        ("bgn", "S\"yesh' zhe yeshche etikh myagkikh frantsuzskikh bulok, da vypey chayu. Yezh"),
        ("lc", "S\"esh' zhe eshche etikh miagkikh frantsuzskikh bulok, da vypei chaiu. Ezh"),
    ],
)
def test_pangram(system: Translit, pangram: str) -> None:
    assert transliterate(PANGRAM, system) == pangram


@pytest.mark.parametrize(
    ("text", "bsi", "bgn", "lc"),
    [
        ("Ёлкин", "Elkin", "Yelkin", "Elkin"),
        ("объём", 'ob"em', 'ob"yem', 'ob"em'),
        ("ЩУКА", "SHCHUKA", "SHCHUKA", "SHCHUKA"),
        ("ЮЛИЯ Юлия", "YULIYA Yuliya", "YULIYA Yuliya", "IULIIA Iuliia"),
        ("Андрей Юрьевич", "Andrei Yur'evich", "Andrey Yur'yevich", "Andrei Iur'evich"),
        ("Ольга", "Ol'ga", "Ol'ga", "Ol'ga"),
        (
            "Новые нейроэндокринных",
            "Novye neiroendokrinnykh",
            "Novyye neyroendokrinnykh",
            "Novye neiroendokrinnykh",
        ),
        ("O’Neil и «Ёлка»", "O’Neil i «Elka»", "O’Neil i «Yelka»", "O’Neil i «Elka»"),
        ("Фалалеева", "Falaleeva", "Falaleyeva", "Falaleeva"),
        ("Комбинированное", "Kombinirovannoe", "Kombinirovannoye", "Kombinirovannoe"),
        ("М. Б.", "M. B.", "M. B.", "M. B."),
        ("PET-КТ, 2021 г.", "PET-KT, 2021 g.", "PET-KT, 2021 g.", "PET-KT, 2021 g."),
    ],
)
def test_transliteration_details(text: str, bsi: str, bgn: str, lc: str) -> None:
    assert [transliterate(text, system) for system in SYSTEMS] == [bsi, bgn, lc]


# ---- the English form of Russian sources ------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "authors", "title"),
    [
        (
            "bsi",
            [("Antsiferov", "M. B."), ("Andreeva", "A. V.")],
            "Kartsinoidny sidrom v praktike endokrinologa",
        ),
        (
            "bgn",
            [("Antsiferov", "M. B."), ("Andreyeva", "A. V.")],
            "Kartsinoidnyy sidrom v praktike endokrinologa",
        ),
        (
            "lc",
            [("Antsiferov", "M. B."), ("Andreeva", "A. V.")],
            "Kartsinoidnyi sidrom v praktike endokrinologa",
        ),
    ],
)
def test_english_form_of_a_russian_article(
    items: dict[str, Any], system: Translit, authors: list[tuple[str, str]], title: str
) -> None:
    english = {item["id"]: item for item in to_english(list(items.values()), system=system)}
    article = english["antsiferov2018carcinoid"]
    assert [(name["family"], name["given"]) for name in article["author"]] == authors
    assert article["title"] == f"{title} [Carcinoid syndrome in the practice of an endocrinologist]"
    assert article["container-title"] == "Farmateka"
    assert article["language"] == "en"
    assert article[IN_RUSS_KEY] is True
    assert article["DOI"] == "10.18565/pharmateca.2018.11.26-32"
    assert article["page"] == "26–32"


def test_official_english_title(items: dict[str, Any]) -> None:
    english = to_english([items["antsiferov2018carcinoid"]], official_title=True)[0]
    assert english["title"] == "Carcinoid syndrome in the practice of an endocrinologist"


def test_without_english_title_only_the_transliteration(items: dict[str, Any]) -> None:
    english = to_english([items["popov2018new"]])[0]
    assert english["title"].startswith("Novye vozmozhnosti kompleksnogo lecheniya")
    assert "[" not in english["title"]
    assert english["container-title"] == "Voprosy Onkologii"
    assert english["author"][-1] == {"family": "Granov", "given": "D. A."}


def test_russian_book_imprint_in_english(items: dict[str, Any]) -> None:
    book = to_english([items["kaprin2016malignant"]], system="bgn")[0]
    assert [name["family"] for name in book["editor"]] == ["Kaprin", "Starinskiy", "Petrova"]
    assert book["publisher-place"] == "Moscow"
    assert book["publisher"] == "MNIOI im. P. A. Gertsena"
    assert book["title"].endswith(
        "[Malignant neoplasms in Russia in 2014 (incidence and mortality)]"
    )


def test_journal_without_english_name_is_transliterated() -> None:
    item = item_of(
        "article", title="Карциноидный сидром", journal="Фарматека", shortjournal="Фарматека"
    )
    english = to_english([item])[0]
    assert english["container-title"] == "Farmateka"
    assert english["container-title-short"] == "Farmateka"


@pytest.mark.parametrize("system", SYSTEMS)
def test_english_items_have_no_cyrillic(items: dict[str, Any], system: Translit) -> None:
    bibs = [VARIED, *sorted(CASES.glob("*/references.bib"))]
    for path in bibs:
        bibliography, _ = read_bibliography(path, path.name)
        for item in to_english(to_csl(bibliography.entries), system=system):
            assert not any(has_cyrillic(text) for text in strings(item)), item["id"]


def test_other_items_pass_unchanged(items: dict[str, Any]) -> None:
    originals = list(items.values())
    snapshot = json.dumps(originals, sort_keys=True)
    english = to_english(originals, system="lc")
    assert json.dumps(originals, sort_keys=True) == snapshot  # the input is not modified
    for before, after in zip(originals, english, strict=True):
        if not is_russian(before):
            assert after == before


def test_unknown_system_is_refused(items: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="bsi, bgn or lc"):
        to_english(list(items.values()), system="iso")  # type: ignore[arg-type]


# ---- pandoc reads the items as intended ------------------------------------------------------


def test_pandoc_citeproc_renders_the_items(items: dict[str, Any], tmp_path: Path) -> None:
    keys = ["caplin2014lanreotide", "strosberg2017phase", "antsiferov2018carcinoid"]
    chosen = [items[key] for key in keys]
    data = tmp_path / "refs.json"
    data.write_text(json.dumps(to_english(chosen), ensure_ascii=False), encoding="utf-8")
    document = "---\nlang: en\n---\n\n" + " ".join(f"[@{key}]" for key in keys) + "\n"
    result = subprocess.run(
        [
            *(pandoc_executable(), "--citeproc", "--bibliography", str(data)),
            *("--csl", str(style_path("vancouver")), "-t", "plain", "--wrap=none"),
        ],
        input=document.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    text = result.stdout.decode("utf-8")
    assert "Sedláčková E, et al." in text
    assert "others" not in text
    assert "nocase" not in text and "<sup>" not in text
    assert "¹⁷⁷Lu-Dotatate" in text
    assert "Kartsinoidny sidrom" in text


# ---- CSL-JSON as input (Zotero's other export) ------------------------------------------------

ZOTERO = DATA / "references" / "zotero.json"
TYPES = DATA / "references" / "types.bib"


def test_csl_json_gives_the_same_lists_as_the_bibtex_it_came_from(tmp_path: Path) -> None:
    from casepub.references.lists import format_bibliography

    bibliography, _ = read_bibliography(TYPES, "types.bib")
    exported = tmp_path / "types.json"
    exported.write_text(json.dumps(to_csl(bibliography.entries), ensure_ascii=False, indent=1))
    from_json, problems = read_bibliography(exported, "types.json")
    assert problems == [] and list(from_json.entries) == list(bibliography.entries)
    for lang, style in (("ru", "gost"), ("en", "vancouver")):
        assert format_bibliography(from_json, lang=lang, style=style) == format_bibliography(
            bibliography, lang=lang, style=style
        )


def test_zotero_csl_json() -> None:
    from casepub.references.lists import format_bibliography

    bibliography, problems = read_bibliography(ZOTERO, "zotero.json")
    assert problems == []
    assert [e.line for e in bibliography.entries.values()] == [3, 44, 73, 102, 117]
    gost = format_bibliography(bibliography, lang="ru", style="gost").replace("\u00a0", " ")
    assert (
        "1. TNM staging of foregut (neuro)endocrine tumors: a consensus proposal including a "
        "grading system / G. Rindi, G. Klöppel, H. Alhman [et al.] // Virchows Arch. 2006. "
        "Vol. 449, No. 4. P. 395–401. DOI: 10.1007/s00428-006-0250-1\n"
    ) in gost
    assert "// Digestion. 2000. Vol. 62, Suppl. 1. P. 59–68." in gost
    assert "С. 26–32. DOI: 10.18565/pharmateca.2018.11.26-32\n" in gost
    assert "Т. 12, № 3, прил. 2. С. 45–47. PMID: 12345678. EDN: ABCDEF\n" in gost
    english = format_bibliography(bibliography, lang="en", style="vancouver")
    assert "Virchows Arch. 2006 Oct;449(4):395-401." in english
    assert "Kartsinoidny sidrom v praktike endokrinologa [Carcinoid syndrome" in english
    assert "[cited 2026 Nov 22]" in english


def test_checks_read_csl_json_at_the_line_of_each_id(tmp_path: Path) -> None:
    from casepub.references.bibcheck import check_bibliography, check_styles

    written = tmp_path / "refs.json"
    written.write_text(
        '[\n {"id": "a", "type": "article-journal", "title": "T", "container-title": "J",\n'
        '  "author": [{"family": "Doe", "given": "J."}], "issued": {"date-parts": [[2020]]},\n'
        '  "DOI": "not a doi", "volume": "3", "page": "1-2"},\n'
        ' {"id": "b", "type": "book", "title": "Book", "editor": [{"literal": "WHO"}],\n'
        '  "issued": {"date-parts": [[2019]]}, "publisher": "WHO"}\n]\n',
        encoding="utf-8",
    )
    bibliography, problems = read_bibliography(written, "refs.json")
    assert problems == []
    found = [(d.code, d.line, d.path) for d in check_bibliography(bibliography)]
    assert found == [("bib-doi", 2, "a.doi")]
    styles = [(d.line, d.path) for d in check_styles(bibliography, ["gost"])]
    assert styles == [(5, "b.address")]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('[\n{"id": "a",\n "type": }', (3, 10), "not CSL-JSON: Expecting value"),
        ('{"items": 1}', (None, None), "not an object with an `id`"),
        ('"text"', (1, 1), "a list of items"),
        ('[{"title": "no id"}]', (None, None), "item 1 of the list is not an object with an `id`"),
        ('[{"id": "a"},\n {"id": "a"}]', (2, 1), "entry key `a` is used twice"),
    ],
)
def test_broken_csl_json(tmp_path: Path, text: str, where: tuple[Any, Any], message: str) -> None:
    written = tmp_path / "refs.json"
    written.write_text(text, encoding="utf-8")
    _, problems = read_bibliography(written, "refs.json")
    (problem,) = problems
    assert (problem.line, problem.col) == where and message in problem.message
    assert problem.code in ("bib-syntax", "bib-duplicate-key")
