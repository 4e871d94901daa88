"""Cohort data of a case series or an original article: one CSV/XLSX table per unit of
analysis (patients, lesions, studies), the codebook that describes every column, and the
tables of descriptive statistics computed from them (docs/statistics.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from casepub.model.common import Code, Number, StrictModel, Text
from casepub.model.people import Identifier


class VariableKind(StrEnum):
    """What a column holds."""

    numeric = "numeric"
    categorical = "categorical"
    ordinal = "ordinal"
    boolean = "boolean"
    date = "date"
    identifier = "identifier"


class Variable(StrictModel):
    """One column of a data table: its kind, label, unit, categories and missing codes."""

    kind: VariableKind
    """``numeric``, ``categorical``, ``ordinal`` (ordered categories), ``boolean``
    (yes/no, да/нет, true/false, 1/0), ``date`` or ``identifier`` (a pseudonymous key such as
    ``P01``, never summarised)."""
    label: Text
    """Name in the tables and messages: ``{ru: Возраст, en: Age}``."""
    unit: Text | None = None
    """Unit of a numeric variable: ``{ru: лет, en: years}``, ``мм``/``mm``."""
    categories: dict[Code, Text] = {}
    """Codes as the file writes them, with their labels, in the order tables list them
    (``{G1: G1, G2: G2}``, ``{f: {ru: женщины, en: women}}``); categorical and ordinal only."""
    missing: list[Code] = []
    """Further cell values that mean "not known" for this variable (an empty cell always
    does, and so do the table's ``missing`` codes)."""
    decimals: Annotated[int, Field(ge=0, le=6)] | None = None
    """Decimals to print a numeric variable's statistics with (mean and SD get one more);
    default: the most decimals written in its column."""
    low: Number | None = None
    """Smallest possible value of a numeric variable; a cell below it is an error."""
    high: Number | None = None
    """Largest possible value of a numeric variable; a cell above it is an error."""

    @model_validator(mode="after")
    def _fits_kind(self) -> Variable:
        categorised = self.kind in (VariableKind.categorical, VariableKind.ordinal)
        if categorised and not self.categories:
            raise ValueError(f"a {self.kind.value} variable needs `categories: {{code: label}}`")
        if self.categories and not categorised:
            raise ValueError("only categorical and ordinal variables have `categories`")
        numeric_only = ("unit", "decimals", "low", "high")
        given = [k for k in numeric_only if getattr(self, k) is not None]
        if given and self.kind is not VariableKind.numeric:
            raise ValueError(f"`{given[0]}` is for numeric variables only")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self


class DataTable(StrictModel):
    """A CSV or XLSX file with one row per unit (patient, lesion, study) and its codebook."""

    file: str
    """Path of the ``.csv`` or ``.xlsx`` file, relative to the case folder; its header row
    names the variables."""
    sheet: str | None = None
    """Worksheet of an XLSX file; default: the first."""
    label: Text | None = None
    """What a row is, plural: ``{ru: пациенты, en: patients}``."""
    missing: list[Code] = ["NA", "н/д", "нет данных", "-", "—"]
    """Cell values that mean "not known" in every column (an empty cell always does)."""
    variables: dict[Identifier, Variable] = Field(min_length=1)
    """The codebook: every column of the file, by its header name."""


Layout = Literal["groups", "statistics"]
StatName = Literal[
    "n", "missing", "median", "q1", "q3", "iqr", "min", "max", "range", "mean", "sd", "mean_sd"
]


class StatsTable(StrictModel):
    """A table of descriptive statistics, numbered and captioned like any table."""

    id: Identifier
    """Key for references in the text: ``@tbl:<id>``."""
    caption: Text
    """Caption in each language."""
    data: Identifier
    """The data table summarised (a key of ``cohort.tables``)."""
    variables: list[Identifier] = Field(min_length=1)
    """Its variables, in the order of the rows."""
    statistics: list[StatName] = ["median", "iqr"]
    """For numeric variables: ``n``, ``missing``, ``median``, ``q1``, ``q3``, ``iqr``
    (Q1–Q3), ``min``, ``max``, ``range`` (min–max), ``mean``, ``sd`` (sample), ``mean_sd``.
    Categorical, ordinal and boolean variables are counted as n (%) of the non-missing."""
    by: Identifier | None = None
    """A categorical, ordinal or boolean variable to give the statistics per group."""
    total: bool = True
    """With ``by``: a column (or rows) for all the rows together as well."""
    layout: Layout = "groups"
    """``groups``: one column per group, a cell per variable (``26 (12–38)``), categories as
    rows; ``statistics``: one column per statistic, numeric variables only."""
    percent_decimals: Annotated[int, Field(ge=0, le=3)] = 1
    """Decimals of the percentages."""
    section: str | None = None
    """Section after which to place the table; by default the one that first cites it."""


class Cohort(StrictModel):
    """The cohort's data tables and the statistics tables made from them."""

    tables: dict[Identifier, DataTable] = Field(min_length=1)
    """The data tables by name: ``{patients: {file: data/patients.csv, variables: …}}``;
    the text names a variable as ``patients.age``."""
    statistics: list[StatsTable] = []
    """Tables of descriptive statistics, in any order (they are numbered by first citation)."""
