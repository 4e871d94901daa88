"""Diagnostics on broken cases: every problem is found, located and explained, never a traceback.

``tests/data/bad/<name>/`` holds one small case folder per kind of mistake an author makes
(the scaffold of ``casepub new`` with one thing broken) and ``expected.txt``, the exact
``casepub check .`` stdout run from inside the folder. ``pytest --update-golden`` rewrites the
goldens, except those of ``KNOWN_BUGS``: their ``expected.txt`` is written by hand and states
what casepub *should* print. When a bug is fixed its strict xfail turns into a failure (XPASS);
then drop it from ``KNOWN_BUGS`` and regenerate its golden with ``--update-golden``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import DATA, REPO, assert_golden, run_casepub

BAD = DATA / "bad"
BAD_CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())

#: Exit code of ``casepub check`` when it is not 1: cases that yield only warnings.
EXIT_CODES = {
    "bib-entry-unused": 0,
    "placeholder": 0,
    "lesion-once": 0,
    "range-missing": 0,
    "recist-too-many-targets": 0,
    "care-missing": 0,
    "deid-address": 0,
    "deid-age-over-89": 0,
    "deid-birth-date": 0,
    "deid-email": 0,
    "deid-image-metadata": 0,
    "deid-initials-name": 0,
    "deid-inn": 0,
    "deid-oms": 0,
    "deid-passport": 0,
    "deid-patronymic-name": 0,
    "deid-phone": 0,
    "deid-record-number": 0,
    "deid-snils": 0,
    "deid-name": 0,
    "deid-place": 0,
    "deid-workplace": 0,
    "deid-ssn": 0,
    "deid-nhs-number": 0,
    "suppress-unused": 0,
    "consistency-span": 0,
    "consistency-value": 0,
    "float-unreferenced": 0,
    "parity-abstract-length": 0,
    "parity-cyrillic": 0,
    "parity-keywords": 0,
    "parity-latin": 0,
    "parity-missing": 0,
    "parity-numbers": 0,
    "script-name": 0,
    "reporting-missing": 0,
    "response-unmentioned": 0,
}

#: Cases whose output is wrong because of a bug in casepub (reported, not fixed here).
KNOWN_BUGS: dict[str, str] = {}

REQUIRED_KINDS = {
    "yaml-unclosed-bracket",
    "yaml-tab-indent",
    "yaml-duplicate-key",
    "empty-file",
    "only-comment",
    "top-level-list",
    "not-utf8",
    "age-wrong-type",
    "unknown-key-toplevel",
    "unknown-key-nested",
    "missing-patient",
    "missing-city",
    "date-invalid",
    "date-garbage",
    "orcid-format",
    "orcid-checksum",
    "email-invalid",
    "affiliation-unknown",
    "corresponding-none",
    "corresponding-two",
    "contribution-unknown-author",
    "credit-role-unknown",
    "section-file-missing",
    "section-path-outside",
    "citation-unknown",
    "bibliography-missing",
    "bib-duplicate-key",
    "figure-missing",
    "sex-enum",
    "age-out-of-range",
    "many-errors",
}

JSON_KEYS = {"file", "line", "col", "path", "message", "code", "severity", "suggestion"}


def _params(names: list[str], bugs: dict[str, str]) -> list[Any]:
    return [
        pytest.param(
            name,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=bugs[name])] if name in bugs else [],
        )
        for name in names
    ]


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@functools.cache
def _json(name: str) -> tuple[dict[str, Any], ...]:
    """The ``--format json`` diagnostics of a bad case (run once per session)."""
    result = run_casepub("check", ".", "--format", "json", cwd=BAD / name)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    found = json.loads(result.stdout)
    assert isinstance(found, list)
    return tuple(found)


def _one(name: str, code: str, path: str | None = None) -> dict[str, Any]:
    """The single diagnostic of ``name`` with ``code`` (and ``path``)."""
    matches = [d for d in _json(name) if d["code"] == code and (path is None or d["path"] == path)]
    assert len(matches) == 1, _json(name)
    return matches[0]


# --- the corpus itself -----------------------------------------------------------------------


def test_corpus_is_complete() -> None:
    assert set(BAD_CASES) >= REQUIRED_KINDS
    assert set(KNOWN_BUGS) <= set(BAD_CASES)
    assert set(EXIT_CODES) <= set(BAD_CASES)
    for name in BAD_CASES:
        folder = BAD / name
        assert (folder / "case.yaml").is_file(), name
        assert (folder / "expected.txt").is_file(), name


#: Codes that `casepub check CASE` cannot yield: they come from other commands or options
#: (`refs check --max`, `--csl`, `--journal`, a broken profile, the converters) and are
#: tested where those are.
NOT_FROM_CHECK = {
    "bib-too-many",
    "csl-unknown",
    "journal-unknown",
    "journal-profile",
    "pandoc",
    "typst",
    "template-unsafe",
    "template-error",
    "revision",
}


def _documented_codes() -> set[str]:
    codes: set[str] = set()
    for line in (REPO / "docs" / "checks.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            codes |= set(re.findall(r"`([a-z0-9-]+)`", line.split("|")[1]))
    return codes


def test_every_documented_code_has_a_broken_case() -> None:
    """At least one corpus case per code: a case folder here, a .bib of the references
    corpus (tests/test_bibcheck.py) for the bib-* codes, or a defective output of the proof
    corpus (tests/test_proof.py) for the proof-* codes."""
    found = {
        code
        for name in BAD_CASES
        for code in re.findall(
            r"\[([a-z0-9-]+)\]$",
            (BAD / name / "expected.txt").read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    }
    bib_corpus = {f"bib-{p.stem}" for p in (DATA / "references" / "bad").glob("*.bib")}
    proof = yaml.safe_load((DATA / "proof" / "expected.yaml").read_text(encoding="utf-8"))
    proof_corpus = {expect["code"] for expect in proof.values()}
    missing = _documented_codes() - found - bib_corpus - proof_corpus - NOT_FROM_CHECK
    assert missing == set()


# --- goldens ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", _params(BAD_CASES, KNOWN_BUGS))
def test_check_output_matches_golden(name: str, update_golden: bool) -> None:
    folder = BAD / name
    before = _hashes(folder)
    result = run_casepub("check", ".", cwd=folder)
    assert _hashes(folder) == before, "check modified the author's files"
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert result.code == EXIT_CODES.get(name, 1), result.stderr
    assert_golden(result.stdout, folder / "expected.txt", update_golden and name not in KNOWN_BUGS)


@pytest.mark.parametrize("name", BAD_CASES)
def test_check_never_modifies_author_files(name: str) -> None:
    """Hashes every file of the case around ``check --format json`` (the golden test does
    the same around the text run), so no file is rewritten, added or removed."""
    folder = BAD / name
    before = _hashes(folder)
    result = run_casepub("check", ".", "--format", "json", cwd=folder)
    assert result.code in (0, 1), result.stderr
    assert _hashes(folder) == before


# --- exact locations, codes and hints --------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """Where one diagnostic must point, and what it must say."""

    name: str
    code: str
    line: int
    col: int
    path: str
    file: str = "case.yaml"
    suggestion: str | None = None
    """A text the suggestion must contain."""
    message: str | None = None
    """A text the message must contain."""


EXPECTED = [
    Expect(
        "yaml-unclosed-bracket",
        "yaml-syntax",
        15,
        10,
        "",
        message="flow sequence that starts on line 14, column 19",
    ),
    Expect("yaml-tab-indent", "yaml-syntax", 35, 1, "", suggestion="spaces, not tabs"),
    Expect(
        "yaml-duplicate-key",
        "yaml-duplicate-key",
        36,
        3,
        "patient.sex",
        suggestion="remove one",
        message="first on line 34",
    ),
    Expect("empty-file", "empty", 1, 1, "", suggestion="casepub new"),
    Expect("only-comment", "empty", 1, 1, "", suggestion="casepub new"),
    Expect("top-level-list", "type", 1, 1, "", message="mapping"),
    Expect("not-utf8", "encoding", 2, 37, "", suggestion="Windows-1251", message="UTF-8"),
    Expect("not-utf8-mixed", "encoding", 21, 53, "", suggestion="UTF-8"),
    Expect("not-utf8-bom", "encoding", 2, 37, "", suggestion="UTF-8"),
    Expect("age-bool", "type", 35, 8, "patient.age", message="`true`"),
    Expect("age-wrong-type", "type", 35, 8, "patient.age", message="'fifty'"),
    Expect("unknown-key-toplevel", "unknown-key", 6, 1, "titel", suggestion="`title`"),
    Expect("unknown-key-nested", "unknown-key", 15, 5, "authors[0].orcdi", suggestion="`orcid`"),
    Expect(
        "unknown-key-section-text",
        "unknown-key",
        47,
        5,
        "sections.introduction.eng",
        suggestion="`en`",
    ),
    Expect("missing-patient", "missing", 3, 1, "patient", message="`patient`"),
    Expect("missing-city", "missing", 20, 3, "affiliations.main.city", message="`city`"),
    Expect("date-invalid", "value", 41, 11, "timeline[0].date", message="2016-13-45"),
    Expect("date-garbage", "value", 41, 11, "timeline[0].date", message="YYYY-MM-DD"),
    Expect("orcid-format", "value", 15, 12, "authors[0].orcid", message="not an ORCID"),
    Expect("orcid-checksum", "value", 15, 12, "authors[0].orcid", message="check digit"),
    Expect("email-invalid", "value", 16, 12, "authors[0].email", message="e-mail"),
    Expect(
        "affiliation-unknown",
        "unknown-ref",
        14,
        20,
        "authors[0].affiliations[0]",
        suggestion="`main`",
        message="`mian`",
    ),
    Expect("corresponding-none", "corresponding", 10, 1, "authors"),
    Expect("corresponding-two", "corresponding", 23, 20, "authors[1].corresponding"),
    Expect(
        "contribution-unknown-author",
        "unknown-ref",
        68,
        15,
        "declarations.contributions[0].author",
        suggestion="`first`",
        message="`frist`",
    ),
    Expect(
        "credit-role-unknown",
        "choice",
        69,
        15,
        "declarations.contributions[0].roles[0]",
        suggestion="`conceptualization`",
    ),
    Expect(
        "section-file-missing",
        "file-missing",
        52,
        16,
        "sections.discussion.file.ru",
        message="nope.md",
    ),
    Expect(
        "section-path-outside",
        "path-outside",
        52,
        16,
        "sections.discussion.file.ru",
        message="outside the case folder",
    ),
    Expect(
        "citation-unknown",
        "citation-unknown",
        2,
        33,
        "sections.discussion.file",
        file="sections/discussion.en.md",
        suggestion="`example2024`",
    ),
    Expect(
        "citation-after-code-span",
        "citation-unknown",
        1,
        36,
        "sections.discussion.file",
        file="sections/discussion.en.md",
    ),
    Expect(
        "citation-after-email",
        "citation-unknown",
        1,
        30,
        "sections.discussion.file",
        file="sections/discussion.en.md",
    ),
    Expect(
        "citation-key-prefix",
        "citation-unknown",
        1,
        27,
        "sections.discussion.file",
        file="sections/discussion.en.md",
        message="`example`",
    ),
    Expect("citation-block-scalar", "citation-unknown", 48, 14, "sections.introduction.ru"),
    Expect("citation-quoted", "citation-unknown", 47, 33, "sections.introduction.en"),
    Expect("citation-multiline-plain", "citation-unknown", 48, 16, "sections.introduction.en"),
    Expect(
        "bibliography-missing", "file-missing", 71, 15, "bibliography", message="references.bib"
    ),
    Expect("bib-duplicate-key", "bib-duplicate-key", 13, 1, "example2024", file="references.bib"),
    Expect("bib-entry-unused", "citation-unused", 13, 1, "unused2020", file="references.bib"),
    Expect("figure-missing", "file-missing", 59, 11, "figures[0].file", message="figures/mri.png"),
    Expect("sex-enum", "choice", 34, 8, "patient.sex", message="'female' or 'male'"),
    Expect("age-out-of-range", "value", 35, 8, "patient.age", message="120"),
]
# Known bugs among the rows above: their rows state the correct location, code and hint.
EXPECT_BUGS = {
    name: reason for name, reason in KNOWN_BUGS.items() if name in {e.name for e in EXPECTED}
}


@pytest.mark.parametrize("name", _params([e.name for e in EXPECTED], EXPECT_BUGS))
def test_diagnostic_location_code_and_hint(name: str) -> None:
    expect = next(e for e in EXPECTED if e.name == name)
    d = _one(name, expect.code)
    assert (d["file"], d["line"], d["col"], d["code"], d["path"]) == (
        expect.file,
        expect.line,
        expect.col,
        expect.code,
        expect.path,
    )
    if expect.suggestion is not None:
        assert expect.suggestion in (d["suggestion"] or ""), d
    if expect.message is not None:
        assert expect.message in d["message"], d


def test_expectations_cover_at_least_fifteen_kinds() -> None:
    names = [e.name for e in EXPECTED]
    assert len(set(names)) == len(names)
    assert set(names) <= set(BAD_CASES)
    assert len(set(names) - set(EXPECT_BUGS)) >= 15


def test_unclosed_bracket_names_the_line_it_opens_on() -> None:
    d = _one("yaml-unclosed-bracket", "yaml-syntax")
    assert (d["line"], d["col"]) == (15, 10) and "starts on line 14, column 19" in d["message"], d


def test_bibtex_syntax_error_gives_a_reason() -> None:
    d = _one("bib-syntax", "bib-syntax")
    assert (d["file"], d["line"], d["col"]) == ("references.bib", 12, 1)
    assert d["message"].endswith("unexpectedly reached end of file")
    assert not d["message"].rstrip().endswith(":"), d


def test_number_as_key_points_at_the_key() -> None:
    (d,) = _json("key-not-string")
    assert (d["line"], d["col"]) == (36, 3), d
    assert d["path"] != "patient[1]", "the key is not a list index"


def test_duplicate_key_is_not_a_type_error() -> None:
    assert [d["code"] for d in _json("yaml-duplicate-key")] == ["yaml-duplicate-key"]


def test_renamed_key_reports_unknown_and_missing() -> None:
    found = {(d["code"], d["path"]) for d in _json("unknown-key-toplevel")}
    assert found == {("unknown-key", "titel"), ("missing", "title")}


def test_contribution_typo_also_warns_about_the_uncredited_author() -> None:
    d = _one("contribution-unknown-author", "contribution-missing")
    assert (d["line"], d["col"], d["severity"], d["path"]) == (11, 9, "warning", "authors[0].id")


def test_warnings_alone_do_not_fail_the_check() -> None:
    assert {d["severity"] for d in _json("bib-entry-unused")} == {"warning"}


def test_many_errors_are_all_listed() -> None:
    found = {(d["code"], d["path"]) for d in _json("many-errors")}
    assert found == {
        ("missing", "title"),
        ("unknown-key", "titel"),
        ("value", "authors[0].orcid"),
        ("missing", "affiliations.main.city"),
        ("choice", "patient.sex"),
        ("type", "patient.age"),
        ("value", "timeline[0].date"),
        ("choice", "declarations.contributions[0].roles[0]"),
    }


def test_many_errors_are_sorted_by_position() -> None:
    positions = [(d["file"], d["line"], d["col"]) for d in _json("many-errors")]
    assert positions == sorted(positions)


def test_errors_across_files_and_references_are_all_listed_and_sorted() -> None:
    found = _json("many-errors-references")
    assert [(d["line"], d["col"], d["code"]) for d in found] == [
        (14, 20, "unknown-ref"),
        (47, 32, "citation-unknown"),
        (47, 46, "unknown-ref"),
        (52, 16, "file-missing"),
        (52, 29, "path-outside"),
        (59, 11, "file-missing"),
        (75, 15, "unknown-ref"),
    ]
    assert {d["file"] for d in found} == {"case.yaml"}


# --- the command line around the diagnostics -------------------------------------------------


@pytest.mark.parametrize("journal", [None, "preprint", "ru-oncology", "jmcr"])
def test_a_new_case_checks_clean_but_for_what_to_fill_in(
    tmp_path: Path, journal: str | None
) -> None:
    """`casepub new` for each profile: no error, and every warning is a placeholder that
    says what to write; once they are all replaced (here: suppressed), --strict passes."""
    case = tmp_path / "case"
    assert run_casepub("new", case, *(["--journal", journal] if journal else [])).code == 0
    as_json = run_casepub("check", ".", "--format", "json", cwd=case)
    assert as_json.code == 0, as_json.stdout
    found = json.loads(as_json.stdout)
    assert {d["code"] for d in found} == {"placeholder"}
    places = {d["path"] for d in found}
    assert {"title.ru", "title.en", "abstract.ru", "authors[0].orcid", "example2024"} <= places
    assert all(d["suggestion"] for d in found)
    yaml_file = case / "case.yaml"
    accepted = "\nsuppress:\n  - {code: placeholder, reason: filled in}\n"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + accepted, encoding="utf-8")
    strict = run_casepub("check", ".", "--strict", cwd=case)
    assert (strict.code, strict.stdout) == (0, ""), strict.stdout


def test_check_without_arguments_is_a_usage_error() -> None:
    result = run_casepub("check")
    assert result.code == 2
    assert result.stdout == ""
    assert "usage" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_check_of_a_missing_folder_is_reported(tmp_path: Path) -> None:
    result = run_casepub("check", "nowhere", "--format", "json", cwd=tmp_path)
    assert result.code == 1
    (d,) = json.loads(result.stdout)
    assert (d["file"], d["line"], d["code"]) == ("nowhere", None, "file-missing")


@pytest.mark.parametrize("name", ["many-errors-references", "citation-unknown", "not-utf8"])
def test_json_is_a_list_of_complete_diagnostics(name: str) -> None:
    found = _json(name)
    assert found
    for d in found:
        assert set(d) == JSON_KEYS
        assert d["severity"] in ("error", "warning")
        assert isinstance(d["line"], int)
        assert isinstance(d["col"], int)


def test_json_and_text_agree() -> None:
    folder = BAD / "many-errors-references"
    text = run_casepub("check", ".", cwd=folder).stdout.splitlines()
    assert len(text) == len(_json("many-errors-references"))
    for line, d in zip(text, _json("many-errors-references"), strict=True):
        assert line.startswith(f"{d['file']}:{d['line']}:{d['col']}: {d['path']}: ")
        assert line.endswith(f"[{d['code']}]")
