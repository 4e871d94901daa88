"""Values in the text: ``{{ lab("AST", "2016-02-09") }}`` in the narrative becomes
"263,9 ед./л" in Russian and "263.9 U/L" in English, straight from the data.

Only expressions are allowed (no ``{% … %}`` statements), evaluated one by one in a sandboxed
Jinja environment, so each error is reported at its own line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from casepub.clinical import derive
from casepub.clinical.dates import days_between, whole_months, whole_years
from casepub.clinical.record import ClinicalRecord, Result, Track
from casepub.clinical.units import unit_label
from casepub.i18n import format_date, format_number
from casepub.model import Case, Lang, PartialDate, text_in
from casepub.model.data import Dose
from casepub.profiles import DatePolicy
from casepub.resources import labels

EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)

DOSE_UNITS = {
    "mg": "mg",
    "мг": "mg",
    "ml": "mL",
    "мл": "mL",
    "g": "g",
    "г": "g",
    "ug": "ug",
    "µg": "ug",
    "мкг": "ug",
    "u": "U",
    "ед": "U",
    "ед.": "U",
    "cm3": "cm3",
    "см3": "cm3",
    "см³": "cm3",
    "cm³": "cm3",
    "mg/m2": "mg/m2",
    "мг/м2": "mg/m2",
    "мг/м²": "mg/m2",
    "mg/m²": "mg/m2",
    "mg/kg": "mg/kg",
    "мг/кг": "mg/kg",
    "mbq": "MBq",
    "мбк": "MBq",
    "gbq": "GBq",
    "гбк": "GBq",
    "gy": "Gy",
    "гр": "Gy",
}
"""Accepted spellings of dose units → canonical id (labels.yaml ``dose_units``)."""


class ValueError_(ValueError):
    """A value the text asks for does not exist in the data."""


def dose_unit(spelling: str) -> str | None:
    """Canonical id of a dose unit spelling, or None."""
    return DOSE_UNITS.get(spelling.strip().lower())


@dataclass(frozen=True)
class Expression:
    """One ``{{ … }}`` of a text: its source, its inside, and where it starts in the text."""

    source: str
    inner: str
    start: int


def find_expressions(text: str) -> Iterator[Expression]:
    """Every ``{{ … }}`` in ``text``."""
    for match in EXPRESSION.finditer(text):
        yield Expression(match.group(0), match.group(1).strip(), match.start())


def relative_day0(record: ClinicalRecord, dates: DatePolicy) -> PartialDate | None:
    """Day 0 of relative dates: the policy's anchor, else the first event, else the first
    treatment's start — the same for the text, the tables and the charts."""
    first = min(
        [e.date for e in record.events] or [c.start for c in record.courses],
        key=PartialDate.first_day,
        default=None,
    )
    return record.anchors.get(dates.anchor) or first


class Values:
    """The functions the text can call, bound to one case, its record and a language."""

    def __init__(
        self, case: Case, record: ClinicalRecord, lang: Lang, dates: DatePolicy | None = None
    ) -> None:
        self.case = case
        self.record = record
        self.lang = lang
        self.words = labels()[lang]
        self.dates = dates or DatePolicy()

    def format_when(self, date: PartialDate) -> str:
        """A date as the journal prints it: exact, to the month, or relative to day 0."""
        if self.dates.policy == "exact":
            return format_date(date, self.lang)
        if self.dates.policy == "month":
            return format_date(PartialDate(date.year, date.month), self.lang)
        day0 = self.day0() or date
        if date.precision == "year":
            return f"{self.words['relative_year']} {date.year - day0.year}"
        days = days_between(day0, date)
        if date.precision == "day" and abs(days) < 90:
            return f"{self.words['relative_day']} {days}"
        return f"{self.words['relative_month']} {whole_months(day0, date)}"

    def day0(self) -> PartialDate | None:
        """Day 0 of relative dates (see :func:`relative_day0`)."""
        return relative_day0(self.record, self.dates)

    def namespace(self) -> dict[str, Any]:
        """Names available inside ``{{ … }}``."""
        functions: dict[str, Callable[..., str]] = {
            "lab": self.lab,
            "marker": self.lab,
            "date": self.date,
            "age_at": self.age_at,
            "months": self.months,
            "days": self.days,
            "years": self.years,
            "duration": self.duration,
            "dose": self.dose,
            "recist": self.recist,
            "ecog": self.ecog,
            "number": self.number,
        }
        return {**functions, "age": str(self.case.patient.age)}

    # -- helpers ------------------------------------------------------------------------

    def when(self, value: str | int) -> PartialDate:
        """An anchor name, ``last`` (the last follow-up) or a date."""
        text = str(value)
        if text in self.record.anchors:
            return self.record.anchors[text]
        if text == "last":
            last = self.record.last_date()
            if last is None:
                raise ValueError_("the case has no dates, so no last follow-up")
            return last
        try:
            return PartialDate.parse(text)
        except ValueError:
            known = ", ".join(sorted(self.record.anchors)) or "none"
            raise ValueError_(
                f"{text!r} is neither a date nor an anchor (anchors: {known})"
            ) from None

    def number(self, value: float, decimals: int | None = None) -> str:
        """A number in the language's notation."""
        return format_number(value, self.lang, decimals=decimals)

    def _track(self, name: str) -> Track:
        track = self.record.track(name)
        if track is None:
            given = ", ".join(t.analyte.names["en"] for t in self.record.tracks()) or "none"
            raise ValueError_(f"no results for {name!r} (the case has: {given})")
        return track

    def _unit(self, track: Track) -> str:
        return unit_label(track.unit.id, self.lang)

    # -- functions ------------------------------------------------------------------------

    def lab(self, name: str, when: str, what: str = "value") -> str:
        """A lab or marker result: value, number, unit, uln, flag, range, change, grade."""
        track = self._track(name)
        date = self.when(when)
        result = track.at(date)
        if result is None:
            dates = ", ".join(str(r.date) for r in track.results)
            raise ValueError_(f"no {track.analyte.names['en']} result on {date} (results: {dates})")
        return self._lab_part(track, result, what)

    def _lab_part(self, track: Track, result: Result, what: str) -> str:
        number = self.number(result.value)
        parts: dict[str, Callable[[], str]] = {
            "value": lambda: self.with_unit(number, self._unit(track)),
            "number": lambda: number,
            "unit": lambda: self._unit(track),
            "uln": lambda: self._uln(track, result),
            "flag": lambda: {"high": "↑", "low": "↓", None: ""}[
                derive.flag(result.value, track.range)
            ],
            "range": lambda: self.range(track),
            "change": lambda: self._percent(derive.change_from_baseline(track, result)),
            "grade": lambda: str(derive.ctcae_grade(track, result) or 0),
        }
        if what not in parts:
            raise ValueError_(f"lab(…, {what!r}): choose one of {', '.join(parts)}")
        return parts[what]()

    def _uln(self, track: Track, result: Result) -> str:
        multiple = derive.uln_multiple(result.value, track.range)
        if multiple is None:
            raise ValueError_(f"{track.analyte.names['en']} has no upper limit of normal")
        return self.number(multiple, decimals=1)

    def _percent(self, fraction: float | None) -> str:
        if fraction is None:
            raise ValueError_("the change from a zero baseline is undefined")
        sign = "+" if fraction > 0 else "−" if fraction < 0 else ""
        return f"{sign}{self.number(abs(fraction) * 100, decimals=1)}{self._percent_sign()}"

    def _percent_sign(self) -> str:
        """Russian sets "%" apart ("41,2 %"); English does not ("41.2%")."""
        return "\u00a0%" if self.lang == "ru" else "%"

    def with_unit(self, number: str, unit: str) -> str:
        """A number and its unit, spaced as the language does."""
        if not unit:
            return number
        if unit == "%":
            return number + self._percent_sign()
        return f"{number}\u00a0{unit}"

    def range(self, track: Track) -> str:
        """The reference range as the language writes it: ``4–32 ед./л``, ``< 108 нг/мл``."""
        limits = track.range
        if limits is None:
            raise ValueError_(f"{track.analyte.names['en']} has no reference range")
        unit = self._unit(track)
        if limits.low is not None and limits.high is not None:
            text = f"{self.number(limits.low)}–{self.number(limits.high)}"
        elif limits.high is not None:
            text = f"< {self.number(limits.high)}"
        else:
            text = f"> {self.number(limits.low or 0)}"
        return self.with_unit(text, unit)

    def date(self, when: str) -> str:
        """A date (or anchor) as the language writes it, under the journal's date policy."""
        return self.format_when(self.when(when))

    def age_at(self, when: str) -> str:
        """The patient's age at a date (needs ``anchors.presentation``)."""
        age = derive.age_at(self.record, self.case.patient.age, self.when(when))
        if age is None:
            raise ValueError_("age_at() needs `anchors: {presentation: …}`")
        return str(age)

    def months(self, start: str, end: str = "last") -> str:
        """Whole months between two dates or anchors (default end: last follow-up)."""
        return str(whole_months(self.when(start), self.when(end)))

    def days(self, start: str, end: str = "last") -> str:
        """Days between two dates or anchors."""
        return str(days_between(self.when(start), self.when(end)))

    def years(self, start: str, end: str = "last") -> str:
        """Whole years between two dates or anchors."""
        return str(whole_years(self.when(start), self.when(end)))

    def duration(self, treatment: str, unit: str = "months") -> str:
        """How long a treatment lasted (to the last follow-up if ongoing)."""
        course = self.record.course(treatment)
        if course is None:
            ids = ", ".join(c.treatment.id for c in self.record.courses) or "none"
            raise ValueError_(f"no treatment {treatment!r} (treatments: {ids})")
        if unit not in ("days", "months"):
            raise ValueError_("duration(…, unit) is 'days' or 'months'")
        return str(derive.duration(self.record, course, "days" if unit == "days" else "months"))

    def format_dose(self, dose: Dose) -> str:
        """``30 мг`` / ``30 mg``."""
        unit = dose_unit(dose.unit) or dose.unit
        return f"{self.number(dose.value)}\u00a0{self.words['dose_units'].get(unit, unit)}"

    def dose(self, treatment: str) -> str:
        """The dose of a treatment (its agents' doses for a combination)."""
        course = self.record.course(treatment)
        if course is None:
            raise ValueError_(f"no treatment {treatment!r}")
        item = course.treatment
        if item.dose is not None:
            return self.format_dose(item.dose)
        doses = [
            f"{text_in(a.agent, self.lang) or ''} {self.format_dose(a.dose)}"
            for a in item.agents
            if a.dose is not None
        ]
        if not doses:
            raise ValueError_(f"treatment {treatment!r} has no dose")
        return " + ".join(doses)

    def recist(self, when: str, what: str = "response") -> str:
        """The RECIST 1.1 assessment at a date: response, code, change or sum."""
        date = self.when(when).first_day()
        found = next((a for a in self.record.assessments if a.when == date), None)
        if found is None:
            dates = ", ".join(str(a.when) for a in self.record.assessments) or "none"
            raise ValueError_(f"no RECIST assessment on {date} (assessments: {dates})")
        code = found.response.value
        if what == "response":
            return str(self.words["response"][code])
        if what == "code":
            return code
        if what == "change":
            return self._percent(found.change_from_baseline)
        if what == "sum":
            if found.sum_mm is None:
                raise ValueError_("the sum is not known at that assessment")
            return f"{self.number(found.sum_mm)}\u00a0{'мм' if self.lang == 'ru' else 'mm'}"
        raise ValueError_(f"recist(…, {what!r}): choose response, code, change or sum")

    def ecog(self, when: str) -> str:
        """ECOG status at a date (``0–1`` for a range)."""
        date = self.when(when)
        found = next((e for e in self.record.ecog if e.date == date), None)
        if found is None:
            raise ValueError_(f"no ECOG status on {date}")
        return f"{found.value}–{found.upper}" if found.upper is not None else str(found.value)


_ENVIRONMENT = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def evaluate(expression: Expression, values: Values) -> str:
    """The text an expression stands for; ``ValueError`` with a plain message if it fails."""
    try:
        compiled = _ENVIRONMENT.compile_expression(expression.inner, undefined_to_none=False)
        result = compiled(**values.namespace())
    except ValueError_ as exc:
        raise ValueError(str(exc)) from None
    except TemplateError as exc:
        raise ValueError(f"cannot read `{expression.source}`: {exc.message or exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise ValueError(f"`{expression.source}` failed: {exc}") from None
    return str(result)


def expand(text: str, values: Values) -> str:
    """``text`` with every ``{{ … }}`` replaced by its value."""
    return EXPRESSION.sub(
        lambda m: evaluate(Expression(m.group(0), m.group(1).strip(), m.start()), values), text
    )
