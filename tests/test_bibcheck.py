"""Checks on a bibliography: one small .bib per code, each finding at its entry's line."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from casepub.diagnostics import Diagnostic, Severity
from casepub.references.bibcheck import check_bibliography, check_styles
from casepub.references.bibtex import Bibliography, read_bibliography
from tests.conftest import CASES, DATA, run_casepub

BAD = DATA / "references" / "bad"
E, W = Severity.error, Severity.warning


def check(path: Path) -> list[Diagnostic]:
    bibliography, problems = read_bibliography(path, path.name)
    assert problems == []
    return check_bibliography(bibliography, [])


def found(path: Path) -> list[tuple[str, int | None, str, Severity]]:
    return [(d.code, d.line, d.path, d.severity) for d in check(path)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "field-missing",
            [
                ("bib-field-missing", 2, "nojournal.journal", E),
                ("bib-field-missing", 7, "noauthor.author", E),
                ("bib-field-missing", 18, "nopublisher.publisher", W),
                ("bib-field-missing", 23, "nobooktitle.booktitle", E),
                ("bib-field-missing", 28, "nourldate.urldate", W),
                ("bib-field-missing", 32, "nourl.url", E),
                ("bib-field-missing", 41, "noyear.year", E),
            ],
        ),
        (
            "doi",
            [("bib-doi", 6, "truncated.doi", E), ("bib-doi", 10, "suffixonly.doi", E)],
        ),
        ("pmid", [("bib-pmid", 6, "labelled.pmid", E)]),
        (
            "year",
            [
                ("bib-year", 4, "inpress.year", E),
                ("bib-year", 6, "future.year", E),
                ("bib-year", 8, "ancient.year", E),
                ("bib-year", 10, "baddate.date", E),
                ("bib-year", 12, "badmonth.month", E),
            ],
        ),
        ("pages", [("bib-pages", 9, "p8.pages", E), ("bib-pages", 10, "p9.pages", E)]),
        (
            "duplicate",
            [
                ("bib-duplicate", 8, "hallet2015again.doi", W),
                ("bib-duplicate", 19, "riley2017copy.title", W),
            ],
        ),
        (
            "translit",
            [
                ("bib-translit", 2, "ukrainiantitle.title", W),
                ("bib-translit", 10, "englishgiven.journal", W),
            ],
        ),
        ("english-title", [("bib-english-title", 2, "without.englishtitle", W)]),
        (
            "macro",
            [("bib-macro", 7, "undefined.journal", E), ("bib-macro", 11, "joined.journal", E)],
        ),
    ],
)
def test_each_code_at_its_entry(name: str, expected: list[tuple[str, int, str, Severity]]) -> None:
    assert found(BAD / f"{name}.bib") == expected


def test_diagnostics_name_the_file_and_column_and_say_what_to_do() -> None:
    for path in sorted(BAD.glob("*.bib")):
        for diagnostic in check(path):
            assert diagnostic.file == path.name
            assert diagnostic.col == 1
            assert diagnostic.suggestion
            assert diagnostic.format().startswith(f"{path.name}:{diagnostic.line}:1: ")


def test_messages() -> None:
    by_path = {d.path: d for path in sorted(BAD.glob("*.bib")) for d in check(path)}
    assert by_path["nojournal.journal"].message == "@article `nojournal` has no journal"
    assert by_path["nojournal.journal"].suggestion == (
        "add `journal = {…}` or `journaltitle = {…}`"
    )
    assert by_path["truncated.doi"].message == "`10.1002` is not a DOI"
    duplicate = by_path["hallet2015again.doi"]
    assert "`hallet2015again`" in duplicate.message
    assert "`hallet2015exploring` (line 2)" in duplicate.message
    assert "10.1002/CNCR.29099" in duplicate.message
    assert "`riley2017care` (line 14)" in by_path["riley2017copy.title"].message
    assert "(ї, і)" in by_path["ukrainiantitle.title"].message
    assert by_path["ukrainiantitle.title"].suggestion == (
        "add `englishtitle = {…}` with the English form"
    )
    assert "no @string defines" in by_path["undefined.journal"].message
    assert "`eurjcancer`" in by_path["joined.journal"].message


def test_the_year_may_be_next_year_but_not_later(tmp_path: Path) -> None:
    next_year = datetime.date.today().year + 1
    bib = tmp_path / "years.bib"
    bib.write_text(
        f"@article{{a, author = {{A, B.}}, title = {{T}}, journal = {{J}}, year = {next_year}}}\n"
        f"@article{{b, author = {{A, B.}}, title = {{U}}, journal = {{J}}, "
        f"year = {next_year + 1}}}\n",
        encoding="utf-8",
    )
    assert found(bib) == [("bib-year", 2, "b.year", E)]


def test_varied_bibliography_has_no_errors() -> None:
    assert found(DATA / "references" / "varied.bib") == [
        ("bib-english-title", 306, "popov2018new.englishtitle", W)
    ]


@pytest.mark.parametrize("case", sorted(p.parent.name for p in CASES.glob("*/references.bib")))
def test_example_bibliographies_are_clean(case: str) -> None:
    assert check(CASES / case / "references.bib") == []


def test_cited_keys_do_not_change_the_checks() -> None:
    path = BAD / "doi.bib"
    bibliography, _ = read_bibliography(path, path.name)
    assert check_bibliography(bibliography, ["prefixed"]) == check_bibliography(bibliography)


def test_without_the_file_the_other_checks_still_run(tmp_path: Path) -> None:
    path = BAD / "macro.bib"
    bibliography, _ = read_bibliography(path, path.name)
    moved = Bibliography(tmp_path / "gone.bib", bibliography.display, bibliography.entries)
    assert [d.code for d in check_bibliography(moved)] == []
    path = BAD / "pages.bib"
    bibliography, _ = read_bibliography(path, path.name)
    moved = Bibliography(tmp_path / "gone.bib", bibliography.display, bibliography.entries)
    assert [d.code for d in check_bibliography(moved)] == ["bib-pages", "bib-pages"]


# ---- what the styles print ---------------------------------------------------------------------

STYLE_NEEDS = """@book{noplace,
  author = {Altman, Douglas G.},
  title = {Practical Statistics for Medical Research},
  publisher = {Chapman and Hall},
  year = {1991}
}
@article{novolume,
  author = {Rindi, Guido and others},
  title = {A common classification framework for neuroendocrine neoplasms},
  journal = {Modern Pathology},
  year = {2018}
}
@phdthesis{noschool,
  author = {Белозеров, И. В.},
  title = {Религиозная политика Золотой Орды на Руси},
  type = {дис. … канд. ист. наук},
  address = {М.},
  year = {2002}
}
@online{nodate,
  title = {What are the {CARE} guidelines?},
  url = {https://www.care-statement.org}
}
"""


@pytest.fixture
def style_bib(tmp_path: Path) -> Bibliography:
    path = tmp_path / "styles.bib"
    path.write_text(STYLE_NEEDS, encoding="utf-8")
    bibliography, problems = read_bibliography(path, "styles.bib")
    assert not problems
    return bibliography


def test_fields_each_style_prints(style_bib: Bibliography) -> None:
    both = [(d.line, d.path, d.severity) for d in check_styles(style_bib, ["gost", "vancouver"])]
    assert both == [
        (1, "noplace.address", W),
        (7, "novolume.volume", W),
        (7, "novolume.pages", W),
        (13, "noschool.school", W),
    ]
    gost = [d.path for d in check_styles(style_bib, ["gost"])]
    assert gost == ["noplace.address", "novolume.volume", "novolume.pages"]
    assert check_styles(style_bib, ["my-journal.csl"]) == []
    (place,) = [d for d in check_styles(style_bib, ["gost"]) if d.line == 1]
    assert place.message == (
        "@book `noplace` has no place of publication, which GOST R 7.0.5 prints"
    )
    assert place.suggestion == "add `address = {…}` or `location`"
    assert place.code == "bib-field-missing"


def test_refs_check_reports_style_needs_one_line_each(style_bib: Bibliography) -> None:
    result = run_casepub("refs", "check", style_bib.path, "--style", "gost")
    assert result.code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "[bib-field-missing]" in line]
    assert [line.split(": ")[0] for line in lines] == [
        f"{style_bib.path}:1:1",
        f"{style_bib.path}:7:1",
        f"{style_bib.path}:7:1",
        f"{style_bib.path}:20:1",  # a web page without its date, for every style
    ]
    assert "Vancouver" not in result.stdout
