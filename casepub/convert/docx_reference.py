"""The DOCX reference document of a journal profile: pandoc's own, restyled as a manuscript
for submission (or the profile's own ``reference.docx``).

A4 with the profile's margins; one font and size for the body, the abstract and the front
matter, at the profile's line spacing; the title a plain bold heading, not a poster; black
headings and links; tables single-spaced at the profile's table size, with rules above,
below and under the header row; the page number in the footer; continuous line numbers when
the profile asks for them (manuscripts under review).
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from functools import cache

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from casepub.convert.pandoc import pandoc_executable
from casepub.profiles import Output, Profile

_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS = f'xmlns:w="{W}" xmlns:r="{_R}"'
_A4 = (11906, 16838)
"""A4 in twips (1/20 point)."""
_TWIPS_PER_CM = 1440 / 2.54
_FOOTER = "footer-casepub.xml"
_FOOTER_ID = "rIdCasepubFooter"
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"


def text_width(output: Output) -> float:
    """Width of the text column in points: A4 less the profile's margins."""
    return (_A4[0] - 2 * _twips(output.margins)) / 20


def text_height(output: Output) -> float:
    """Height of the text column in points: A4 less the profile's margins."""
    return (_A4[1] - 2 * _twips(output.margins)) / 20


def xml_bytes(root: etree._Element) -> bytes:
    """An XML part of the DOCX, with its declaration."""
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def _twips(cm: float) -> int:
    return round(cm * _TWIPS_PER_CM)


def _q(name: str) -> str:
    return f"{{{W}}}{name}"


@cache
def _pandoc_reference() -> bytes:
    result = subprocess.run(
        [pandoc_executable(), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        check=True,
    )
    return result.stdout


def _run(size: float, *marks: str) -> str:
    """A run's properties in schema order: ``b`` and ``i`` (with their complex-script
    twins) and the size."""
    half = round(size * 2)
    flags = "".join(f"<w:{m}/><w:{m}Cs/>" for m in ("b", "i") if m in marks)
    return f'{flags}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _spacing(before: int, after: int, line: float) -> str:
    return (
        f'<w:spacing w:before="{before}" w:after="{after}" '
        f'w:line="{round(240 * line)}" w:lineRule="auto"/>'
    )


_KEEP = "<w:keepNext/><w:keepLines/>"
_LEFT = '<w:jc w:val="left"/>'
_FRONT_BLOCKS = (
    ("ArticleType", "Article Type", _KEEP + _LEFT, ("b",)),
    ("Affiliation", "Affiliation", _KEEP + _LEFT, ("i",)),
    ("Contact", "Contact", _LEFT, ()),
    ("Keywords", "Keywords", _LEFT, ()),
    ("ForCitation", "For Citation", _LEFT, ()),
    ("Declarations", "Declarations", "", ()),
    ("AuthorInformation", "Author Information", _LEFT, ()),
)
"""The front matter's and back matter's blocks (``casepub.lua`` names them): the body's size,
set apart by space (and the article type in bold, affiliations in italics), so an editor sees
each block and a journal's template can restyle it by name."""
_CUSTOM = {
    "FirstParagraph",
    "Compact",
    "Author",
    "AbstractTitle",
    "Abstract",
    "TableCaption",
    "ImageCaption",
    "Figure",
    "CaptionedFigure",
    "TableText",
    "TableHeading",
    *(style_id for style_id, _name, _ppr, _marks in _FRONT_BLOCKS),
}


def _style(style_id: str, name: str, based_on: str | None, ppr: str = "", rpr: str = "") -> str:
    """A paragraph style (``ppr``, ``rpr``: the inner XML of its properties)."""
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    custom = ' w:customStyle="1"' if style_id in _CUSTOM else ""
    default = ' w:default="1"' if style_id == "Normal" else ""
    props = (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "")
    return (
        f'<w:style {_NS} w:type="paragraph"{default}{custom} w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/>{based}<w:qFormat/>{props}</w:style>'
    )


def _front_styles(output: Output) -> list[str]:
    """Body and front matter: one size; the title only a little larger, bold, left."""
    body, line = output.font_size, output.line_spacing
    return [
        _style("Normal", "Normal", None, _spacing(0, 0, line), _run(body)),
        _style("BodyText", "Body Text", "Normal", _spacing(0, 120, line)),
        _style("FirstParagraph", "First Paragraph", "BodyText"),
        _style("Compact", "Compact", "BodyText", _spacing(0, 40, line)),
        _style(
            "Title",
            "Title",
            "Normal",
            _KEEP + _spacing(240, 240, line) + _LEFT,
            _run(body + 2, "b"),
        ),
        _style("Subtitle", "Subtitle", "Normal", _KEEP + _spacing(0, 240, line), _run(body, "b")),
        _style("Author", "Author", "Normal", _KEEP + _spacing(0, 120, line), _run(body)),
        _style("Date", "Date", "Normal", _KEEP + _spacing(0, 120, line), _run(body)),
        _style(
            "AbstractTitle",
            "Abstract Title",
            "Normal",
            _KEEP + _spacing(240, 0, line),
            _run(body, "b"),
        ),
        _style("Abstract", "Abstract", "BodyText", "", _run(body)),
        *(
            _style(style_id, name, "Normal", ppr + _spacing(0, 120, line), _run(body, *marks))
            for style_id, name, ppr, marks in _FRONT_BLOCKS
        ),
    ]


def _heading_styles(output: Output) -> list[str]:
    """Headings in the body font, black: bold, then bold italic, then italic."""
    styles = []
    for level in range(1, 10):
        marks = ("b",) if level <= 2 else ("b", "i") if level == 3 else ("i",)
        size = output.font_size + (1 if level == 1 else 0)
        before = 360 if level == 1 else 240
        ppr = _KEEP + _spacing(before, 120, output.line_spacing)
        ppr += f'<w:outlineLvl w:val="{level - 1}"/>'
        styles.append(
            _style(f"Heading{level}", f"heading {level}", "Normal", ppr, _run(size, *marks))
        )
    return styles


def _float_styles(output: Output) -> list[str]:
    """Captions, figures, table text (single-spaced: a table is read across, and a smaller
    size keeps a date or a value with its unit on one line of a narrow column), footnotes,
    the footer."""
    table = output.table_font_size
    single = _spacing(0, 0, 1.0)
    return [
        _style("Caption", "caption", "Normal", _spacing(120, 120, 1.0), _run(output.font_size)),
        _style("TableCaption", "Table Caption", "Caption", "<w:keepNext/>"),
        _style("ImageCaption", "Image Caption", "Caption"),
        _style("Figure", "Figure", "Normal", "<w:keepNext/>" + _spacing(120, 0, 1.0)),
        _style("CaptionedFigure", "Captioned Figure", "Figure", "<w:keepNext/>"),
        _style("TableText", "Table Text", "Normal", _spacing(20, 20, 1.0), _run(table)),
        _style("TableHeading", "Table Heading", "TableText", "<w:keepNext/>", _run(table, "b")),
        _style("FootnoteText", "footnote text", "Normal", single, _run(table)),
        _style("Footer", "footer", "Normal", single + '<w:jc w:val="center"/>'),
    ]


_TABLE_STYLE = f"""<w:style {_NS} w:type="table" w:default="1" w:styleId="Table">
<w:name w:val="Table"/><w:basedOn w:val="TableNormal"/><w:qFormat/>
<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>
<w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/>
<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/></w:tblBorders>
<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>
<w:tblStylePr w:type="firstRow"><w:tcPr><w:tcBorders>
<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tcBorders>
<w:vAlign w:val="bottom"/></w:tcPr></w:tblStylePr></w:style>"""
"""Tables with three rules (above, under the header, below), cell padding 108 twips a side
(``docx_measure.CELL_MARGIN_PT``)."""

_LINKED = re.compile(r"^(Title|Subtitle|Heading\d)Char$")


def _styles(xml: bytes, output: Output) -> bytes:
    root = etree.fromstring(xml)
    _set_defaults(root, output)
    for style in root.iterfind(_q("style")):
        style_id = style.get(_q("styleId")) or ""
        if _LINKED.match(style_id):
            root.remove(style)
            continue
        for prop in style.iter(_q("color"), _q("rFonts")):
            if prop.tag == _q("color") or any("Theme" in key for key in prop.attrib):
                prop.getparent().remove(prop)
        for link in style.iterfind(_q("link")):
            style.remove(link)
    own = _front_styles(output) + _heading_styles(output) + _float_styles(output)
    for text in [*own, _TABLE_STYLE]:
        _put_style(root, etree.fromstring(text))
    return xml_bytes(root)


def _set_defaults(root: etree._Element, output: Output) -> None:
    """The document's font and size, no space after paragraphs unless a style says so."""
    half = str(round(output.font_size * 2))
    rpr = root.find(f"{_q('docDefaults')}/{_q('rPrDefault')}/{_q('rPr')}")
    assert rpr is not None
    fonts = rpr.find(_q("rFonts"))
    assert fonts is not None
    fonts.attrib.clear()
    for key in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(_q(key), output.font)
    for tag in ("sz", "szCs"):
        element = rpr.find(_q(tag))
        assert element is not None
        element.set(_q("val"), half)
    spacing = root.find(f".//{_q('pPrDefault')}//{_q('spacing')}")
    assert spacing is not None
    spacing.attrib.clear()
    spacing.set(_q("after"), "0")


def _put_style(root: etree._Element, style: etree._Element) -> None:
    """Replace the style of the same id, or add it."""
    style_id = style.get(_q("styleId"))
    for old in root.iterfind(_q("style")):
        if old.get(_q("styleId")) == style_id:
            old.getparent().replace(old, style)
            return
    root.append(style)


def _section(output: Output) -> str:
    """The page: A4, margins, the footer with the page number, line numbers if asked."""
    margin = _twips(output.margins)
    numbers = (
        '<w:lnNumType w:countBy="1" w:distance="284" w:restart="continuous"/>'
        if output.line_numbers
        else ""
    )
    return (
        f'<w:sectPr {_NS}><w:footerReference w:type="default" r:id="{_FOOTER_ID}"/>'
        '<w:footnotePr><w:numRestart w:val="eachSect"/></w:footnotePr>'
        f'<w:pgSz w:w="{_A4[0]}" w:h="{_A4[1]}"/>'
        f'<w:pgMar w:top="{margin}" w:right="{margin}" w:bottom="{margin}" w:left="{margin}" '
        f'w:header="709" w:footer="709" w:gutter="0"/>{numbers}'
        '<w:cols w:space="708"/></w:sectPr>'
    )


def _document(xml: bytes, output: Output) -> bytes:
    root = etree.fromstring(xml)
    body = root.find(_q("body"))
    assert body is not None
    old = body.find(_q("sectPr"))
    if old is not None:
        body.remove(old)
    body.append(etree.fromstring(_section(output)))
    return xml_bytes(root)


_FOOTER_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr {_NS}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>
<w:r><w:fldChar w:fldCharType="begin"/></w:r>
<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>
<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>
<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>"""
"""The footer: the page number, a PAGE field."""


def _relationships(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    ns = root.nsmap[None]
    relation = etree.SubElement(root, f"{{{ns}}}Relationship")
    relation.set("Id", _FOOTER_ID)
    relation.set("Type", f"{_R}/footer")
    relation.set("Target", _FOOTER)
    return xml_bytes(root)


def _content_types(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    ns = root.nsmap[None]
    override = etree.SubElement(root, f"{{{ns}}}Override")
    override.set("PartName", f"/word/{_FOOTER}")
    override.set("ContentType", _FOOTER_TYPE)
    return xml_bytes(root)


def reference_docx(profile: Profile) -> bytes:
    """The reference document's bytes (deterministic: fixed times in the archive)."""
    own = next(
        (f / "reference.docx" for f in profile.folders if (f / "reference.docx").is_file()), None
    )
    if own is not None:
        return own.read_bytes()
    output = profile.output
    edits = {
        "word/styles.xml": lambda data: _styles(data, output),
        "word/document.xml": lambda data: _document(data, output),
        "word/_rels/document.xml.rels": _relationships,
        "[Content_Types].xml": _content_types,
    }
    source = zipfile.ZipFile(io.BytesIO(_pandoc_reference()))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    for name, edit in edits.items():
        parts[name] = edit(parts[name])
    parts[f"word/{_FOOTER}"] = _FOOTER_XML.encode("utf-8")
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(parts):
            archive.writestr(zipfile.ZipInfo(name, _FIXED_TIME), parts[name])
    return target.getvalue()
