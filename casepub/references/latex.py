"""LaTeX in BibTeX fields → Unicode: accents, symbols, font commands (as CSL's HTML-like
markup when asked), and ``{Braces}`` that protect case (``<span class="nocase">``)."""

from __future__ import annotations

import re
import unicodedata

# --------------------------------------------------------------------------------------------
# LaTeX → Unicode
# --------------------------------------------------------------------------------------------


def char_table(text: str) -> dict[str, str]:
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

_SYMBOLS = char_table(
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
