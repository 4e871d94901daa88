"""The DOCX reference document of a journal profile: pandoc's own, with the profile's body
size, line spacing and (for manuscripts under review) line numbers; or the profile's file."""

from __future__ import annotations

import io
import subprocess
import zipfile
from functools import cache

from casepub.convert.pandoc import pandoc_executable
from casepub.profiles import Output, Profile

_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


@cache
def _pandoc_reference() -> bytes:
    result = subprocess.run(
        [pandoc_executable(), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        check=True,
    )
    return result.stdout


def _styles(xml: str, output: Output) -> str:
    size = round(output.font_size * 2)
    xml = xml.replace('<w:sz w:val="24" />', f'<w:sz w:val="{size}" />', 1)
    xml = xml.replace('<w:szCs w:val="24" />', f'<w:szCs w:val="{size}" />', 1)
    line = round(240 * output.line_spacing)
    return xml.replace(
        '<w:spacing w:before="180" w:after="180" />',
        f'<w:spacing w:before="120" w:after="120" w:line="{line}" w:lineRule="auto" />',
        1,
    )


def _document(xml: str, output: Output) -> str:
    if not output.line_numbers:
        return xml
    return xml.replace(
        "<w:sectPr>", '<w:sectPr><w:lnNumType w:countBy="1" w:restart="continuous" />', 1
    )


def reference_docx(profile: Profile) -> bytes:
    """The reference document's bytes (deterministic: fixed times in the archive)."""
    own = next(
        (f / "reference.docx" for f in profile.folders if (f / "reference.docx").is_file()), None
    )
    if own is not None:
        return own.read_bytes()
    source = zipfile.ZipFile(io.BytesIO(_pandoc_reference()))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                data = _styles(data.decode("utf-8"), profile.output).encode("utf-8")
            elif info.filename == "word/document.xml":
                data = _document(data.decode("utf-8"), profile.output).encode("utf-8")
            archive.writestr(zipfile.ZipInfo(info.filename, _FIXED_TIME), data)
    return target.getvalue()
