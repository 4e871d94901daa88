"""JATS export: every example case gives JATS 1.3 (Journal Publishing) that the real DTD
validates, with the metadata, floats, cross-references and references of the case.

The DTD comes from the npm package ``@jats4r/dtds`` (pinned below), downloaded once from the
npm registry and cached in ``~/.cache/casepub-tests/``. Without the registry the tests fail
(they do not skip): validation against the real DTD is the point of them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from casepub.export import build_jats
from casepub.export.jats_text import Fragments, Targets, inline_markdown
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.profiles import load_profile
from casepub.references.citations import find_citations
from casepub.references.lists import cited_order
from casepub.render import LangMode, Manuscript, build_manuscript
from tests.conftest import CASES

DTDS_VERSION = "0.0.10"
DTDS_URL = f"https://registry.npmjs.org/@jats4r/dtds/-/dtds-{DTDS_VERSION}.tgz"
DTDS_SHA512 = (
    "PtN1KLAuHEGEI6Ur6GBBv3oTXAgl9zW87eLktPAObsOeKlxLG08slUL1UPnPfQ8Wy4J7eqTcOBKB74liQAlWWw=="
)
"""``dist.integrity`` of the package (``npm view @jats4r/dtds@0.0.10 dist.integrity``)."""
JOURNAL_PUBLISHING = "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.3 20210610//EN"
CACHE = Path(os.environ.get("CASEPUB_TEST_CACHE", Path.home() / ".cache" / "casepub-tests"))
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

EXAMPLES: dict[str, LangMode] = {
    "ileal-net": "bilingual",
    "pnet-tace": "bilingual",
    "minimal": "en",
    "net-liver-cohort": "bilingual",
    "net-series": "bilingual",
}
ARTICLE_TYPES = {"net-liver-cohort": "research-article"}
"""JATS ``article-type`` of the examples that are no case report."""


# -------------------------------------------------------------------------------- the DTD


@pytest.fixture(scope="session")
def schema_dir() -> Path:
    """The ``schema`` folder of ``@jats4r/dtds`` (with ``catalog.xml``), cached."""
    target = CACHE / f"jats4r-dtds-{DTDS_VERSION}"
    schema = target / "package" / "schema"
    if (schema / "catalog.xml").is_file():
        return schema
    try:
        with urllib.request.urlopen(DTDS_URL, timeout=120) as response:
            data = response.read()
    except OSError as exc:
        pytest.fail(
            f"could not download the JATS DTDs from {DTDS_URL}: {exc}. These tests validate "
            f"against the real DTD and need the npm registry once (the package is then cached "
            f"in {CACHE}); `npm pack @jats4r/dtds@{DTDS_VERSION}` and unpacking it into "
            f"{target} works too.",
            pytrace=False,
        )
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != DTDS_SHA512:
        pytest.fail(f"{DTDS_URL} does not have the expected sha512 ({digest})", pytrace=False)
    CACHE.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(dir=CACHE, prefix=".unpack-"))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            members = [m for m in archive.getmembers() if _safe_member(m)]
            extra: dict[str, Any] = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            archive.extractall(unpacked, members=members, **extra)
        try:
            unpacked.rename(target)
        except OSError:  # another test process got there first
            if not (schema / "catalog.xml").is_file():
                raise
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    return schema


def _safe_member(member: tarfile.TarInfo) -> bool:
    parts = Path(member.name).parts
    return (
        (member.isfile() or member.isdir())
        and bool(parts)
        and parts[0] == "package"
        and (".." not in parts and not Path(member.name).is_absolute())
    )


class _Catalog(etree.Resolver):
    """Resolves public identifiers through the package's ``catalog.xml``."""

    def __init__(self, schema: Path) -> None:
        super().__init__()
        catalog = etree.parse(str(schema / "catalog.xml"))
        self.public = {
            entry.get("publicId"): schema / entry.get("uri")
            for entry in catalog.getroot()
            if isinstance(entry.tag, str) and entry.tag.endswith("public")
        }

    def resolve(self, system_url: str, public_id: str | None, context: Any) -> Any:
        path = self.public.get(public_id)
        return self.resolve_filename(str(path), context) if path is not None else None


def validate(xml: bytes, schema: Path) -> etree._Element:
    """Parse ``xml`` validating against the DTD its DOCTYPE names; fail with every error."""
    # lxml >= 5 loads the DTD's external modules only with resolve_entities=True ("Entity
    # 'journalpubcustom-modules.ent' not defined" otherwise); nothing is fetched (no_network).
    parser = etree.XMLParser(
        dtd_validation=True, load_dtd=True, no_network=True, resolve_entities=True
    )
    parser.resolvers.add(_Catalog(schema))
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        errors = "\n".join(f"  line {e.line}: {e.message}" for e in parser.error_log) or str(exc)
        pytest.fail(f"not valid JATS 1.3 Journal Publishing:\n{errors}", pytrace=False)
    assert root.getroottree().docinfo.public_id == JOURNAL_PUBLISHING
    return root


# -------------------------------------------------------------------------------- examples


@dataclass(frozen=True)
class Built:
    loaded: LoadedCase
    manuscript: Manuscript
    xml: bytes
    root: etree._Element


@pytest.fixture(scope="module")
def built(schema_dir: Path) -> dict[str, Built]:
    result = {}
    for name, mode in EXAMPLES.items():
        loaded = load_case(CASES / name)
        manuscript = build_manuscript(loaded, mode)
        xml = build_jats(loaded, manuscript)
        result[name] = Built(loaded, manuscript, xml, validate(xml, schema_dir))
    return result


def test_validator_rejects_invalid_jats(built: dict[str, Built], schema_dir: Path) -> None:
    broken = re.sub(rb"<issn[^>]*>[^<]*</issn>|<issn/>", b"", built["minimal"].xml)
    with pytest.raises(pytest.fail.Exception, match="journal-meta"):
        validate(broken, schema_dir)


@pytest.mark.parametrize("name", EXAMPLES)
def test_article_element(built: dict[str, Built], name: str) -> None:
    root = built[name].root
    assert root.tag == "article"
    assert root.get("article-type") == ARTICLE_TYPES.get(name, "case-report")
    if built[name].loaded.case.article_type.value == "case-report":
        assert root.get("article-type") == "case-report"
    assert root.get("dtd-version") == "1.3"
    assert root.get(XML_LANG) == built[name].manuscript.lang
    assert built[name].xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE article')


@pytest.mark.parametrize("name", EXAMPLES)
def test_same_bytes_every_time(built: dict[str, Built], name: str) -> None:
    case = built[name]
    again = build_manuscript(load_case(CASES / name), EXAMPLES[name])
    assert build_jats(case.loaded, case.manuscript) == case.xml
    assert build_jats(case.loaded, again) == case.xml


@pytest.mark.parametrize("name", ["ileal-net", "pnet-tace"])
def test_bilingual_front(built: dict[str, Built], name: str) -> None:
    case, meta = built[name], built[name].root.find("front/article-meta")
    assert meta.find("title-group/article-title").text == case.manuscript.fronts[0].title
    trans = meta.find("title-group/trans-title-group")
    assert trans.get(XML_LANG) == "en"
    assert "".join(trans.find("trans-title").itertext()) == case.manuscript.fronts[1].title
    journal = case.loaded.case.journal
    if journal is not None and journal.doi:
        assert meta.findtext("article-id[@pub-id-type='doi']") == journal.doi
    assert meta.find("abstract") is not None
    assert [t.get(XML_LANG) for t in meta.findall("trans-abstract")] == ["en"]
    groups = meta.findall("kwd-group")
    assert [(g.get(XML_LANG), g.get("kwd-group-type")) for g in groups] == [
        ("ru", "author"),
        ("en", "author"),
    ]
    for group, front in zip(groups, case.manuscript.fronts, strict=True):
        assert ["".join(k.itertext()) for k in group.findall("kwd")] == front.keywords
    authors = case.loaded.case.authors
    contribs = meta.findall("contrib-group/contrib[@contrib-type='author']")
    assert len(contribs) == len(authors)
    for contrib, author in zip(contribs, authors, strict=True):
        orcid = contrib.findtext("contrib-id[@contrib-id-type='orcid']")
        assert orcid == (f"https://orcid.org/{author.orcid}" if author.orcid else None)
        names = contrib.findall("name-alternatives/name")
        assert [n.get(XML_LANG) for n in names] == ["ru", "en"]
        assert (contrib.get("corresp") == "yes") == author.corresponding
        for xref in contrib.findall("xref[@ref-type='aff']"):
            aff = meta.find(f"aff-alternatives[@id='{xref.get('rid')}']")
            assert [a.get(XML_LANG) for a in aff.findall("aff")] == ["ru", "en"]
            assert aff.find("aff/institution") is not None
    coi = meta.findall("author-notes/fn[@fn-type='coi-statement']")
    assert [fn.get(XML_LANG) for fn in coi] == ["ru", "en"]
    assert meta.find("author-notes/corresp/email") is not None
    statements = meta.findall("funding-group/funding-statement")
    assert len(meta.findall("funding-group")) == 1
    assert [s.get(XML_LANG) for s in statements] == ["ru", "en"]
    issn = case.root.findtext("front/journal-meta/issn")
    assert issn == (journal.issn if journal and journal.issn else "")


def test_structured_abstract_as_sections(built: dict[str, Built]) -> None:
    meta = built["pnet-tace"].root.find("front/article-meta")
    for element, front in zip(
        [meta.find("abstract"), meta.find("trans-abstract")],
        built["pnet-tace"].manuscript.fronts,
        strict=True,
    ):
        assert [s.findtext("title") for s in element.findall("sec")] == [
            heading for heading, _ in front.abstract
        ]


def test_english_case(built: dict[str, Built]) -> None:
    root = built["minimal"].root
    meta = root.find("front/article-meta")
    assert root.get(XML_LANG) == "en"
    assert meta.find("title-group/trans-title-group") is None
    assert meta.find("trans-abstract") is None
    assert [g.get(XML_LANG) for g in meta.findall("kwd-group")] == ["en"]
    assert meta.find("aff") is not None and meta.find("aff-alternatives") is None
    assert meta.find("contrib-group/contrib/name/surname").text == "Doe"
    # no journal data: the profile's id stands for the journal; the ISSN is empty
    assert root.findtext("front/journal-meta/journal-id[@journal-id-type='publisher-id']") == (
        "preprint"
    )
    assert root.findtext("front/journal-meta/issn") == ""
    assert meta.find("author-notes/fn[@fn-type='coi-statement']") is not None
    assert meta.find("funding-group/funding-statement") is not None


@pytest.mark.parametrize("name", EXAMPLES)
def test_sections_in_order(built: dict[str, Built], name: str) -> None:
    secs = built[name].root.findall("body/sec")
    sections = built[name].manuscript.sections
    assert ["".join(s.find("title").itertext()) for s in secs] == [s.heading for s in sections]


@pytest.mark.parametrize("name", ["ileal-net", "pnet-tace", "net-liver-cohort"])
def test_floats(built: dict[str, Built], name: str) -> None:
    case = built[name]
    body = case.root.find("body")
    assert case.manuscript.floats
    for section, sec in zip(case.manuscript.sections, body.findall("sec"), strict=True):
        placed = [e.get("id") for e in sec if e.tag in ("fig", "table-wrap")]
        assert placed == [f.id.replace(":", "-") for f in section.floats]
    for float_ in case.manuscript.floats:
        tag = "fig" if float_.kind == "figure" else "table-wrap"
        element = body.find(f".//{tag}[@id='{float_.id.replace(':', '-')}']")
        assert element is not None, float_.id
        assert [label.text for label in element.findall("label")] == [
            re.sub(r"^(.*? \d+)\. .*$", r"\1", line) for line in float_.caption
        ]
        captions = element.findall("caption")
        assert [c.get(XML_LANG) for c in captions] == case.manuscript.langs
        assert ["".join(c.find("title").itertext()) for c in captions] == [
            float_.spec.caption[lang] for lang in case.manuscript.langs
        ]
        if float_.kind == "figure":
            graphic = element.find("graphic")
            assert graphic.get(XLINK_HREF) == float_.path
            assert graphic.get("mime-subtype") == "svg+xml"
        else:
            assert float_.table is not None
            table = element.find("table")
            assert [th.text for th in table.findall("thead/tr/th")] == float_.table.header
            rows = table.findall("tbody/tr")
            assert len(rows) == len(float_.table.rows)
            assert ["".join(td.itertext()) for td in rows[0]] == float_.table.rows[0]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_xref_resolves(built: dict[str, Built], name: str) -> None:
    root = built[name].root
    by_id = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    targets = {
        "bibr": {"ref"},
        "fig": {"fig", "fig-group"},  # a multi-panel figure is a fig-group
        "table": {"table-wrap"},
        "aff": {"aff", "aff-alternatives"},
        "corresp": {"corresp"},
        "fn": {"fn"},
    }
    kinds = set()
    for xref in root.iter("xref"):
        kind = xref.get("ref-type")
        kinds.add(kind)
        for rid in xref.get("rid").split():
            assert by_id[rid].tag in targets[kind], (kind, rid)
    assert {"bibr", "aff", "corresp"} <= kinds
    floats = built[name].manuscript.floats
    assert {"fig" if f.kind == "figure" else "table" for f in floats} <= kinds
    floats = {"fig" if f.kind == "figure" else "table" for f in built[name].manuscript.floats}
    assert floats <= kinds


@pytest.mark.parametrize("name", EXAMPLES)
def test_reference_list(built: dict[str, Built], name: str) -> None:
    case = built[name]
    bibliography = case.loaded.bibliography
    assert bibliography is not None
    texts = [s.markdown for s in case.manuscript.sections]
    cited = cited_order(texts, set(bibliography.entries))
    refs = case.root.findall("back/ref-list/ref")
    assert [r.get("id") for r in refs] == [f"ref-{key}" for key in cited]
    assert [r.findtext("label") for r in refs] == [str(n) for n in range(1, len(cited) + 1)]
    # the same numbers as the manuscript's own list
    listed = re.findall(r"\{#ref-(\S+) \.csl-entry\}", case.manuscript.references[0].markdown)
    assert listed == cited
    for ref, key in zip(refs, cited, strict=True):
        citations = ref.findall(".//element-citation")
        assert citations and all(c.get("publication-type") for c in citations)
        assert citations[0].find("person-group[@person-group-type='author']") is not None
        doi = bibliography.entries[key].fields.get("doi", "").strip()
        found = {p.text for p in ref.iterfind(".//pub-id[@pub-id-type='doi']")}
        if doi:
            assert found == {re.sub(r"^https?://(dx\.)?doi\.org/", "", doi)}
        else:
            assert not found
    cited_in_text = {
        rid
        for x in case.root.iter("xref")
        if x.get("ref-type") == "bibr"
        for rid in x.get("rid").split()
    }
    assert cited_in_text == {r.get("id") for r in refs}


@pytest.mark.parametrize("name", EXAMPLES)
def test_citation_numbers_match_labels(built: dict[str, Built], name: str) -> None:
    root = built[name].root
    labels = {r.get("id"): r.findtext("label") for r in root.iterfind("back/ref-list/ref")}
    for xref in root.iter("xref"):
        if xref.get("ref-type") != "bibr":
            continue
        rids = xref.get("rid").split()
        expected = labels[rids[0]] if len(rids) == 1 else f"{labels[rids[0]]}–{labels[rids[-1]]}"
        assert xref.text == expected


def test_russian_source_in_two_languages(built: dict[str, Built]) -> None:
    root = built["ileal-net"].root
    ref = root.find("back/ref-list/ref[@id='ref-antsiferov2018carcinoid']")
    original, english = ref.findall("citation-alternatives/element-citation")
    assert original.get(XML_LANG) == "ru" and english.get(XML_LANG) == "en"
    assert original.findtext("person-group/name/surname") == "Анциферов"
    assert english.findtext("person-group/name/surname") == "Antsiferov"
    assert original.find("trans-title").get(XML_LANG) == "en"
    assert english.findtext("article-title") == original.findtext("trans-title")


def test_no_markdown_left(built: dict[str, Built]) -> None:
    for case in built.values():
        text = "".join(case.root.find("body").itertext())
        assert not [c.key for c in find_citations(text)], "a citation was not converted"
        assert "](#" not in text


# -------------------------------------------------------------------------------- a rich case

RICH_BIB = r"""
@book{smith2019book,
  author = {Smith, John and Roe, Richard},
  title = {Clinical \emph{Oncology}},
  publisher = {Springer}, address = {Berlin}, year = {2019}, edition = {2},
  isbn = {978-3-16-148410-0}
}
@incollection{doe2020chapter,
  author = {Doe, Jane}, editor = {Black, Bob},
  title = {Neuroendocrine tumours}, booktitle = {Handbook of Oncology},
  publisher = {Wiley}, year = {2020}, pages = {10--20}
}
@online{who2021site,
  author = {{World Health Organization}}, title = {Cancer fact sheet},
  url = {https://www.who.int/news-room/fact-sheets/detail/cancer}, urldate = {2024-03-01},
  year = {2021}
}
@article{ivanov2020russian,
  author = {Иванов, И. И. and Петров, П. П.},
  title = {Редкий случай},
  englishtitle = {A rare case},
  journal = {Вопросы онкологии},
  englishjournal = {Voprosy Onkologii},
  year = {2020}, volume = {66}, number = {3}, pages = {300--305},
  doi = {10.37469/0507-3758-2020-66-3-300-305}
}
"""

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10"/></svg>'


@pytest.fixture(scope="module")
def rich_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal case with every construct the export handles: an image, a structured
    abstract, footnotes, math, locators, headings in a section, a broken div, more sources."""
    folder = tmp_path_factory.mktemp("jats") / "rich"
    shutil.copytree(CASES / "minimal", folder)
    (folder / "images").mkdir()
    (folder / "images" / "scan.svg").write_bytes(SVG)
    (folder / "references.bib").write_text(
        (CASES / "minimal" / "references.bib").read_text(encoding="utf-8") + RICH_BIB,
        encoding="utf-8",
    )
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["abstract"] = [
        {"heading": "Background", "text": "Why it *matters*."},
        {"heading": "Case presentation", "text": "What happened."},
    ]
    data["journal"] = {"name": "Example Journal", "year": 2024, "volume": 3, "pages": "e12"}
    data["affiliations"]["example"].update(
        {"department": "Department of Surgery", "ror": "https://ror.org/02mhbdp94"}
    )
    data["authors"][0].update({"orcid": "0000-0002-1825-0097", "spin": "1234-5678"})
    data["figures"] = [{"id": "scan", "file": "images/scan.svg", "caption": "Abdominal *MRI*."}]
    data["sections"]["introduction"] = (
        "Text with a footnote^[See the [CARE site](https://www.care-statement.org) "
        "[@riley2017care].] and math $x^2$ [see @gagnier2013care, p. 5; @smith2019book].\n\n"
        "## A heading inside\n\nSources [@doe2020chapter; @who2021site; @ivanov2020russian; "
        "@smith2019book] and @fig:scan."
    )
    data["sections"]["discussion"] = "::: {.note}\nA div that is never closed [@riley2017care]."
    data["declarations"]["ethics"] = "Approved by the ethics committee."
    data["declarations"]["acknowledgements"] = "We thank the *team*."
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize("mode", ["en", "bilingual"])
def test_rich_case_is_valid(rich_case: Path, schema_dir: Path, mode: LangMode) -> None:
    loaded = load_case(rich_case)
    manuscript = build_manuscript(loaded, mode)
    xml = build_jats(loaded, manuscript, media_dir="files")
    root = validate(xml, schema_dir)
    assert xml == build_jats(loaded, manuscript, media_dir="files")
    meta = root.find("front/article-meta")
    assert [s.findtext("title") for s in meta.findall("abstract/sec")] == [
        "Background",
        "Case presentation",
    ]
    assert root.findtext("front/journal-meta/journal-id[@journal-id-type='publisher-id']") == (
        "example-journal"
    )
    assert meta.findtext("fpage") == "e12" and meta.find("lpage") is None
    assert meta.find(".//institution-wrap/institution-id[@institution-id-type='ror']") is not None
    assert meta.find(".//contrib-id[@contrib-id-type='spin']").text == "1234-5678"
    fig = root.find("body//fig[@id='fig-scan']")
    assert fig.find("graphic").get(XLINK_HREF) == "files/fig01-scan.svg"
    intro = root.find("body/sec[@id='sec-introduction']")
    assert intro.find("sec/title").text == "A heading inside"
    assert intro.find(".//inline-formula") is not None
    notes = root.findall("back/fn-group[@content-type='footnotes']/fn")
    assert [fn.get("id") for fn in notes] == ["fn-1"]
    assert notes[0].find("p/ext-link") is not None
    assert root.find("body//xref[@ref-type='fn'][@rid='fn-1']") is not None
    paragraph = "".join(intro.find("p").itertext())
    # numbers by first citation, the footnote's included; with a locator, as written
    assert "[see 2, p.\u00a05; 3]" in paragraph
    refs = {r.get("id"): r for r in root.iterfind("back/ref-list/ref")}
    grouped = [x for x in intro.iter("xref") if x.get("ref-type") == "bibr"]
    assert [x.text for x in grouped][-1] == "3–6"  # [3, 4, 5, 6] collapsed, every ref linked
    assert len(grouped[-1].get("rid").split()) == 4
    book = refs["ref-smith2019book"].find("element-citation")
    assert book.get("publication-type") == "book"
    assert book.find("source/italic").text == "Oncology"
    assert book.findtext("publisher-name") == "Springer"
    chapter = refs["ref-doe2020chapter"].find("element-citation")
    assert chapter.findtext("chapter-title") == "Neuroendocrine tumours"
    assert chapter.find("person-group[@person-group-type='editor']") is not None
    site = refs["ref-who2021site"].find("element-citation")
    assert site.get("publication-type") == "webpage"
    assert site.findtext("person-group/collab") == "World Health Organization"
    assert site.find("ext-link").get(XLINK_HREF).startswith("https://www.who.int/")
    assert site.find("date-in-citation[@content-type='access-date']").text == "2024-03-01"
    assert refs["ref-ivanov2020russian"].find("citation-alternatives") is not None
    ethics = "back/sec[@sec-type='ethics-statement']/sec[@sec-type='ethics-approval']"
    assert root.find(ethics) is not None
    assert root.find("back/ack/p/italic").text == "team"
    discussion = "".join(root.find("body/sec[@id='sec-discussion']").itertext())
    assert "never closed" in discussion


# -------------------------------------------------------------------------------- profiles


@pytest.mark.parametrize("journal", ["ru-oncology", "jmcr"])
def test_journal_profile(schema_dir: Path, journal: str) -> None:
    """A journal's section plan nests CARE sections under its headings; still valid."""
    profile = load_profile(journal)
    loaded = load_case(CASES / "ileal-net")
    manuscript = build_manuscript(loaded, profile.language or "bilingual", "media", None, profile)
    root = validate(build_jats(loaded, manuscript, profile=profile), schema_dir)
    top = [s for s in manuscript.sections if s.level == 1]
    assert ["".join(s.find("title").itertext()) for s in root.findall("body/sec")] == [
        s.heading for s in top
    ]
    for section in manuscript.sections:
        path = "body/sec/sec" if section.level == 2 else "body/sec"
        assert root.find(f"{path}[@id='sec-{section.key.replace('_', '-')}']") is not None


# -------------------------------------------------------------------------------- Markdown


def test_inline_snippets_stay_inline() -> None:
    """Table cells and captions are read as inline text: ``-`` or ``1.`` is no list."""
    fragments = Fragments(lambda n: f"fn-{n}")
    cells = ["-", "1.", "# 5", "(a) left", "*x* and H~2~O", "a\n\nb"]
    handles = [fragments.add(inline_markdown(cell)) for cell in cells]
    fragments.convert(Targets({}, {}))
    texts = []
    for handle in handles:
        td = etree.Element("td")
        fragments.fill(td, handle)
        texts.append("".join(td.itertext()))
        if handle == handles[4]:
            assert [child.tag for child in td] == ["italic", "sub"]
    assert texts == ["-", "1.", "# 5", "(a) left", "x and H2O", "a b"]
