"""Consistency of the narrative with the data: what an editor checks by hand.

* ``consistency-value``: the prose quotes a number for a data item (a lab or marker result,
  the patient's age, Ki-67, ECOG, a dose) that no recorded value of that item matches;
* ``consistency-span``: the patient's story mentions a date outside the timeline;
* ``float-unreferenced``: a figure or table the manuscript places is never referred to.

Only author-written text is read: ``{{ … }}`` values (computed from the data), citations
and cross-references are blanked out first, and a sentence that cites the literature is
taken to report the literature, not the patient.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from casepub.checks.registry import checker
from casepub.clinical.dates import whole_years
from casepub.clinical.record import ClinicalRecord, Result, Track
from casepub.clinical.units import ANALYTES, Analyte, convert, find_unit, unit_label
from casepub.clinical.values import dose_unit
from casepub.diagnostics import Diagnostic, Severity
from casepub.load.loaded import LoadedCase, Passage
from casepub.load.series import example_passages
from casepub.load.yamlsource import KeyPath, Mark, format_path
from casepub.model import SECTION_KEYS, Lang, PartialDate, text_in
from casepub.model.common import Localized
from casepub.model.data import Dose
from casepub.model.narrative import STORY_SECTIONS
from casepub.profiles import Profile
from casepub.prose_dates import DateMention, NumberMention, find_dates, find_numbers, mask
from casepub.render import Manuscript
from casepub.render.floats import Float, references_in

POPULATION_SECTIONS = ("introduction", "methods", "results", "discussion")
"""Sections that speak of patients in general ("patients aged 60"): ages there are not
the patient's."""

Verdict = tuple[str, str | None]
"""A finding's message and suggestion."""


@checker("consistency")
def check_consistency(
    loaded: LoadedCase, profile: Profile, manuscript: Manuscript
) -> list[Diagnostic]:
    """Values and dates of the narrative against the data; floats never referred to."""
    del profile
    record = loaded.record or ClinicalRecord(anchors=dict(loaded.case.anchors))
    items = _items(loaded, record)
    span = _timeline_span(record)
    found: list[Diagnostic] = []
    age = _age_rule(loaded, record)
    for text in _texts(loaded):
        found += _values(text, items, record, age)
        if span is not None and text.story:
            found += _outside(text, span)
    return found + _unreferenced(loaded, manuscript)


# -- the texts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A piece of author-written prose, where it is, and whether it tells the story."""

    passage: Passage
    lang: Lang
    section: str
    story: bool

    @property
    def masked(self) -> str:
        """The text with values, citations, cross-references, code, URLs and DOIs turned into
        NUL characters (no digits; a gap holding one blocks a match)."""
        return mask(self.passage.text, "\0")

    def mark(self, index: int) -> Mark:
        """File position of character ``index`` of the text."""
        passage = self.passage
        raw_index = _raw_index(passage.text, passage.raw, index)
        return passage.origin.at_index(passage.raw, raw_index)


def _raw_index(text: str, raw: str, index: int) -> int:
    """Where character ``index`` of a YAML scalar's value stands in its source, found by
    following the visible characters (quotes, folding and indentation only add spaces)."""
    if raw == text:
        return index
    pointer = 0
    for char in text[:index]:
        if char.isspace():
            continue
        found = raw.find(char, pointer)
        if found >= 0:
            pointer = found + 1
    target = text[index] if index < len(text) else ""
    found = raw.find(target, pointer) if target and not target.isspace() else -1
    return found if found >= 0 else pointer


def _texts(loaded: LoadedCase) -> Iterator[Text]:
    """The narrative sections, the abstract, the timeline's texts and the outcome's."""
    for key in SECTION_KEYS:
        passages = loaded.sections.get(key, {})
        places = [(p.file, p.path, p.origin) for p in passages.values()]
        for lang, passage in passages.items():
            # A plain string serves both languages: read it once, in the case's language.
            shared = places.count((passage.file, passage.path, passage.origin)) > 1
            if not shared or lang == loaded.case.language:
                yield Text(passage, lang, key, key in STORY_SECTIONS)
    abstract = loaded.case.abstract
    if isinstance(abstract, list):
        for i, part in enumerate(abstract):
            story = part.part == "case" if part.part else _presents_case(part.heading or "")
            yield from _yaml_texts(loaded, ("abstract", i, "text"), part.text, "abstract", story)
    else:
        yield from _yaml_texts(loaded, ("abstract",), abstract, "abstract", False)
    for i, event in enumerate(loaded.case.timeline):
        for field in ("event", "outcome"):
            value = getattr(event, field)
            yield from _yaml_texts(loaded, ("timeline", i, field), value, "timeline", False)
    if loaded.case.outcome is not None:
        text = loaded.case.outcome.text
        yield from _yaml_texts(loaded, ("outcome", "text"), text, "outcome", False)


def _presents_case(heading: str | Localized) -> bool:
    """A part of a structured abstract that presents the case."""
    words = " ".join(filter(None, (text_in(heading, "ru"), text_in(heading, "en"))))
    return bool(re.search(r"(?i)case|случа|наблюдени", words))


def _yaml_texts(
    loaded: LoadedCase, path: KeyPath, value: str | Localized | None, section: str, story: bool
) -> Iterator[Text]:
    """The texts of a text field of case.yaml at ``path``, one per language given."""
    if value is None:
        return
    if isinstance(value, str):
        pairs: list[tuple[Lang, str, KeyPath]] = [(loaded.case.language, value, path)]
    else:
        pairs = [(lang, t, (*path, lang)) for lang in ("ru", "en") if (t := text_in(value, lang))]
    for lang, text, where in pairs:
        origin, raw = loaded.source.span(where)
        passage = Passage(text, loaded.source.file, format_path(where), origin, raw)
        yield Text(passage, lang, section, story)


def _diagnostic(text: Text, index: int, verdict: Verdict, code: str) -> Diagnostic:
    """A warning at character ``index`` of ``text``."""
    message, suggestion = verdict
    return text.passage.diagnostic(
        text.mark(index), message, code, severity=Severity.warning, suggestion=suggestion
    )


# -- sentences and context ------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁ«\"(*])|\n\s*\n|\n\s*(?:[-*+]|\d+\.)\s")


def _sentence(text: str, index: int) -> tuple[int, int]:
    """Bounds of the sentence (or list item) around ``index``."""
    start, end = 0, len(text)
    for match in _SENTENCE_END.finditer(text):
        if match.end() <= index:
            start = match.end()
        elif match.start() >= index:
            end = match.start()
            break
    return start, end


def _cites(text: str, index: int) -> bool:
    """Whether the sentence around ``index`` cites the literature."""
    start, end = _sentence(text, index)
    return bool(re.search(r"\[[^\]]*@|(?<![\w@])@(?!fig:|tbl:)\w", text[start:end]))


_DATE_CALL = re.compile(r"""\{\{\s*date\(\s*["']([^"']+)["']\s*\)\s*\}\}""")


def _context_dates(
    text: str, masked: str, lang: Lang, anchors: dict[str, PartialDate]
) -> list[tuple[int, PartialDate]]:
    """Dates the text is about: written ones and ``{{ date("…") }}`` values, by position."""
    found = [(d.start, d.date) for d in find_dates(masked, lang)]
    for match in _DATE_CALL.finditer(text):
        name = match.group(1)
        try:
            date = anchors.get(name) or PartialDate.parse(name)
        except ValueError:
            continue
        found.append((match.start(), date))
    return sorted(found, key=lambda item: item[0])


def _context(masked: str, index: int, dates: list[tuple[int, PartialDate]]) -> PartialDate | None:
    """The date a statement at ``index`` is about: the nearest in its sentence, else the last
    one before it in its paragraph."""
    start, end = _sentence(masked, index)
    inside = [(abs(pos - index), d) for pos, d in dates if start <= pos < end]
    if inside:
        return min(inside, key=lambda item: item[0])[1]
    paragraph = masked.rfind("\n\n", 0, index)
    before = [d for pos, d in dates if paragraph < pos < index]
    return before[-1] if before else None


# -- items the text may quote a number for ---------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """A number the text attaches to an item, and what the text is about there."""

    number: NumberMention
    written: str
    """The number and its unit as written."""
    unit: str | None
    """Id of the unit written after the number, if any."""
    context: PartialDate | None
    """The date the sentence is about, if any."""
    lang: Lang


Judge = Callable[[Quote], Verdict | None]


@dataclass(frozen=True)
class Item:
    """A data item: how the text names it, and how to judge a number given for it."""

    pattern: re.Pattern[str]
    judge: Judge | None
    """None for a name that only separates items (a known analyte the case has no data of)."""
    units: Callable[[str], str | None]
    """The unit id a written unit means for this item, or None."""
    unit_required: bool = False
    score: bool = False
    """A score or index (ECOG, Ki-67): a word after its number is not a unit."""


_LOOKALIKE_LETTERS = {
    c: latin + cyrillic
    for latin, cyrillic in zip("ABCEHKMOPTX", "АВСЕНКМОРТХ", strict=True)
    for c in (latin, cyrillic)
}
"""A capital letter → both alphabets' forms («хромогранин A» with a Latin A)."""
_NOT_NAMES = {"quick", "pt", "cr", "tp"}
"""Catalogue spellings too common as words or abbreviations to mean the analyte in prose."""


def _word_pattern(word: str) -> str:
    """One word of a name: a single letter in either alphabet; an abbreviation as written;
    a lower-case word in any case, a Russian one with any ending («серотонина»)."""
    if len(word) == 1 and word in _LOOKALIKE_LETTERS:
        return f"[{_LOOKALIKE_LETTERS[word]}]"
    if sum(c.isupper() for c in word) >= 2 or len(word) <= 3:
        return re.escape(word)
    stem = word
    ending = ""
    if re.fullmatch(r"[а-яёА-ЯЁ-]+", word) and len(word) >= 5:
        stem, ending = word[:-2], "[а-яё]{0,4}"
    head = stem[0]
    first = f"[{head.lower()}{head.upper()}]" if head.isalpha() else re.escape(head)
    return first + f"(?i:{re.escape(stem[1:])})" + ending


def name_pattern(names: list[str]) -> re.Pattern[str]:
    """A pattern matching any of ``names`` as whole words, longest first."""
    spelled = sorted(
        {n.strip() for n in names if n and n.strip().casefold() not in _NOT_NAMES},
        key=len,
        reverse=True,
    )
    alternatives = [r"[\s\u00a0]+".join(_word_pattern(w) for w in n.split()) for n in spelled]
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![^\W_])")


def _items(loaded: LoadedCase, record: ClinicalRecord) -> list[Item]:
    """Every item with data, and every other known analyte as a separator."""
    ki67 = _ki67_values(loaded, record)
    items = [_lab_item(analyte, record, ki67) for analyte in ANALYTES.values()]
    items.append(_ecog_item(record))
    items += _dose_items(loaded)
    return items


def _no_unit(_: str) -> str | None:
    return None


def _format(value: float) -> str:
    return f"{round(value, 4):g}"


def _rounds_to(value: float, written: float, decimals: int) -> bool:
    """Whether ``value`` written to ``decimals`` places is ``written``."""
    return abs(value - written) <= 0.5 * 10.0**-decimals + 1e-9


# labs and markers, Ki-67


def _lab_item(analyte: Analyte, record: ClinicalRecord, ki67: list[tuple[float, str]]) -> Item:
    tracks = [t for t in record.tracks() if t.analyte.id == analyte.id]
    names = [*analyte.names.values(), *analyte.aliases]
    for track in tracks:
        if track.label is not None:
            names += [t for lang in ("ru", "en") if (t := text_in(track.label, lang))]
    judge: Judge | None = None
    if analyte.id == "ki67":
        judge = _ki67_judge(ki67) if ki67 else None
    elif tracks:
        judge = _track_judge(analyte, tracks)
    units = partial(_analyte_unit, analyte)
    return Item(name_pattern(names), judge, units, score=analyte.id == "ki67")


def _analyte_unit(analyte: Analyte, spelling: str) -> str | None:
    unit = find_unit(analyte, spelling)
    return unit.id if unit else None


def _track_judge(analyte: Analyte, tracks: list[Track]) -> Judge:
    def judge(quote: Quote) -> Verdict | None:
        number = quote.number
        if number.upper is not None:
            return None
        pairs = [
            (t, r, _in_units(analyte, r.value, t, quote.unit)) for t in tracks for r in t.results
        ]
        if not any(values for _, _, values in pairs):
            return None
        if any(_rounds_to(v, number.value, number.decimals) for *_, vs in pairs for v in vs):
            return None
        on_date = [(t, r) for t, r, _ in pairs if r.date == quote.context]
        track, result = on_date[0] if on_date else _nearest(pairs, number.value)
        when = " on this date" if on_date else ""
        group = "labs" if track.group == "labs" else "markers"
        unit = unit_label(track.unit.id, "en")
        name = analyte.names["en"]
        message = (
            f"the text gives {name} {quote.written}{when} but {group} record "
            f"{_format(result.value)} {unit} ({result.date})"
        )
        call = f'{{{{ lab("{analyte.names[quote.lang]}", "{result.date}") }}}}'
        return message, f"use {call} so text and data cannot diverge"

    return judge


def _in_units(analyte: Analyte, value: float, track: Track, unit: str | None) -> list[float]:
    """``value`` of ``track`` in the written ``unit``, or in every unit it converts to."""
    targets = [unit] if unit else [track.unit.id, *analyte.factors]
    out = []
    for target in dict.fromkeys(targets):
        try:
            out.append(convert(value, analyte, track.unit.id, target))
        except ValueError:
            continue
    return out


def _nearest(
    pairs: list[tuple[Track, Result, list[float]]], written: float
) -> tuple[Track, Result]:
    best = min(pairs, key=lambda p: min((abs(v - written) for v in p[2]), default=float("inf")))
    return best[0], best[1]


def _ki67_values(loaded: LoadedCase, record: ClinicalRecord) -> list[tuple[float, str]]:
    """Ki-67 as recorded: (value, where) from the diagnosis, its pathology and any results."""
    diagnosis = loaded.case.diagnosis
    if diagnosis is None:
        return []
    found = [(diagnosis.ki67, "diagnosis")] if diagnosis.ki67 is not None else []
    for i, finding in enumerate(diagnosis.pathology):
        if finding.ki67 is not None:
            found.append((finding.ki67, str(finding.date or f"pathology[{i}]")))
    for track in record.tracks():
        if track.analyte.id == "ki67":
            found += [(r.value, str(r.date)) for r in track.results]
    return found


def _ki67_judge(values: list[tuple[float, str]]) -> Judge:
    def judge(quote: Quote) -> Verdict | None:
        number = quote.number
        if number.upper is not None or quote.unit not in (None, "%"):
            return None
        if any(_rounds_to(v, number.value, number.decimals) for v, _ in values):
            return None
        recorded = ", ".join(f"{_format(v)}% ({where})" for v, where in values)
        message = f"the text gives Ki-67 {quote.written} but the data record {recorded}"
        return message, "correct the text or the Ki-67 of the diagnosis or its pathology"

    return judge


# ECOG


def _ecog_item(record: ClinicalRecord) -> Item:
    pattern = name_pattern(["ECOG"])
    if not record.ecog:
        return Item(pattern, None, _no_unit)

    def judge(quote: Quote) -> Verdict | None:
        number = quote.number
        if quote.unit is not None or number.decimals:
            return None
        low, high = number.value, number.upper
        for e in record.ecog:
            upper = e.value if e.upper is None else e.upper
            if high is None and e.value <= low <= upper:
                return None
            if high is not None and (e.value, e.upper) == (low, high):
                return None
        shown = ", ".join(
            f"{e.value}{f'–{e.upper}' if e.upper is not None else ''} ({e.date})"
            for e in record.ecog
        )
        at = next((e for e in record.ecog if e.date == quote.context), None)
        when = at.date if at else record.ecog[0].date
        message = f"the text gives ECOG {quote.written} but `ecog` records {shown}"
        return message, f'use {{{{ ecog("{when}") }}}} so text and data cannot diverge'

    return Item(pattern, judge, _no_unit, score=True)


# doses

_DOSE_SCALE = {"ug": ("mg", 0.001), "mg": ("mg", 1.0), "g": ("mg", 1000.0), "cm3": ("mL", 1.0)}
_DOSE_SCALE |= {"GBq": ("MBq", 1000.0)}


def _dose_base(value: float, unit: str) -> tuple[float, str]:
    """A dose in the base unit of its quantity (mg, mL, MBq…)."""
    base, factor = _DOSE_SCALE.get(unit, (unit, 1.0))
    return value * factor, base


def _dose_items(loaded: LoadedCase) -> list[Item]:
    """One item per agent (or single-agent treatment) whose every course records a dose."""
    doses: dict[str, list[tuple[float, str, str]]] = {}
    names: dict[str, list[str]] = {}
    undosed: set[str] = set()
    for treatment in loaded.case.treatments:
        entries: list[tuple[str | Localized, Dose | None]] = []
        if treatment.dose:
            entries.append((treatment.name, treatment.dose))
        entries += [(a.agent, a.dose) for a in treatment.agents]
        for name, dose in entries:
            spellings = [
                re.sub(r"\s*\(.*", "", t) for lang in ("ru", "en") if (t := text_in(name, lang))
            ]
            key = spellings[0].casefold() if spellings else ""
            if not key:
                continue
            names.setdefault(key, []).extend(spellings)
            unit = dose_unit(dose.unit) if dose else None
            if dose is None or unit is None:
                undosed.add(key)
            else:
                doses.setdefault(key, []).append((dose.value, unit, treatment.id))
    return [
        Item(name_pattern(names[key]), _dose_judge(names[key][-1], doses[key]), dose_unit, True)
        for key in doses
        if key not in undosed
    ]


def _dose_judge(name: str, doses: list[tuple[float, str, str]]) -> Judge:
    def judge(quote: Quote) -> Verdict | None:
        number = quote.number
        if number.upper is not None or quote.unit is None:
            return None
        scale, base = _dose_base(1.0, quote.unit)
        comparable = [d for d in doses if _dose_base(d[0], d[1])[1] == base]
        if not comparable:
            return None
        for value, unit, _ in comparable:
            if _rounds_to(_dose_base(value, unit)[0] / scale, number.value, number.decimals):
                return None
        shown = ", ".join(f"{_format(v)} {u} (`{tid}`)" for v, u, tid in comparable)
        message = f"the text gives {name} {quote.written} but treatments record {shown}"
        call = f'{{{{ dose("{comparable[0][2]}") }}}}'
        return message, f"use {call} so text and data cannot diverge"

    return judge


# -- numbers attached to items -------------------------------------------------------------

_GAP_STOP = re.compile(r"[\d\0;!?<>≤≥~≈]|\.\s|\n\s*\n|\n\s*[-*+]\s")
_GAP_WORDS = re.compile(
    r"(?i)\b(?:up to|more than|less than|greater than|at least|at most|over|under|above|below"
    r"|exceed\w*|by|times|fold|uln|grade|normal|reference|range|limit|cut-?off|threshold"
    r"|than|about|approximately|around|nearly|almost|более|менее|больше|меньше|свыше|выше"
    r"|ниже|превыш\w*|на|раз\w*|вгн|норм\w*|референс\w*|интервал\w*|предел\w*|степен\w*"
    r"|порог\w*|чем|около|примерно|приблизительно|почти)\b"
)
_GAP_MAX = 40
_CONNECTORS = re.compile(
    r"(?i)(?:and|or|vs|versus|to|then|on|at|in|with|was|were|и|или|а|до|затем|в|при|с|у"
    r"|против|был|была|было|были)"
)
_TOKEN = re.compile(r"[ \u00a0\u202f]?([^\s,;()\[\]\0]*)")


def _gap_ok(gap: str) -> bool:
    """Whether a number this far after a name belongs to it: same sentence, nothing between
    but a few words, and no words that make it a threshold, a multiple or a change."""
    return (
        len(gap) <= _GAP_MAX
        and len(gap.split()) <= 5
        and not _GAP_STOP.search(gap)
        and not _GAP_WORDS.search(gap)
    )


_COUNTED = re.compile(
    r"(?i)(?:months?|weeks?|days?|years?|hours?|times|fold|patients?|cases?|cycles?|courses?"
    r"|lesions?|nodules?|mm|cm|kg|мес\w*|нед\w*|дн\w*|дня|сут\w*|лет|год\w*|час\w*|раз\w*"
    r"|больн\w*|пациент\w*|случа\w*|цикл\w*|курс\w*|очаг\w*|узл\w*|мм|см|кг)"
)
"""Words after a number that make it a count or a time, not a score («ECOG 1 мес»)."""


def _unit_after(text: str, end: int, item: Item) -> tuple[str | None, int] | None:
    """The unit written after a number (its id and end), no unit (``None``, ``end``), or
    None when a word follows that makes the number something else («3 раза», "6 months")."""
    first = _TOKEN.match(text, end)
    assert first is not None
    token = first.group(1)
    candidates = [(token, first.end())]
    second = _TOKEN.match(text, first.end())
    if second is not None and second.group(1):
        candidates.append((f"{token} {second.group(1)}", second.end()))
    for spelling, stop in reversed(candidates):
        for form in dict.fromkeys((spelling.rstrip(".:"), spelling)):
            unit = item.units(form) if form else None
            if unit is not None:
                return unit, stop - (len(spelling) - len(form))
    bare = token.rstrip(".:")
    if not bare or _CONNECTORS.fullmatch(bare) or not (bare[0].isalnum() or bare[0] in "%×"):
        return None, end
    if item.score and bare[0].isalpha() and not _COUNTED.fullmatch(bare):
        return None, end
    return None


def _hits(masked: str, items: list[Item]) -> list[tuple[int, int, Item]]:
    """Every item name in the text, in order, the longest where names overlap."""
    found = [(m.start(), m.end(), item) for item in items for m in item.pattern.finditer(masked)]
    found.sort(key=lambda hit: (hit[0], hit[0] - hit[1]))
    kept: list[tuple[int, int, Item]] = []
    for hit in found:
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


_CHAIN = re.compile(
    r"\s*,?\s*(?:(?:а|и|and)\s+)?(?:(?:затем|потом|далее|then|later)\s+)?(?:до|to|→|->)\s*"
)
"""Between the values of a course: «с 1189,1 до 407,9», "from 628.8 to 93.8 and then to 40.5"."""


@dataclass(frozen=True)
class Quoted:
    """A number given for an item, the id of the unit written after it, and where the
    quotation ends."""

    number: NumberMention
    written: str
    unit: str | None
    stop: int


def _quote(
    texts: tuple[str, str], span: tuple[int, int], numbers: list[NumberMention], item: Item
) -> Quoted | None:
    """The number the text gives right after ``span[0]`` (a name's end, or a previous
    value's) and before ``span[1]`` (the next name)."""
    masked, plain = texts
    end, limit = span
    number = next((n for n in numbers if n.start >= end), None)
    if number is None or number.start >= limit:
        return None
    gap = plain[end : number.start]
    signed = masked[number.start - 1 : number.start] in tuple("−+±×")
    if signed or not (_CHAIN.fullmatch(gap) or _gap_ok(gap)):
        return None
    after = _unit_after(masked, number.end, item)
    if after is None or (after[0] is None and item.unit_required):
        return None
    unit, stop = after
    return Quoted(number, masked[number.start : stop].strip(), unit, stop)


_LIST_SEPARATOR = re.compile(r"\s*(?:[,/]|\s(?:и|или|and|or))\s*", re.IGNORECASE)


def _listed(masked: str, hits: list[tuple[int, int, Item]], index: int) -> bool:
    """Whether the name is the last of a list («АЛТ и АСТ — 208 и 263,9»): the numbers
    after it are the list's, in order, not its own."""
    if index == 0:
        return False
    return _LIST_SEPARATOR.fullmatch(masked[hits[index - 1][1] : hits[index][0]]) is not None


def _quotes(
    texts: tuple[str, str], span: tuple[int, int], numbers: list[NumberMention], item: Item
) -> Iterator[Quoted]:
    """The value given after an item's name, and those that follow it in a course
    («с 1189,1 до 407,9 нг/мл»)."""
    position, limit = span
    first = True
    while (quoted := _quote(texts, (position, limit), numbers, item)) is not None:
        if not first and _CHAIN.fullmatch(texts[1][position : quoted.number.start]) is None:
            return
        yield quoted
        position, first = quoted.stop, False


def _blank_dates(masked: str, dates: list[DateMention]) -> str:
    """Dates turned into letters, so a gap may hold one («АСТ 09.02.2016 — 263,9»)."""
    out = list(masked)
    for d in dates:
        out[d.start : d.end] = "D" * (d.end - d.start)
    return "".join(out)


def _values(
    text: Text, items: list[Item], record: ClinicalRecord, age: AgeRule | None
) -> list[Diagnostic]:
    """``consistency-value`` findings of one text."""
    source, masked = text.passage.text, text.masked
    plain = _blank_dates(masked, find_dates(masked, text.lang))
    numbers = find_numbers(masked, text.lang)
    dates = _context_dates(source, masked, text.lang, record.anchors)
    hits = _hits(masked, items)
    found = []
    for i, (start, end, item) in enumerate(hits):
        if item.judge is None or _listed(masked, hits, i) or _cites(source, start):
            continue
        limit = hits[i + 1][0] if i + 1 < len(hits) else len(masked)
        context = _context(masked, start, dates)
        for quoted in _quotes((masked, plain), (end, limit), numbers, item):
            quote = Quote(quoted.number, quoted.written, quoted.unit, context, text.lang)
            verdict = item.judge(quote)
            if verdict is not None:
                found.append(_diagnostic(text, quoted.number.start, verdict, "consistency-value"))
    if text.section in POPULATION_SECTIONS or age is None:
        return found
    return found + _ages(text, masked, age)


# -- the patient's age ----------------------------------------------------------------------

_AGE_PATTERNS = (
    r"(?<![\w-])(\d{1,3})[-\s\u2011]year[-\s\u2011]old\b",
    r"\b[Aa]ged\s+(\d{1,3})\b",
    r"\b[Aa]t\s+the\s+age\s+of\s+(\d{1,3})\b",
    r"(?<![\w-])(\d{1,3})\s+years\s+(?:of\s+age|old)\b",
    r"(?i:возраст\w*)\s*[—–:-]?\s*(\d{1,3})\s+(?:лет|года?)(?![а-яё])",
    r"(?<![\w-])(\d{1,3})[-\s\u2011]?летн(?:яя|ий|ей|его|юю|им|ему)(?![а-яё])",
    r"(?:[Пп]ациент(?:к[аеиу])?|[Бб]ольн(?:ая|ой|ую)|[Мм]ужчин[аеуы]|[Жж]енщин[аеуы])"
    r"(?:\s+[А-ЯЁ]\.)?\s*,\s*(\d{1,3})\s+(?:лет|года?)(?![а-яё])",
)
_AGE = re.compile("|".join(_AGE_PATTERNS))
_AGE_BEFORE = re.compile(r"(?i)(?:older|younger|over|under|than|старше|младше|моложе|от|до)\s*$")
_AGE_AFTER = re.compile(
    r"(?i)\s*(?:years?\s+)?(?:\+|or\s+(?:older|more|over|younger|less)|and\s+(?:older|over"
    r"|above|under))"
)
"""Around an age, words that make it a bound ("aged 60 or older", «старше 60 лет»)."""


@dataclass(frozen=True)
class AgeRule:
    """The ages the patient had within the case's dated span."""

    age: int
    high: int
    presentation: bool
    """Whether ``anchors.presentation`` dates the age (so ``age_at()`` can be used)."""


def _age_rule(loaded: LoadedCase, record: ClinicalRecord) -> AgeRule | None:
    """``patient.age`` is the age at presentation; ages reached later, up to the last date
    of the case (counted from ``anchors.presentation``, else from the first date), fit too.
    None without a patient (a cohort)."""
    if loaded.case.patient is None:
        return None
    age = loaded.case.patient.age
    dates = record.dates() + ([record.outcome.date] if record.outcome else [])
    presentation = record.anchors.get("presentation")
    if not dates:
        return AgeRule(age, age, presentation is not None)
    first = presentation or min(dates, key=PartialDate.first_day)
    last = max(dates, key=PartialDate.last_day)
    return AgeRule(age, age + _years_up_to(first, last), presentation is not None)


def _years_up_to(start: PartialDate, end: PartialDate) -> int:
    """By how much the age can grow between two dates (a birthday may fall between)."""
    first, last = start.first_day(), end.last_day()
    if last <= first:
        return 0
    return whole_years(PartialDate.parse(first), PartialDate.parse(last)) + 1


def _ages(text: Text, masked: str, rule: AgeRule) -> list[Diagnostic]:
    """``consistency-value`` findings for the patient's age."""
    if rule.age < 0:
        return []  # a case series: the ages are the examples'
    found = []
    for match in _AGE.finditer(masked):
        group = next(g for g in range(1, len(_AGE_PATTERNS) + 1) if match.group(g))
        start, given = match.start(group), int(match.group(group))
        before = masked[max(0, match.start() - 12) : match.start()]
        if _AGE_BEFORE.search(before) or _AGE_AFTER.match(masked, match.end()):
            continue
        if rule.age <= given <= rule.high or _cites(text.passage.text, start):
            continue
        span = f" (ages {rule.age}–{rule.high} fit the dates of the case)" * (rule.high > rule.age)
        message = (
            f"the text gives the patient's age as {given} but `patient.age` is {rule.age}{span}"
        )
        hint = "use {{ age }}, the age at presentation"
        if rule.presentation:
            hint += ', or {{ age_at("…") }} for the age at a date'
        found.append(_diagnostic(text, start, (message, hint), "consistency-value"))
    return found


# -- dates outside the timeline -------------------------------------------------------------


def _timeline_span(record: ClinicalRecord) -> tuple[PartialDate, PartialDate] | None:
    """First timeline event, and the later of the last event and the outcome."""
    dates = [e.date for e in record.events]
    if not dates:
        return None
    ends = dates + ([record.outcome.date] if record.outcome else [])
    return min(dates, key=PartialDate.first_day), max(ends, key=PartialDate.last_day)


_EDITION = re.compile(
    r"(?i)(?:классификац\w*|ВОЗ|WHO|TNM|AJCC|UICC|ENETS|NANETS|NCCN|ESMO|RECIST|рекомендац\w*"
    r"|guidelines?|classification|edition|издани\w*|верси\w*|version|criteria|критери\w*)"
    r"[^.\d]{0,15}$"
)
"""Before a year, words that make it the year of a classification or guideline."""


def _outside(text: Text, span: tuple[PartialDate, PartialDate]) -> list[Diagnostic]:
    """``consistency-span`` findings: dates of the story before or after the timeline."""
    start, end = span
    masked = text.masked
    found = []
    for mention in find_dates(masked, text.lang):
        before = mention.date.last_day() < start.first_day()
        after = mention.date.first_day() > end.last_day()
        edition = _EDITION.search(masked[max(0, mention.start - 40) : mention.start])
        if not (before or after) or edition or _cites(text.passage.text, mention.start):
            continue
        written = " ".join(masked[mention.start : mention.end].split())
        where = "the abstract" if text.section == "abstract" else f"section {text.section}"
        side = "before the timeline begins" if before else "after the timeline ends"
        message = (
            f"{where} mentions “{written}” ({mention.date}), {side}: "
            f"`timeline` covers {start} to {end}"
        )
        hint = "add a timeline event for it, or correct the date"
        found.append(_diagnostic(text, mention.start, (message, hint), "consistency-span"))
    return found


# -- figures and tables never referred to ---------------------------------------------------


def _unreferenced(loaded: LoadedCase, manuscript: Manuscript) -> list[Diagnostic]:
    """``float-unreferenced``: a placed figure or table no text refers to."""
    referred = {
        ref
        for passages in [*loaded.sections.values(), *example_passages(loaded)]
        for passage in passages.values()
        for ref in references_in(passage.text)
    }
    return [_float_finding(loaded, f) for f in manuscript.floats if f.id not in referred]


def _float_finding(loaded: LoadedCase, placed: Float) -> Diagnostic:
    """The finding for ``placed``, at its ``figures:`` entry or, for a float made from the
    data, at the key of the section it is placed after."""
    source = loaded.source
    index = next(
        (i for i, fig in enumerate(loaded.case.figures) if f"fig:{fig.id}" == placed.id), None
    )
    if index is not None:
        path: KeyPath = ("figures", index, "id")
        mark = source.values.get(path) or source.locate(path)
        made = ""
    else:
        path = ("sections", placed.section)
        if path not in source.keys:
            path = ("sections",)
        mark = source.keys.get(path)
        made = ", made from the data,"
    message = (
        f"{placed.kind} `{placed.id}`{made} is never referred to in the text "
        f"(it is placed after the {placed.section} section)"
    )
    hint = f"refer to it as @{placed.id} where the text discusses it"
    return source.diagnostic(path, message, "float-unreferenced", Severity.warning, hint, mark=mark)
