"""Figures: numbered by first reference, bilingual captions, embedded in PDF, DOCX and HTML."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tests.conftest import run_casepub
from tests.helpers import html_tree, pdf_text

FIGURES = """
figures:
  - id: later
    file: images/b.png
    caption: {ru: Вторая картинка, en: Second picture}
  - id: scan
    file: images/a.png
    caption: {ru: МРТ органов брюшной полости, en: Abdominal MRI}
"""


def _png(path: Path, shade: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(2, 1.5))
    axes.bar([1, 2], [shade, 10 - shade])
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=50)
    plt.close(figure)


@pytest.fixture(scope="module")
def figure_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    case = tmp_path_factory.mktemp("fig") / "case"
    assert run_casepub("new", case).code == 0
    _png(case / "images" / "a.png", 3)
    _png(case / "images" / "b.png", 7)
    yaml_file = case / "case.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    text = text.replace(
        "    ru: Пациентка, 50 лет, …", "    ru: Пациентка, 50 лет (@fig:scan), затем [@fig:later]."
    )
    text = text.replace(
        "    en: A 50-year-old woman …",
        "    en: A 50-year-old woman (@fig:scan), then [@fig:later].",
    )
    yaml_file.write_text(
        text.replace("bibliography:", FIGURES + "\nbibliography:"), encoding="utf-8"
    )
    return case


@pytest.fixture(scope="module")
def outputs(figure_case: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    result = run_casepub("build", figure_case, "--format", "pdf,docx,html", "--out", out)
    assert result.code == 0, result.stderr
    return {Path(p).suffix: Path(p) for p in result.stdout.splitlines()}


def test_figures_numbered_in_order_of_first_reference(outputs: dict[str, Path]) -> None:
    tree = html_tree(outputs[".html"])
    captions = [f.text_content() for f in tree.xpath("//figure/figcaption")]
    assert captions[0].startswith("Рис. 1. МРТ органов брюшной полости")
    assert "Fig. 1. Abdominal MRI" in captions[0]
    assert captions[1].startswith("Рис. 2. Вторая картинка")
    links = {a.get("href"): a.text_content() for a in tree.xpath("//a[starts-with(@href, '#fig')]")}
    assert links == {"#fig:scan": "рис.\u00a01", "#fig:later": "рис.\u00a02"}


def test_html_embeds_images(outputs: dict[str, Path]) -> None:
    sources = [img.get("src") for img in html_tree(outputs[".html"]).xpath("//figure//img")]
    assert len(sources) == 2 and all(s.startswith("data:image/png;base64,") for s in sources)


def test_docx_embeds_images_with_bilingual_captions(outputs: dict[str, Path]) -> None:
    document = docx.Document(str(outputs[".docx"]))
    assert len(document.inline_shapes) == 2
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Рис. 1. МРТ органов брюшной полости" in text and "Fig. 1. Abdominal MRI" in text


def test_pdf_places_images_with_captions(outputs: dict[str, Path]) -> None:
    text = pdf_text(outputs[".pdf"])
    assert "Рис. 1. МРТ органов брюшной полости" in text and "Fig. 2. Second picture" in text
    images = sum(len(page.images) for page in PdfReader(outputs[".pdf"]).pages)
    assert images == 2


def test_unknown_figure_reference_is_located(figure_case: Path, tmp_path: Path) -> None:
    broken = tmp_path / "case"
    run_casepub("new", broken)
    yaml_file = broken / "case.yaml"
    lines = (
        yaml_file.read_text(encoding="utf-8")
        .replace("Главный вывод.", "Главный вывод (@fig:nothing).")
        .splitlines()
    )
    yaml_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = next(i for i, t in enumerate(lines, 1) if "@fig:nothing" in t)
    result = run_casepub("check", broken)
    assert result.code == 1
    col = lines[line - 1].index("@fig") + 1
    assert (
        f"case.yaml:{line}:{col}: sections.conclusion.ru: no figure `fig:nothing`" in result.stdout
    )


@pytest.mark.parametrize(
    ("image", "message"),
    [("https://example.org/x.png", "remote image"), ("local.png", "images in the text")],
)
def test_images_in_the_text_are_refused(tmp_path: Path, image: str, message: str) -> None:
    case = tmp_path / "case"
    run_casepub("new", case)
    discussion = case / "sections" / "discussion.en.md"
    discussion.write_text(f"Text.\n\nSee ![scan]({image}).\n", encoding="utf-8")
    result = run_casepub("check", case)
    assert result.code == 1
    assert f"discussion.en.md:3:5: sections.discussion.file: {message}" in result.stdout
    assert "[inline-image]" in result.stdout


def test_images_lose_their_metadata(tmp_path: Path) -> None:
    """EXIF (author, camera) and PNG text chunks never reach the outputs."""
    from PIL import Image, PngImagePlugin

    case = tmp_path / "case"
    run_casepub("new", case)
    (case / "images").mkdir()
    photo = Image.new("RGB", (60, 40), (180, 40, 40))
    exif = Image.Exif()
    exif[0x013B] = "Dr Ivanov"  # Artist
    exif[0x010F] = "CameraMaker"  # Make
    photo.save(case / "images" / "scan.jpg", exif=exif.tobytes(), quality=92)
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Ivanova Anna Petrovna")
    photo.save(case / "images" / "chart.png", pnginfo=info)
    yaml_file = case / "case.yaml"
    figures = (
        "figures:\n  - {id: scan, file: images/scan.jpg, caption: Scan}\n"
        "  - {id: chart, file: images/chart.png, caption: Chart}\n\nbibliography:"
    )
    yaml_file.write_text(
        yaml_file.read_text(encoding="utf-8").replace("bibliography:", figures), encoding="utf-8"
    )
    result = run_casepub("build", case, "--format", "html", "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    media = [Path(p) for p in result.stdout.split() if "/media/" in p]
    assert len(media) == 2
    for path in media:
        data = path.read_bytes()
        assert b"Ivanov" not in data and b"CameraMaker" not in data
        with Image.open(path) as image:
            assert not image.getexif() and "Author" not in image.info
            assert image.size == (60, 40)
