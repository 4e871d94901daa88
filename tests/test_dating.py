"""Dates the author typed follow the journal's date policy in the manuscript; the case file
keeps the real dates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casepub.clinical.values import Values
from casepub.load.loader import load_case
from casepub.model import PartialDate
from casepub.profiles import DatePolicy
from casepub.render.dating import Dating
from tests.conftest import CASES, run_casepub

RELATIVE = DatePolicy(policy="relative", anchor="treatment_start")


@pytest.fixture(scope="module")
def dating() -> Dating:
    loaded = load_case(CASES / "pnet-tace")
    assert loaded.record is not None
    return Dating(loaded.case, loaded.record, RELATIVE)


def _expected(dating: Dating, date: PartialDate, lang: str = "en") -> str:
    return Values(dating.case, dating.record, lang, RELATIVE).format_when(date)  # type: ignore[arg-type]


def test_day_and_month_dates_become_offsets_from_day_0(dating: Dating) -> None:
    text = dating.apply("Admitted on 9 February 2016; TACE on 11.02.2016. In May 2016 a CT.", "en")
    day0 = _expected(dating, PartialDate(2016, 2, 9))
    day2 = _expected(dating, PartialDate(2016, 2, 11))
    month = _expected(dating, PartialDate(2016, 5))
    assert day0 == "Day 0" and day2 == "Day 2"
    assert text == f"Admitted on day 0; TACE on day 2. In {_lower(month)} a CT."


def test_russian_dates_keep_their_preposition(dating: Dating) -> None:
    text = dating.apply("С марта 2016 г. боли; 11 февраля 2016 г. — ТАХЭ.", "ru")
    march = _lower(_expected(dating, PartialDate(2016, 3), "ru"))
    day2 = _lower(_expected(dating, PartialDate(2016, 2, 11), "ru"))
    assert text == f"С {march} боли; {day2} — ТАХЭ."


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def test_years_change_only_in_the_patients_story(dating: Dating) -> None:
    literature = "SEER data for 1994–2015 [@dasari2017] and in 2013 (doi 10.1001/2013.0501)."
    assert dating.apply(literature, "en") == literature
    story = dating.apply("Hot flushes began in 2013.", "en", patient=True)
    assert story == "Hot flushes began in year -3."


def test_seasons_become_years_in_the_patients_story(dating: Dating) -> None:
    """A season is a date to the year: the whole phrase gives way to the relative year, and
    a Russian season in the instrumental («осенью») brings its own «в»."""
    story = dating.apply(
        "Pain began in autumn 2016; in the spring of 2017 a CT. Autumn 2016 was quiet.",
        "en",
        patient=True,
    )
    assert story == "Pain began in year 0; in year 1 a CT. Year 0 was quiet."
    story = dating.apply(
        "Осенью 2016 г. появились боли, весной 2017 года — КТ.", "ru", patient=True
    )
    assert story == "В год 0 появились боли, в год 1 — КТ."
    literature = "Guidelines were revised in the spring of 2017 [@smith2017]."
    assert dating.apply(literature, "en") == literature


def test_values_citations_and_code_are_left_alone(dating: Dating) -> None:
    text = 'On {{ date("2016-02-11") }} see @fig:timeline, `2016-02-11` and [@smith2016, p. 12].'
    assert dating.apply(text, "en") == text


def test_exact_policy_changes_nothing() -> None:
    loaded = load_case(CASES / "pnet-tace")
    assert loaded.record is not None
    exact = Dating(loaded.case, loaded.record, DatePolicy())
    assert exact.apply("On 11.02.2016.", "en") == "On 11.02.2016."


_DATE = re.compile(
    r"\b\d{1,2}\.\d{2}\.(?:19|20)\d{2}\b|\b(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December) (?:\d{1,2}, )?(?:19|20)\d{2}\b"
)


def test_a_relative_date_journal_gets_no_calendar_date(tmp_path: Path) -> None:
    """pnet-tace built for jmcr (relative dates): no day or month date left in the text,
    abstract or tables — only in the reference list; the case file is untouched."""
    case_file = CASES / "pnet-tace" / "case.yaml"
    before = case_file.read_bytes()
    result = run_casepub(
        "build", CASES / "pnet-tace", "--journal", "jmcr", "--format", "html", "--out", tmp_path
    )
    assert result.code == 0, result.stderr
    markdown = (tmp_path / "pnet-tace" / "pnet-tace.jmcr.en.md").read_text(encoding="utf-8")
    body = markdown.split("::: {#refs")[0].split("# References")[0]
    assert _DATE.findall(body) == []
    assert "Day 0" in body or "day 0" in body
    assert case_file.read_bytes() == before
