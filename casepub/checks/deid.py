"""De-identification checks: find patient identifiers in Russian and English case text.

Rules follow domain-notes §5 (ICMJE, HIPAA Safe Harbor and the Russian identifiers).
:func:`scan` returns :class:`Finding` objects; :func:`diagnostics` turns them into warnings.
Each kind has one compiled regex in :data:`RULES`, plus an optional check that drops
look-alikes (a СНИЛС or ИНН with a wrong checksum, an ОМС-like number without context, …).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from casepub.diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class Finding:
    """One possible identifier: its kind, character span, matched text and an explanation."""

    kind: str
    start: int
    end: int
    text: str
    message: str


Check = Callable[[str, "re.Match[str]"], bool]


@dataclass(frozen=True)
class Rule:
    """A kind of identifier: its regex, its message and an optional check on each match."""

    kind: str
    pattern: re.Pattern[str]
    message: str
    check: Check | None = None


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def snils_valid(digits: str) -> bool:
    """True for an 11-digit СНИЛС whose last two digits are its checksum (domain-notes §5).

    Numbers up to 001-001-998 carry no checksum and are not treated as identifiers.
    """
    if len(digits) != 11 or not digits.isdigit() or int(digits[:9]) <= 1001998:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(9, 0, -1), strict=True))
    if total >= 100:
        total = 0 if total in (100, 101) else total % 101 % 100
    return total == int(digits[9:])


def _inn_control(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


_INN_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_valid(digits: str) -> bool:
    """True for a 12-digit personal or 10-digit organisation ИНН with valid control digits."""
    if not digits.isdigit():
        return False
    if len(digits) == 10:
        return _inn_control(digits[:9], _INN_W10) == int(digits[9])
    if len(digits) == 12:
        return _inn_control(digits[:10], _INN_W11) == int(digits[10]) and _inn_control(
            digits[:11], _INN_W12
        ) == int(digits[11])
    return False


# Shared fragments.  A bare number must not continue another number, a DOI, a decimal or a range.
_NB = r"(?<![\w/.,+\-–])"  # number start
_NE = r"(?![\w/\-–]|[.,]\d)"  # number end
_RU_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_EN_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}\s+(?:{_RU_MONTHS}|{_EN_MONTHS})\s+\d{{4}}(?:\s?г\.?)?"
    rf"|(?:{_EN_MONTHS})\s+\d{{1,2}},?\s+\d{{4}})"
)
_STREET_RU = r"(?:ул|пр-т|просп|пр|пер|наб|ш|б-р|пл|мкр)\."
_CAP = r"[А-ЯЁ][а-яё]+"
_PATRONYMIC = r"[А-ЯЁ][а-яё]+(?:(?:ович|евич|ьич)(?:а|у|ем|е)?|(?:овн|евн|ичн)(?:а|ы|е|у|ой))"
_OVER_89 = r"(?:9\d|1[01]\d)"


def _near(words: re.Pattern[str], width: int) -> Check:
    """A check: one of ``words`` occurs within ``width`` characters before the match."""

    def check(text: str, match: re.Match[str]) -> bool:
        return words.search(text, max(0, match.start() - width), match.start()) is not None

    return check


_OMS_WORDS = re.compile(r"полис|ОМС|polic", re.IGNORECASE)
_near_oms = _near(_OMS_WORDS, 40)


def _check_snils(text: str, match: re.Match[str]) -> bool:
    return snils_valid(_digits(match.group()))


def _check_oms(text: str, match: re.Match[str]) -> bool:
    return match.group().isdigit() or _near_oms(text, match)


def _check_inn(text: str, match: re.Match[str]) -> bool:
    return match.group("kw") is not None or inn_valid(match.group())


def _check_phone(text: str, match: re.Match[str]) -> bool:
    return 10 <= len(_digits(match.group())) <= 15


RULES: tuple[Rule, ...] = (
    Rule(
        "snils",
        re.compile(rf"{_NB}(?:\d{{3}}-\d{{3}}-\d{{3}}[ -]\d{{2}}|\d{{11}}){_NE}"),
        "looks like a СНИЛС (valid checksum) — a patient identifier",
        _check_snils,
    ),
    Rule(
        "oms",
        re.compile(rf"{_NB}(?:\d{{4}}[ -]\d{{4}}[ -]\d{{4}}[ -]\d{{4}}|\d{{16}}){_NE}"),
        "looks like a полис ОМС / health-plan number — a patient identifier",
        _check_oms,
    ),
    Rule(
        "passport",
        re.compile(
            rf"(?:паспорт\w*|passport)[^\d\n]{{0,30}}(?:\d{{2}}\s?\d{{2}}[^\d\n]{{0,12}})?\d{{6,9}}"
            rf"(?!\d)|{_NB}\d{{2}}\s?\d{{2}}\s\d{{6}}{_NE}",
            re.IGNORECASE,
        ),
        "looks like passport details (series and number) — a patient identifier",
    ),
    Rule(
        "inn",
        re.compile(rf"\b(?:ИНН|INN)[\s:№]*(?P<kw>\d{{12}}|\d{{10}})(?!\d)|{_NB}\d{{12}}{_NE}"),
        "looks like an ИНН (taxpayer number) — a personal identifier",
        _check_inn,
    ),
    Rule(
        "phone",
        re.compile(
            rf"{_NB}(?:\+7|8)[\s-]?\(?\d{{3}}\)?[\s-]?\d{{3}}[\s-]?\d{{2}}[\s-]?\d{{2}}{_NE}"
            rf"|(?<![\w+])\+[1-9]\d{{0,2}}[\s-]?\(?\d{{2,4}}\)?(?:[\s-]\d{{2,4}}){{2,3}}{_NE}"
        ),
        "looks like a telephone number — a patient identifier",
        _check_phone,
    ),
    Rule(
        "email",
        re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b"),
        "an e-mail address that is not an author's — a patient identifier",
    ),
    Rule(
        "record-number",
        re.compile(
            r"(?:№\s*)?(?:истори\w+\s+болезни|(?:амбулаторн|медицинск)\w*\s+карт\w*"
            r"|MRN|medical\s+record(?:\s+number)?|case\s+history|hospital\s+number)"
            r"[\s:№#]*(?:no\.?\s*|number\s*)?\d[\d/-]*",
            re.IGNORECASE,
        ),
        "looks like a medical record number — a patient identifier",
    ),
    Rule(
        "patronymic-name",
        re.compile(rf"\b(?:{_CAP}\s+)?{_CAP}\s+{_PATRONYMIC}(?:\s+{_CAP})?\b"),
        "looks like a full name with a patronymic (ФИО) — remove it",
    ),
    Rule(
        "initials-name",
        re.compile(
            r"\b[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.(?!\w)"
            r"|\b[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]{2,}"
            r"|\b[A-Z][a-z]+\s+[A-Z]\.\s?[A-Z]\.(?!\w)"
            r"|\b[A-Z]\.\s?[A-Z]\.\s?[A-Z][a-z]{2,}"
            r"|\b(?:[Пп]ациент(?:к[аеиу]|а|у|ом)?|[Бб]ольн(?:ой|ая|ого|ому|ую)|[Pp]atient"
            r"|Mrs?|Ms|Miss)\.?\s+[A-ZА-ЯЁ]\.(?:\s?[A-ZА-ЯЁ]\.)?"
        ),
        "looks like a name with initials or a patient's initial — needs written consent (ICMJE)",
    ),
    Rule(
        "birth-date",
        re.compile(
            rf"(?:дат\w+\s+рождения|д\.\s?р\.|родил(?:ся|ась)|born(?:\s+on)?|date\s+of\s+birth"
            rf"|DOB|D\.O\.B\.)[\s:,-]*{_DATE}",
            re.IGNORECASE,
        ),
        "an exact date of birth — keep at most the year",
    ),
    Rule(
        "address",
        re.compile(
            rf"\b{_STREET_RU}\s*[А-ЯЁ0-9][\w-]*(?:\s+[А-ЯЁ][\w-]*)?,?\s*(?:д\.|дом)\s*\d+\w?"
            rf"(?:,?\s*(?:корп\.|стр\.|кв\.)\s*\d+\w?)*"
            rf"|\bг\.\s*[А-ЯЁ][а-яё-]+,\s*{_STREET_RU}\s*[А-ЯЁ0-9][\w-]*"
            rf"|{_NB}\d{{6}},?\s*(?:г\.\s*)?[А-ЯЁ][а-яё-]+"
            r"|\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|Avenue|Road|Lane|Boulevard|Square)\b"
        ),
        "looks like a street address or postal code — places smaller than a region identify",
    ),
    Rule(
        "age-over-89",
        re.compile(
            rf"\b{_OVER_89}\s*(?:год(?:а|у)?|лет)\b|\b{_OVER_89}-?летн\w+"
            rf"|\b{_OVER_89}[-\s]years?[-\s]old\b|\b{_OVER_89}\s+years\s+of\s+age\b"
            rf"|\b(?:aged?|возрасте)\s+{_OVER_89}\b",
            re.IGNORECASE,
        ),
        "an age over 89 — HIPAA groups these as '90 or older'",
    ),
)


def scan(text: str, *, allowed_emails: Iterable[str] = ()) -> list[Finding]:
    """All possible identifiers in ``text``, ordered by position.

    E-mail addresses in ``allowed_emails`` (the authors'; compared case-insensitively) are kept.
    """
    allowed = {email.casefold() for email in allowed_emails}
    found: list[Finding] = []
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            if rule.check is not None and not rule.check(text, match):
                continue
            if rule.kind == "email" and match.group().casefold() in allowed:
                continue
            found.append(
                Finding(rule.kind, match.start(), match.end(), match.group(), rule.message)
            )
    return sorted(found, key=lambda f: (f.start, f.end))


def diagnostics(
    text: str, file: str, *, allowed_emails: Iterable[str] = (), path: str = ""
) -> list[Diagnostic]:
    """The findings of :func:`scan` as warnings with line and column (code ``deid-<kind>``)."""
    result = []
    for finding in scan(text, allowed_emails=allowed_emails):
        line = text.count("\n", 0, finding.start) + 1
        col = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
        message = f"«{finding.text}» {finding.message}"
        code = f"deid-{finding.kind}"
        result.append(Diagnostic(file, line, col, path, message, code, Severity.warning))
    return result
