"""Generate N varied, valid and entirely fictional casepub cases for the benchmark.

    python benchmarks/generate.py OUT_DIR --count 50 --seed 1

Each case is a folder ``OUT_DIR/bench-NNN/`` with ``case.yaml``, ``references.bib``, section
files and sometimes ``labs.csv``, modelled on ``cases/ileal-net`` and ``cases/pnet-tace``. The
cases vary in language (Russian with the English block, or English only), authors, sections
(inline and in files), citations and references (5–40 entries), timeline events (5–30),
treatments, labs and tumour markers (units from ``casepub/clinical/units.py``), lesions for
RECIST and ECOG, so that every generated figure and table is made. The same seed gives the
same cases, byte for byte.

Everything is invented: patients, authors, institutions, cities, journals and references.
E-mail addresses use ``example.org``; DOIs use the ``10.5555`` test prefix; the only ORCID iD
is ORCID's own example (Josiah Carberry's). Every case passes ``casepub check`` without errors.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from casepub.model import SECTION_KEYS

Pair = tuple[str, str]
"""A text as (Russian, English)."""

EXAMPLE_ORCID = "0000-0002-1825-0097"
"""ORCID's documented example iD (the fictional Josiah Carberry)."""


# Catalogue of the invented clinical world -----------------------------------------------


@dataclass(frozen=True)
class Marker:
    """A tumour marker or lab analyte as the catalogue knows it, with a reference range."""

    analyte: Pair
    unit: Pair
    low: float | None
    high: float
    start: float
    """Baseline value as a multiple of ``high`` (above 1: abnormal at diagnosis)."""
    decimals: int = 1


@dataclass(frozen=True)
class Drug:
    """A systemic treatment: one agent with a dose, or a combination of agents."""

    name: Pair
    route: str
    schedule: Pair
    dose: tuple[float, str] | None = None
    agents: tuple[tuple[Pair, float, str], ...] = ()


@dataclass(frozen=True)
class Disease:
    """A tumour type: how it is named, staged, followed and treated."""

    name: Pair
    """Nominative: «нейроэндокринная опухоль подвздошной кишки»."""
    genitive: Pair
    """Russian genitive (English unchanged): «нейроэндокринной опухоли подвздошной кишки»."""
    short: Pair
    icd10: str
    tnm: tuple[str, ...]
    graded: bool
    markers: tuple[Marker, ...]
    drugs: tuple[Drug, ...]
    surgery: tuple[Pair, ...]
    primary: Pair
    keywords: tuple[Pair, ...]


CGA = Marker(("хромогранин А", "chromogranin A"), ("нг/мл", "ng/mL"), None, 108, 6.0)
SEROTONIN = Marker(("серотонин", "serotonin"), ("нг/мл", "ng/mL"), None, 200, 4.0)
HIAA = Marker(("5-ОИУК", "5-HIAA"), ("мг/сут", "mg/24 h"), None, 8, 5.0)
NSE = Marker(("НСЕ", "NSE"), ("нг/мл", "ng/mL"), None, 16.3, 2.5)
CEA = Marker(("РЭА", "CEA"), ("нг/мл", "ng/mL"), None, 5, 8.0)
CA199 = Marker(("CA 19-9", "CA 19-9"), ("Ед/мл", "U/mL"), None, 37, 10.0)

LABS = (
    Marker(("АЛТ", "ALT"), ("ед./л", "U/L"), 0, 33, 3.0, 0),
    Marker(("АСТ", "AST"), ("ед./л", "U/L"), 4, 32, 3.5, 0),
    Marker(("ЩФ", "ALP"), ("ед./л", "U/L"), 35, 104, 4.0, 0),
    Marker(("ГГТ", "GGT"), ("ед./л", "U/L"), 6, 42, 5.0, 0),
    Marker(("Общий билирубин", "Total bilirubin"), ("мкмоль/л", "µmol/L"), 3.4, 20.5, 1.8),
    Marker(("Альбумин", "Albumin"), ("г/л", "g/L"), 35, 52, 0.6),
    Marker(("Креатинин", "Creatinine"), ("мкмоль/л", "µmol/L"), 44, 97, 0.8, 0),
    Marker(("Гемоглобин", "Hemoglobin"), ("г/л", "g/L"), 120, 160, 0.7, 0),
    Marker(("Тромбоциты", "Platelets"), ("×10⁹/л", "×10⁹/L"), 150, 400, 0.3, 0),
    Marker(("Лейкоциты", "Leukocytes"), ("×10⁹/л", "×10⁹/L"), 4, 9, 1.4),
    Marker(("Мочевина", "Urea"), ("ммоль/л", "mmol/L"), 2.5, 7.5, 1.3),
)

OCTREOTIDE = Drug(
    ("Октреотид длительного действия", "Octreotide LAR"),
    "im",
    ("1 раз в 28 дней", "every 28 days"),
    dose=(30, "mg"),
)
LANREOTIDE = Drug(
    ("Ланреотид", "Lanreotide autogel"), "sc", ("1 раз в 28 дней", "every 28 days"), (120, "mg")
)
EVEROLIMUS = Drug(("Эверолимус", "Everolimus"), "po", ("ежедневно", "daily"), (10, "mg"))
SUNITINIB = Drug(("Сунитиниб", "Sunitinib"), "po", ("ежедневно", "daily"), (37.5, "mg"))
CAPTEM = Drug(
    ("CAPTEM", "CAPTEM"),
    "po",
    ("курсы по 28 дней", "28-day cycles"),
    agents=(
        (("капецитабин", "capecitabine"), 750, "mg/m2"),
        (("темозоломид", "temozolomide"), 200, "mg/m2"),
    ),
)
FOLFOX = Drug(
    ("FOLFOX", "FOLFOX"),
    "iv",
    ("1 раз в 14 дней", "every 14 days"),
    agents=(
        (("оксалиплатин", "oxaliplatin"), 85, "mg/m2"),
        (("фторурацил", "fluorouracil"), 2400, "mg/m2"),
    ),
)
BEVACIZUMAB = Drug(
    ("Бевацизумаб", "Bevacizumab"), "iv", ("1 раз в 14 дней", "every 14 days"), (5, "mg/kg")
)
GEMCIS = Drug(
    ("Гемцитабин + цисплатин", "Gemcitabine plus cisplatin"),
    "iv",
    ("дни 1 и 8, цикл 21 день", "days 1 and 8 of 21-day cycles"),
    agents=(
        (("гемцитабин", "gemcitabine"), 1000, "mg/m2"),
        (("цисплатин", "cisplatin"), 25, "mg/m2"),
    ),
)
FLOT = Drug(
    ("FLOT", "FLOT"),
    "iv",
    ("1 раз в 14 дней", "every 14 days"),
    agents=(
        (("доцетаксел", "docetaxel"), 50, "mg/m2"),
        (("оксалиплатин", "oxaliplatin"), 85, "mg/m2"),
        (("фторурацил", "fluorouracil"), 2600, "mg/m2"),
    ),
)

DISEASES = (
    Disease(
        ("нейроэндокринная опухоль подвздошной кишки", "neuroendocrine tumour of the ileum"),
        ("нейроэндокринной опухоли подвздошной кишки", "neuroendocrine tumour of the ileum"),
        ("НЭО", "NET"),
        "C17.2",
        ("T2N1M1", "T3N1M1", "T1NxM1"),
        True,
        (CGA, SEROTONIN, HIAA),
        (OCTREOTIDE, LANREOTIDE, EVEROLIMUS),
        (("Резекция илеоцекального сегмента", "Ileocecal resection"),),
        ("подвздошная кишка", "ileum"),
        (("нейроэндокринная опухоль", "neuroendocrine tumour"), ("карциноид", "carcinoid")),
    ),
    Disease(
        ("нейроэндокринная опухоль поджелудочной железы", "pancreatic neuroendocrine tumour"),
        ("нейроэндокринной опухоли поджелудочной железы", "pancreatic neuroendocrine tumour"),
        ("НЭО ПЖ", "PNET"),
        "C25.4",
        ("T2N0M1", "T3N1M1"),
        True,
        (CGA, NSE),
        (LANREOTIDE, EVEROLIMUS, SUNITINIB, CAPTEM),
        (("Дистальная резекция поджелудочной железы", "Distal pancreatectomy"),),
        ("поджелудочная железа", "pancreas"),
        (("поджелудочная железа", "pancreas"), ("нейроэндокринная опухоль", "neuroendocrine")),
    ),
    Disease(
        ("рак сигмовидной кишки с метастазами в печени", "sigmoid cancer with liver metastases"),
        ("рака сигмовидной кишки с метастазами в печени", "sigmoid cancer with liver metastases"),
        ("КРР", "CRC"),
        "C18.7",
        ("T3N1M1", "T4N2M1"),
        False,
        (CEA, CA199),
        (FOLFOX, BEVACIZUMAB),
        (
            ("Резекция сигмовидной кишки", "Sigmoid resection"),
            ("Атипичная резекция печени", "Non-anatomical liver resection"),
        ),
        ("сигмовидная кишка", "sigmoid colon"),
        (("колоректальный рак", "colorectal cancer"), ("метастазы в печени", "liver metastases")),
    ),
    Disease(
        ("внутрипечёночная холангиокарцинома", "intrahepatic cholangiocarcinoma"),
        ("внутрипечёночной холангиокарциномы", "intrahepatic cholangiocarcinoma"),
        ("ХК", "iCCA"),
        "C22.1",
        ("T2N0M0", "T2N1M0"),
        False,
        (CA199, CEA),
        (GEMCIS,),
        (("Правосторонняя гемигепатэктомия", "Right hemihepatectomy"),),
        ("печень", "liver"),
        (("холангиокарцинома", "cholangiocarcinoma"), ("печень", "liver")),
    ),
    Disease(
        ("аденокарцинома желудка", "gastric adenocarcinoma"),
        ("аденокарциномы желудка", "gastric adenocarcinoma"),
        ("РЖ", "GC"),
        "C16.2",
        ("T3N1M0", "T4aN2M1"),
        False,
        (CEA, CA199),
        (FLOT,),
        (("Гастрэктомия с лимфодиссекцией D2", "Gastrectomy with D2 lymphadenectomy"),),
        ("желудок", "stomach"),
        (("рак желудка", "gastric cancer"), ("периоперационная химиотерапия", "FLOT")),
    ),
)

TACE = Drug(
    ("ТАХЭ", "TACE"),
    "intra-arterial",
    ("однократно", "single session"),
    agents=((("липиодол", "lipiodol"), 10, "mL"), (("доксорубицин", "doxorubicin"), 50, "mg")),
)

ORGANS: tuple[tuple[str, Pair, bool], ...] = (
    ("liver", ("печень, S{n}", "liver, segment {n}"), False),
    ("liver", ("печень, S{n}", "liver, segment {n}"), False),
    ("lung", ("правое лёгкое, нижняя доля", "right lung, lower lobe"), False),
    ("lymph-node", ("парааортальный лимфатический узел", "para-aortic lymph node"), True),
    ("peritoneum", ("брюшина, большой сальник", "peritoneum, greater omentum"), False),
)

CITIES: tuple[Pair, ...] = (
    ("Северозёрск", "Severozyorsk"),
    ("Краснобережье", "Krasnoberezhye"),
    ("Верхнеречинск", "Verkhnerechinsk"),
    ("Светлоборск", "Svetloborsk"),
    ("Южногорск", "Yuzhnogorsk"),
)
INSTITUTIONS: tuple[Pair, ...] = (
    ("Областной онкологический диспансер", "Regional Oncology Dispensary"),
    ("Городская клиническая больница № 7", "City Clinical Hospital No. 7"),
    ("Научно-клинический центр радиологии", "Scientific and Clinical Center of Radiology"),
    ("Университетская клиника", "University Clinic"),
    ("Медицинский исследовательский центр онкологии", "Medical Research Center of Oncology"),
)
DEPARTMENTS: tuple[Pair, ...] = (
    ("отделение интервенционной радиологии", "Department of Interventional Radiology"),
    ("отделение химиотерапии", "Department of Chemotherapy"),
    ("хирургическое отделение", "Department of Surgery"),
    ("отделение лучевой диагностики", "Department of Diagnostic Radiology"),
)

FAMILY_M: tuple[Pair, ...] = (
    ("Берёзкин", "Beryozkin"),
    ("Ольховский", "Olkhovsky"),
    ("Рябинин", "Ryabinin"),
    ("Клёнов", "Klyonov"),
    ("Ясенев", "Yasenev"),
    ("Вязов", "Vyazov"),
    ("Тополев", "Topolev"),
    ("Кедров", "Kedrov"),
)
GIVEN_M: tuple[Pair, ...] = (
    ("Аркадий Павлович", "Arkady P."),
    ("Глеб Андреевич", "Gleb A."),
    ("Илья Сергеевич", "Ilya S."),
    ("Лев Николаевич", "Lev N."),
    ("Фёдор Ильич", "Fyodor I."),
)
GIVEN_F: tuple[Pair, ...] = (
    ("Вера Олеговна", "Vera O."),
    ("Дарья Игоревна", "Darya I."),
    ("Ксения Петровна", "Kseniya P."),
    ("Нина Викторовна", "Nina V."),
    ("Полина Юрьевна", "Polina Yu."),
)
LATIN_FAMILY = (
    "Albright", "Brenner", "Castell", "Dunmore", "Ellery", "Falk", "Garrow", "Hollis",
    "Ingram", "Jessop", "Kerrigan", "Lindqvist", "Marchetti", "Nyberg", "Okafor", "Pellegrin",
    "Quist", "Rosendahl", "Stavros", "Tamura", "Umbers", "Vance", "Whitlock", "Yarrow",
)  # fmt: skip
RU_FAMILY: tuple[Pair, ...] = (
    ("Осокин", "Osokin"),
    ("Пихтова", "Pikhtova"),
    ("Садовников", "Sadovnikov"),
    ("Луговая", "Lugovaya"),
    ("Ручьёв", "Ruchyov"),
    ("Полянская", "Polyanskaya"),
)
JOURNALS = (
    "Journal of Gastrointestinal Oncology Reports",
    "Annals of Hepatobiliary Intervention",
    "Neuroendocrine Tumour Research",
    "Clinical Cases in Interventional Radiology",
    "European Review of Digestive Oncology",
    "Cancer Imaging Letters",
)
RU_JOURNALS: tuple[Pair, ...] = (
    ("Вестник клинической онкологии", "Vestnik klinicheskoi onkologii"),
    ("Лучевая диагностика и терапия органов пищеварения", "Radiology of the Digestive Organs"),
    ("Хирургия печени и поджелудочной железы", "Liver and Pancreas Surgery"),
)
TITLE_WORDS = (
    ("Outcomes of", "Trends in", "Prognostic factors in", "Imaging follow-up of",
     "Management of", "Long-term survival in", "Response assessment in"),
    ("locoregional therapy for", "systemic treatment of", "surgical cytoreduction of",
     "chemoembolization for", "somatostatin analogues in", "biomarkers of"),
    ("a single-centre cohort", "a population-based analysis", "a systematic review",
     "a multicentre study", "a retrospective series", "a prospective registry"),
)  # fmt: skip
RU_TITLES: tuple[Pair, ...] = (
    (
        "Результаты химиоэмболизации при метастазах в печени",
        "Outcomes of chemoembolization for liver metastases",
    ),
    (
        "Циторедуктивные операции при распространённых опухолях",
        "Cytoreductive surgery for advanced tumours",
    ),
    (
        "Опухолевые маркеры в оценке эффекта лечения",
        "Tumour markers in the assessment of treatment response",
    ),
    (
        "Лучевая диагностика метастатического поражения печени",
        "Diagnostic imaging of metastatic liver disease",
    ),
)

# Sentences of the narrative. {dis} is the disease (genitive in Russian), {short} its
# abbreviation. Literature sentences get their citations appended.
LIT_SENTENCES: tuple[Pair, ...] = (
    (
        "Заболеваемость {dis} за последние десятилетия заметно выросла",
        "The incidence of {dis} has risen markedly over recent decades",
    ),
    (
        "У значительной части больных {short} диагностируют уже при наличии отдалённых метастазов",
        "A large proportion of patients with {short} are diagnosed with distant metastases",
    ),
    (
        "Печень остаётся наиболее частой локализацией метастазов {dis}",
        "The liver remains the most frequent site of metastases of {dis}",
    ),
    (
        "Выживаемость при метастатической {short} определяется объёмом поражения печени",
        "Survival in metastatic {short} depends on the extent of liver involvement",
    ),
    (
        "Циторедукция более 70 % опухолевой массы связана с увеличением выживаемости",
        "Cytoreduction of more than 70% of the tumour burden is associated with longer survival",
    ),
    (
        "Трансартериальная химиоэмболизация позволяет контролировать метастазы в печени",
        "Transarterial chemoembolization can control liver metastases",
    ),
    (
        "Уровень опухолевых маркеров коррелирует с объёмом опухолевой массы",
        "Tumour marker levels correlate with the tumour burden",
    ),
    (
        "Критерии RECIST 1.1 остаются стандартом оценки ответа солидных опухолей",
        "RECIST 1.1 remains the standard for assessing the response of solid tumours",
    ),
    (
        "Удаление первичной опухоли может улучшать отдалённые результаты лечения",
        "Resection of the primary tumour may improve long-term outcomes",
    ),
    (
        "Мультидисциплинарный подход улучшает результаты лечения {dis}",
        "A multidisciplinary approach improves the outcomes of {dis}",
    ),
    (
        "Системная терапия при {short} сопровождается кумулятивной токсичностью",
        "Systemic therapy for {short} carries cumulative toxicity",
    ),
    (
        "Сочетание локорегиональных и системных методов изучено в ретроспективных сериях",
        "The combination of locoregional and systemic treatment has been studied in "
        "retrospective series",
    ),
)
CLOSING_SENTENCES: tuple[Pair, ...] = (
    (
        "Представленное наблюдение иллюстрирует возможности комбинированного лечения.",
        "This case illustrates what combined treatment can achieve.",
    ),
    (
        "Решение о тактике лечения принимал мультидисциплинарный консилиум.",
        "Every treatment decision was taken by a multidisciplinary tumour board.",
    ),
    (
        "Ограничением наблюдения является отсутствие гистологической верификации ответа.",
        "A limitation of the case is that the response was not verified histologically.",
    ),
    (
        "Длительный контроль заболевания достигнут без выраженной токсичности.",
        "Long-term disease control was achieved without marked toxicity.",
    ),
)


# Small helpers ----------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def iso(day: dt.date) -> str:
    return day.isoformat()


def issn_with_check(seven: str) -> str:
    """An ISSN with a correct check digit."""
    total = sum(int(d) * w for d, w in zip(seven, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    digit = "X" if check == 10 else str(check)
    return f"{seven[:4]}-{seven[4:]}{digit}"


class _Dumper(yaml.SafeDumper):
    """Multi-line texts as literal blocks, so the YAML reads like a hand-written case."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def fmt_number(value: float, decimals: int, lang: str) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "ru" else text


# The generator ----------------------------------------------------------------------------


@dataclass
class Visit:
    """One dated point of the course: a timeline event and the data recorded at it."""

    date: dt.date
    kind: str
    event: Pair
    outcome: Pair | None = None
    treatment: str | None = None
    imaging: bool = False
    labs: bool = False
    ecog: bool = False


class CaseGenerator:
    """One case from one random stream."""

    def __init__(self, rng: random.Random, number: int) -> None:
        self.rng = rng
        self.number = number
        self.id = f"bench-{number:03d}"
        self.bilingual = rng.random() < 0.7
        self.disease = rng.choice(DISEASES)
        self.female = rng.random() < 0.5
        self.files: dict[str, str] = {}

    # Texts in the case's languages ----------------------------------------------------

    def text(self, pair: Pair) -> Any:
        """``{ru, en}`` for a bilingual case, the English string otherwise."""
        return {"ru": pair[0], "en": pair[1]} if self.bilingual else pair[1]

    def fill(self, pair: Pair) -> Pair:
        d = self.disease
        return (
            pair[0].format(dis=d.genitive[0], short=d.short[0]),
            pair[1].format(dis=d.genitive[1], short=d.short[1]),
        )

    # Pieces ---------------------------------------------------------------------------

    def authors(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        rng = self.rng
        count = rng.choice((1, 2, 3, 3, 4, 5, 6, 8))
        n_aff = min(count, rng.choice((1, 1, 2, 3)))
        affiliations: dict[str, Any] = {}
        cities = rng.sample(CITIES, n_aff)
        for i, (inst, city) in enumerate(zip(rng.sample(INSTITUTIONS, n_aff), cities, strict=True)):
            entry: dict[str, Any] = {
                "name": self.text((f"{inst[0]} (вымышленный)", f"{inst[1]} (fictional)")),
                "city": self.text(city),
                "country": self.text(("Россия", "Russia")),
            }
            if rng.random() < 0.5:
                entry["department"] = self.text(rng.choice(DEPARTMENTS))
            if rng.random() < 0.5:
                entry["postal_code"] = f"{rng.randint(100000, 699999)}"
            affiliations[f"aff{i + 1}"] = entry
        families = rng.sample(FAMILY_M, count) if count <= len(FAMILY_M) else list(FAMILY_M)
        authors: list[dict[str, Any]] = []
        corresponding = rng.randrange(count)
        for i, family in enumerate(families[:count]):
            female = rng.random() < 0.5
            given = rng.choice(GIVEN_F if female else GIVEN_M)
            fam = (family[0] + "а", family[1] + "a") if female else family
            author: dict[str, Any] = {
                "id": f"a{i + 1}",
                "family": self.text(fam),
                "given": self.text(given),
                "affiliations": [f"aff{1 + i % n_aff}"],
            }
            if i == corresponding:
                author["email"] = f"{fam[1].lower()}@example.org"
                author["corresponding"] = True
            if i == 0 and rng.random() < 0.5:
                author["orcid"] = EXAMPLE_ORCID
            if rng.random() < 0.6:
                author["position"] = self.text(
                    rng.choice(
                        (
                            ("врач-онколог", "Oncologist"),
                            ("врач-рентгенолог, кандидат медицинских наук", "Radiologist, PhD"),
                            ("заведующий отделением", "Head of Department"),
                            ("ординатор", "Resident physician"),
                        )
                    )
                )
            authors.append(author)
        return authors, affiliations

    def bibliography(self) -> list[str]:
        """Write ``references.bib``; return the keys in the order the text should cite them."""
        rng = self.rng
        count = rng.randint(5, 40)
        keys: list[str] = []
        entries: list[str] = []
        titles: set[str] = set()
        d = self.disease
        for i in range(count):
            year = rng.randint(1998, 2023)
            russian = self.bilingual and rng.random() < 0.25
            if russian:
                n_auth = rng.randint(1, 4)
                names = [rng.choice(RU_FAMILY)[0] for _ in range(n_auth)]
                initials = ["А. В.", "И. С.", "Е. Н.", "О. П."]
                author = " and ".join(f"{n}, {rng.choice(initials)}" for n in dict.fromkeys(names))
                title = etitle = ""
                while not title or title in titles:
                    title, etitle = rng.choice(RU_TITLES)
                    n_cases = rng.randint(12, 400)
                    title = f"{title}: опыт {n_cases} наблюдений"
                    etitle = f"{etitle}: experience with {n_cases} cases"
                titles.add(title)
                journal, ejournal = rng.choice(RU_JOURNALS)
                first = RU_FAMILY[[f[0] for f in RU_FAMILY].index(names[0])][1].lower()
            else:
                n_auth = rng.randint(1, 6)
                names = rng.sample(LATIN_FAMILY, n_auth)
                author = " and ".join(f"{n}, {rng.choice('ABCDEFGHJKLMNPRST')}." for n in names)
                title = ""
                while not title or title in titles:
                    title = " ".join(rng.choice(part) for part in TITLE_WORDS[:2])
                    title = f"{title} {d.name[1]}: {rng.choice(TITLE_WORDS[2])}"
                titles.add(title)
                journal = rng.choice(JOURNALS)
                first = names[0].lower()
                etitle = ejournal = ""
            word = "".join(ch for ch in title.split()[0].lower() if ch.isalpha() and ch.isascii())
            key = f"{first}{year}{word or 'ref'}{i}"
            keys.append(key)
            start = rng.randint(1, 900)
            fields = {"author": author, "title": title}
            book = not russian and rng.random() < 0.1
            if book:
                kind = "book"
                fields["publisher"] = "Fictional Medical Press"
                fields["address"] = "Springfield"
            else:
                kind = "article"
                fields["journal"] = journal
                fields["volume"] = str(rng.randint(1, 80))
                fields["number"] = str(rng.randint(1, 12))
                fields["pages"] = f"{start}--{start + rng.randint(3, 15)}"
            fields["year"] = str(year)
            if rng.random() < 0.8:
                fields["doi"] = f"10.5555/bench.{year}.{rng.randint(1000, 99999)}"
            if russian:
                fields["langid"] = "russian"
                fields["englishtitle"] = etitle
                fields["englishjournal"] = ejournal
            width = max(len(k) for k in fields)
            body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields.items())
            entries.append(f"@{kind}{{{key},\n{body},\n}}\n")
        header = f"% Fictional references of the generated benchmark case {self.id}.\n\n"
        self.files["references.bib"] = header + "\n".join(entries)
        return keys

    def course(self, n_events: int) -> tuple[list[Visit], list[dict[str, Any]], dt.date]:
        """Timeline visits and treatments; returns them and the date of diagnosis."""
        rng = self.rng
        d = self.disease
        onset = dt.date(rng.randint(2008, 2019), rng.randint(1, 12), rng.randint(1, 28))
        diagnosis = onset + dt.timedelta(days=rng.randint(60, 300))
        visits = [
            Visit(
                onset,
                "symptom",
                rng.choice(
                    (
                        ("Боли в правом подреберье", "Right upper quadrant pain"),
                        ("Слабость, снижение массы тела", "Weakness and weight loss"),
                        ("Диарея до 5 раз в сутки, приливы", "Diarrhoea up to 5 times a day"),
                        ("Диспепсия, чувство тяжести в эпигастрии", "Dyspepsia, epigastric"),
                    )
                ),
            ),
            Visit(
                diagnosis,
                "imaging",
                ("КТ органов брюшной полости с контрастированием", "Contrast-enhanced CT"),
                ("Опухоль и очаги в печени", "Primary tumour and liver lesions"),
                imaging=True,
                labs=True,
                ecog=True,
            ),
            Visit(
                diagnosis + dt.timedelta(days=rng.randint(5, 20)),
                "biopsy",
                ("Биопсия очага печени", "Liver lesion biopsy"),
                (f"Верифицирована {d.name[0]}", f"Confirmed {d.name[1]}"),
            ),
        ]
        slots = max(1, n_events - len(visits) - 1)
        n_tx = min(rng.randint(1, 5), max(1, slots // 2))
        kinds = ["tx", *rng.sample(["tx"] * (n_tx - 1) + ["fu"] * (slots - n_tx), slots - 1)]
        treatments: list[dict[str, Any]] = []
        cursor = visits[-1].date
        drugs = list(d.drugs)
        surgeries = list(d.surgery)
        line = 0
        for slot in kinds:
            cursor += dt.timedelta(days=rng.randint(14, 110))
            if slot == "fu":
                choice = rng.choice(("imaging", "imaging", "lab", "status"))
                if choice == "imaging":
                    visits.append(
                        Visit(
                            cursor,
                            "imaging",
                            rng.choice(
                                (
                                    ("Контрольная МРТ", "Follow-up MRI"),
                                    ("Контрольная КТ", "Follow-up CT"),
                                    ("ПЭТ/КТ", "PET/CT"),
                                )
                            ),
                            ("Динамика очагов оценена по RECIST 1.1", "Assessed by RECIST 1.1"),
                            imaging=True,
                            labs=rng.random() < 0.5,
                        )
                    )
                elif choice == "lab":
                    visits.append(
                        Visit(cursor, "lab", ("Анализы крови", "Blood tests"), None, labs=True)
                    )
                else:
                    visits.append(
                        Visit(
                            cursor,
                            "status",
                            ("Осмотр онколога", "Oncology review"),
                            ("Состояние удовлетворительное", "Good general condition"),
                            ecog=True,
                        )
                    )
                continue
            tid = f"tx{len(treatments) + 1}"
            pick = rng.random()
            if pick < 0.25 and surgeries:
                name = surgeries.pop(0)
                treatments.append(
                    {"id": tid, "kind": "surgery", "name": self.text(name), "start": iso(cursor)}
                )
                visits.append(Visit(cursor, "surgery", name, None, treatment=tid))
            elif pick < 0.5:
                n = sum(1 for t in treatments if t["kind"] == "locoregional") + 1
                treatments.append(
                    {
                        "id": tid,
                        "kind": "locoregional",
                        "name": self.text((f"ТАХЭ, {n}-й этап", f"TACE, session {n}")),
                        "agents": [
                            {"agent": self.text(a), "dose": {"value": v, "unit": u}}
                            for a, v, u in TACE.agents
                        ],
                        "route": "intra-arterial",
                        "target": self.text(
                            rng.choice(
                                (
                                    ("правая печёночная артерия", "right hepatic artery"),
                                    ("левая печёночная артерия", "left hepatic artery"),
                                )
                            )
                        ),
                        "embolic": self.text(("липиодол", "lipiodol")),
                        "start": iso(cursor),
                        "lane": self.text(("ТАХЭ", "TACE")),
                    }
                )
                visits.append(
                    Visit(
                        cursor,
                        "procedure",
                        ("Химиоэмболизация печени", "Hepatic chemoembolization"),
                        ("Без осложнений", "No complications"),
                        treatment=tid,
                    )
                )
            else:
                drug = drugs[line % len(drugs)]
                line += 1
                entry: dict[str, Any] = {
                    "id": tid,
                    "kind": "drug",
                    "name": self.text(drug.name),
                    "route": drug.route,
                    "schedule": self.text(drug.schedule),
                    "start": iso(cursor),
                    "line": line,
                }
                if drug.dose is not None:
                    entry["dose"] = {"value": drug.dose[0], "unit": drug.dose[1]}
                for agent, value, unit in drug.agents:
                    entry.setdefault("agents", []).append(
                        {"agent": self.text(agent), "dose": {"value": value, "unit": unit}}
                    )
                if drug.agents:
                    entry["cycles"] = rng.randint(3, 12)
                treatments.append(entry)
                visits.append(
                    Visit(
                        cursor,
                        "drug-start",
                        (f"Начало терапии: {drug.name[0]}", f"Start of {drug.name[1]}"),
                        None,
                        treatment=tid,
                    )
                )
        # Drug courses end before the next treatment starts; the last one goes on.
        starts = [dt.date.fromisoformat(t["start"]) for t in treatments]
        for i, entry in enumerate(treatments):
            if entry["kind"] != "drug":
                continue
            if i + 1 < len(treatments):
                gap = (starts[i + 1] - starts[i]).days
                if gap > 2:
                    entry["end"] = iso(starts[i] + dt.timedelta(days=max(1, gap - 2)))
                    entry["reason_stopped"] = self.text(
                        ("смена тактики лечения", "change of treatment strategy")
                    )
            else:
                entry["ongoing"] = True
        last = cursor + dt.timedelta(days=rng.randint(30, 200))
        visits.append(
            Visit(
                last,
                "last-follow-up",
                ("Последнее наблюдение", "Last follow-up"),
                ("Состояние удовлетворительное", "Good general condition"),
                imaging=True,
                labs=True,
                ecog=True,
            )
        )
        return visits, treatments, diagnosis

    def series(
        self, marker: Marker, dates: Sequence[dt.date], burden: Sequence[float], lang: str
    ) -> list[tuple[dt.date, float]]:
        values = []
        for day, level in zip(dates, burden, strict=True):
            # Abnormal at diagnosis, moving towards normal as the tumour burden falls.
            if marker.start >= 1:
                ratio = 0.4 + (marker.start - 0.4) * min(level, 2.5)
            else:  # low at diagnosis (haemoglobin, platelets): recovers, never below it
                ratio = marker.start + (1.0 - marker.start) * max(0.0, 1 - level) * 0.8
            value = marker.high * ratio * self.rng.uniform(0.9, 1.1)
            values.append((day, round(value, marker.decimals)))
        del lang
        return values

    def build(self) -> dict[str, Any]:
        rng = self.rng
        d = self.disease
        lang = "ru" if self.bilingual else "en"
        li = 0 if self.bilingual else 1
        authors, affiliations = self.authors()
        keys = self.bibliography()
        visits, treatments, diagnosis = self.course(rng.randint(5, 30))
        visits.sort(key=lambda v: v.date)
        last = visits[-1].date
        age = rng.randint(32, 84)

        # Tumour burden over time: falls with each treatment, sometimes rises again.
        burden: dict[dt.date, float] = {}
        level = 1.0
        progression_from = rng.random() < 0.3 and len(visits) > 6
        for i, visit in enumerate(visits):
            if visit.treatment:
                level *= rng.uniform(0.55, 0.9)
            elif progression_from and i > len(visits) * 2 // 3:
                level *= rng.uniform(1.05, 1.35)
            burden[visit.date] = level

        # Labs, markers, ECOG, lesions.
        lab_dates = sorted({v.date for v in visits if v.labs})
        levels = [burden[day] for day in lab_dates]
        markers = []
        chosen_markers = rng.sample(d.markers, rng.randint(1, len(d.markers)))
        first_marker = chosen_markers[0]
        for marker in chosen_markers:
            values = self.series(marker, lab_dates, levels, lang)
            markers.append(
                {
                    "analyte": marker.analyte[li],
                    "unit": marker.unit[li],
                    "range": {"high": marker.high},
                    "values": [{"date": iso(day), "value": v} for day, v in values],
                }
            )
        labs: list[dict[str, Any]] = []
        chosen_labs = rng.sample(LABS, rng.randint(2, 6))
        in_csv = chosen_labs[: rng.randint(0, len(chosen_labs))] if rng.random() < 0.4 else []
        rows: list[list[str]] = []
        first_lab: tuple[Marker, dt.date] | None = None
        for marker in chosen_labs:
            values = self.series(marker, lab_dates, levels, lang)
            first_lab = first_lab or (marker, values[0][0])
            rng_entry: dict[str, float] = {"high": marker.high}
            if marker.low is not None:
                rng_entry = {"low": marker.low, "high": marker.high}
            if marker in in_csv:
                for day, v in values:
                    rows.append(
                        [
                            day.strftime("%d.%m.%Y") if lang == "ru" else iso(day),
                            marker.analyte[li],
                            fmt_number(v, marker.decimals, lang),
                            marker.unit[li],
                            fmt_number(marker.low, 1, lang) if marker.low is not None else "",
                            fmt_number(marker.high, 1, lang),
                        ]
                    )
                continue
            labs.append(
                {
                    "analyte": marker.analyte[li],
                    "unit": marker.unit[li],
                    "range": rng_entry,
                    "values": [{"date": iso(day), "value": v} for day, v in values],
                }
            )
        if rows:
            buffer = io.StringIO()
            if lang == "ru":
                writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
                writer.writerow(["дата", "показатель", "значение", "единицы", "нижняя", "верхняя"])
            else:
                writer = csv.writer(buffer, lineterminator="\n")
                writer.writerow(["date", "analyte", "value", "unit", "low", "high"])
            writer.writerows(rows)
            self.files["labs.csv"] = buffer.getvalue()
            labs.append({"file": "labs.csv"})

        ecog_dates = sorted({v.date for v in visits if v.ecog})
        ecog = []
        for day in ecog_dates:
            value = min(3, max(0, round(burden[day] * 2.5 + rng.uniform(-0.5, 0.5))))
            item: dict[str, Any] = {"date": iso(day), "value": value}
            if value < 3 and rng.random() < 0.2:
                item["upper"] = value + 1
            ecog.append(item)

        imaging = sorted({v.date for v in visits if v.imaging})
        lesions: list[dict[str, Any]] = []
        per_organ: dict[str, int] = {}
        for n in range(rng.randint(1, 4)):
            organ, site, node = ORGANS[rng.randrange(len(ORGANS))]
            if per_organ.get(organ, 0) >= 2:
                continue
            per_organ[organ] = per_organ.get(organ, 0) + 1
            size = rng.randint(18, 60)
            segment = rng.randint(2, 8)
            measurements = []
            for day in imaging:
                mm = round(size * burden[day] ** 0.7 * rng.uniform(0.95, 1.05))
                measurements.append({"date": iso(day), "mm": max(mm, 3)})
            lesions.append(
                {
                    "id": f"L{n + 1}",
                    "site": self.text((site[0].format(n=segment), site[1].format(n=segment))),
                    "organ": organ,
                    "node": node,
                    "target": True,
                    "measurements": measurements,
                }
            )
        new_lesion = progression_from and len(imaging) > 2
        if new_lesion:
            lesions.append(
                {
                    "id": "N1",
                    "site": self.text(("печень, S3", "liver, segment 3")),
                    "organ": "liver",
                    "target": False,
                    "new": True,
                    "measurements": [{"date": iso(imaging[-1]), "mm": rng.randint(8, 20)}],
                    "not_followed": self.text(
                        ("выявлен при последнем обследовании", "found at the last study")
                    ),
                }
            )

        # Status at the last follow-up.
        dead = rng.random() < 0.1
        if dead:
            for entry in treatments:
                if entry.pop("ongoing", False):
                    entry["end"] = iso(
                        max(last - dt.timedelta(days=14), dt.date.fromisoformat(entry["start"]))
                    )
            visits[-1].kind = "death"
            visits[-1].event = ("Смерть", "Death")
            visits[-1].outcome = ("Прогрессирование заболевания", "Disease progression")
            status = "dead"
        else:
            status = rng.choice(
                ("alive-stable-disease", "alive-with-disease", "alive-no-evidence-of-disease")
            )
        outcome: dict[str, Any] = {"status": status, "date": iso(last)}
        if dead:
            outcome["cause_of_death"] = self.text(
                ("прогрессирование заболевания", "disease progression")
            )
        outcome["text"] = self.text(
            ("Состояние на момент последнего наблюдения описано выше.", "As described above.")
        )
        if rng.random() < 0.7:
            outcome["adverse_events"] = self.text(
                (
                    "Нежелательные явления не превышали 2-й степени (CTCAE v5).",
                    "Adverse events did not exceed grade 2 (CTCAE v5).",
                )
            )

        timeline = []
        for visit in visits:
            event: dict[str, Any] = {"date": iso(visit.date)}
            if visit is visits[0]:
                event["date"] = visit.date.strftime("%Y-%m")
            event["kind"] = visit.kind
            event["event"] = self.text(visit.event)
            if visit.treatment:
                event["treatment"] = visit.treatment
            if visit.outcome:
                event["outcome"] = self.text(visit.outcome)
            timeline.append(event)

        anchors = {"diagnosis": iso(diagnosis), "treatment_start": treatments[0]["start"]}

        # Sections, with citations spread over the introduction and the discussion.
        chunks: list[list[str]] = []
        pool = list(keys)
        while pool:
            take = rng.randint(1, 3)
            chunks.append(pool[:take])
            pool = pool[take:]
        split = max(1, len(chunks) // 2)
        facts = {
            "first_lab": first_lab,
            "assessment": imaging[1] if len(imaging) > 1 else None,
            "lesions": bool(lesions),
            "ecog": ecog_dates,
            "marker": (first_marker, lab_dates[0]),
            "treatments": treatments,
            "last": last,
        }
        sections = self.sections(chunks[:split], chunks[split:], facts, age)

        title = (
            f"{d.name[0].capitalize()}: комбинированное лечение (клинический случай)",
            f"Combined treatment of {d.name[1]}: a case report",
        )
        abstract_parts = (
            (
                ("Обоснование", "Background"),
                (
                    f"Лечение {d.genitive[0]} при метастатическом поражении печени остаётся "
                    "сложной задачей.",
                    f"Treatment of {d.name[1]} with liver metastases remains a challenge.",
                ),
            ),
            (
                ("Описание клинического случая", "Case presentation"),
                (
                    f"Описано наблюдение пациента {age} лет, получившего "
                    f"{len(treatments)} этапа лечения.",
                    f"We describe a {age}-year-old patient who received "
                    f"{len(treatments)} lines or stages of treatment.",
                ),
            ),
            (
                ("Заключение", "Conclusions"),
                (
                    "Комбинированный подход обеспечил длительный контроль заболевания.",
                    "The combined approach achieved long-term disease control.",
                ),
            ),
        )
        if rng.random() < 0.5:
            abstract: Any = [
                {"heading": self.text(h), "text": self.text(t)} for h, t in abstract_parts
            ]
        else:
            abstract = self.text(
                (
                    " ".join(t[0] for _, t in abstract_parts),
                    " ".join(t[1] for _, t in abstract_parts),
                )
            )
        keywords_pairs = [*d.keywords, ("клинический случай", "case report")]
        if self.bilingual:
            keywords: Any = {
                "ru": [k[0] for k in keywords_pairs],
                "en": [k[1] for k in keywords_pairs],
            }
        else:
            keywords = [k[1] for k in keywords_pairs]

        grade = rng.choice(("G1", "G2")) if d.graded else None
        ki67 = rng.choice((1, 2, 3, 5, 8, 12)) if d.graded else None
        pathology: dict[str, Any] = {
            "date": iso(visits[2].date),
            "specimen": self.text(("биоптат печени", "liver biopsy")),
            "result": self.text((f"Метастаз: {d.name[0]}", f"Metastasis of {d.name[1]}")),
        }
        diag: dict[str, Any] = {
            "text": self.text(d.name),
            "icd10": d.icd10,
            "tnm": rng.choice(d.tnm),
            "stage": "IV" if d.tnm[0].endswith("M1") else "III",
        }
        if grade is not None:
            diag["grade"] = grade
            diag["ki67"] = ki67
            pathology["grade"] = grade
            pathology["ki67"] = ki67
        diag["pathology"] = [pathology]

        case: dict[str, Any] = {
            "format": 1,
            "language": lang,
            "article_type": "case-report",
            "title": self.text(title),
            "running_title": self.text((d.short[0] + ": клинический случай", d.short[1])),
            "authors": authors,
            "affiliations": affiliations,
            "keywords": keywords,
            "abstract": abstract,
        }
        if rng.random() < 0.5:
            case["journal"] = {
                "name": self.text(("Вымышленный онкологический вестник", "Fictional Oncology")),
                "issn": issn_with_check(f"{rng.randint(1000000, 9999999)}"),
                "year": last.year + 1,
                "volume": str(rng.randint(1, 30)),
                "issue": str(rng.randint(1, 6)),
                "doi": f"10.5555/bench-case.{self.number:03d}",
            }
        case.update(
            {
                "patient": {"sex": "female" if self.female else "male", "age": age},
                "diagnosis": diag,
                "anchors": anchors,
                "timeline": timeline,
                "treatments": treatments,
                "labs": labs,
                "markers": markers,
                "ecog": ecog,
                "lesions": lesions,
                "recist": {"baseline": iso(imaging[0])},
                "outcome": outcome,
                "sections": sections,
                "declarations": {
                    "consent": self.text(
                        (
                            "Случай вымышленный; пациент не участвовал.",
                            "The case is fictional; no patient was involved.",
                        )
                    ),
                    "conflicts": self.text(
                        ("Конфликт интересов отсутствует.", "The authors declare none.")
                    ),
                    "funding": self.text(
                        ("Работа выполнена без финансирования.", "No funding was received.")
                    ),
                    "contributions": [
                        {
                            "author": a["id"],
                            "roles": sorted(
                                rng.sample(
                                    [
                                        "conceptualization",
                                        "data-curation",
                                        "investigation",
                                        "writing-original-draft",
                                        "writing-review-editing",
                                    ],
                                    rng.randint(1, 3),
                                )
                            ),
                        }
                        for a in authors
                    ],
                },
                "bibliography": "references.bib",
            }
        )
        if not lesions:
            del case["lesions"], case["recist"]
        header = (
            f"# Generated benchmark case {self.id} (benchmarks/generate.py).\n"
            "# Everything in it is fictional: patient, authors, institutions, references.\n\n"
        )
        self.files["case.yaml"] = header + yaml.dump(
            case, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
        )
        return case

    def sections(
        self,
        intro: list[list[str]],
        discussion: list[list[str]],
        facts: dict[str, Any],
        age: int,
    ) -> dict[str, Any]:
        rng = self.rng
        d = self.disease

        def cite(chunk: list[str]) -> str:
            return "[" + "; ".join(f"@{k}" for k in chunk) + "]"

        def literature(chunks: list[list[str]]) -> Pair:
            ru: list[str] = []
            en: list[str] = []
            order = rng.sample(range(len(LIT_SENTENCES)), len(LIT_SENTENCES))
            for i, chunk in enumerate(chunks):
                pair = self.fill(LIT_SENTENCES[order[i % len(order)]])
                ru.append(f"{pair[0]} {cite(chunk)}.")
                en.append(f"{pair[1]} {cite(chunk)}.")
                if i % 4 == 3:
                    ru.append("\n\n")
                    en.append("\n\n")
            return paragraphs(ru), paragraphs(en)

        def paragraphs(parts: list[str]) -> str:
            return " ".join(parts).replace(" \n\n ", "\n\n").strip() + "\n"

        story_ru = [
            f"Пациент{'ка' if self.female else ''}, {{{{ age }}}} лет. Диагноз "
            f'{d.genitive[0]} установлен {{{{ date("diagnosis") }}}}.'
        ]
        story_en = [
            f"A {{{{ age }}}}-year-old {'woman' if self.female else 'man'} was diagnosed with "
            f'{d.name[1]} on {{{{ date("diagnosis") }}}}.'
        ]
        del age
        first_lab = facts["first_lab"]
        if first_lab is not None:
            marker, day = first_lab
            expr = f'{{{{ lab("{marker.analyte[1]}", "{iso(day)}") }}}}'
            story_ru.append(f"При поступлении показатель {marker.analyte[0]} составил {expr}.")
            story_en.append(f"On admission, {marker.analyte[1]} was {expr}.")
        marker, day = facts["marker"]
        expr = f'{{{{ lab("{marker.analyte[1]}", "{iso(day)}") }}}}'
        uln = f'{{{{ lab("{marker.analyte[1]}", "{iso(day)}", "uln") }}}}'
        story_ru.append(f"Уровень {marker.analyte[0]} — {expr} ({uln} ВГН) (@tbl:markers).")
        story_en.append(f"The {marker.analyte[1]} level was {expr} ({uln} × ULN) (@tbl:markers).")
        ecog_dates = facts["ecog"]
        story_ru.append(f'Общее состояние — ECOG {{{{ ecog("{iso(ecog_dates[0])}") }}}}.')
        story_en.append(f'Performance status was ECOG {{{{ ecog("{iso(ecog_dates[0])}") }}}}.')

        therapy_ru = ["Ход лечения представлен в @tbl:treatments и на @fig:timeline."]
        therapy_en = ["The course of treatment is given in @tbl:treatments and @fig:timeline."]
        for t in facts["treatments"][:4]:
            if "dose" in t or "agents" in t:
                therapy_ru.append(
                    f'Этап {t["id"][2:]}: доза — {{{{ dose("{t["id"]}") }}}}, '
                    f'начало {{{{ date("{t["start"]}") }}}}.'
                )
                therapy_en.append(
                    f'Stage {t["id"][2:]}: dose {{{{ dose("{t["id"]}") }}}}, started '
                    f'{{{{ date("{t["start"]}") }}}}.'
                )
            if t["kind"] == "drug":
                therapy_ru.append(
                    f'Продолжительность терапии — {{{{ duration("{t["id"]}") }}}} мес.'
                )
                therapy_en.append(f'The course lasted {{{{ duration("{t["id"]}") }}}} months.')

        follow_ru = [
            "Динамика лабораторных показателей — в @tbl:labs и на @fig:labs, "
            "опухолевых маркеров — на @fig:markers, общего состояния — на @fig:ecog.",
            'Срок наблюдения от начала лечения — {{ months("treatment_start", "last") }} мес.',
        ]
        follow_en = [
            "Laboratory results are shown in @tbl:labs and @fig:labs, tumour markers in "
            "@fig:markers and performance status in @fig:ecog.",
            'Follow-up from the start of treatment was {{ months("treatment_start", "last") }} '
            "months.",
        ]
        when = facts["assessment"]
        if when is not None and facts["lesions"]:
            resp = f'{{{{ recist("{iso(when)}") }}}}'
            change = f'{{{{ recist("{iso(when)}", "change") }}}}'
            follow_ru.append(
                f"По RECIST 1.1 при первом контрольном исследовании — {resp} "
                f"(сумма диаметров {change}; @fig:lesions)."
            )
            follow_en.append(
                f"At the first follow-up study the RECIST 1.1 response was {resp} "
                f"(sum of diameters {change}; @fig:lesions)."
            )
        intro_text = literature(intro)
        disc = literature(discussion)
        closing = rng.sample(CLOSING_SENTENCES, 2)
        texts: dict[str, Pair] = {
            "introduction": intro_text,
            "patient_information": (" ".join(story_ru) + "\n", " ".join(story_en) + "\n"),
            "timeline": (
                "Основные события приведены в @tbl:timeline.",
                "The main events are listed in @tbl:timeline.",
            ),
            "therapeutic_intervention": (" ".join(therapy_ru) + "\n", " ".join(therapy_en) + "\n"),
            "follow_up": (" ".join(follow_ru) + "\n", " ".join(follow_en) + "\n"),
            "discussion": (
                disc[0] + "\n" + " ".join(c[0] for c in closing) + "\n",
                disc[1] + "\n" + " ".join(c[1] for c in closing) + "\n",
            ),
            "conclusion": closing[0],
        }
        if rng.random() < 0.5:
            texts["diagnostic_assessment"] = (
                f"Диагноз подтверждён гистологически; стадия {d.short[0]} определена по TNM.",
                f"The diagnosis was confirmed histologically and the {d.short[1]} staged by TNM.",
            )
        if rng.random() < 0.3:
            texts["patient_perspective"] = (
                "«Я благодарна врачам за возможность вернуться к обычной жизни».",
                '"I am grateful to be able to return to my ordinary life."',
            )
        out: dict[str, Any] = {}
        for key in SECTION_KEYS:
            if key not in texts:
                continue
            pair = texts[key]
            mode = rng.random()
            if mode < 0.4 and key not in ("timeline", "conclusion"):
                if self.bilingual:
                    self.files[f"sections/{key}.ru.md"] = pair[0]
                    self.files[f"sections/{key}.en.md"] = pair[1]
                    out[key] = {"file": f"sections/{key}.{{lang}}.md"}
                else:
                    self.files[f"sections/{key}.en.md"] = pair[1]
                    out[key] = {"file": f"sections/{key}.{{lang}}.md"}
            elif mode < 0.55 and key == "patient_information":
                out[key] = {
                    "title": self.text(("Клиническое наблюдение", "Case presentation")),
                    "text": self.text(pair),
                }
            else:
                out[key] = self.text(pair)
        return out

    def write(self, root: Path) -> Path:
        self.build()
        folder = root / self.id
        for name, content in self.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        return folder


def generate(out: Path, count: int, seed: int) -> list[Path]:
    """Write ``count`` cases under ``out``; the same seed gives the same files."""
    out.mkdir(parents=True, exist_ok=True)
    folders = []
    for number in range(1, count + 1):
        rng = random.Random(f"{seed}:{number}")
        folders.append(CaseGenerator(rng, number).write(out))
    return folders


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="folder to write the cases into")
    parser.add_argument("--count", type=int, default=50, help="number of cases (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    for folder in generate(args.out, args.count, args.seed):
        print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
