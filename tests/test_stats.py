"""Descriptive statistics against values worked out by hand, the printed forms in both
languages, and the statistics tables and text values of the cohort example agreeing."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import pytest

from casepub.clinical.values import ValueProblem, Values
from casepub.load.loader import load_case
from casepub.render import build_manuscript
from casepub.stats.descriptive import rounded, shares, summarise
from casepub.stats.printed import statistic_text
from tests.conftest import REPO

COHORT = REPO / "cases" / "net-liver-cohort"


# --- by hand ---------------------------------------------------------------------------------
# Quartiles are the "inclusive" (type 7) ones: the (n − 1)·p-th order statistic (0-based),
# interpolated linearly. SD is the sample SD: √(Σ(x − mean)² / (n − 1)).


def test_odd_n() -> None:
    # 1 3 5 7 9: positions of Q1, Q2, Q3 are 1, 2, 3 → 3, 5, 7; Σd² = 16+4+0+4+16 = 40 → √10
    s = summarise([9, 1, 7, 3, 5])
    assert (s.n, s.missing, s.median, s.q1, s.q3, s.min, s.max) == (5, 0, 5, 3, 7, 1, 9)
    assert s.mean == 5
    assert s.sd == pytest.approx(math.sqrt(10))


def test_even_n() -> None:
    # 2 4 6 8: median (4+6)/2 = 5; Q1 at 0.75 → 2 + 0.75·2 = 3.5; Q3 at 2.25 → 6 + 0.25·2 = 6.5
    # Σd² = 9+1+1+9 = 20 → SD √(20/3)
    s = summarise([8, 2, 6, 4])
    assert (s.median, s.q1, s.q3) == (5, 3.5, 6.5)
    assert s.sd == pytest.approx(math.sqrt(20 / 3))


def test_ties() -> None:
    # 1 2 2 2 9: Q1, median, Q3 all at tied 2s; mean 16/5 = 3.2;
    # Σd² = 2.2² + 3·1.2² + 5.8² = 4.84 + 4.32 + 33.64 = 42.8 → SD √10.7
    s = summarise([2, 9, 2, 1, 2])
    assert (s.q1, s.median, s.q3) == (2, 2, 2)
    assert s.mean == pytest.approx(3.2)
    assert s.sd == pytest.approx(math.sqrt(10.7))


def test_missing_values_are_counted_not_summarised() -> None:
    # 4 8 (two missing): median 6, Q1 at 0.25 → 5, Q3 at 0.75 → 7, SD √8
    s = summarise([4, None, 8, None])
    assert (s.n, s.missing, s.median, s.q1, s.q3) == (2, 2, 6, 5, 7)
    assert s.sd == pytest.approx(math.sqrt(8))


def test_a_single_value() -> None:
    s = summarise([7])
    assert (s.n, s.median, s.q1, s.q3, s.min, s.max, s.mean) == (1, 7, 7, 7, 7, 7, 7)
    assert s.sd is None
    assert statistic_text(s, "sd", 0, "en") == "—"
    assert statistic_text(s, "mean_sd", 0, "ru") == "7,0 ± —"


def test_an_empty_group() -> None:
    s = summarise([None, None])
    assert (s.n, s.missing, s.median, s.sd) == (0, 2, None, None)
    assert statistic_text(s, "median", 1, "ru") == "—"
    assert statistic_text(s, "iqr", 1, "ru") == "—"
    assert statistic_text(s, "n", 1, "ru") == "0"
    empty = shares([], ["a", "b"])
    assert [(v.count, v.rounded) for v in empty.values()] == [(0, 0), (0, 0)]


def test_percentages_add_up_to_100() -> None:
    # 2, 2, 2, 1 of 7: 28.57, 28.57, 28.57, 14.29 % → rounded each: 29+29+29+14 = 101.
    # Largest remainder: floors 28+28+28+14 = 98; the two largest remainders (.57, first
    # ones by order) get a unit: 29, 29, 28, 14 = 100.
    found = shares(list("aabbccd"), ["a", "b", "c", "d"], decimals=0)
    assert [found[c].rounded for c in "abcd"] == [29, 29, 28, 14]
    # 1, 1, 1 of 3 at one decimal: 33.3 each is 99.9; the tie goes to the first category
    thirds = shares(["x", "y", "z"], ["x", "y", "z"])
    assert [thirds[c].rounded for c in "xyz"] == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]
    assert sum(v.rounded for v in thirds.values()) == 100


def test_percent_of_non_missing() -> None:
    # 78 of 103 known (two unknown): 75.728… % → 75.7; the rest 24.271… → 24.3
    values = [True] * 78 + [False] * 25 + [None] * 2
    found = shares(values, [True, False])
    assert (found[True].count, found[True].rounded) == (78, Decimal("75.7"))
    assert found[False].rounded == Decimal("24.3")


def test_rounding_is_half_up() -> None:
    assert rounded(2.5, 0) == 3
    assert rounded(24.5, 0) == 25
    assert rounded(0.125, 2) == Decimal("0.13")
    assert rounded(-2.5, 0) == -3


def test_printed_forms() -> None:
    s = summarise([1, 3, 5, 7, 9])
    assert statistic_text(s, "iqr", 0, "ru") == "3–7"
    assert statistic_text(s, "range", 0, "en") == "1–9"
    assert statistic_text(s, "mean_sd", 0, "ru") == "5,0 ± 3,2"
    assert statistic_text(s, "mean_sd", 0, "en") == "5.0 ± 3.2"
    with pytest.raises(ValueError, match="no statistic 'mode'"):
        statistic_text(s, "mode", 0, "en")


# --- the example: text and tables agree ------------------------------------------------------


@pytest.fixture(scope="module")
def cohort() -> tuple[Values, Values, object]:
    loaded = load_case(COHORT)
    assert loaded.record is not None
    manuscript = build_manuscript(loaded, "ru")
    return (
        Values(loaded.case, loaded.record, "ru"),
        Values(loaded.case, loaded.record, "en"),
        manuscript,
    )


def _rows(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    return [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]


def test_freq_counts_the_file(cohort: tuple[Values, Values, object]) -> None:
    ru, en, _ = cohort
    patients = _rows(COHORT / "data" / "patients.csv")
    many = sum(1 for p in patients if p["metastases_5plus"] == "yes")
    percent = 100 * many / len(patients)
    assert ru.freq("patients.metastases_5plus") == f"{many} ({percent:.1f}\u00a0%)".replace(
        ".", ","
    )
    assert en.freq("patients.metastases_5plus") == f"{many} ({percent:.1f}%)"
    assert ru.count("patients") == str(len(patients)) == "60"
    assert ru.count("lesions") == "150"


def test_stat_matches_the_table(cohort: tuple[Values, Values, object]) -> None:
    ru, _, manuscript = cohort
    table = next(f.table for f in manuscript.floats if f.id == "tbl:patients")
    assert table is not None
    age = next(r for r in table.rows if r[0].startswith("Возраст"))
    total = age[-1]
    assert total == f"{ru.stat('patients.age', 'median')} ({ru.stat('patients.age', 'iqr')})"
    ages = sorted(int(p["age"]) for p in _rows(COHORT / "data" / "patients.csv"))
    assert ru.stat("patients.age", "min") == str(ages[0])
    lesions = next(f.table for f in manuscript.floats if f.id == "tbl:lesions")
    assert lesions is not None
    hyper = next(r for r in lesions.rows if r[0].strip().startswith("гиперваскулярный"))
    median = lesions.header.index("Me")
    assert hyper[median] == ru.stat("lesions.size_mm", "median", "enhancement=hyper")


def test_grouped_percentages_add_up(cohort: tuple[Values, Values, object]) -> None:
    _, _, manuscript = cohort
    table = next(f.table for f in manuscript.floats if f.id == "tbl:patients")
    assert table is not None
    start = next(i for i, r in enumerate(table.rows) if r[0] == "Первичная опухоль")
    block = table.rows[start + 1 : start + 4]
    for column in range(1, len(table.header)):
        percents = [
            Decimal(re.search(r"\(([\d,]+)", r[column]).group(1).replace(",", ".")) for r in block
        ]
        assert sum(percents) == 100


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda v: v.stat("patients.agee", "median"), "no variable 'agee'; did you mean `age`?"),
        (lambda v: v.stat("patient.age", "median"), "no data table 'patient'"),
        (lambda v: v.stat("patients.age", "medain"), "no statistic 'medain'"),
        (lambda v: v.stat("patients.sex", "median"), "stat() summarises numeric"),
        (lambda v: v.freq("patients.sex"), "name the category"),
        (lambda v: v.freq("patients.sex", "x"), "no category 'x'"),
        (lambda v: v.stat("patients.age", "median", "grade=G4"), "no category 'G4'"),
        (lambda v: v.count("patient"), "no data table 'patient'"),
    ],
)
def test_value_errors_say_what_exists(
    cohort: tuple[Values, Values, object], call: object, message: str
) -> None:
    ru, _, _ = cohort
    with pytest.raises(ValueProblem) as caught:
        call(ru)  # type: ignore[operator]
    problem = caught.value
    assert message in f"{problem.message} {problem.suggestion or ''}"
