"""Building blocks shared by the case models: languages, bilingual text, partial dates."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Tag,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

Lang = Literal["ru", "en"]
LANGS: tuple[Lang, ...] = ("ru", "en")


class StrictModel(BaseModel):
    """Base of every case model: unknown keys are errors, docstrings become descriptions."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        str_strip_whitespace=True,
        allow_inf_nan=False,
    )


class Localized(StrictModel):
    """A text given separately per language."""

    ru: str | None = None
    """Russian text."""
    en: str | None = None
    """English text."""

    @model_validator(mode="after")
    def _at_least_one(self) -> Localized:
        if self.ru is None and self.en is None:
            raise ValueError("give the text in at least one language: `ru:` or `en:`")
        return self


def _text_kind(value: Any) -> str:
    return "localized" if isinstance(value, dict) else "plain"


Text = Annotated[
    Annotated[str, Tag("plain")] | Annotated[Localized, Tag("localized")],
    Discriminator(_text_kind),
]
"""A text field: one string for every language, or ``{ru: …, en: …}``."""


def holds_text(annotation: Any) -> bool:
    """Whether a field's type admits a text per language (a ``Localized``)."""
    if annotation is Localized:
        return True
    return any(holds_text(arg) for arg in typing.get_args(annotation))


def text_in(value: str | Localized | None, lang: Lang) -> str | None:
    """The text of ``value`` in ``lang`` (a plain string serves every language)."""
    if value is None or isinstance(value, str):
        return value
    return value.ru if lang == "ru" else value.en


def text_langs(value: str | Localized | None) -> set[Lang]:
    """The languages in which ``value`` is given (a plain string counts as both)."""
    if value is None:
        return set()
    if isinstance(value, str):
        return set(LANGS)
    return {lang for lang in LANGS if text_in(value, lang)}


class LocalizedList(StrictModel):
    """A list of strings given separately per language."""

    ru: list[str] | None = None
    """Russian items."""
    en: list[str] | None = None
    """English items."""

    def in_lang(self, lang: Lang) -> list[str]:
        """The items in ``lang`` (empty when not given)."""
        return list((self.ru if lang == "ru" else self.en) or [])


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


_DOTTED_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
)
_MONTHS += ("September", "October", "November", "December")


def _calendar_problem(year: int, month: int | None, day: int | None) -> str | None:
    """Why year-month-day is no calendar date (``month 13 does not exist``), or None."""
    if year < 1:
        return f"year {year} does not exist"
    if month is not None and not 1 <= month <= 12:
        return f"month {month} does not exist"
    if day is not None and month is not None:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return f"{_MONTHS[month - 1]} {year} has {days} days"
    return None


def _not_a_date(text: str) -> str:
    message = f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2016-12-08)"
    dotted = _DOTTED_RE.match(text)
    if dotted:
        day, month, year = (int(g) for g in dotted.groups())
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        problem = _calendar_problem(year, month, day)
        message = f"{text!r} is not a date here; write it as YYYY-MM-DD: {iso}"
        if problem:
            message += f", but that is no calendar date either ({problem})"
    return message


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        """How much of the date is known."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def iso(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def first_day(self) -> dt.date:
        """The earliest calendar day the date can denote."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The latest calendar day the date can denote."""
        if self.day is not None:
            return self.first_day()
        if self.month is None:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def surely_before(self, other: PartialDate) -> bool:
        """True when every day this date can denote comes before every day of ``other``."""
        return self.last_day() < other.first_day()

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Read ``2016``, ``2016-12``, ``2016-12-08`` (string, number or YAML date)."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
        match = _DATE_RE.match(str(value).strip())
        if not match:
            raise ValueError(_not_a_date(str(value).strip()))
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        problem = _calendar_problem(year, month, day)
        if problem:
            raise ValueError(f"{value!r} is not a valid calendar date ({problem})")
        return cls(year, month, day)

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
            "description": "A date to the year, month or day: YYYY, YYYY-MM or YYYY-MM-DD.",
        }


_WRITTEN_NUMBER = re.compile(r"^\s*[+-]?(?:\d+(?:[.,](\d*))?|[.,](\d+))\s*$")


class Written(float):
    """A number that keeps how many decimals its author wrote: ``2.0`` has 1, ``2.50`` has 2,
    so that it prints as written ("2,0", "2.50") and not as the float it reads as."""

    decimals: int

    def __new__(cls, value: float, decimals: int) -> Written:
        number = super().__new__(cls, value)
        number.decimals = decimals
        return number

    def __reduce__(self) -> tuple[type[Written], tuple[float, int]]:
        return Written, (float(self), self.decimals)

    @classmethod
    def read(cls, text: str) -> Written | None:
        """The number ``text`` writes in plain decimal notation (``2.50``, ``263,9``, ``12``),
        or None for anything else (``1e3``, ``abc``)."""
        match = _WRITTEN_NUMBER.match(text)
        if match is None:
            return None
        decimals = match.group(1) or match.group(2) or ""
        return cls(float(text.strip().replace(",", ".")), len(decimals))


def written_decimals(value: object) -> int | None:
    """The decimals the author wrote ``value`` with, when known."""
    return value.decimals if isinstance(value, Written) else None


def _keep_written(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Validate a number as a float, keeping the decimals it was written with."""
    number = handler(value)
    if isinstance(value, Written):
        decimals: int | None = value.decimals
    elif isinstance(value, str) and (written := Written.read(value)) is not None:
        decimals = written.decimals
    else:
        decimals = None
    return Written(number, decimals) if decimals is not None else number


KEEP_WRITTEN = WrapValidator(_keep_written)
"""Put after a number's constraints (``Annotated[float, Field(gt=0), KEEP_WRITTEN]``)."""
Number = Annotated[float, KEEP_WRITTEN]
"""A number as its author wrote it (see :class:`Written`)."""


def _as_str(value: Any) -> Any:
    """YAML reads ``2021`` or ``4`` as numbers; identifiers like volume are strings."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Code = Annotated[str, BeforeValidator(_as_str)]
"""A short identifier-like string that YAML may have read as a number."""
