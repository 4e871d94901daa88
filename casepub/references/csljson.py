"""BibTeX entries → CSL-JSON items for pandoc's citeproc, and their English form.

``to_csl`` turns the entries that ``bibtex.read_bibliography`` read into CSL-JSON, as written
by Zotero/Better BibTeX, JabRef, Mendeley or by hand: LaTeX accents and commands become
Unicode, ``{Braces}`` that protect case become ``<span class="nocase">``, names are split the
BibTeX way, dates come from ``date`` or ``year``/``month``/``day``, DOIs lose their
``https://doi.org/`` prefix. ``and others`` becomes the name ``{"literal": "others"}``, which
pandoc's citeproc prints as "et al." (or "и др.").

``to_english`` makes the items of the English "References" list: a Russian source gets
transliterated names, title and imprint, its English title in square brackets (from the
``englishtitle`` field), its journal's English name (``englishjournal``), ``language: en``
and the key ``casepub-in-russ`` so that the list can end it with "(In Russ.)".
"""

from __future__ import annotations

import copy
import datetime
import re
import unicodedata
import urllib.parse
from collections.abc import Mapping
from typing import Any, Literal

import iuliia

from casepub.references.bibtex import BibEntry

Translit = Literal["bsi", "bgn", "lc"]

IN_RUSS_KEY = "casepub-in-russ"
"""Set (``True``) on a Russian source in the English list; pandoc ignores unknown keys."""
ENGLISH_TITLE_KEY = "casepub-english-title"
"""The entry's ``englishtitle``, kept in the item for ``to_english``."""
ENGLISH_CONTAINER_KEY = "casepub-english-container-title"
"""The entry's ``englishjournal``, kept in the item for ``to_english``."""

NAME_VARIABLES = ("author", "editor", "translator")

# --------------------------------------------------------------------------------------------
# LaTeX → Unicode
# --------------------------------------------------------------------------------------------


def _table(text: str) -> dict[str, str]:
    """A table written as whitespace-separated ``key value`` pairs."""
    words = text.split()
    return dict(zip(words[::2], words[1::2], strict=True))


_ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "d": "\u0323",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
    "t": "\u0361",
}

_SYMBOLS = _table(
    """
    alpha α  beta β  gamma γ  delta δ  epsilon ϵ  varepsilon ε  zeta ζ  eta η  theta θ
    vartheta ϑ  iota ι  kappa κ  lambda λ  mu μ  nu ν  xi ξ  pi π  rho ρ  varrho ϱ  sigma σ
    varsigma ς  tau τ  upsilon υ  phi ϕ  varphi φ  chi χ  psi ψ  omega ω  Gamma Γ  Delta Δ
    Theta Θ  Lambda Λ  Xi Ξ  Pi Π  Sigma Σ  Upsilon Υ  Phi Φ  Psi Ψ  Omega Ω

    ss ß  SS SS  o ø  O Ø  ae æ  AE Æ  oe œ  OE Œ  aa å  AA Å  l ł  L Ł  i ı  j ȷ  dh ð  DH Ð
    th þ  TH Þ  dj đ  DJ Đ  ng ŋ  NG Ŋ

    textendash –  textemdash —  textquoteleft ‘  textquoteright ’  textquotedblleft “
    textquotedblright ”  guillemotleft «  guillemotright »  guillemetleft «  guillemetright »
    textregistered ®  texttrademark ™  textcopyright ©  copyright ©  textdegree °
    textcelsius °C  S §  P ¶  textsection §  dag †  ddag ‡  ldots …  dots …  textellipsis …
    textasciitilde ~  textunderscore _  textbackslash \\  textbar |  textless <  textgreater >
    textmu µ  textperthousand ‰  textpm ±  texttimes ×  textbullet •  textperiodcentered ·
    textasciicircum ^  LaTeX LaTeX  TeX TeX  slash /  textslash /

    pm ±  mp ∓  times ×  cdot ·  leq ≤  le ≤  geq ≥  ge ≥  neq ≠  ne ≠  approx ≈  sim ~
    infty ∞  to →  rightarrow →  leftarrow ←  uparrow ↑  downarrow ↓  circ ∘  degree °
    prime ′  lt <  gt >
    """
) | {"nobreakspace": "\u00a0", "quad": " ", "qquad": " ", "enspace": " "}
"""Commands (text and math) that stand for one symbol."""

_CONTROL_SYMBOLS = {
    "&": "&",
    "%": "%",
    "$": "$",
    "#": "#",
    "_": "_",
    "{": "{",
    "}": "}",
    " ": " ",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    "-": "",
    "/": "",
    "@": "",
    "\\": " ",
}

_STYLES = {
    "textit": ("<i>", "</i>"),
    "emph": ("<i>", "</i>"),
    "textsl": ("<i>", "</i>"),
    "mkbibemph": ("<i>", "</i>"),
    "mkbibitalic": ("<i>", "</i>"),
    "mathit": ("<i>", "</i>"),
    "textbf": ("<b>", "</b>"),
    "mkbibbold": ("<b>", "</b>"),
    "mathbf": ("<b>", "</b>"),
    "textsc": ('<span style="font-variant:small-caps;">', "</span>"),
    "textsuperscript": ("<sup>", "</sup>"),
    "mkbibsuperscript": ("<sup>", "</sup>"),
    "textsubscript": ("<sub>", "</sub>"),
    "mkbibsubscript": ("<sub>", "</sub>"),
    "mkbibquote": ("“", "”"),
    "enquote": ("“", "”"),
    "textquote": ("“", "”"),
}
"""Commands with one argument that set a style; the quotes are kept even without markup."""

_SWITCHES = {
    "em": "emph",
    "it": "textit",
    "itshape": "textit",
    "sl": "textit",
    "slshape": "textit",
    "bf": "textbf",
    "bfseries": "textbf",
    "sc": "textsc",
    "scshape": "textsc",
    "rm": "",
    "sf": "",
    "tt": "",
    "normalfont": "",
    "upshape": "",
    "mdseries": "",
    "rmfamily": "",
    "sffamily": "",
    "ttfamily": "",
}
"""Declarations that style the rest of their group: ``{\\em text}``."""

_DROPPED = {"noop", "cite", "label", "ref", "index"}
"""Commands whose argument is not printed (``\\noop`` is a sorting trick)."""

_NOCASE = ('<span class="nocase">', "</span>")
_SPACES = re.compile(r"[ \t\r\n]+")


def latex_to_text(value: str, *, markup: bool = False) -> str:
    """Decode the LaTeX of a BibTeX value into Unicode text.

    With ``markup``, braces that protect case at the top level become
    ``<span class="nocase">`` and ``\\textit``, ``\\textbf``, ``\\textsc``, superscripts and
    subscripts become the HTML-like tags that CSL-JSON allows; without it they are plain text.
    """
    return _SPACES.sub(" ", _LatexReader(value, markup).read(0)).strip()


class _LatexReader:
    """A small recursive reader of the LaTeX found in bibliography fields."""

    def __init__(self, text: str, markup: bool) -> None:
        self.text = text
        self.pos = 0
        self.markup = markup

    def _peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def read(self, depth: int, *, math: bool = False) -> str:
        """Decode up to the ``}`` closing this group (consumed), ``$`` in math, or the end."""
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "}":
                self.pos += 1
                if depth > 0:
                    break
                continue  # an unbalanced brace: drop it
            if math and char == "$":
                self.pos += 1
                break
            if char == "{":
                self.pos += 1
                out.append(self._group(depth, math))
            elif char == "\\":
                name = self._command_name()
                if name in _SWITCHES:
                    self._skip_spaces()
                    rest = self.read(depth, math=math)
                    out.append(self._styled(_SWITCHES[name], rest))
                    break
                out.append(self._command(name, depth, math))
            elif char == "$" and not math:
                self.pos += 2 if self._peek(1) == "$" else 1
                out.append(self.read(depth + 1, math=True))
                if self._peek() == "$":  # the second $ of $$…$$
                    self.pos += 1
            elif math and char in "^_":
                self.pos += 1
                tag = "sup" if char == "^" else "sub"
                argument = self._argument(depth, math=True)
                if tag == "sup" and argument in ("∘", "\\circ"):
                    out.append("°")
                else:
                    out.append(self._tagged(tag, argument))
            else:
                out.append(self._plain_char(char, math))
        return "".join(out)

    def _plain_char(self, char: str, math: bool) -> str:
        """One ordinary character, with TeX's ligatures for dashes and quotes in text."""
        self.pos += 1
        if char == "~":
            return "\u00a0"
        if math:
            return char
        if char == "-":
            run = 1
            while self._peek() == "-" and run < 3:
                self.pos += 1
                run += 1
            return {1: "-", 2: "–", 3: "—"}[run]
        if char == "`" and self._peek() == "`":
            self.pos += 1
            return "“"
        if char == "'" and self._peek() == "'":
            self.pos += 1
            return "”"
        return char

    def _group(self, depth: int, math: bool) -> str:
        """A ``{…}`` group (its ``{`` consumed); at the top level it protects case."""
        special = self._peek() == "\\"
        content = self.read(depth + 1, math=math)
        if (
            self.markup
            and depth == 0
            and not math
            and not special
            and any(c.isalpha() for c in content)
        ):
            return _NOCASE[0] + content + _NOCASE[1]
        return content

    def _command_name(self) -> str:
        """Read the name of ``\\name`` or of a control symbol ``\\&``, after its backslash."""
        self.pos += 1
        start = self.pos
        while (
            self.pos < len(self.text)
            and self.text[self.pos].isascii()
            and (self.text[self.pos].isalpha())
        ):
            self.pos += 1
        if self.pos == start and self.pos < len(self.text):
            self.pos += 1
            return self.text[start]
        name = self.text[start : self.pos]
        if name:
            self._skip_spaces()  # TeX ignores spaces after a control word
        return name

    def _skip_spaces(self) -> None:
        while self._peek() in (" ", "\t", "\n", "\r") and self._peek():
            self.pos += 1

    def _command(self, name: str, depth: int, math: bool) -> str:
        if not name:
            return "\\"
        if name in _ACCENTS and (name.isalpha() or not math):
            return _accent(self._argument(depth, math=math), _ACCENTS[name])
        if name in _CONTROL_SYMBOLS:
            return _CONTROL_SYMBOLS[name]
        if name in _SYMBOLS:
            self._skip_empty_group()
            return _SYMBOLS[name]
        if name in _STYLES:
            return self._styled(name, self._argument(depth, math=math))
        if name == "href":
            self._argument(depth, math=math)
            return self._argument(depth, math=math)
        if name in _DROPPED:
            self._argument(depth, math=math)
            return ""
        # \url, \mbox, \textrm, \mathrm, \NoCaseChange and any unknown command: its argument.
        return self._argument(depth, math=math) if self._peek() == "{" else ""

    def _skip_empty_group(self) -> None:
        if self.text.startswith("{}", self.pos):
            self.pos += 2

    def _argument(self, depth: int, *, math: bool) -> str:
        """The argument of a command: a group, a command or one character."""
        self._skip_spaces()
        char = self._peek()
        if not char:
            return ""
        if char == "{":
            self.pos += 1
            return self.read(depth + 1, math=math)
        if char == "\\":
            return self._command(self._command_name(), depth, math)
        self.pos += 1
        return char

    def _styled(self, name: str, content: str) -> str:
        if not name or not content:
            return content
        opening, closing = _STYLES[name]
        if opening.startswith("<") and not self.markup:
            return content
        return opening + content + closing

    def _tagged(self, tag: str, content: str) -> str:
        if not self.markup or not content:
            return content
        return f"<{tag}>{content}</{tag}>"


def _accent(argument: str, mark: str) -> str:
    """``argument`` with the combining ``mark`` on its first letter, composed."""
    if not argument:
        return ""
    first = {"ı": "i", "ȷ": "j"}.get(argument[0], argument[0])
    return unicodedata.normalize("NFC", first + mark + argument[1:])


# --------------------------------------------------------------------------------------------
# Braces, concatenation and names
# --------------------------------------------------------------------------------------------


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` characters outside braces."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in separator:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _words(text: str) -> list[str]:
    """Whitespace-separated words of ``text``, braces kept whole."""
    return [word for word in _split_top(text, " \t\r\n") if word]


_CONCAT_PART = re.compile(r'\s*(\{.*\}|".*"|\d+|[A-Za-z][\w:.+/\'-]*)\s*', re.DOTALL)
_MONTH_NAMES = [
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
]
_MONTH_MACROS = {name[:3].lower(): name for name in _MONTH_NAMES}


def unconcatenate(value: str) -> str:
    """A value bibtexparser left as ``{A} # {B}`` or ``jan # "~5"``, joined.

    A @string used inside a concatenation is not expanded by bibtexparser and its value is not
    known here: it stays as its name (``bibcheck`` reports it as ``bib-macro``).
    """
    parts = _split_concatenation(value)
    if parts is None:
        return value
    joined: list[str] = []
    for part in parts:
        if part[0] in '{"':
            joined.append(part[1:-1])
        else:
            joined.append(_MONTH_MACROS.get(part.lower(), part))
    return "".join(joined)


def _split_concatenation(value: str) -> list[str] | None:
    """The parts of a BibTeX ``#`` concatenation, or None if ``value`` is not one."""
    if "#" not in value:
        return None
    raw_parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            raw_parts.append(value[start:index])
            start = index + 1
    raw_parts.append(value[start:])
    if len(raw_parts) < 2:
        return None
    parts: list[str] = []
    for raw in raw_parts:
        match = _CONCAT_PART.fullmatch(raw)
        if not match or not _balanced(match.group(1)):
            return None
        parts.append(match.group(1))
    if not any(part[0] in '{"' for part in parts):
        return None
    return parts


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def parse_names(value: str) -> list[dict[str, str]]:
    """CSL names of a BibTeX name list: ``Family, Given and Given Family and {Literal}``."""
    names: list[list[str]] = [[]]
    for word in _words(value):
        if word.lower() == "and":
            names.append([])
        else:
            names[-1].append(word)
    return [_name(" ".join(words)) for words in names if words]


def _name(raw: str) -> dict[str, str]:
    if raw.lower() == "others":
        return {"literal": "others"}
    if _wholly_braced(raw):
        return {"literal": _name_text(raw[1:-1])}
    parts = [part.strip() for part in _split_top(raw, ",")]
    suffix = ""
    if len(parts) == 1:
        words = _words(parts[0])
        lower = [i for i, word in enumerate(words[:-1]) if _is_lowercase(word)]
        if lower:
            given, particle = words[: lower[0]], words[lower[0] : lower[-1] + 1]
            family = words[lower[-1] + 1 :]
        else:
            given, particle, family = words[:-1], [], words[-1:]
    else:
        words = _words(parts[0])
        lower = [i for i, word in enumerate(words[:-1]) if _is_lowercase(word)]
        particle = words[: lower[-1] + 1] if lower else []
        family = words[len(particle) :]
        given = _words(parts[-1])
        suffix = parts[1] if len(parts) > 2 else ""
    name = {
        "family": _name_text(" ".join(family)),
        "given": _name_text(" ".join(given)),
        "non-dropping-particle": _name_text(" ".join(particle)),
        "suffix": _name_text(suffix),
    }
    return {key: text for key, text in name.items() if text}


def _wholly_braced(raw: str) -> bool:
    """Whether ``raw`` is one brace group: ``{World Health Organization}``."""
    if not raw.startswith("{"):
        return False
    depth = 0
    for index, char in enumerate(raw):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index == len(raw) - 1
    return False


def _name_text(raw: str) -> str:
    return latex_to_text(raw).replace("\u00a0", " ")


def _is_lowercase(word: str) -> bool:
    """Whether a name word starts with a lower-case letter (a particle: von, de, van der)."""
    if word.startswith("{") and not word.startswith("{\\"):
        return False
    text = latex_to_text(word)
    first = next((c for c in text if c.isalpha()), "")
    return first.islower()


# --------------------------------------------------------------------------------------------
# Dates, languages, identifiers
# --------------------------------------------------------------------------------------------

_RUSSIAN_MONTHS = [
    *("янв", "фев", "мар", "апр", "ма", "июн"),
    *("июл", "авг", "сен", "окт", "ноя", "дек"),
]


def parse_month(text: str) -> int | None:
    """The month of ``jan``, ``January``, ``Jan.``, ``1``, ``01``, ``янв``, ``января``…"""
    value = latex_to_text(text).strip().rstrip(".").casefold()
    first = re.match(r"\d+|[^\W\d_]+", value)
    value = first.group() if first else ""
    if value.isdigit():
        number = int(value)
        return number if 1 <= number <= 12 else None
    if len(value) < 3 or not value.isalpha():
        return None
    for index, name in enumerate(_MONTH_NAMES):
        if name.casefold().startswith(value[:3]):
            return index + 1
    for index, prefix in enumerate(_RUSSIAN_MONTHS):
        if value.startswith(prefix) and (index != 4 or value in ("май", "мая", "маю", "мае")):
            return index + 1
    return None


_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T[\d:.]+(?:Z|[+-][\d:]+)?)?")


def parse_date(text: str) -> list[list[int]] | None:
    """The CSL ``date-parts`` of a biblatex date: ``2016``, ``2016-02``, ``2016-02-09``, or a
    range ``2016-02-09/2016-02-10``; None when it is none of these or not a real date."""
    ranges = latex_to_text(text).strip().split("/")
    if len(ranges) > 2:
        return None
    parts: list[list[int]] = []
    for piece in ranges:
        match = _DATE.fullmatch(piece.strip())
        if not match:
            return None
        numbers = [int(group) for group in match.groups() if group is not None]
        if not _real_date(numbers):
            return None
        parts.append(numbers)
    return parts


def _real_date(numbers: list[int]) -> bool:
    year, month, day = [*numbers, 1, 1][:3]
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _issued(fields: Mapping[str, str]) -> dict[str, Any] | None:
    if fields.get("date", "").strip():
        return _csl_date(fields["date"])
    year = latex_to_text(fields.get("year", ""))
    if not year:
        return None
    if not re.fullmatch(r"\d{4}", year):
        return {"literal": year}
    parts = [int(year)]
    month = parse_month(fields.get("month", "")) if fields.get("month") else None
    if month is not None:
        parts.append(month)
        day = latex_to_text(fields.get("day", ""))
        if day.isdigit() and _real_date([int(year), month, int(day)]):
            parts.append(int(day))
    return {"date-parts": [parts]}


def _csl_date(text: str) -> dict[str, Any]:
    parts = parse_date(text)
    if parts is None:
        return {"literal": latex_to_text(text)}
    return {"date-parts": parts}


_LANGUAGES = _table(
    """
    russian ru  russ ru  rus ru  ru ru  рус ru  русский ru  english en  eng en  en en  англ en
    английский en  american en-US  usenglish en-US  british en-GB  ukenglish en-GB  german de
    ngerman de  deutsch de  french fr  francais fr  spanish es  italian it  portuguese pt
    dutch nl  polish pl  czech cs  swedish sv  danish da  norwegian nb  finnish fi  ukrainian uk
    belarusian be  bulgarian bg  serbian sr  kazakh kk  turkish tr  chinese zh  japanese ja
    korean ko
    """
)
"""``langid``/``language`` values (babel and biblatex names, Russian abbreviations)."""


def language_code(value: str) -> str | None:
    """The BCP 47 code of a ``langid``/``language`` value: russian, Russian, ru, рус → ru."""
    text = latex_to_text(value).strip()
    first = re.split(r"\s+and\s+|[,;]", text)[0].strip().rstrip(".")
    folded = first.casefold()
    if folded in _LANGUAGES:
        return _LANGUAGES[folded]
    match = re.fullmatch(r"([a-z]{2,3})(?:[-_]([a-z]{2}|\d{3}))?", folded)
    if match:
        region = match.group(2)
        return match.group(1) + (f"-{region.upper()}" if region else "")
    return None


_CYRILLIC = re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
_RUSSIAN_LETTERS = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` holds any Cyrillic letter."""
    return _CYRILLIC.search(text) is not None


def non_russian_letters(text: str) -> list[str]:
    """The Cyrillic letters of ``text`` that Russian does not use (Ukrainian ї, і, є, ґ…)."""
    found: list[str] = []
    for char in text:
        if _CYRILLIC.match(char) and char not in _RUSSIAN_LETTERS and char not in found:
            found.append(char)
    return found


_DOI_PREFIX = re.compile(
    r"(?:https?://(?:www\.)?(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/|doi:|doi\s)\s*", re.IGNORECASE
)
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def normalise_doi(text: str) -> str | None:
    """The bare DOI of ``10.…``, ``doi:10.…``, ``https://doi.org/10.…`` or
    ``http://dx.doi.org/10.…``, as written (compare with ``casefold()``); None if not a DOI."""
    value = re.sub(r"\\([_%&#$])", r"\1", text).strip().strip("{}").strip()
    prefix = _DOI_PREFIX.match(value)
    if prefix:
        is_url = prefix.group().lower().startswith(("http", "doi.org", "dx."))
        value = value[prefix.end() :]
        if is_url:
            value = urllib.parse.unquote(value)
    return value if _DOI.fullmatch(value) else None


# --------------------------------------------------------------------------------------------
# Entries → CSL-JSON
# --------------------------------------------------------------------------------------------

_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "booklet": "pamphlet",
    "incollection": "chapter",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "standard": "report",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "patent": "patent",
    "unpublished": "manuscript",
    "dataset": "dataset",
    "software": "software",
}
_GENRES = {
    "phdthesis": "PhD thesis",
    "mastersthesis": "Master's thesis",
    "candthesis": "Candidate thesis",
    "techreport": "Technical report",
    "resreport": "Research report",
}
"""Genres of thesis entry types, and of biblatex's localisation keys in ``type``."""
_URL_IN_TEXT = re.compile(r"\\url\{([^}]*)\}|(https?://\S+)")


def entry_url(entry: BibEntry) -> str | None:
    """The entry's ``url``, or the ``\\url{…}`` of an old-style ``howpublished``."""
    url = entry.fields.get("url", "").strip()
    if url:
        return _unescape_url(url)
    match = _URL_IN_TEXT.search(entry.fields.get("howpublished", ""))
    if match:
        return _unescape_url(match.group(1) or match.group(2))
    return None


def _unescape_url(url: str) -> str:
    url = re.sub(r"\\([_%&#$~])", r"\1", url.strip())
    return url.removeprefix("\\url{").removesuffix("}") if url.startswith("\\url{") else url


def csl_type(entry: BibEntry) -> str:
    """The CSL type of a BibTeX/biblatex entry type (misc with a URL → webpage)."""
    if entry.entry_type == "misc":
        return "webpage" if entry_url(entry) else "document"
    return _TYPES.get(entry.entry_type, "document")


def to_csl(entries: Mapping[str, BibEntry]) -> list[dict[str, Any]]:
    """CSL-JSON items of ``entries``, in their order, with ``id`` = the BibTeX key."""
    return [_item(entry) for entry in entries.values()]


def _item(entry: BibEntry) -> dict[str, Any]:
    fields = {name: unconcatenate(value) for name, value in entry.fields.items()}

    def text(*names: str, markup: bool = False) -> str:
        for name in names:
            value = latex_to_text(fields.get(name, ""), markup=markup)
            if value:
                return value
        return ""

    kind = csl_type(entry)
    item: dict[str, Any] = {"id": entry.key, "type": kind}
    for variable in NAME_VARIABLES:
        if fields.get(variable, "").strip():
            item[variable] = parse_names(fields[variable])
    title = text("title", markup=True)
    subtitle = text("subtitle", markup=True)
    if title and subtitle:
        title = f"{title}: {subtitle}"
    if title or subtitle:
        item["title"] = title or subtitle
    container_fields = ["journaltitle", "journal"]
    if kind != "book":
        container_fields.append("booktitle")
    values: dict[str, str] = {
        "container-title": text(*container_fields, markup=True),
        "container-title-short": text("shortjournal", "journalabbreviation"),
        "collection-title": text("series", markup=True),
        "event-title": text("eventtitle", markup=True),
        "event-place": text("venue"),
        "publisher": text("publisher", "school", "institution", "organization"),
        "publisher-place": text("location", "address"),
        "edition": _edition(text("edition")),
        "volume": text("volume"),
        "page": text("pages"),
        "number-of-pages": text("pagetotal"),
        "chapter-number": text("chapter"),
        "version": text("version"),
        "genre": _genre(text("type"), entry.entry_type),
        "ISBN": text("isbn"),
        "ISSN": text("issn"),
    }
    number = text("number")
    if text("issue"):
        values["issue"] = text("issue")
        values["number"] = number
    elif kind.startswith("article"):
        values["issue"] = number
    elif kind in ("book", "chapter") and values["collection-title"]:
        values["collection-number"] = number
    else:
        values["number"] = number
    if kind.startswith("article"):
        # Reference styles print no publisher for a journal article; exporters (JabRef,
        # Zotero) still write the journal's, which GOST would print.
        values["publisher"] = values["publisher-place"] = ""
    howpublished = text("howpublished")
    notes = [text("note"), "" if _URL_IN_TEXT.search(howpublished) else howpublished]
    values["note"] = ". ".join(note for note in notes if note)
    item.update({name: value for name, value in values.items() if value})
    issued = _issued(fields)
    if issued:
        item["issued"] = issued
    _identifiers(entry, fields, item)
    if fields.get("urldate", "").strip():
        item["accessed"] = _csl_date(fields["urldate"])
    language = _language(fields, item)
    if language:
        item["language"] = language
    english_title = text("englishtitle", markup=True)
    if english_title:
        item[ENGLISH_TITLE_KEY] = english_title
    english_container = text("englishjournal", markup=True)
    if english_container:
        item[ENGLISH_CONTAINER_KEY] = english_container
    return item


def _genre(written: str, entry_type: str) -> str:
    """The ``type`` field (a biblatex key such as ``phdthesis`` made readable), or the genre
    that the entry type implies."""
    if written:
        return _GENRES.get(written.casefold(), written)
    return _GENRES.get(entry_type, "") if entry_type.endswith("thesis") else ""


def _edition(value: str) -> str:
    """``8``, ``8th``, ``8th ed.`` → ``8`` (the style adds "ed."); other text as written."""
    match = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?(?:\s*ed(?:ition|\.)?)?", value, re.IGNORECASE)
    return match.group(1) if match else value


def _identifiers(entry: BibEntry, fields: Mapping[str, str], item: dict[str, Any]) -> None:
    doi_text = fields.get("doi", "").strip()
    pmid = fields.get("pmid", "").strip()
    pmcid = fields.get("pmcid", "").strip()
    eprint = fields.get("eprint", "").strip()
    eprint_type = fields.get("eprinttype", "").strip().lower()
    if eprint and eprint_type in ("pubmed", "pmid") and not pmid:
        pmid = eprint
    elif eprint and eprint_type in ("pmc", "pmcid", "pubmedcentral") and not pmcid:
        pmcid = eprint
    elif eprint and eprint_type == "doi" and not doi_text:
        doi_text = eprint
    doi = None
    if doi_text:
        doi = normalise_doi(doi_text) or re.sub(r"\\([_%&#$])", r"\1", doi_text)
        item["DOI"] = doi
    if pmid:
        item["PMID"] = re.sub(r"^pmid:?\s*", "", pmid, flags=re.IGNORECASE)
    if pmcid:
        item["PMCID"] = pmcid
    url = entry_url(entry)
    if url and not (doi and (normalise_doi(url) or "").casefold() == doi.casefold()):
        item["URL"] = url


def _language(fields: Mapping[str, str], item: Mapping[str, Any]) -> str | None:
    for name in ("langid", "language"):
        if fields.get(name, "").strip():
            code = language_code(fields[name])
            if code:
                return code
    if has_cyrillic(str(item.get("title", ""))) or any(
        has_cyrillic(part) for part in _name_parts(item)
    ):
        return "ru"
    return None


def _name_parts(item: Mapping[str, Any]) -> list[str]:
    return [
        str(value)
        for variable in NAME_VARIABLES
        for name in item.get(variable, [])
        for value in name.values()
    ]


def is_russian(item: dict[str, Any]) -> bool:
    """Whether a CSL item is a Russian-language source: ``language`` ru (or ru-…), or no
    language and Cyrillic in its title or names."""
    language = str(item.get("language") or "").casefold()
    if language:
        return language == "ru" or language.startswith("ru-")
    return has_cyrillic(str(item.get("title", ""))) or any(
        has_cyrillic(part) for part in _name_parts(item)
    )


# --------------------------------------------------------------------------------------------
# Transliteration and the English items
# --------------------------------------------------------------------------------------------

# BSI as Russian journals print it: BS 2979 without diacritics (Novye, neiroendokrinnykh),
# which iuliia calls BS_2979_ALT; the strict form (Novȳe, neĭroéndokrinnȳkh) is not used.
_SCHEMAS = {"bsi": iuliia.BS_2979_ALT, "bgn": iuliia.BGN_PCGN, "lc": iuliia.ALA_LC}

# iuliia 0.13 maps ё to the Cyrillic ё itself (BS 2979, BGN/PCGN and ALA-LC all give ë) and
# leaves letters of other Cyrillic alphabets alone; these fill the gaps.
_LEFTOVERS = _table(
    """
    ё ë  Ё Ë  і i  І I  ї yi  Ї Yi  є ye  Є Ye  ґ g  Ґ G  ў w  Ў W  ђ đ  Ђ Đ  ћ ć  Ћ Ć  љ lj
    Љ Lj  њ nj  Њ Nj  џ dž  Џ Dž  ј j  Ј J  ѓ gj  Ѓ Gj  ќ kj  Ќ Kj  ѕ dz  Ѕ Dz  ѣ ě  Ѣ Ě  ѳ f
    Ѳ F  ѵ i  Ѵ I
    """
)
_WORD = re.compile(r"\w+")
_PLACES = {
    "М.": "Moscow",
    "Москва": "Moscow",
    "СПб.": "Saint Petersburg",
    "Санкт-Петербург": "Saint Petersburg",
    "Л.": "Leningrad",
    "Ленинград": "Leningrad",
}
"""Places of publication with an English name, as the English imprint gives them."""


def transliterate(text: str, system: Translit) -> str:
    """``text`` with its Cyrillic words in Latin letters by BS 2979 (bsi), BGN/PCGN (bgn) or
    ALA-LC (lc). Words in capitals stay in capitals (ЩУКА → SHCHUKA); ё becomes ë; letters
    outside Russian get a common romanisation, so no Cyrillic is left."""
    schema = _SCHEMAS[system]

    def word(match: re.Match[str]) -> str:
        token = match.group()
        if not has_cyrillic(token):
            return token
        if len(token) > 1 and token.isupper():
            return _leftovers(str(schema.translate(token.lower()))).upper()
        return _leftovers(str(schema.translate(token)))

    return _leftovers(_WORD.sub(word, text))


def _leftovers(text: str) -> str:
    out: list[str] = []
    for char in text:
        if char in _LEFTOVERS:
            out.append(_LEFTOVERS[char])
        elif _CYRILLIC.match(char):
            out.append(_fallback_letter(char))
        else:
            out.append(char)
    return "".join(out)


def _fallback_letter(char: str) -> str:
    """A letter no table covers, romanised from its Unicode name (… LETTER DJE → dje)."""
    name = unicodedata.name(char, "")
    match = re.search(r"LETTER (?:[A-Z-]+ )*?([A-Z]+)(?: WITH .*)?$", name)
    if not match:
        return ""
    latin = match.group(1).lower()
    return latin.capitalize() if "CAPITAL" in name else latin


def to_english(
    items: list[dict[str, Any]], *, system: Translit = "bsi", official_title: bool = False
) -> list[dict[str, Any]]:
    """The items of the English list: Russian sources in English form, others unchanged.

    A Russian source gets transliterated names; as title the transliteration followed by
    ``[English title]`` (or, with ``official_title``, the English title alone); its journal's
    English name or a transliteration; ``language: en``; and ``casepub-in-russ: true``.
    """
    if system not in _SCHEMAS:
        raise ValueError(f"unknown transliteration {system!r}; use bsi, bgn or lc")
    return [_english(item, system, official_title) if is_russian(item) else item for item in items]


def _english(item: dict[str, Any], system: Translit, official_title: bool) -> dict[str, Any]:
    english = copy.deepcopy(item)
    for variable in NAME_VARIABLES:
        if variable in english:
            english[variable] = [
                {part: transliterate(str(value), system) for part, value in name.items()}
                for name in english[variable]
            ]
    title = str(item.get("title", ""))
    english_title = str(item.get(ENGLISH_TITLE_KEY, "")).strip().rstrip(".")
    if official_title and english_title:
        english["title"] = english_title
    elif has_cyrillic(title):
        latin = transliterate(title, system)
        english["title"] = f"{latin} [{english_title}]" if english_title else latin
    if item.get(ENGLISH_CONTAINER_KEY):
        english["container-title"] = item[ENGLISH_CONTAINER_KEY]
        english.pop("container-title-short", None)
    place = str(item.get("publisher-place", "")).strip()
    if place in _PLACES:
        english["publisher-place"] = _PLACES[place]
    for key, value in english.items():
        if key != "id" and isinstance(value, str) and has_cyrillic(value):
            english[key] = transliterate(value, system)
        elif isinstance(value, dict) and has_cyrillic(str(value.get("literal", ""))):
            value["literal"] = transliterate(str(value["literal"]), system)
    english["language"] = "en"
    english[IN_RUSS_KEY] = True
    return english
