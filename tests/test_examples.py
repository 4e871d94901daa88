"""End to end: every example case builds to PDF, DOCX and HTML whose text is right.

Expected strings come from each case's own data (titles, abstracts, keywords, the .bib),
so the tests follow the cases instead of hard-coding them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from casepub.build import BuildOptions, build_case, default_mode
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.load.series import example_passages
from casepub.model import SECTION_KEYS, Lang, text_in
from casepub.references.citations import find_citations
from casepub.render.context import build_manuscript
from tests.conftest import CASES
from tests.helpers import (
    docx_styles_used,
    docx_text,
    html_tree,
    pdf_fonts_embedded,
    pdf_text,
    squash,
)

EXAMPLES = sorted(p.name for p in CASES.iterdir() if (p / "case.yaml").is_file())


@dataclass(frozen=True)
class Built:
    loaded: LoadedCase
    files: dict[str, Path]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Every example case built once, in its default language mode, to every format."""
    out = tmp_path_factory.mktemp("build")
    result = {}
    for name in EXAMPLES:
        written = build_case(CASES / name, BuildOptions(("pdf", "docx", "html"), out=out))
        result[name] = Built(load_case(CASES / name), {p.suffix: p for p in written})
    return result


def cited_keys(loaded: LoadedCase) -> list[str]:
    """The keys cited, in the order of the text: each section, then its clinical examples."""
    examples = example_passages(loaded)
    ordered = [
        passages
        for key in SECTION_KEYS
        for passages in [
            loaded.sections.get(key, {}),
            *(p for e, p in zip(loaded.case.examples, examples, strict=True) if e.section == key),
        ]
    ]
    keys: list[str] = []
    for passages in ordered:
        for passage in passages.values():
            for citation in find_citations(passage.text):
                if not citation.is_crossref and citation.key not in keys:
                    keys.append(citation.key)
    return keys


def first_author_family(loaded: LoadedCase, key: str) -> str:
    assert loaded.bibliography is not None
    author = loaded.bibliography.entries[key].fields.get("author", "")
    first = author.split(" and ")[0]
    family = first.split(",")[0] if "," in first else first.split()[-1]
    return re.sub(r"[{}\\]", "", family).strip()


def front_langs(loaded: LoadedCase) -> list[Lang]:
    return ["ru", "en"] if default_mode(loaded) == "bilingual" else [loaded.case.language]


def front_texts(loaded: LoadedCase, lang: Lang) -> list[str]:
    """Title, the first 120 characters of the abstract, and every keyword in ``lang``."""
    front = build_manuscript(loaded, default_mode(loaded)).fronts
    mine = next(f for f in front if f.lang == lang)
    abstract = mine.abstract[0][1]
    return [mine.title, abstract[:120], *mine.keywords]


def test_examples_exist() -> None:
    assert {"ileal-net", "pnet-tace", "minimal"} <= set(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_carries_every_front_in_every_language(name: str, built: dict[str, Built]) -> None:
    case = built[name]
    text = squash(pdf_text(case.files[".pdf"]))
    for lang in front_langs(case.loaded):
        for expected in front_texts(case.loaded, lang):
            assert squash(expected) in text, f"{lang}: {expected[:60]!r} missing from the PDF"


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_citations_resolved_and_references_listed(name: str, built: dict[str, Built]) -> None:
    case = built[name]
    raw = pdf_text(case.files[".pdf"])
    keys = cited_keys(case.loaded)
    assert keys, "example cases cite their literature"
    assert "@" not in re.sub(r"\S+@\S+\.\w+", "", raw), "an unresolved citation is left"
    assert "???" not in raw
    heading = "Список литературы" if case.loaded.case.language == "ru" else "References"
    references = squash(raw.split(heading)[-1])
    for key in keys:
        family = first_author_family(case.loaded, key)
        assert squash(family) in references, f"{key}: {family} not in the reference list"
    numbers = {
        int(n)
        for group in re.findall(r"\[(\d+(?:[,–-]\s?\d+)*)\]", raw)
        for n in re.findall(r"\d+", group)
    }
    assert max(numbers) == len(keys), "citations are numbered 1…N in order of first citation"


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_embeds_its_fonts(name: str, built: dict[str, Built]) -> None:
    fonts = pdf_fonts_embedded(built[name].files[".pdf"])
    assert fonts and all(fonts.values()), fonts


def test_bilingual_pdf_has_both_reference_headings(built: dict[str, Built]) -> None:
    text = pdf_text(built["ileal-net"].files[".pdf"])
    assert "Список литературы" in text and "References" in text
    assert "Для цитирования" in text and "For citation" in text
    assert "10.37174/2587-7593-2021-4-2-92-100" in text


@pytest.mark.parametrize("name", EXAMPLES)
def test_docx_has_fronts_styles_and_references(name: str, built: dict[str, Built]) -> None:
    case = built[name]
    text = squash(docx_text(case.files[".docx"]))
    for lang in front_langs(case.loaded):
        assert squash(text_in(case.loaded.case.title, lang) or "") in text
    for key in cited_keys(case.loaded):
        assert squash(first_author_family(case.loaded, key)) in text
    assert {"Title", "Abstract", "Author"} <= docx_styles_used(case.files[".docx"])


@pytest.mark.parametrize("name", EXAMPLES)
def test_html_is_self_contained_with_every_reference(name: str, built: dict[str, Built]) -> None:
    case = built[name]
    tree = html_tree(case.files[".html"])
    body_lang = case.loaded.case.language
    assert tree.get("lang") == body_lang
    titles = [squash(t.text_content()) for t in tree.find_class("title")]
    for lang in front_langs(case.loaded):
        assert squash(text_in(case.loaded.case.title, lang) or "") in titles
    lists = tree.xpath('//div[contains(@class, "csl-bib-body")]')
    assert len(lists) == len(front_langs(case.loaded))
    for bib in lists:
        entries = bib.xpath('./div[contains(@class, "csl-entry")]')
        assert len(entries) == len(cited_keys(case.loaded))
    for link in tree.xpath("//a[starts-with(@href, '#ref-')]"):
        assert tree.xpath(f'//*[@id="{link.get("href")[1:]}"]'), link.get("href")
    for element in tree.xpath("//img | //link | //script"):
        source = element.get("src") or element.get("href") or ""
        assert not source.startswith(("http:", "https:")), "nothing may load from the network"


def test_timeline_table_is_numbered_and_bilingual(built: dict[str, Built]) -> None:
    case = built["ileal-net"]
    tree = html_tree(case.files[".html"])
    caption = tree.xpath('//table[@id="tbl:timeline"]/caption')[0].text_content()
    assert "Таблица 1" in caption and "Table 1" in caption
    rows = tree.xpath('//table[@id="tbl:timeline"]/tbody/tr')
    assert len(rows) == len(case.loaded.case.timeline)
    assert rows[0].xpath("td")[0].text_content() == "2013"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_single_language_builds(lang: Lang, tmp_path: Path) -> None:
    written = build_case(CASES / "ileal-net", BuildOptions(("pdf",), lang=lang, out=tmp_path))
    text = pdf_text(next(p for p in written if p.suffix == ".pdf"))
    loaded = load_case(CASES / "ileal-net")
    other: Lang = "en" if lang == "ru" else "ru"
    assert squash(text_in(loaded.case.title, lang) or "") in squash(text)
    assert squash(text_in(loaded.case.title, other) or "") not in squash(text)


def test_builds_are_deterministic(tmp_path: Path) -> None:
    first = build_case(CASES / "ileal-net", BuildOptions(("html", "pdf"), out=tmp_path / "a"))
    second = build_case(CASES / "ileal-net", BuildOptions(("html", "pdf"), out=tmp_path / "b"))
    for a, b in zip(first, second, strict=True):
        assert a.name == b.name
        if a.suffix in (".md", ".html", ".typ"):
            assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between builds"
