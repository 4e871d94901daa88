"""Refuse output-format markup in the author's texts (``raw-markup``).

casepub writes every output from one Markdown, read by pandoc without raw HTML and raw TeX
and in its sandbox, and typst compiles inside the build folder — so such markup cannot read a
file. Still, it is refused where it is written (file:line:col and key path) because it could
never do what the author meant: raw typst/HTML/LaTeX blocks (``{=typst}``) go to one format
unchecked (and could try to read files), HTML and LaTeX commands print as text, a metadata
block (``---`` … ``---``) in a section would change the document's settings, and a ``file:``
link points into the author's computer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from casepub.diagnostics import Diagnostic
from casepub.load.loaded import LoadedCase
from casepub.load.yamlsource import format_path

CODE = "raw-markup"

_HTML_ELEMENTS = (
    "a|abbr|address|area|article|aside|audio|b|base|bdi|bdo|blockquote|body|br|button|"
    "canvas|caption|cite|code|col|colgroup|data|dd|del|details|dfn|dialog|div|dl|dt|em|"
    "embed|fieldset|figcaption|figure|font|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|"
    "head|header|hr|html|i|iframe|img|input|ins|kbd|label|legend|li|link|main|map|mark|"
    "math|meta|meter|nav|noscript|object|ol|optgroup|option|output|p|param|picture|pre|"
    "progress|q|s|samp|script|section|select|small|source|span|strong|style|sub|summary|"
    "sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|time|title|tr|track|u|ul|var|"
    "video|wbr"
)
_RAW_ATTRIBUTE = re.compile(r"\{\s*=\s*(?P<format>[\w+-]+)\s*\}")
_HTML = re.compile(r"<!--|</?(?P<tag>" + _HTML_ELEMENTS + r")(?=[\s/>])[^<>]*>", re.IGNORECASE)
_TEX = re.compile(r"\\(?P<command>[A-Za-z]+)")
_FILE_LINK = re.compile(r"(?:\]\(\s*<?|<|\]:\s*)(?P<target>file:[^\s)>]*)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(?!`)(?P<body>.+?)(?<!`)\1(?!`)")
_MATH = re.compile(r"\$(?!\s)[^$\n]*?(?<![\s\\])\$(?!\d)")
_FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
_YAML_ESCAPE = re.compile(
    r'\\(?:[0abtnvfre "/N_LP]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})'
)
_NOT_TEXT = {"file", "bibliography", "csl", "url", "doi", "email", "orcid", "id", "profile"}


@dataclass(frozen=True)
class Finding:
    """A piece of raw markup at a 0-based line and column of a text."""

    line: int
    col: int
    message: str
    suggestion: str


def _mask(line: str, pattern: re.Pattern[str], keep_raw: bool = False) -> str:
    def blank(match: re.Match[str]) -> str:
        after = line[match.end() : match.end() + 3]
        if keep_raw and after.lstrip().startswith("{="):
            return match.group(0)  # a raw inline (`…`{=typst}): reported, not hidden
        return " " * len(match.group(0))

    return pattern.sub(blank, line)


def _metadata_block(lines: list[str], index: int) -> bool:
    """Whether a pandoc YAML metadata block opens at ``lines[index]``."""
    if lines[index].strip() != "---" or index + 1 >= len(lines):
        return False
    if index > 0 and lines[index - 1].strip():
        return False  # a setext heading's underline
    if not lines[index + 1].strip():
        return False  # a horizontal rule
    return any(line.strip() in ("---", "...") for line in lines[index + 2 :])


def scan(text: str) -> Iterator[Finding]:
    """Every piece of raw markup in the Markdown ``text`` (code is not looked into)."""
    lines = text.splitlines()
    fence: str | None = None
    for number, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group("fence").startswith(fence) and not opened.group("info"):
                fence = None
            continue
        if opened:
            fence = opened.group("fence")
            raw = _RAW_ATTRIBUTE.search(opened.group("info"))
            if raw:
                yield _raw_block(number, line.index(opened.group("fence")), raw.group("format"))
            continue
        if _metadata_block(lines, number):
            yield Finding(
                number,
                0,
                "a metadata block (--- … ---) in the text would change the document's settings",
                "for a horizontal rule leave a blank line after `---`; metadata belongs in "
                "case.yaml",
            )
            continue
        plain = _mask(line, _CODE_SPAN, keep_raw=True)
        for match in _RAW_ATTRIBUTE.finditer(plain):
            if match.start() > 0 and plain[match.start() - 1] == "`":
                yield _raw_block(number, plain.rfind("`", 0, match.start() - 1), match["format"])
        plain = _mask(_mask(line, _CODE_SPAN), _MATH)
        for match in _HTML.finditer(plain):
            yield Finding(
                number,
                match.start(),
                f"HTML in the text (`{match.group(0)[:40]}`) is not passed to the outputs: it "
                "would print as text",
                "write Markdown: **bold**, *italic*, ^superscript^, ~subscript~; images go in "
                "`figures:`",
            )
        for match in _TEX.finditer(plain):
            yield Finding(
                number,
                match.start(),
                f"LaTeX in the text (`\\{match.group('command')}`) is not passed to the outputs: "
                "it would print as text",
                "write Markdown; formulas go between $…$",
            )
        for match in _FILE_LINK.finditer(plain):
            yield Finding(
                number,
                match.start("target"),
                f"a link to a file on this computer (`{match.group('target')}`)",
                "link to a public address (https://…) or cite the source",
            )


def _raw_block(line: int, col: int, fmt: str) -> Finding:
    return Finding(
        line,
        col,
        f"raw {fmt} markup (`{{={fmt}}}`) in the text goes to the converter unchecked",
        "write Markdown: casepub makes every output from it; images go in `figures:`",
    )


def _yaml_findings(raw: str) -> Iterator[Finding]:
    """The findings of a YAML scalar as written: escapes of a double-quoted one hidden, the
    indentation of a block or folded one taken off (and added back to the columns)."""
    if raw.startswith('"'):
        raw = _YAML_ESCAPE.sub(lambda m: " " * len(m.group(0)), raw.replace("\\\\", " \\"))
    lines = raw.split("\n")
    indent = min((len(x) - len(x.lstrip()) for x in lines[1:] if x.strip()), default=0)
    body = "\n".join([lines[0], *(x[indent:] for x in lines[1:])])
    for finding in scan(body):
        shift = indent if finding.line > 0 else 0
        yield Finding(finding.line, finding.col + shift, finding.message, finding.suggestion)


def check_markup(loaded: LoadedCase) -> None:
    """Report raw markup in every text of case.yaml and in every section file."""
    source = loaded.source
    for path, raw in sorted(source.raw.items(), key=lambda item: source.values[item[0]].line):
        if not path or any(part in _NOT_TEXT for part in path if isinstance(part, str)):
            continue
        origin = source.values[path]
        for finding in _yaml_findings(raw):
            mark = origin.moved(finding.line, finding.col)
            loaded.diagnostics.add(
                Diagnostic(
                    source.file,
                    mark.line,
                    mark.col,
                    format_path(path),
                    finding.message,
                    CODE,
                    suggestion=finding.suggestion,
                )
            )
    for passages in loaded.sections.values():
        for passage in passages.values():
            if passage.file == source.file:
                continue  # inline: read above from case.yaml
            for finding in scan(passage.text):
                mark = passage.position(finding.line, finding.col)
                loaded.diagnostics.add(
                    passage.diagnostic(mark, finding.message, CODE, suggestion=finding.suggestion)
                )
