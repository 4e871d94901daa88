"""Values in the text: ``{{ lab("AST", "2016-02-09") }}`` in the narrative becomes
"263,9 ед./л" in Russian and "263.9 U/L" in English, straight from the data.

A value is one call of a function of :class:`Values` with literal arguments (or the name
``age``): Jinja parses it, casepub checks its form and calls the function itself, so nothing
else runs — no statements, attributes, arithmetic or filters. Each problem is a
:class:`ValueProblem` with its check code, reported at its own line and column. Which texts
take values: :mod:`casepub.clinical.value_texts`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

from casepub.clinical import derive
from casepub.clinical.dates import days_between, whole_months, whole_years
from casepub.clinical.record import ClinicalRecord, Result, Track
from casepub.clinical.units import unit_label
from casepub.diagnostics import did_you_mean
from casepub.i18n import format_date, format_number
from casepub.model import Case, Lang, PartialDate, text_in
from casepub.model.common import written_decimals
from casepub.model.data import Dose
from casepub.model.panels import panel_index, panel_letter
from casepub.profiles import DatePolicy
from casepub.resources import labels
from casepub.stats.data import CohortData, CohortTable, Column
from casepub.stats.printed import (
    category_code,
    rows_where,
    share_text,
    shares_of,
    statistic_names,
    statistic_text,
    summary_of,
)

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


class ValueProblem(ValueError):
    """A ``{{ … }}`` that gives no value: what is wrong, what to do, and the check code."""

    code = "value-ref"

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


class ValueSyntax(ValueProblem):
    """Template code that is no value: ``{% … %}``, an unclosed ``{{``, an expression that is
    not a call of a value function."""

    code = "value-syntax"


def dose_unit(spelling: str) -> str | None:
    """Canonical id of a dose unit spelling, or None."""
    return DOSE_UNITS.get(spelling.strip().lower())


@dataclass(frozen=True)
class Expression:
    """One ``{{ … }}`` of a text: its source, its inside, and where it starts in the text."""

    source: str
    inner: str
    start: int


def _expressions(text: str) -> Iterator[re.Match[str]]:
    yield from EXPRESSION.finditer(_masked(text))


def find_expressions(text: str) -> Iterator[Expression]:
    """Every ``{{ … }}`` in ``text`` (not in code spans or formulas)."""
    for match in _expressions(text):
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
            "stat": self.stat,
            "freq": self.freq,
            "count": self.count,
            "panel": self.panel,
        }
        patient = self.case.patient
        return {**functions, **({"age": str(patient.age)} if patient else {})}

    # -- helpers ------------------------------------------------------------------------

    def when(self, value: str | int) -> PartialDate:
        """An anchor name, ``last`` (the last follow-up) or a date."""
        text = str(value)
        if text in self.record.anchors:
            return self.record.anchors[text]
        if text == "last":
            last = self.record.last_date()
            if last is None:
                raise ValueProblem("the case has no dates, so no last follow-up")
            return last
        try:
            return PartialDate.parse(text)
        except ValueError:
            known = ", ".join(sorted(self.record.anchors)) or "none"
            raise ValueProblem(
                f"{text!r} is neither a date nor an anchor (anchors: {known})"
            ) from None

    def number(self, value: float, decimals: int | None = None) -> str:
        """A number in the language's notation, with ``decimals`` or else as many as the
        author wrote it with (``2.0`` → "2,0")."""
        if decimals is None:
            decimals = written_decimals(value)
        return format_number(value, self.lang, decimals=decimals)

    def _track(self, name: str) -> Track:
        track = self.record.track(name)
        if track is None:
            given = ", ".join(t.analyte.names["en"] for t in self.record.tracks()) or "none"
            raise ValueProblem(f"no results for {name!r} (the case has: {given})")
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
            raise ValueProblem(
                f"no {track.analyte.names['en']} result on {date} (results: {dates})"
            )
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
            raise ValueProblem(f"lab(…, {what!r}): choose one of {', '.join(parts)}")
        return parts[what]()

    def _uln(self, track: Track, result: Result) -> str:
        multiple = derive.uln_multiple(result.value, track.range)
        if multiple is None:
            raise ValueProblem(f"{track.analyte.names['en']} has no upper limit of normal")
        return self.number(multiple, decimals=1)

    def _percent(self, fraction: float | None) -> str:
        if fraction is None:
            raise ValueProblem("the change from a zero baseline is undefined")
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

    def range(self, track: Track, *, with_unit: bool = True) -> str:
        """The reference range as the language writes it: ``4–32 ед./л``, ``< 108 нг/мл``
        (``4–32`` without the unit, for a table's column)."""
        limits = track.range
        if limits is None:
            raise ValueProblem(f"{track.analyte.names['en']} has no reference range")
        unit = self._unit(track) if with_unit else ""
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
        if self.case.patient is None:
            raise ValueProblem("age_at() needs the case's `patient:`")
        age = derive.age_at(self.record, self.case.patient.age, self.when(when))
        if age is None:
            raise ValueProblem("age_at() needs `anchors: {presentation: …}`")
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
            raise ValueProblem(f"no treatment {treatment!r} (treatments: {ids})")
        if unit not in ("days", "months"):
            raise ValueProblem("duration(…, unit) is 'days' or 'months'")
        return str(derive.duration(self.record, course, "days" if unit == "days" else "months"))

    def format_dose(self, dose: Dose) -> str:
        """``30 мг`` / ``30 mg``."""
        unit = dose_unit(dose.unit) or dose.unit
        return f"{self.number(dose.value)}\u00a0{self.words['dose_units'].get(unit, unit)}"

    def dose(self, treatment: str) -> str:
        """The dose of a treatment (its agents' doses for a combination)."""
        course = self.record.course(treatment)
        if course is None:
            raise ValueProblem(f"no treatment {treatment!r}")
        item = course.treatment
        if item.dose is not None:
            return self.format_dose(item.dose)
        doses = [
            f"{text_in(a.agent, self.lang) or ''} {self.format_dose(a.dose)}"
            for a in item.agents
            if a.dose is not None
        ]
        if not doses:
            raise ValueProblem(f"treatment {treatment!r} has no dose")
        return " + ".join(doses)

    def recist(self, when: str, what: str = "response") -> str:
        """The RECIST 1.1 assessment at a date: response, code, change or sum."""
        date = self.when(when).first_day()
        found = next((a for a in self.record.assessments if a.when == date), None)
        if found is None:
            dates = ", ".join(str(a.when) for a in self.record.assessments) or "none"
            raise ValueProblem(f"no RECIST assessment on {date} (assessments: {dates})")
        code = found.response.value
        if what == "response":
            return str(self.words["response"][code])
        if what == "code":
            return code
        if what == "change":
            return self._percent(found.change_from_baseline)
        if what == "sum":
            if found.sum_mm is None:
                raise ValueProblem("the sum is not known at that assessment")
            return f"{self.number(found.sum_mm)}\u00a0{'мм' if self.lang == 'ru' else 'mm'}"
        raise ValueProblem(f"recist(…, {what!r}): choose response, code, change or sum")

    # -- cohort statistics (docs/statistics.md) ------------------------------------------

    def _cohort(self) -> CohortData:
        if self.record.cohort is None:
            raise ValueProblem("the case has no cohort data: add `cohort: {tables: …}`")
        return self.record.cohort

    def _column(self, variable: str) -> tuple[CohortTable, Column]:
        try:
            return self._cohort().variable(variable)
        except LookupError as exc:
            raise ValueProblem(str(exc).strip("'\""), "name it as table.variable") from None

    def _rows(self, table: CohortTable, where: str | None) -> list[int] | None:
        try:
            return rows_where(table, where)
        except (LookupError, ValueError) as exc:
            raise ValueProblem(f"where={where!r}: {str(exc).strip(chr(39) + chr(34))}") from None

    def stat(self, variable: str, statistic: str = "median", where: str | None = None) -> str:
        """A statistic of a numeric variable, ``stat("lesions.count", "median")``, as its
        statistics table prints it; ``where="sex=f"`` for one group."""
        table, column = self._column(variable)
        if column.variable.kind.value != "numeric":
            raise ValueProblem(
                f"`{variable}` is {column.variable.kind.value}: stat() summarises numeric "
                "variables",
                f'count its values with {{{{ freq("{variable}", …) }}}}',
            )
        if statistic not in statistic_names():
            raise ValueProblem(
                f"no statistic {statistic!r}",
                did_you_mean(statistic, statistic_names())
                or "choose " + ", ".join(statistic_names()),
            )
        summary = summary_of(column, self._rows(table, where))
        return statistic_text(summary, statistic, column.decimals, self.lang)

    def freq(
        self,
        variable: str,
        category: str | None = None,
        where: str | None = None,
        decimals: int = 1,
    ) -> str:
        """How many rows have a category, with the percentage of the non-missing values:
        ``freq("patients.metastases_5plus")`` → "78 (75,7 %)" (a boolean counts its yes)."""
        table, column = self._column(variable)
        if category is None:
            if column.variable.kind.value != "boolean":
                codes = ", ".join(column.variable.categories) or "none"
                raise ValueProblem(
                    f"`{variable}` is {column.variable.kind.value}: name the category "
                    f"(categories: {codes})",
                    f'write {{{{ freq("{variable}", "…") }}}}',
                )
            wanted: Hashable = True
        else:
            try:
                wanted = category_code(column, str(category))
            except (LookupError, ValueError) as exc:
                raise ValueProblem(str(exc).strip("'\"")) from None
        found = shares_of(column, self._rows(table, where), decimals)[wanted]
        return share_text(found, decimals, self.lang)

    def count(self, table: str, where: str | None = None) -> str:
        """The number of rows of a data table (``count("patients")``), or of those where a
        condition holds (``count("patients", "sex=f")``)."""
        cohort = self._cohort()
        found = cohort.tables.get(table)
        if found is None:
            raise ValueProblem(
                f"no data table {table!r}", did_you_mean(table, cohort.tables) or None
            )
        rows = self._rows(found, where)
        return str(found.rows if rows is None else len(rows))

    def panel(self, key: str) -> str:
        """A panel's letter in the language: ``panel("b")`` → "б" / "b" (the key is the Latin
        or the Russian letter)."""
        index = panel_index(str(key))
        if index is None:
            raise ValueProblem(
                f"panel({key!r}): a panel is named by its letter, a…z (or а…я)",
                'write e.g. {{ panel("b") }} for the second panel',
            )
        return panel_letter(index, self.lang)

    def ecog(self, when: str) -> str:
        """ECOG status at a date (``0–1`` for a range)."""
        date = self.when(when)
        found = next((e for e in self.record.ecog if e.date == date), None)
        if found is None:
            raise ValueProblem(f"no ECOG status on {date}")
        return f"{found.value}–{found.upper}" if found.upper is not None else str(found.value)


_PARSER = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
"""Only parses: an expression is checked to be a call with literal arguments and then made
by calling the function itself, so nothing else (attributes, arithmetic, filters) runs."""

_STRAIGHT_QUOTES = str.maketrans(dict.fromkeys("“”„‟«»″", '"') | dict.fromkeys("‘’‚‛′", "'"))
"""Typographic quotes an editor (or a typographer) may put around the arguments."""


@dataclass(frozen=True)
class Call:
    """What an expression asks for: ``lab("AST", "2016-02-09")`` or a bare name (``age``)."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    bare: bool = False


def _literal(node: nodes.Node, source: str) -> Any:
    if isinstance(node, nodes.Const):
        return node.value
    if (
        isinstance(node, nodes.Neg)
        and isinstance(node.node, nodes.Const)
        and isinstance(node.node.value, int | float)
    ):
        return -node.node.value
    raise ValueSyntax(
        f"`{source}`: the arguments of a value are texts in quotes or numbers",
        'write e.g. {{ lab("AST", "2016-02-09") }}',
    )


def parse_call(expression: Expression) -> Call:
    """The call an expression makes; ``ValueSyntax`` for anything else."""
    inner = expression.inner.translate(_STRAIGHT_QUOTES)
    if not inner:
        raise ValueSyntax("an empty `{{ }}`", "write a value inside, or delete it")
    try:
        body = _PARSER.parse("{{ " + inner + " }}").body
    except TemplateError as exc:
        raise ValueSyntax(
            f"cannot read `{expression.source}`: {exc.message or exc}",
            'write a value as {{ lab("AST", "2016-02-09") }}',
        ) from None
    node = body[0].nodes[0] if len(body) == 1 and isinstance(body[0], nodes.Output) else None
    if isinstance(node, nodes.Name):
        return Call(node.name, bare=True)
    if (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Name)
        and node.dyn_args is None
        and node.dyn_kwargs is None
    ):
        source = expression.source
        return Call(
            node.node.name,
            tuple(_literal(arg, source) for arg in node.args),
            tuple((k.key, _literal(k.value, source)) for k in node.kwargs),
        )
    raise ValueSyntax(
        f"`{expression.source}` is not a value: a value is one call such as "
        '`lab("AST", "2016-02-09")` or the name `age`',
        "casepub computes values from the data; arithmetic and filters are not read",
    )


def _signature(function: Callable[..., str]) -> str:
    """``months(start, end="last")``."""
    parameters = [
        name if p.default is p.empty else f"{name}={p.default!r}".replace("'", '"')
        for name, p in inspect.signature(function).parameters.items()
    ]
    return f"{getattr(function, '__name__', '')}({', '.join(parameters)})"


def evaluate(expression: Expression, values: Values) -> str:
    """The text an expression stands for; ``ValueProblem`` (a ``ValueError``) saying why it
    cannot be computed."""
    call = parse_call(expression)
    namespace = values.namespace()
    if call.name not in namespace:
        hint = did_you_mean(call.name, namespace) or "the values are " + ", ".join(namespace)
        raise ValueProblem(f"unknown value `{call.name}` in `{expression.source}`", hint)
    found = namespace[call.name]
    if isinstance(found, str):
        if not call.bare:
            raise ValueProblem(
                f"`{call.name}` is a value, not a function: write {{{{ {call.name} }}}}"
            )
        return found
    if call.bare:
        raise ValueProblem(
            f"`{call.name}` is a function: give its arguments, {_signature(found)}",
        )
    kwargs = dict(call.kwargs)
    try:
        inspect.signature(found).bind(*call.args, **kwargs)
    except TypeError as exc:
        raise ValueProblem(f"`{expression.source}`: {exc}", f"write {_signature(found)}") from None
    try:
        return str(found(*call.args, **kwargs))
    except ValueProblem:
        raise
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise ValueProblem(f"`{expression.source}` failed: {exc}") from None


_TEMPLATE_MARK = re.compile(r"\{%.*?%\}|\{\{|\}\}|\{%|%\}", re.DOTALL)
_TEMPLATE_OPENING = re.compile(r"\{\{|\{%")
_VERBATIM = re.compile(
    r"^[ ]{0,3}(`{3,}|~{3,})[^\n]*\n.*?^[ ]{0,3}\1[ \t]*$"  # a fenced code block
    r"|(`+)(?!`).+?(?<!`)\2(?!`)"  # a code span
    r"|\$(?!\s)[^$\n]*?(?<![\s\\])\$(?!\d)",  # a formula
    re.MULTILINE | re.DOTALL,
)
"""Code and ``$…$`` formulas: their braces are the formula's (``$\\frac{1}{x_{i}}$``), never
template code."""


def _masked(text: str) -> str:
    """``text`` with code spans and formulas blanked (lengths kept), so that template code
    is looked for in the prose only."""
    return _VERBATIM.sub(lambda m: " " * len(m.group(0)), text)


def syntax_problems(text: str) -> Iterator[tuple[int, ValueSyntax]]:
    """Template code in ``text`` that is no ``{{ … }}``: statements, an unclosed ``{{``, a
    stray ``}}``, each with where it starts (code spans and formulas are not read)."""
    masked = EXPRESSION.sub(lambda m: " " * len(m.group(0)), _masked(text))
    for match in _TEMPLATE_MARK.finditer(masked):
        mark = match.group(0)
        if mark.startswith("{%") or mark == "%}":
            problem = ValueSyntax(
                "template statements (`{% … %}`) are not read: the text takes values only",
                "write the text itself, with values as {{ … }}",
            )
        elif mark == "{{":
            problem = ValueSyntax("`{{` is not closed by `}}`", "close the value with }}")
        else:
            problem = ValueSyntax("`}}` closes no `{{`", "open the value with {{, or delete it")
        yield match.start(), problem


def template_code_at(text: str) -> int | None:
    """Where the first ``{{`` or ``{%`` of ``text`` stands (outside code spans and
    formulas), or None: template code that must never be printed."""
    found = _TEMPLATE_OPENING.search(_masked(text))
    return found.start() if found else None


def has_template_code(text: str) -> bool:
    """Whether ``text`` holds template code (see :func:`template_code_at`)."""
    return template_code_at(text) is not None


def expand(text: str, values: Values) -> str:
    """``text`` with every ``{{ … }}`` replaced by its value; ``ValueProblem`` for the first
    one that cannot be computed, or for template code that is no value."""
    for _, problem in syntax_problems(text):
        raise problem
    pieces: list[str] = []
    last = 0
    for match in _expressions(text):
        expression = Expression(match.group(0), match.group(1).strip(), match.start())
        pieces += [text[last : match.start()], evaluate(expression, values)]
        last = match.end()
    return "".join(pieces) + text[last:]
