"""Dates the author typed, rewritten under the journal's date policy: a journal that asks for
relative dates (``dates: {policy: relative}``) gets "Month 5" / "Day 12" from day 0 in every
text, as the tables already do; ``policy: month`` drops the day. The case file keeps the real
dates — only the manuscript changes.

In the patient's story (patient information … patient perspective) every date is rewritten,
years included; elsewhere (introduction, discussion, abstract, captions, titles) only dates
with a month, so that the years of the literature ("SEER 1994–2015") stay as they are.
"""

from __future__ import annotations

from casepub.clinical.record import ClinicalRecord
from casepub.clinical.values import Values
from casepub.model import Case, Lang
from casepub.profiles import DatePolicy
from casepub.prose_dates import IGNORED, find_dates


class Dating:
    """Rewrites dates in texts under one date policy."""

    def __init__(self, case: Case, record: ClinicalRecord, policy: DatePolicy | None) -> None:
        self.case = case
        self.record = record
        self.policy = policy or DatePolicy()

    def apply(self, text: str, lang: Lang, *, patient: bool = False) -> str:
        """``text`` with its dates as the policy prints them (unchanged under ``exact``)."""
        if self.policy.policy == "exact" or not text:
            return text
        values = Values(self.case, self.record, lang, self.policy)
        pieces: list[str] = []
        last = 0
        for kept in IGNORED.finditer(text):  # values, citations, code: left as they are
            pieces.append(self._redate(text[last : kept.start()], values, patient))
            pieces.append(kept.group())
            last = kept.end()
        pieces.append(self._redate(text[last:], values, patient))
        return "".join(pieces)

    def _redate(self, text: str, values: Values, patient: bool) -> str:
        out: list[str] = []
        last = 0
        for mention in find_dates(text, values.lang):
            date = mention.date
            if date.precision == "year" and (not patient or self.policy.policy == "month"):
                continue
            written = values.format_when(date)
            if mention.adverb:  # «осенью 2016 г.» → «в год 0»
                written = f"{_IN[values.lang]} {_lower(written)}"
            if not _sentence_start(text, mention.start):
                written = _lower(written)
            elif mention.adverb:
                written = written[:1].upper() + written[1:]
            out.append(text[last : mention.start] + written)
            last = mention.end
        out.append(text[last:])
        return "".join(out)


_IN = {"ru": "в", "en": "in"}


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \u00a0*_(")
    return not before or before[-1] in ".!?\n:"
