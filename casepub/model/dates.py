"""Dates in the case: calendar dates of any precision, or offsets from a named anchor."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, model_validator

from casepub.model.common import PartialDate, StrictModel


class Offset(StrictModel):
    """A date given as days or months after (or, if negative, before) a named anchor."""

    anchor: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    """Key of one of the case's ``anchors`` (e.g. ``treatment_start``)."""
    days: int | None = None
    """Days after the anchor (``day 0`` is the anchor itself)."""
    months: int | None = None
    """Calendar months after the anchor."""

    @model_validator(mode="after")
    def _one_unit(self) -> Offset:
        if (self.days is None) == (self.months is None):
            raise ValueError("give either `days:` or `months:` after the anchor")
        return self


def _date_kind(value: Any) -> str:
    """A mapping (as read) or an :class:`Offset` (as dumped) is an offset; anything else a date."""
    return "offset" if isinstance(value, dict | Offset) else "date"


DateRef = Annotated[
    Annotated[PartialDate, Tag("date")] | Annotated[Offset, Tag("offset")],
    Discriminator(_date_kind),
]
"""``2016-12-08`` (or ``2016-12``, ``2016``), or ``{anchor: treatment_start, days: 30}``."""
