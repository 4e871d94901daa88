"""De-identification checks: find patient identifiers in Russian and English case text.

Rules follow domain-notes §5 (ICMJE, HIPAA Safe Harbor and the Russian identifiers).
:func:`scan` returns :class:`Finding` objects; :func:`diagnostics` turns them into warnings.
Each kind of number, date and address has one compiled regex in :data:`RULES`, plus an
optional check that drops look-alikes (a СНИЛС, ИНН or NHS number with a wrong checksum, an
ОМС-like number without context, …). Names and places need the morphological dictionary:
:mod:`casepub.checks.deid_names` and :mod:`casepub.checks.deid_places`. docs/deid.md tells
what is and is not found, and the recall measured on the corpus of tests/data/deid.
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
    needs: re.Pattern[str] | None = None
    """A cheap pattern the text must contain for ``pattern`` to be tried at all."""


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
_RU_MONTHS_IN = "январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре"
_EN_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th|-?го|-?е)?"
_DATE = (
    rf"(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|{_DAY}(?:\s+of)?[\s-]+(?:{_RU_MONTHS}|{_EN_MONTHS})[\s,-]+\d{{4}}(?:\s?г(?:ода|\.)?)?"
    rf"|(?:{_EN_MONTHS})\s+{_DAY},?\s+\d{{4}}"
    rf"|\d{{1,2}}\.(?:I{{1,3}}|IV|VI{{0,3}}|IX|XI{{0,2}})\.\d{{4}})"
)
_DAY_MONTH = rf"(?:{_DAY}\s+(?:of\s+)?(?:{_RU_MONTHS}|{_EN_MONTHS})|(?:{_EN_MONTHS})\s+{_DAY})"
_MONTH_YEAR = rf"(?:(?:в\s+)?(?:{_RU_MONTHS_IN})|(?:in\s+)?(?:{_EN_MONTHS}))\s+\d{{4}}"
_BORN = (
    r"(?:дат\w+\s+рождения|д\.\s?р\.|род\.|родил(?:ся|ась)|родивш\w+|рожд[её]н\w*"
    r"|(?:was\s+)?born(?:\s+on)?|b\.(?=\s*\d)|date\s+of\s+birth|birth\s*date|DOB|D\.O\.B\.)"
)
_NUMBER_WORDS = "(?:one|two|three|four|five|six|seven|eight|nine)"
_RU_UNITS = "(?:одн|дв|тр|четыр|пят|шест|сем|восьм|девят)"
_STREET_RU = r"(?:ул|пр-т|просп|пр|пер|наб|ш|б-р|пл|мкр)\."
_CAP = r"[А-ЯЁ][а-яё]+"
_PATRONYMIC = r"[А-ЯЁ][а-яё]+(?:(?:ович|евич|ьич)(?:а|у|ем|е)?|(?:овн|евн|ичн)(?:а|ы|е|у|ой))"
_OVER_89 = r"(?<![\d.,–-])(?:9\d|1[01]\d)"
_WORKPLACE_RU = (
    r"(?:школ|гимнази|лице|детск\w*\s+сад|детсад|ясл|колледж|техникум|училищ|интернат|"
    r"завод|фабрик|комбинат|цех|депо|шахт|рудник|магазин|автобаз|автоколонн|"
    r"пожарн\w*\s+част|воинск\w*\s+част|почтов\w*\s+отделени|отделени\w*\s+связи)\w*"
    r"|СОШ|ГБОУ|МБОУ|МОУ|ДОУ|МАДОУ|ГОУ|ПТУ"
)
_WORKPLACE_EN = (
    r"(?:[Ss]chool|[Kk]indergarten|[Cc]ollege|[Pp]lant|[Ff]actory|[Mm]ine|[Dd]epot|[Ss]tore|"
    r"[Ss]hop|[Ff]ire\s+[Ss]tation|[Pp]recinct|[Ww]arehouse)"
)
_OPENING_QUOTE = '[«"“„]'
_QUOTED = _OPENING_QUOTE + '[^»"”\\n]{2,60}[»"”]'
_ORGANISATION_RU = (
    r"(?:ООО|ОАО|ЗАО|ПАО|АО|ИП|ГУП|МУП|ФГУП|НПО|завод\w*|фабрик\w*|комбинат\w*|предприяти\w*|"
    r"компани\w*|фирм\w*|организаци\w*|магазин\w*|банк\w*|театр\w*|редакци\w*|газет\w*|"
    r"колхоз\w*|совхоз\w*|агрофирм\w*|школ\w*|гимнази\w*|лице\w*)"
)


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
    digits = len(_digits(match.group()))
    return 10 <= digits <= 15 or match.group("id") is not None


def nhs_valid(digits: str) -> bool:
    """True for a 10-digit NHS number whose last digit is its modulus-11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and check % 11 == int(digits[9])


_NHS_WORDS = re.compile(r"\bNHS\b")


def _check_nhs(text: str, match: re.Match[str]) -> bool:
    if not nhs_valid(_digits(match.group())):
        return False
    spaced = re.fullmatch(r"(?:NHS\D*)?\d{3} \d{3} \d{4}", match.group()) is not None
    around = text[max(0, match.start() - 40) : match.end() + 40]
    return spaced or _NHS_WORDS.search(around) is not None


def _check_ssn(text: str, match: re.Match[str]) -> bool:
    digits = _digits(match.group())
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    valid = area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"
    return valid and (match.group("kw") is not None or "-" in match.group())


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
            rf"|(?<![\w+])\+[1-9]\d{{0,2}}(?:[\s.-]?\(?\d{{1,5}}\)?){{2,6}}{_NE}"
            rf"|{_NB}(?:1[\s.-])?(?:\(\d{{3}}\)\s?|\d{{3}}[.-])\d{{3}}[.-]\d{{4}}{_NE}"
            rf"|{_NB}\(\d{{3,5}}\)\s?\d{{1,3}}[\s-]?\d{{2}}[\s-]?\d{{2}}{_NE}"
            rf"|{_NB}0[1-9]\d{{1,3}}\s\d{{3,4}}\s?\d{{3,4}}{_NE}"
            r"|(?:\b(?:[Тт]ел|[Тт]елефон\w*|[Мм]об|[Фф]акс|[Pp]hone|[Tt]el|[Ff]ax|[Mm]ob\w*)\.?[\s:]*)"
            r"(?P<id>\d{2,3}(?:-\d{2}){2}|\d{3}-\d{4})(?![\d-])"
        ),
        "looks like a telephone number — a patient identifier",
        _check_phone,
    ),
    Rule(
        "ssn",
        re.compile(
            r"(?:(?P<kw>\bSSN|[Ss]ocial\s+[Ss]ecurity(?:\s+(?:[Nn]umber|[Nn]o\.?|#))?)[\s:#|]*)?"
            rf"{_NB}(?P<id>\d{{3}}(?:-\d{{2}}-|\d{{2}})\d{{4}}){_NE}"
        ),
        "looks like a US social security number — a patient identifier",
        _check_ssn,
    ),
    Rule(
        "nhs-number",
        re.compile(
            r"(?:\bNHS(?:\s+(?:[Nn]umber|[Nn]o\.?|#))?[\s:#|]*)?"
            rf"{_NB}(?P<id>\d{{3}}[ -]\d{{3}}[ -]\d{{4}}|\d{{10}}){_NE}"
        ),
        "looks like an NHS number (valid check digit) — a patient identifier",
        _check_nhs,
    ),
    Rule(
        "email",
        re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b"),
        "is an e-mail address that is not an author's — a patient identifier",
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
            rf"{_BORN}[\s:,|–—-]*(?:on\s+|in\s+|the\s+)?(?:{_DATE}|{_MONTH_YEAR}|{_DAY_MONTH})"
            rf"|{_DATE}\s*(?:года|г\.)?\s*(?:рождения|р\.)"
            rf"|(?:года|г\.)\s*(?:рождения|р\.)[\s,:(]*{_DATE}"
            rf"|(?:день\s+рождения|birthday)[\s:,–—-]*(?:is\s+|on\s+)?{_DAY_MONTH}",
            re.IGNORECASE,
        ),
        "is an exact date of birth — keep at most the year",
        needs=re.compile(r"рожд|родил|родивш|род\.|р\.|born|birth|dob|d\.o\.b|b\.", re.IGNORECASE),
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
            rf"{_OVER_89}\s*(?:год(?:а|у)?|лет)\b|{_OVER_89}-?летн\w+"
            rf"|{_OVER_89}[-\s]years?[-\s]old\b|{_OVER_89}\s+years\s+of\s+age\b"
            rf"|\b(?:aged?|возрасте)[\s:]+{_OVER_89}\b"
            rf"|{_OVER_89}\s*(?:years?|yrs?|y\.\s?o\.|y/o|yo)(?![\w-])"
            rf"|\bдевяност\w*(?:{_RU_UNITS}\w*)?летн\w+|\bстолетн\w+"
            rf"|\bдевяност[оа]\s+{_RU_UNITS}\w*\s+(?:год\w*|лет)"
            rf"|\bninety(?:[-\s]{_NUMBER_WORDS})?[-\s]years?[-\s]old\b"
            r"|\b(?:nonagenarian|centenarian|supercentenarian)s?\b",
            re.IGNORECASE,
        ),
        "is an age over 89 — HIPAA groups these as '90 or older'",
        needs=re.compile(r"9\d|1[01]\d|девяност|столетн|ninety|narian", re.IGNORECASE),
    ),
    Rule(
        "workplace",
        re.compile(
            rf"(?:{_WORKPLACE_RU})\s*(?:№|N|No\.?)\s*\d+|\bв/ч\s*\d+"
            rf"|\b{_WORKPLACE_EN}\s+(?:No\.?|Nr\.?|#|[Nn]umber)\s*\d+"
            r"|\b(?:Public\s+School|P\.S\.)\s+\d+"
            rf"|\b{_ORGANISATION_RU}\s*{_QUOTED}"
            r"|(?<=\bworks\sfor\s)[A-Z][\w&-]+(?:\s[A-Z][\w&-]+)*"
            r"|(?<=\bworked\sfor\s)[A-Z][\w&-]+(?:\s[A-Z][\w&-]+)*"
        ),
        "names the patient's workplace or school — identifies the patient with the place",
        needs=re.compile(
            r"№|\bN\b|No|Nr|#|[Nn]umber|в/ч|School|P\.S\.|works|worked|" + _OPENING_QUOTE
        ),
    ),
)


NAME_MESSAGE = "looks like a person's name — a patient or relative must not be named"
PLACE_MESSAGE = "names a town, village or district — places smaller than a region identify"
_PERSON_KINDS = ("patronymic-name", "initials-name")
_OVERLAPPED_BY = {
    "name": ("patronymic-name", "initials-name", "workplace", "address"),
    "place": ("address",),
}
"""A name or place inside a finding of these kinds is told once, by that finding."""


def scan(
    text: str, *, allowed_emails: Iterable[str] = (), known_names: Iterable[str] = ()
) -> list[Finding]:
    """All possible identifiers in ``text``, ordered by position.

    E-mail addresses in ``allowed_emails`` (the authors'; compared case-insensitively) are kept;
    names holding one of ``known_names`` (family names of the authors and of cited authors)
    are not reported.
    """
    allowed = {email.casefold() for email in allowed_emails}
    found: list[Finding] = []
    for rule in RULES:
        if rule.needs is not None and rule.needs.search(text) is None:
            continue
        for match in rule.pattern.finditer(text):
            if rule.check is not None and not rule.check(text, match):
                continue
            if rule.kind == "email" and match.group().casefold() in allowed:
                continue
            start, end = _identifier_span(match)
            found.append(Finding(rule.kind, start, end, text[start:end], rule.message))
    if _CAPITALISED.search(text):
        found = _with_names_and_places(text, found, frozenset(n.casefold() for n in known_names))
    return sorted(_without_repeats(found), key=lambda f: (f.start, f.end))


def _identifier_span(match: re.Match[str]) -> tuple[int, int]:
    """The span of the identifier itself: the group ``id`` when the pattern matched a
    keyword before it (``SSN 123-45-6789``, ``тел. 123-45-67``), else the whole match."""
    if "id" in match.re.groupindex and match.group("id") is not None:
        return match.span("id")
    return match.span()


def _with_names_and_places(text: str, found: list[Finding], known: frozenset[str]) -> list[Finding]:
    """``found`` without names with initials or a patronymic that are cited authors, eponyms,
    part of an institution's name or known names (``J.E. Maxwell и соавт.``, ``им. Н.Н.
    Блохина``), and with the names and places the dictionary finds. Only texts with a
    capitalised word get here, so the dictionary is loaded only when needed."""
    from casepub.checks.deid_names import excluded, find_names, tokens
    from casepub.checks.deid_places import find_places

    words = tokens(text)
    kept = [
        f
        for f in found
        if f.kind not in _PERSON_KINDS
        or f.text[0].islower()
        or not excluded(text, f.start, f.end, known, words)
    ]
    names = find_names(text, known, words)
    places = find_places(text, words)
    return (
        kept
        + [Finding("name", n.start, n.end, n.text, NAME_MESSAGE) for n in names]
        + [Finding("place", p.start, p.end, p.text, PLACE_MESSAGE) for p in places]
    )


_CAPITALISED = re.compile(r"[A-ZА-ЯЁ][a-zа-яё]")


def _without_repeats(found: list[Finding]) -> list[Finding]:
    """Drop a name or place that lies within a finding that already tells it, and a name
    that is also found as a place (the place is reported)."""
    kept = []
    for finding in found:
        covers = _OVERLAPPED_BY.get(finding.kind, ())
        if finding.kind == "name":
            covers = (*covers, "place")
        if any(
            other.kind in covers and other.start < finding.end and finding.start < other.end
            for other in found
        ):
            continue
        kept.append(finding)
    return kept


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
