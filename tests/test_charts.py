"""Generated figures and tables of the example cases: numbered, captioned in both languages,
cross-referenced in PDF, DOCX and HTML, and byte-identical from build to build."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from casepub.build import BuildOptions, build_case, default_mode
from casepub.load.loader import load_case
from casepub.render import build_manuscript
from casepub.render.floats import Float
from tests.conftest import CASES
from tests.helpers import html_tree, pdf_text, squash

CLINICAL = ["ileal-net", "pnet-tace"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("charts")
    built = {}
    for name in CLINICAL:
        files = build_case(CASES / name, BuildOptions(("pdf", "docx", "html"), out=out))
        built[name] = {p.name: p for p in files}
    return built


def floats_of(name: str) -> list[Float]:
    loaded = load_case(CASES / name)
    return build_manuscript(loaded, default_mode(loaded)).floats


def _file(files: dict[str, Path], suffix: str) -> Path:
    return next(p for n, p in files.items() if n.endswith(suffix) and "/media/" not in str(p))


@pytest.mark.parametrize("name", CLINICAL)
def test_examples_have_timeline_a_data_figure_and_a_table(name: str) -> None:
    ids = {f.id for f in floats_of(name)}
    assert "fig:timeline" in ids and "tbl:timeline" in ids
    assert ids & {"fig:markers", "fig:labs", "fig:lesions", "fig:ecog"}
    assert ids & {"tbl:labs", "tbl:markers", "tbl:treatments"}


@pytest.mark.parametrize("name", CLINICAL)
def test_numbering_follows_first_reference(name: str) -> None:
    numbers: dict[str, list[int]] = {"figure": [], "table": []}
    for item in floats_of(name):
        numbers[item.kind].append(item.number)
    assert all(n == list(range(1, len(n) + 1)) for n in numbers.values())


@pytest.mark.parametrize("name", CLINICAL)
def test_pdf_has_every_caption_in_both_languages(
    name: str, outputs: dict[str, dict[str, Path]]
) -> None:
    text = squash(pdf_text(_file(outputs[name], ".pdf")))
    for item in floats_of(name):
        for caption in item.caption:
            assert squash(caption) in text, caption


@pytest.mark.parametrize("name", CLINICAL)
def test_pdf_cross_references_resolve(name: str, outputs: dict[str, dict[str, Path]]) -> None:
    typ = _file(outputs[name], ".typ").read_text(encoding="utf-8")
    labels = set(re.findall(r"<((?:fig|tbl):[\w-]+)>\s*$", typ, re.MULTILINE))
    links = set(re.findall(r"#link\(<((?:fig|tbl):[\w-]+)>\)", typ))
    assert links and links <= labels
    for chart in re.findall(r'image\("(media/[^"]+)"', typ):
        assert chart.endswith((".svg", ".png", ".jpg"))


@pytest.mark.parametrize("name", CLINICAL)
def test_html_links_every_reference_and_embeds_svg(
    name: str, outputs: dict[str, dict[str, Path]]
) -> None:
    tree = html_tree(_file(outputs[name], ".html"))
    ids = {e.get("id") for e in tree.xpath("//*[@id]")}
    hrefs = {
        a.get("href")[1:]
        for a in tree.xpath("//a[starts-with(@href, '#fig:') or starts-with(@href, '#tbl:')]")
    }
    assert hrefs and hrefs <= ids
    sources = [img.get("src") for img in tree.xpath("//figure//img")]
    assert sources and all(s.startswith("data:image/svg+xml") for s in sources)


@pytest.mark.parametrize("name", CLINICAL)
def test_docx_uses_png_charts_and_bookmarked_references(
    name: str, outputs: dict[str, dict[str, Path]]
) -> None:
    with zipfile.ZipFile(_file(outputs[name], ".docx")) as docx:
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
        document = docx.read("word/document.xml").decode("utf-8")
    figures = [f for f in floats_of(name) if f.kind == "figure"]
    assert len(media) == len(figures) and all(m.endswith(".png") for m in media)
    anchors = set(re.findall(r'w:anchor="([^"]+)"', document))
    bookmarks = set(re.findall(r'w:bookmarkStart[^>]*w:name="([^"]+)"', document))
    cross = {a for a in anchors if a.startswith(("fig:", "tbl:"))}
    assert cross and cross <= bookmarks


def test_charts_are_byte_identical_across_builds_and_processes(tmp_path: Path) -> None:
    first = build_case(CASES / "ileal-net", BuildOptions(("html", "docx"), out=tmp_path / "a"))
    second = build_case(CASES / "ileal-net", BuildOptions(("html", "docx"), out=tmp_path / "b"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "casepub",
            "build",
            str(CASES / "ileal-net"),
            "--format",
            "html,docx",
            "--out",
            str(tmp_path / "c"),
        ],
        check=True,
        capture_output=True,
    )
    charts = [p for p in first if p.suffix in (".svg", ".png")]
    assert len(charts) >= 4
    for a, b in zip(first, second, strict=True):
        if a.suffix == ".docx":  # a zip with its own timestamps; not promised byte-identical
            continue
        third = tmp_path / "c" / a.relative_to(tmp_path / "a")
        assert a.read_bytes() == b.read_bytes() == third.read_bytes(), a.name


def test_submission_tiffs_at_300_and_600_dpi(tmp_path: Path) -> None:
    from PIL import Image

    written = build_case(CASES / "ileal-net", BuildOptions(("figures",), out=tmp_path))
    tiffs = [p for p in written if p.suffix == ".tiff"]
    assert tiffs and {p.parent.name for p in tiffs} == {"figures"}
    for path in tiffs:
        with Image.open(path) as image:
            dpi = 600 if path.stem.endswith("600dpi") else 300
            assert round(image.info["dpi"][0]) == dpi
            assert image.mode == "RGB"
