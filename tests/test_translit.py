"""One transliteration everywhere: a Russian-only author's name in the English byline, the
"For citation" line, the author contributions, the information about the authors, JATS and
the English reference list is spelt alike, in ASCII letters, by the system the journal
profile (or ``--translit``) chooses for the references."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from casepub.build import BuildOptions, build_case
from casepub.load.loader import load_case
from casepub.references.lists import ReferenceOptions
from casepub.references.translit import Translit, transliterate
from casepub.render import build_manuscript, render_markdown
from tests.conftest import CASES
from tests.helpers import html_tree, pdf_text

FAMILY, GIVEN = "Соловьёва", "Ольга Юрьевна"
"""The author without an English name, who also wrote the case's Russian reference."""
STRICT_SIGNS = "ĭʹʺȳéėë͡”"
"""What the strict, diacritic forms of BS 2979, BGN/PCGN and ALA-LC would print."""


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ileal-net with its third author named in Russian only, and that author as second
    author of its Russian reference (Анциферов М.Б., Соловьёва О.Ю.)."""
    target = tmp_path_factory.mktemp("translit") / "russian-author"
    shutil.copytree(CASES / "ileal-net", target)
    case = target / "case.yaml"
    text = case.read_text(encoding="utf-8")
    named = (
        "    family: {ru: Сергеева, en: Sergeeva}\n    given: {ru: Ольга Николаевна, en: Olga N.}\n"
    )
    assert named in text
    case.write_text(text.replace(named, f"    family: {FAMILY}\n    given: {GIVEN}\n"), "utf-8")
    bib = target / "references.bib"
    text = bib.read_text(encoding="utf-8")
    assert "Андреева, А. В." in text
    bib.write_text(text.replace("Андреева, А. В.", f"{FAMILY}, О. Ю."), encoding="utf-8")
    return target


def _english_half(markdown: str) -> str:
    """The bilingual manuscript from its English front matter on."""
    return markdown[markdown.index("::: {.front lang=en}") :]


@pytest.mark.parametrize("system", ["bsi", "bgn", "lc"])
def test_names_follow_the_reference_system(case_dir: Path, system: Translit) -> None:
    manuscript = build_manuscript(
        load_case(case_dir), "bilingual", reference_options=ReferenceOptions(translit=system)
    )
    english = _english_half(render_markdown(manuscript))
    family, given = transliterate(FAMILY, system), transliterate(GIVEN, system)
    marks = transliterate("О.Ю.", system)
    assert family.isascii() and given.isascii()
    assert f"{marks} {family}" in english  # byline and author contributions
    assert f"**For citation:** Peregudov NA, Falaleeva LA, {family} {marks.replace('.', '')}," in (
        english
    )
    assert f"**{given} {family}**" in english  # information about the authors
    assert f"Antsiferov MB, {family} {marks.replace('.', '')}." in english  # references
    assert not set(STRICT_SIGNS) & set(english)


def test_bsi_is_the_ascii_form_russian_journals_print() -> None:
    assert transliterate(f"{GIVEN} {FAMILY}") == "Ol'ga Yur'evna Solov'eva"
    assert transliterate("Андрей Юрьевич") == "Andrei Yur'evich"
    assert transliterate("Фалалеева Комбинированное") == "Falaleeva Kombinirovannoe"


@pytest.fixture(scope="module")
def built(case_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("translit-build")
    options = BuildOptions(("pdf", "html", "jats"), lang="bilingual", out=out)
    return {path.suffix: path for path in build_case(case_dir, options)}


def _spellings(text: str) -> set[str]:
    """Every spelling of the family name in ``text``, typographic apostrophes made plain
    (pandoc's smart typography curls ' to ’ in every text, O'Neil as Solov'eva)."""
    return set(re.findall(r"Solov\S{0,3}eva|Solov\S{0,3}yeva", text.replace("’", "'")))


@pytest.mark.parametrize("suffix", [".pdf", ".html"])
def test_print_and_html_spell_the_name_once(built: dict[str, Path], suffix: str) -> None:
    path = built[suffix]
    text = pdf_text(path) if suffix == ".pdf" else html_tree(path).text_content()
    plain = re.sub(r"\s+", " ", text.replace("’", "'"))
    assert _spellings(text) == {"Solov'eva"}
    assert "O.Yu. Solov'eva" in plain  # byline
    assert "Ol'ga Yur'evna Solov'eva" in plain  # information about the authors
    assert plain.count("Solov'eva OYu") >= 2  # "For citation" and the reference
    assert not set(STRICT_SIGNS) & set(text)


def test_jats_names_are_ascii_and_match_the_reference(built: dict[str, Path]) -> None:
    root = etree.parse(str(built[".xml"])).getroot()
    english = root.xpath("//contrib//name[@xml:lang='en'][surname=$f]", f="Solov'eva")
    assert [n.findtext("given-names") for n in english] == ["Ol'ga Yur'evna"]
    cited = root.xpath("//element-citation[@xml:lang='en']//name[surname=$f]", f="Solov'eva")
    assert [n.findtext("given-names") for n in cited] == ["O. Yu."]
    assert not set(STRICT_SIGNS) & set(etree.tostring(root, encoding="unicode"))
