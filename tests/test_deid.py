"""De-identification scan: positives per kind (ru/en), look-alike negatives, example cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casepub.checks.deid import Finding, diagnostics, inn_valid, nhs_valid, scan, snils_valid
from casepub.diagnostics import Severity
from tests.conftest import CASES


def kinds(text: str, allowed: tuple[str, ...] = ()) -> set[str]:
    return {f.kind for f in scan(text, allowed_emails=allowed)}


def test_snils_checksum() -> None:
    assert snils_valid("11223344595")
    assert not snils_valid("11223344596")
    assert not snils_valid("00100199800")  # below 001-001-998: no checksum rule
    assert not snils_valid("1122334459")


def test_inn_checksum() -> None:
    assert inn_valid("500100732259")
    assert inn_valid("7707083893")
    assert not inn_valid("500100732258")
    assert not inn_valid("7707083894")
    assert not inn_valid("12345")


def test_nhs_checksum() -> None:
    assert nhs_valid("9434765919")
    assert not nhs_valid("9434765918")
    assert not nhs_valid("943476591")


POSITIVE = [
    ("snils", "СНИЛС 112-233-445 95"),
    ("snils", "SNILS 112-233-445-95"),
    ("snils", "номер 11223344595 в карте"),
    ("oms", "полис ОМС 1234 5678 9012 3456"),
    ("oms", "insurance policy 1234-5678-9012-3456"),
    ("oms", "код 1234567890123456"),
    ("passport", "паспорт 45 06 123456"),
    ("passport", "паспорт серия 4506 № 123456 выдан"),
    ("passport", "passport No. 123456789"),
    ("passport", "данные 4506 123456"),
    ("inn", "ИНН 500100732259"),
    ("inn", "INN: 7707083893"),
    ("inn", "номер 500100732259"),
    ("phone", "тел. +7 (495) 123-45-67"),
    ("phone", "звонить 8-916-123-45-67"),
    ("phone", "call +1 212 555 0100"),
    ("email", "пишите ivanov@mail.ru"),
    ("email", "contact John.Smith@hospital.org."),
    ("record-number", "№ истории болезни 12345"),
    ("record-number", "история болезни № 12345"),
    ("record-number", "амбулаторная карта № 2021/456"),
    ("record-number", "MRN 123456"),
    ("record-number", "medical record number 987654"),
    ("record-number", "case history no. 4567"),
    ("patronymic-name", "Пациент Иванов Иван Иванович, 57 лет"),
    ("patronymic-name", "больная Мария Петровна Сидорова"),
    ("patronymic-name", "осмотрена Анной Ильиничной"),
    ("initials-name", "оперировал Иванов И.И."),
    ("initials-name", "врач И.И. Иванов"),
    ("initials-name", "operated by Ivanov I.I."),
    ("initials-name", "Пациентка Т., 57 лет"),
    ("initials-name", "пациент К. поступил"),
    ("initials-name", "Patient T. was admitted"),
    ("initials-name", "Mrs T. was seen"),
    ("birth-date", "дата рождения 01.02.1960"),
    ("birth-date", "родилась 1 февраля 1960 г."),
    ("birth-date", "She was born on 1 February 1960."),
    ("birth-date", "DOB 1960-02-01"),
    ("address", "проживает: ул. Ленина, д. 5, кв. 12"),
    ("address", "г. Москва, ул. Тверская"),
    ("address", "индекс 115478, Москва"),
    ("address", "lives at 12 Baker Street"),
    ("age-over-89", "больной 92 года"),
    ("age-over-89", "в возрасте 95 лет"),
    ("age-over-89", "a 91-year-old woman"),
    ("age-over-89", "aged 93"),
    ("age-over-89", "a ninety-two-year-old man"),
    ("age-over-89", "девяностолетний мужчина"),
    ("phone", "call (617) 555-0199"),
    ("phone", "mobile 07700 900123"),
    ("phone", "тел. 123-45-67"),
    ("phone", "+49 30 1234567"),
    ("ssn", "SSN 078-05-1120"),
    ("ssn", "social security number: 123456789"),
    ("nhs-number", "NHS number 943 476 5919"),
    ("nhs-number", "943 476 5919"),
    ("birth-date", "Родилась в марте 1961 г."),
    ("birth-date", "12 марта 1961 года рождения"),
    ("birth-date", "D.O.B.: 12-Mar-1961"),
    ("birth-date", "her birthday is 12 March"),
    ("workplace", "учитель в школе № 1234"),
    ("workplace", "служил в в/ч 12345"),
    ("workplace", "инженер ООО «Вектор»"),
    ("workplace", "She taught at School No. 57"),
    ("name", "Пациентку Марию Сидоренко наблюдали"),
    ("name", "Со слов дочери Анны, боли появились"),
    ("name", "Maria Ivanova, a teacher"),
    ("name", "seen by Dr. John Smith"),
    ("name", "Mrs. Petrova reported"),
    ("name", "Her daughter Anna Ivanova consented"),
    ("name", "Ivanova was discharged"),
    ("place", "Работала в г. Зеленограде"),
    ("place", "проживает в Химках"),
    ("place", "жительница Одинцовского района"),
    ("place", "a resident of Zelenograd"),
    ("place", "moved to Springfield, Ohio"),
]


@pytest.mark.parametrize(("kind", "text"), POSITIVE)
def test_positive(kind: str, text: str) -> None:
    assert kind in kinds(text)


NEGATIVE = [
    ("snils", "номер 112-233-445 96"),
    ("snils", "код 11223344596"),
    ("oms", "ряд 1234 5678 9012 3456 чисел"),
    ("passport", "DOI 10.1016/j.ejca.2008.10.026"),
    ("inn", "номер 500100732258"),
    ("phone", "DOI 10.1097/MPA.0000000000000234"),
    ("phone", "операция 12.03.2019, выписана 20.03.2019"),
    ("phone", "ISSN 2587-7593"),
    ("phone", "хромогранин А 1189,1 нг/мл"),
    ("phone", "в 1994–2015 гг."),
    ("phone", "c. 92-100"),
    ("phone", "Ki-67 3 %, 85 133 больных"),
    ("email", "автор author@example.org"),
    ("record-number", "основные события истории болезни приведены в таблице"),
    ("record-number", "the case history is summarised"),
    ("patronymic-name", "Пациентка, 57 лет, поступила"),
    ("initials-name", "Hallet J, Law CHL, Cukier M"),
    ("initials-name", "Пациентка, 57 лет"),
    ("birth-date", "операция 01.02.2019"),
    ("birth-date", "surgery on 1 February 2019; born in 1960"),
    ("address", "размер 115 мм, 478 Ед/л"),
    ("address", "ул. не указана"),
    ("age-over-89", "в 92-100 случаях, через 12 лет"),
    ("age-over-89", "ALT 92 U/L, 95 % CI"),
    ("age-over-89", "patients aged 18–90 years"),
    ("ssn", "телефон 123-45-67"),
    ("ssn", "ORCID 0000-0002-6965-8236"),
    ("nhs-number", "943 476 5918"),
    ("phone", "pages 1289-1295, 2019-2021"),
    ("birth-date", "1961 г.р., родилась в 1961 году"),
    ("workplace", "госпитализирована в отделение № 2"),
    ("name", "По данным Hallet и соавт. [@hallet2008]"),
    ("name", "Yao et al. [12] reported"),
    ("name", "операция Уиппла"),
    ("name", "ФВ по Симпсону 60 %"),
    ("name", "методом Каплана–Мейера"),
    ("name", "the Kaplan–Meier method"),
    ("name", "a Whipple procedure; Hodgkin lymphoma"),
    ("name", "Ki-67 3 %"),
    ("name", "Назначен Октреотид, затем Эверолимус"),
    ("name", "в НМИЦ онкологии им. Н.Н. Блохина"),
    ("name", "Вера в успех лечения"),
    ("name", "Mark the lesion"),
    ("place", "В Москве и в России"),
    ("place", "в 2013 г. Пациентка"),
    ("place", "жительница Московской области"),
]


@pytest.mark.parametrize(("kind", "text"), NEGATIVE)
def test_negative(kind: str, text: str) -> None:
    assert kind not in kinds(text, ("Author@Example.org",))


def test_finding_span_and_message() -> None:
    text = "СНИЛС: 112-233-445 95."
    (finding,) = scan(text)
    assert finding == Finding(
        "snils",
        7,
        21,
        "112-233-445 95",
        "looks like a СНИЛС (valid checksum) — a patient identifier",
    )
    assert text[finding.start : finding.end] == finding.text


def test_allowed_email_case_insensitive() -> None:
    text = "a@b.org, C@D.org"
    assert [f.text for f in scan(text, allowed_emails=["c@d.ORG"])] == ["a@b.org"]


def test_findings_are_ordered() -> None:
    findings = scan("aged 93, тел. 8-916-123-45-67, a@b.org")
    assert [f.kind for f in findings] == ["age-over-89", "phone", "email"]


def test_diagnostics_have_line_and_column() -> None:
    (diag,) = diagnostics("первая строка\nтел. +7 (495) 123-45-67", "case.yaml")
    assert (diag.line, diag.col, diag.code) == (2, 6, "deid-phone")
    assert diag.severity is Severity.warning
    assert "+7 (495) 123-45-67" in diag.message


STRICT_KINDS = {
    "ssn",
    "nhs-number",
    "workplace",
    "snils",
    "oms",
    "passport",
    "inn",
    "phone",
    "record-number",
    "birth-date",
    "address",
    "age-over-89",
}
EXAMPLE_FILES = sorted([*CASES.glob("*/sections/*.md"), *CASES.glob("*/case.yaml")])


def test_examples_exist() -> None:
    assert len(EXAMPLE_FILES) >= 3


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(CASES)))
def test_example_cases_have_no_identifiers(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    case_yaml = path if path.name == "case.yaml" else path.parent.parent / "case.yaml"
    authors = re.findall(r"email:\s*(\S+@\S+)", case_yaml.read_text(encoding="utf-8"))
    found = [f for f in scan(text, allowed_emails=authors) if f.kind in STRICT_KINDS | {"email"}]
    assert found == []
