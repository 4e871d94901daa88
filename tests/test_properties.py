"""Property-based tests of the readers of authors' files (issue 8).

* Valid cases, generated from the ``casepub new`` scaffold with arbitrary Unicode texts in both
  languages, authors with checksummed ORCID iDs, keywords, patients, timelines, treatments,
  labs and markers from the units catalogue, ECOG and lesions: load → dump → load is the
  identity.
* Mutated cases (as data and as YAML text), mutated ``.bib`` files and arbitrary Markdown:
  ``load_case`` / ``read_bibliography`` / ``find_citations`` either succeed or raise
  ``CasepubError`` whose every diagnostic has a message, a code and (once the file parses) a
  line — never another exception.

Runs are deterministic (``derandomize=True``, no example database), so CI sees the same
examples every time. ``CASEPUB_HYPOTHESIS_EXAMPLES=N`` multiplies the example counts for a
longer local search. Crashes found so far (all fixed) are the regression tests at the end
of this file; the coverage-guided fuzzers are in ``fuzz/`` (docs/fuzzing.md).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
import string
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from casepub.clinical.units import ANALYTES, accepted_units, value_bounds
from casepub.clinical.values import DOSE_UNITS
from casepub.diagnostics import CasepubError, Diagnostic
from casepub.load.loaded import LoadedCase, display_path
from casepub.load.loader import load_case
from casepub.load.markup import scan as scan_markup
from casepub.model import Case
from casepub.model.people import orcid_checksum_ok
from casepub.references.bibcheck import check_bibliography
from casepub.references.bibtex import read_bibliography
from casepub.references.citations import find_citations
from casepub.scaffold import new_case
from tests.conftest import CASES, REPO

_SCALE = max(1, int(os.environ.get("CASEPUB_HYPOTHESIS_EXAMPLES", "1")))


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples * _SCALE,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# -- the case folder every example is written into ------------------------------------------


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scaffolded case folder (sections and references.bib included); examples overwrite
    its case.yaml."""
    folder = tmp_path_factory.mktemp("prop") / "case"
    new_case(folder)
    return folder


class _ScaffoldText:
    """The commented scaffold case.yaml, rendered once."""

    text: str | None = None

    def read(self) -> str:
        if self.text is None:
            with tempfile.TemporaryDirectory() as tmp:
                new_case(Path(tmp) / "c")
                self.text = (Path(tmp) / "c" / "case.yaml").read_text(encoding="utf-8")
        return self.text


_SCAFFOLD_TEXT = _ScaffoldText()


@pytest.fixture(scope="module")
def scaffold_data() -> dict[str, Any]:
    data = yaml.safe_load(_SCAFFOLD_TEXT.read())
    assert isinstance(data, dict)
    return data


def _write(folder: Path, text: str | bytes) -> None:
    path = folder / "case.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def dump_case(case: Case) -> str:
    """The validated model as case.yaml text: only what was given, in JSON types.

    ``warnings=False``: the callable discriminators of the text unions make pydantic warn
    while serialising a ``Localized`` (it serialises it correctly); build.py does the same.
    """
    return _yaml(case.model_dump(mode="json", exclude_unset=True, warnings=False))


# -- strategies: valid cases ----------------------------------------------------------------

_ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
_CYRILLIC = st.text(
    st.characters(min_codepoint=0x400, max_codepoint=0x52F) | st.just(" "), max_size=30
)
TEXT = st.one_of(
    _ANY_TEXT, _CYRILLIC, st.sampled_from(["Москва", "Ёж и ёлка", "a: b", "- x", "#"])
).filter(lambda text: not list(scan_markup(text)))
"""Any text: arbitrary Unicode, Cyrillic, and strings that need quoting in YAML — but no
output-format markup (``\\input``, ``<b>``), which is an error anywhere in a case."""


def _no_markup(text: str) -> bool:
    # In narrative sections these are citations, values and images: checked, so errors.
    return "@" not in text and "{{" not in text and "![" not in text


SECTION_TEXT = TEXT.filter(_no_markup)

IDENTIFIER = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,10}", fullmatch=True)


def localized(text: st.SearchStrategy[str] = TEXT) -> st.SearchStrategy[Any]:
    """A text field: one string, or ``{ru: …, en: …}`` with at least one language."""
    per_lang = st.one_of(
        st.fixed_dictionaries({"ru": text}),
        st.fixed_dictionaries({"en": text}),
        st.fixed_dictionaries({"ru": text, "en": text}),
    )
    return st.one_of(text, per_lang)


@st.composite
def orcids(draw: st.DrawFn) -> str:
    digits = draw(st.text("0123456789", min_size=15, max_size=15))
    total = 0
    for char in digits:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    raw = digits + ("X" if check == 10 else str(check))
    orcid = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    assert orcid_checksum_ok(orcid)
    return draw(st.sampled_from([orcid, f"https://orcid.org/{orcid}"]))


EMAIL = st.builds(
    "{}@{}.{}".format,
    st.text(string.ascii_letters + string.digits + "._+-", min_size=1, max_size=12),
    st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12),
    st.sampled_from(["org", "ru", "com", "рф"]),
)


@st.composite
def partial_dates(
    draw: st.DrawFn, low: dt.date = dt.date(1930, 1, 1), high: dt.date = dt.date(2099, 12, 31)
) -> Any:
    """A date to the day, month or year, written as YAML would give it: a date, an int year
    or a string."""
    day = draw(st.dates(min_value=low, max_value=high))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    if precision == "year":
        return draw(st.sampled_from([day.year, str(day.year)]))
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return draw(st.sampled_from([day, day.isoformat()]))


OFFSETS_ROUND_TRIP = True
"""Offset dates round-trip (test_offset_date_round_trips guards it)."""


@st.composite
def date_refs(draw: st.DrawFn, anchors: dict[str, Any], offsets: bool = True) -> Any:
    """A calendar date, or an offset from one of ``anchors`` that resolves."""
    full = [k for k, v in anchors.items() if isinstance(v, dt.date) or len(str(v)) == 10]
    choice = draw(st.sampled_from(["date", "months", "days"] if anchors and offsets else ["date"]))
    if choice == "months":
        return {
            "anchor": draw(st.sampled_from(sorted(anchors))),
            "months": draw(st.integers(-240, 240)),
        }
    if choice == "days" and full:
        return {
            "anchor": draw(st.sampled_from(sorted(full))),
            "days": draw(st.integers(-3650, 3650)),
        }
    return draw(partial_dates())


@st.composite
def authors_block(draw: st.DrawFn) -> dict[str, Any]:
    """``authors``, ``affiliations`` and ``declarations.contributions`` that agree."""
    aff_keys = draw(st.lists(IDENTIFIER, min_size=1, max_size=3, unique=True))
    affiliations = {
        key: draw(
            st.fixed_dictionaries(
                {"name": localized(), "city": localized(), "country": localized()},
                optional={"department": localized(), "postal_code": st.integers(100000, 999999)},
            )
        )
        for key in aff_keys
    }
    ids = draw(st.lists(IDENTIFIER, min_size=1, max_size=3, unique=True))
    corresponding = draw(st.integers(0, len(ids) - 1))
    authors = []
    for i, author_id in enumerate(ids):
        author: dict[str, Any] = {
            "id": author_id,
            "family": draw(localized()),
            "given": draw(localized()),
            "affiliations": draw(st.lists(st.sampled_from(aff_keys), min_size=1, unique=True)),
        }
        if draw(st.booleans()):
            author["orcid"] = draw(orcids())
        if draw(st.booleans()):
            author["spin"] = draw(st.from_regex(r"\d{4}-\d{4}", fullmatch=True))
        if i == corresponding or draw(st.booleans()):
            author["email"] = draw(EMAIL)
        if i == corresponding:
            author["corresponding"] = True
        authors.append(author)
    roles = st.lists(
        st.sampled_from(["conceptualization", "investigation", "writing-original-draft"]),
        min_size=1,
        unique=True,
    )
    contributions = [{"author": a, "roles": draw(roles)} for a in ids]
    return {"authors": authors, "affiliations": affiliations, "contributions": contributions}


@st.composite
def treatments(draw: st.DrawFn, anchors: dict[str, Any]) -> list[dict[str, Any]]:
    ids = draw(st.lists(IDENTIFIER, max_size=3, unique=True))
    result = []
    for tid in ids:
        start = draw(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 1, 1)))
        item: dict[str, Any] = {
            "id": tid,
            "kind": draw(st.sampled_from(["drug", "locoregional", "radiotherapy", "other"])),
            "name": draw(localized()),
            "start": draw(st.sampled_from([start, start.isoformat()])),
        }
        ending = draw(st.sampled_from(["none", "end", "ongoing"]))
        if ending == "end":
            end = start + dt.timedelta(days=draw(st.integers(0, 2000)))
            item["end"] = draw(st.sampled_from([end, end.isoformat(), f"{end:%Y-%m}", end.year]))
        elif ending == "ongoing":
            item["ongoing"] = True
        if draw(st.booleans()):
            item["dose"] = {
                "value": draw(st.floats(0.001, 1e4)),
                "unit": draw(st.sampled_from(sorted(DOSE_UNITS))),
            }
        if draw(st.booleans()):
            item["cycles"] = draw(st.integers(1, 50))
        if draw(st.booleans()):
            item["schedule"] = draw(localized())
        result.append(item)
    return result


@st.composite
def lab_series(draw: st.DrawFn, kind: str, taken: set[str]) -> list[dict[str, Any]]:
    """Series of catalogue analytes of ``kind``, each in one accepted unit, values possible."""
    choices = sorted(a for a, analyte in ANALYTES.items() if analyte.kind == kind)
    result = []
    for aid in draw(st.lists(st.sampled_from(choices), max_size=2, unique=True)):
        if aid in taken:  # one analyte, one unit: across labs and markers too
            continue
        taken.add(aid)
        analyte = ANALYTES[aid]
        unit = draw(st.sampled_from(accepted_units(analyte)))
        spelling = draw(st.sampled_from([unit.id, *unit.labels.values(), *unit.aliases]))
        assume(spelling)
        low, high = value_bounds(analyte, unit.id)
        values = st.floats(
            min_value=low if low is not None else -1e6,
            max_value=high if high is not None else 1e6,
            allow_nan=False,
            allow_infinity=False,
        )
        dates = st.lists(
            st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 1, 1)),
            min_size=1,
            max_size=4,
            unique=True,
        )
        series: dict[str, Any] = {
            "analyte": draw(st.sampled_from([aid, *analyte.names.values(), *analyte.aliases])),
            "unit": spelling,
            "values": [{"date": d, "value": draw(values)} for d in draw(dates)],
        }
        if draw(st.booleans()):
            a, b = sorted(draw(st.lists(values, min_size=2, max_size=2)))
            series["range"] = {"low": a, "high": b}
        result.append(series)
    return result


@st.composite
def valid_cases(draw: st.DrawFn, base: dict[str, Any], offsets: bool = True) -> dict[str, Any]:
    """The scaffold's data, with every part varied."""
    data = dict(base)
    data["language"] = draw(st.sampled_from(["ru", "en"]))
    data["title"] = draw(localized())
    people = draw(authors_block())
    data["authors"] = people["authors"]
    data["affiliations"] = people["affiliations"]
    data["declarations"] = {
        "consent": draw(localized()),
        "conflicts": draw(localized()),
        "funding": draw(localized()),
        "contributions": people["contributions"],
    }
    words = st.lists(TEXT, max_size=5)
    data["keywords"] = draw(
        st.one_of(words, st.fixed_dictionaries({}, optional={"ru": words, "en": words}))
    )
    part = st.fixed_dictionaries({"heading": localized(), "text": localized()})
    data["abstract"] = draw(st.one_of(localized(), st.lists(part, min_size=1, max_size=3)))
    patient: dict[str, Any] = {
        "sex": draw(st.sampled_from(["female", "male"])),
        "age": draw(st.integers(0, 120)),
    }
    if draw(st.booleans()):
        patient["initial"] = draw(st.from_regex(r"[A-ZА-ЯЁ]\.?", fullmatch=True))
    data["patient"] = patient
    diagnosis: dict[str, Any] = {"text": draw(localized())}
    if draw(st.booleans()):
        diagnosis["icd10"] = draw(st.from_regex(r"[A-Z]\d{2}(\.\d{1,2})?", fullmatch=True))
    if draw(st.booleans()):
        diagnosis["ki67"] = draw(st.floats(0, 100))
    data["diagnosis"] = diagnosis
    anchors = draw(st.dictionaries(IDENTIFIER, partial_dates(), max_size=3))
    if anchors:
        data["anchors"] = anchors
    data["treatments"] = draw(treatments(anchors))
    treatment_ids = [t["id"] for t in data["treatments"]]
    events = []
    for _ in range(draw(st.integers(1, 4))):
        event: dict[str, Any] = {
            "date": draw(date_refs(anchors, offsets)),
            "event": draw(localized()),
        }
        if draw(st.booleans()):
            event["kind"] = draw(st.sampled_from(["symptom", "diagnosis", "imaging", "lab"]))
        if draw(st.booleans()) and treatment_ids:
            event["treatment"] = draw(st.sampled_from(treatment_ids))
        if draw(st.booleans()):
            event["response"] = draw(st.sampled_from(["CR", "PR", "SD", "PD", "NE"]))
        events.append(event)
    data["timeline"] = events  # the scaffold's text refers to @tbl:timeline
    taken: set[str] = set()
    data["labs"] = draw(lab_series("lab", taken))
    data["markers"] = draw(lab_series("marker", taken))
    ecog = []
    for when in draw(st.lists(partial_dates(), max_size=3)):
        value = draw(st.integers(0, 5))
        item: dict[str, Any] = {"date": when, "value": value}
        if draw(st.booleans()):
            item["upper"] = draw(st.integers(value, 5))
        ecog.append(item)
    data["ecog"] = ecog
    data["outcome"] = {
        "status": draw(st.sampled_from(["alive-no-evidence-of-disease", "alive-with-disease"])),
        "date": draw(date_refs(anchors, offsets)),
        "text": draw(localized()),
    }
    sections = dict(base["sections"])
    for key in draw(st.lists(st.sampled_from(sorted(sections)), unique=True, max_size=4)):
        if key in ("timeline", "introduction", "discussion"):
            continue  # keep the citation of the .bib entry and @tbl:timeline
        sections[key] = draw(localized(SECTION_TEXT))
    data["sections"] = sections
    return data


# -- property: load → dump → load is the identity ---------------------------------------------


def _load(folder: Path, text: str) -> LoadedCase:
    _write(folder, text)
    try:
        return load_case(folder)
    except CasepubError as exc:  # make hypothesis print the diagnostics
        raise AssertionError(f"a valid case was rejected:\n{exc}\n---\n{text}") from None


@_settings(120)
@given(data=st.data())
def test_valid_case_load_dump_load_is_identity(
    case_dir: Path, scaffold_data: dict[str, Any], data: st.DataObject
) -> None:
    generated = data.draw(valid_cases(scaffold_data, offsets=OFFSETS_ROUND_TRIP))
    first = _load(case_dir, _yaml(generated))
    dumped = dump_case(first.case)
    second = _load(case_dir, dumped)
    assert second.case == first.case
    assert dump_case(second.case) == dumped


@pytest.mark.parametrize(
    "source",
    [pytest.param(p, id=p.name) for p in sorted(CASES.iterdir()) if (p / "case.yaml").is_file()],
)
def test_example_case_round_trips(tmp_path: Path, source: Path) -> None:
    """The shipped examples (CSV data files, section files…) round-trip too."""
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    first = load_case(folder)
    dumped = dump_case(first.case)
    second = _load(folder, dumped)
    assert second.case == first.case


# -- mutations --------------------------------------------------------------------------------

# Crashes reported but not yet fixed, each with a strict-xfail regression test below. The
# properties treat them as known, so that they keep searching for new ones; delete an entry
# when its fix lands. (Every crash found so far is fixed.)
KNOWN_CRASHES: tuple[tuple[type[BaseException], str], ...] = ()


_STRICT = os.environ.get("CASEPUB_PROPERTIES_STRICT", "") not in ("", "0")
"""``CASEPUB_PROPERTIES_STRICT=1``: the known crashes fail the properties too."""


def _known(exc: BaseException) -> bool:
    return not _STRICT and any(
        isinstance(exc, kind) and text in str(exc) for kind, text in KNOWN_CRASHES
    )


def check_outcome(action: Callable[[], object], file: str | None = None) -> None:
    """``action`` succeeds, or raises ``CasepubError`` with well-formed diagnostics."""
    try:
        action()
    except CasepubError as exc:
        assert exc.diagnostics, "a CasepubError without diagnostics"
        for diagnostic in exc.diagnostics:
            check_diagnostic(diagnostic, file)
    except Exception as exc:
        if _known(exc):
            return
        raise


# Diagnostics that may lack a line: a file that cannot be parsed at all (YAML without a mark,
# a spreadsheet) or does not exist.
_WITHOUT_LINE = {"yaml-syntax", "file-missing", "import", "bib-syntax"}


def check_diagnostic(diagnostic: Diagnostic, file: str | None) -> None:
    """A message, a code, a file; and a line in ``file`` (case.yaml, the .bib) unless the file
    could not be parsed."""
    assert isinstance(diagnostic.message, str) and diagnostic.message.strip(), diagnostic
    assert isinstance(diagnostic.code, str) and diagnostic.code.strip(), diagnostic
    assert diagnostic.file, diagnostic
    if diagnostic.line is not None:
        assert diagnostic.line >= 1, diagnostic
    if diagnostic.col is not None:
        assert diagnostic.col >= 1, diagnostic
    if (file is None or diagnostic.file == file) and diagnostic.code not in _WITHOUT_LINE:
        assert diagnostic.line is not None, diagnostic


# Values of every YAML kind, to put where they do not belong.
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    TEXT,
    st.dates(),
    st.sampled_from(["2016-13-45", "0000-00-00", "2016-02-30", "yes", "~", "1e999", "-.inf"]),
    st.sampled_from(["a\x00", "a" * 300, "../x", "/", "{lang}", "", " "]),  # paths
    st.sampled_from([10**10, -(10**10), 10**30, 2**63, -1, 0]),
)
VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)

KeyPathT = tuple[Any, ...]


def _paths(value: Any, path: KeyPathT = ()) -> Iterator[KeyPathT]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*path, i))


def _parent(data: Any, path: KeyPathT) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated_data(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """A valid case with a few keys deleted, values replaced or wrapped, keys added."""
    data: Any = yaml.safe_load(_yaml(draw(valid_cases(base))))  # a deep copy
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        op = draw(st.sampled_from(["delete", "replace", "wrap", "add", "retype", "hostile"]))
        if op == "hostile":
            _hostile(draw, data)
            continue
        if op == "delete":
            del parent[path[-1]]
        elif op == "replace":
            parent[path[-1]] = draw(VALUES)
        elif op == "wrap":
            parent[path[-1]] = draw(st.sampled_from([[parent[path[-1]]], {"x": parent[path[-1]]}]))
        elif op == "add" and isinstance(parent, dict):
            parent[draw(TEXT)] = draw(VALUES)
        elif op == "retype":
            value = parent[path[-1]]
            parent[path[-1]] = str(value) if not isinstance(value, str) else [value]
    return data


_PATHS = st.sampled_from(["a\x00", "a" * 300, "../x", "/", "sections", ".", "labs.xlsx"])
_NUMBERS = st.sampled_from([10**10, -(10**6), 10**30, 2**63, 0, 1.5, True])


def _hostile(draw: st.DrawFn, data: dict[str, Any]) -> None:
    """Odd values where they reach the file system or date arithmetic."""
    where = draw(st.sampled_from(["bibliography", "section", "figure", "labs", "offset"]))
    path = draw(_PATHS)
    if where == "bibliography":
        data["bibliography"] = path
    elif where == "section":
        data["sections"] = {"discussion": {"file": path + "{lang}"}}
    elif where == "figure":
        data["figures"] = [{"id": "f", "file": path, "caption": "x"}]
    elif where == "labs":
        data["labs"] = [{"file": path}]
    else:
        data["anchors"] = {"a": draw(partial_dates())}
        unit = draw(st.sampled_from(["days", "months"]))
        data["timeline"] = [{"date": {"anchor": "a", unit: draw(_NUMBERS)}, "event": "x"}]


@_settings(150)
@given(data=st.data())
def test_mutated_case_data_gives_diagnostics(
    case_dir: Path, scaffold_data: dict[str, Any], data: st.DataObject
) -> None:
    mutated = data.draw(mutated_data(scaffold_data))
    _write(case_dir, _yaml(mutated))
    check_outcome(lambda: load_case(case_dir), display_path(case_dir / "case.yaml"))


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """``text`` with characters inserted or deleted, lines duplicated or indented, a date made
    garbage, deep nesting added, or cut short."""
    for _ in range(draw(st.integers(1, 3))):
        op = draw(
            st.sampled_from(
                ["insert", "delete", "dup-line", "indent", "date", "nest", "truncate", "tab"]
            )
        )
        at = draw(st.integers(0, len(text)))
        lines = text.splitlines(keepends=True)
        line = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "insert":
            text = text[:at] + draw(st.text(min_size=1, max_size=8)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif op == "dup-line" and lines:
            lines.insert(line, lines[line])
            text = "".join(lines)
        elif op == "indent" and lines:
            lines[line] = " " * draw(st.integers(1, 6)) + lines[line]
            text = "".join(lines)
        elif op == "tab" and lines:
            lines[line] = "\t" + lines[line]
            text = "".join(lines)
        elif op == "date":
            garbage = draw(st.sampled_from(["2016-13-45", "9999-99", "20x6", "'", "{", "&a", "*b"]))
            text = re.sub(r"\d{4}-\d{2}(-\d{2})?", garbage, text, count=draw(st.integers(0, 3)))
        elif op == "nest":
            depth = draw(st.integers(1, 60))  # deeper: test_deep_nesting
            text = text[:at] + "[" * depth + "x" + "]" * depth + text[at:]
        elif op == "truncate":
            text = text[:at]
    return text


@_settings(200)
@given(data=st.data())
def test_mutated_case_text_gives_diagnostics(
    case_dir: Path, scaffold_data: dict[str, Any], data: st.DataObject
) -> None:
    source = data.draw(st.sampled_from([_yaml(scaffold_data), _SCAFFOLD_TEXT.read()]))
    text = data.draw(mutated_text(source))
    encoded = text.encode("utf-8", "surrogatepass")
    if data.draw(st.booleans()):  # sometimes break the encoding too
        at = data.draw(st.integers(0, len(encoded)))
        encoded = encoded[:at] + data.draw(st.binary(min_size=1, max_size=4)) + encoded[at:]
    _write(case_dir, encoded)
    check_outcome(lambda: load_case(case_dir), display_path(case_dir / "case.yaml"))


# -- the .bib reader ----------------------------------------------------------------------------

_BIB_SEEDS = [
    (REPO / "templates" / "scaffold" / "references.bib").read_text(encoding="utf-8"),
    (CASES / "ileal-net" / "references.bib").read_text(encoding="utf-8")[:6000],
    '@string{j = {Journal}}\n@article{k, author = {Kl{\\"o}ppel, G.}, title = {{NET}},'
    " journaltitle = j, date = {2016-02}, month = feb}\n",
]


@st.composite
def mutated_bib(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_BIB_SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "truncate", "dup", "brace", "junk"]))
        at = draw(st.integers(0, len(text)))
        if op == "insert":
            text = text[:at] + draw(st.text(min_size=1, max_size=6)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
        elif op == "truncate":
            text = text[:at]
        elif op == "dup":
            text = text[:at] + text[at : at + draw(st.integers(1, 400))] + text[at:]
        elif op == "brace":
            text = text[:at] + draw(st.sampled_from('{}@,="%\\#')) + text[at:]
        else:
            junk = draw(
                st.sampled_from(["@string{", "@comment{", "@preamble{", "@article{,", "=="])
            )
            text = text[:at] + junk + text[at:]
    return text


@_settings(150)
@given(text=mutated_bib())
def test_mutated_bib_gives_diagnostics(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = _bib_dir(tmp_path_factory) / "references.bib"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")

    def read() -> None:
        bibliography, problems = read_bibliography(path, "references.bib")
        for diagnostic in problems:
            check_diagnostic(diagnostic, "references.bib")
        for diagnostic in check_bibliography(bibliography):
            check_diagnostic(diagnostic, "references.bib")

    check_outcome(read, "references.bib")


_BIB_DIR: list[Path] = []


def _bib_dir(factory: pytest.TempPathFactory) -> Path:
    if not _BIB_DIR:
        _BIB_DIR.append(factory.mktemp("bib"))
    return _BIB_DIR[0]


# -- the citation scanner -----------------------------------------------------------------------

CITATION_KEY = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_]", fullmatch=True)


@_settings(300)
@given(text=st.text(st.characters(codec="utf-8") | st.sampled_from("@[]{}`-;\n")))
def test_find_citations_positions_point_at_their_tokens(text: str) -> None:
    lines = text.splitlines()
    for citation in find_citations(text):
        assert 0 <= citation.line < len(lines)
        assert lines[citation.line][citation.col :].lstrip("-").startswith(citation.token)
        assert citation.key


@_settings(150)
@given(key=CITATION_KEY, before=SECTION_TEXT, after=SECTION_TEXT)
def test_find_citations_finds_a_bracketed_key(key: str, before: str, after: str) -> None:
    assume("`" not in before + after)  # a code span
    text = f"{before} [@{key}] {after}"
    keys = [c.key for c in find_citations(text)]
    assert key in keys


# -- the harnesses of fuzz/ run on their seed corpus without atheris ---------------------------

FUZZ = REPO / "fuzz"


def _harness(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"fuzz_{name}", FUZZ / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["fuzz_yaml_loader", "fuzz_bibtex"])
def test_fuzz_harness_runs_on_its_seed_corpus(name: str) -> None:
    harness = _harness(name)
    seeds = sorted((FUZZ / "corpus" / name).iterdir())
    assert seeds, f"no seed corpus for {name}"
    for seed in seeds:
        harness.TestOneInput(seed.read_bytes())


# -- regression tests: crashes found by the properties and the fuzzers --------------------------
# Each is a minimal input that once made the reader raise something other than CasepubError
# (or take far too long); each now ends in a diagnostic.


def _case_with(case_dir: Path, scaffold_data: dict[str, Any], **changes: Any) -> None:
    data = yaml.safe_load(_yaml(scaffold_data))
    data.update(changes)
    _write(case_dir, _yaml(data))


def _expect_diagnostics(case_dir: Path) -> list[Diagnostic]:
    with pytest.raises(CasepubError) as info:
        load_case(case_dir)
    for diagnostic in info.value.diagnostics:
        check_diagnostic(diagnostic, None)
    return info.value.diagnostics


def test_recursive_alias(case_dir: Path) -> None:
    _write(case_dir, "a: &x [*x]\n")
    _expect_diagnostics(case_dir)


def test_deep_nesting(case_dir: Path) -> None:
    _write(case_dir, "a: " + "[" * 1000 + "]" * 1000 + "\n")
    _expect_diagnostics(case_dir)


def test_alias_expansion_is_bounded(case_dir: Path) -> None:
    """A "billion laughs" document: 10**6 leaves from 60 lines (it took 48 s, now refused)."""
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 7):
        name, previous = chr(ord("a") + i), chr(ord("a") + i - 1)
        levels.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
    _write(case_dir, "\n".join(levels) + "\n")
    _expect_diagnostics(case_dir)


def test_control_character(case_dir: Path) -> None:
    _write(case_dir, "\x08a: 1\n")
    _expect_diagnostics(case_dir)


@pytest.mark.parametrize("days", [-(10**6), 10**10])
def test_offset_days_overflow(case_dir: Path, scaffold_data: dict[str, Any], days: int) -> None:
    timeline = [{"date": {"anchor": "a", "days": days}, "event": "x"}]
    _case_with(case_dir, scaffold_data, anchors={"a": "2016-02-09"}, timeline=timeline)
    _expect_diagnostics(case_dir)


def test_offset_months_overflow(case_dir: Path, scaffold_data: dict[str, Any]) -> None:
    timeline = [{"date": {"anchor": "a", "months": 10**30}, "event": "x"}]
    _case_with(case_dir, scaffold_data, anchors={"a": "2016-02-09"}, timeline=timeline)
    _expect_diagnostics(case_dir)


_PATH_KEYS: dict[str, Callable[[str], dict[str, Any]]] = {
    "bibliography": lambda p: {"bibliography": p},
    "section": lambda p: {"sections": {"discussion": {"file": p + "{lang}"}}},
    "figure": lambda p: {"figures": [{"id": "f", "file": p, "caption": "x"}]},
    "labs": lambda p: {"labs": [{"file": p}]},
}


@pytest.mark.parametrize("where", sorted(_PATH_KEYS))
def test_nul_in_path(case_dir: Path, scaffold_data: dict[str, Any], where: str) -> None:
    _case_with(case_dir, scaffold_data, **_PATH_KEYS[where]("a\x00"))
    _expect_diagnostics(case_dir)


@pytest.mark.parametrize("where", sorted(_PATH_KEYS))
def test_path_too_long(case_dir: Path, scaffold_data: dict[str, Any], where: str) -> None:
    _case_with(case_dir, scaffold_data, **_PATH_KEYS[where]("a" * 300))
    _expect_diagnostics(case_dir)


def test_offset_date_round_trips(case_dir: Path, scaffold_data: dict[str, Any]) -> None:
    timeline = [{"date": {"anchor": "a", "days": 3}, "event": "x"}]
    _case_with(case_dir, scaffold_data, anchors={"a": "2016-02-09"}, timeline=timeline)
    first = load_case(case_dir)
    dumped = dump_case(first.case)
    assert "anchor: a" in dumped, dumped
    assert _load(case_dir, dumped).case == first.case
