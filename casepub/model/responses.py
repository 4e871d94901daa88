"""The response to reviewers: ``responses.yaml`` beside a revised case's ``case.yaml``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from casepub.model.common import PartialDate, StrictModel, Text

PLACE_PATTERN = (
    r"^(sections\.[a-z_]+|(fig|tbl):[A-Za-z0-9_-]+|references:\S+"
    r"|[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*)$"
)
"""``sections.discussion``, ``labs[2]``, ``fig:lesions``, ``references:smith2020``,
``abstract``, ``declarations.funding``."""

Place = Annotated[str, Field(pattern=PLACE_PATTERN)]


class Comment(StrictModel):
    """One comment of a reviewer and the authors' reply to it."""

    comment: Text
    """The reviewer's words (quoted as given, or in each language)."""
    reply: Text
    """The authors' reply: one text, or ``{ru: …, en: …}``."""
    changed: list[Place] = []
    """The places of the case the reply changed: ``sections.discussion``, ``labs[2]``,
    ``fig:lesions``, ``tbl:labs``, ``references:smith2020``; the letter quotes their new text
    with its page and lines."""


class Reviewer(StrictModel):
    """A reviewer (or the editor) and their comments, in order."""

    name: Text
    """How the letter names them: ``Reviewer 1``, ``{ru: Рецензент 1, en: Reviewer 1}``."""
    comments: list[Comment] = Field(min_length=1)
    """The comments, each with its reply."""


class Responses(StrictModel):
    """The authors' response to the reviewers of one round (``responses.yaml``)."""

    since: Annotated[str, Field(min_length=1)]
    """The version the reviewers read: a git revision or tag of the case's repository
    (``submitted``, ``v1``, ``a1b2c3d``), or the folder of that version."""
    round: Annotated[int, Field(ge=1, le=20)] | None = None
    """The round of review (1 for the first revision)."""
    date: PartialDate | None = None
    """The date of the letter."""
    manuscript: Text | None = None
    """The journal's manuscript number, printed in the heading."""
    reviewers: list[Reviewer] = Field(min_length=1)
    """Who commented, in the order the letter answers them."""
