"""The proof (casepub/checks/proof): every deliberately defective output of tests/data/proof/bad
is caught with its code and place, the clean ones of tests/data/proof/good are left alone, the
build warns and the package refuses, and every example case in every journal profile and
language proofs clean.

The defective outputs are made at test time from small sources: typst documents compiled by
the ``typst`` package, Markdown converted to DOCX by the bundled pandoc; HTML, XML and a
broken PDF are read as they are. tests/data/proof/expected.yaml says what each must yield.
"""

from __future__ import annotations

import json
import resource
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import typst
import yaml

from casepub.build import BuildOptions, build
from casepub.checks.proof.geometry import TYPST_DEFAULT, profile_geometry, typst_geometry
from casepub.checks.proof.office import soffice
from casepub.checks.proof.residue import residue_in
from casepub.checks.proof.run import proof_file, proof_paths, proof_printed
from casepub.checks.proof.subject import CODES
from casepub.convert.pandoc import run_pandoc
from casepub.diagnostics import Diagnostic
from casepub.load.loader import load_case
from casepub.model.common import text_langs
from casepub.profiles import load_profile
from tests.conftest import REPO, run_casepub

DATA = Path(__file__).resolve().parent / "data" / "proof"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (DATA / "expected.yaml").read_text(encoding="utf-8")
)
BAD = sorted(p.name for p in (DATA / "bad").iterdir())
GOOD = sorted(p.name for p in (DATA / "good").iterdir())
CASES = sorted(p.parent.name for p in (REPO / "cases").glob("*/case.yaml"))
PROFILES = ("preprint", "ru-oncology", "jmcr")
OFFICE = soffice()
needs_office = pytest.mark.skipif(
    OFFICE is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui): "
    "the DOCX is not printed and proofed",
)


def _formatted(found: list[Diagnostic]) -> str:
    return "\n".join(d.format() for d in found) or "(nothing)"


# --- the corpus of defective and clean outputs ---------------------------------------------------


def _make(source: Path, folder: Path) -> Path:
    """The output ``source`` stands for, made in ``folder``: a PDF from typst (beside its
    source, as a build leaves it), a DOCX from Markdown, else the file itself."""
    target = folder / source.name
    shutil.copyfile(source, target)
    if source.suffix == ".typ":
        pdf = target.with_suffix(".pdf")
        pdf.write_bytes(typst.compile(str(target)))
        return pdf
    if source.suffix == ".md":
        docx = target.with_suffix(".docx")
        markdown = source.read_text(encoding="utf-8")
        run_pandoc(markdown, "docx", workdir=folder, citeproc=None, output=docx)
        return docx
    return target


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every corpus output, made once."""
    outputs = {}
    for kind in ("bad", "good"):
        folder = tmp_path_factory.mktemp(f"proof-{kind}")
        for name in BAD if kind == "bad" else GOOD:
            outputs[f"{kind}/{name}"] = _make(DATA / kind / name, folder)
    return outputs


def test_the_corpus_has_a_defect_for_every_code() -> None:
    assert sorted(EXPECTED) == BAD
    assert {e["code"] for e in EXPECTED.values()} == set(CODES)
    for name, expect in EXPECTED.items():
        assert set(expect) <= {"code", "at", "message"}, name


@pytest.mark.parametrize("name", BAD)
def test_each_defect_is_found_with_its_code_and_place(name: str, made: dict[str, Path]) -> None:
    expect = EXPECTED[name]
    found = proof_file(made[f"bad/{name}"], TYPST_DEFAULT)
    matching = [d for d in found if d.code == expect["code"]]
    assert matching, _formatted(found)
    if "at" in expect:
        places = [d.path or str(d.line) for d in matching]
        assert str(expect["at"]) in places, places
    if "message" in expect:
        assert any(expect["message"] in d.message for d in matching), _formatted(matching)
    assert all(d.file.endswith(made[f"bad/{name}"].name) for d in found)


@pytest.mark.parametrize("name", GOOD)
def test_a_clean_output_has_no_findings(name: str, made: dict[str, Path]) -> None:
    """Ligatures, combining marks, super- and subscripts, an e-mail address, ``#1``, ``№``,
    table rules, a running header, page numbers, a full-width front over two columns, and
    script and style text in HTML are not defects."""
    found = proof_file(made[f"good/{name}"], TYPST_DEFAULT)
    assert found == [], _formatted(found)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("aged {{ patient.age }} years", "template"),
        ("{% if x %}shown{% endif %}", "template"),
        ("as shown before [@smith2020]", "citation"),
        ("as shown before [-@smith2020]", "citation"),
        ("see @fig:timeline", "cross-reference"),
        ("see @tbl:labs", "cross-reference"),
        ("{=typst} left", "pandoc"),
        ('#set text(lang: "ru")', "typst"),
        ("#let x = 1", "typst"),
        ('#figure(image("a.svg"))', "typst"),
        ("\\begin{table}", "TeX"),
        ("\\textbf{bold}", "TeX"),
    ],
)
def test_residue_of_each_kind_is_found(text: str, kind: str) -> None:
    assert [r.kind for r in residue_in(text)] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "write to jane.doe@example.org or @mention",
        "patient #1, № 5, the C# code, #hashtag",
        "50 % of {the} cases; a set {1, 2}",
        "fig:1 and tbl: 2; e-mail fig@tbl.ru",
        "a \\ b and C:\\Users\\doe",
    ],
)
def test_prose_is_not_residue(text: str) -> None:
    assert list(residue_in(text)) == []


def test_a_blinded_docx_must_not_name_its_author(made: dict[str, Path]) -> None:
    docx = made["good/plain.md"]
    assert proof_file(docx, TYPST_DEFAULT, role="manuscript") == []
    (found,) = proof_file(docx, TYPST_DEFAULT, role="blinded")
    assert found.code == "proof-properties" and "«Jane Doe»" in found.message
    assert proof_file(made["bad/no-properties.md"], TYPST_DEFAULT, role="attachment") == []


def test_the_page_is_read_from_the_typst_template() -> None:
    geometry = profile_geometry(load_profile("ru-oncology"))
    cm = 72 / 2.54
    assert (geometry.top, geometry.bottom, geometry.left, geometry.right) == pytest.approx(
        (2.4 * cm, 2.2 * cm, 2 * cm, 2 * cm)
    )
    assert (geometry.columns, geometry.gutter) == (2, pytest.approx(0.7 * cm))
    assert profile_geometry(load_profile("jmcr")).columns == 1
    assert typst_geometry("#set page(margin: 1in)").left == pytest.approx(2.5 * cm)  # typst's


@needs_office
def test_a_docx_is_also_proofed_as_libreoffice_prints_it(made: dict[str, Path]) -> None:
    found = proof_printed([made["bad/residue.md"], made["good/plain.md"]])
    assert all(d.file.endswith("residue.docx") for d in found), _formatted(found)
    residue = [d.path for d in found if d.code == "proof-residue"]
    assert residue and residue[0] == "page 1 as LibreOffice prints it", _formatted(found)


# --- the build warns, the package refuses --------------------------------------------------------


@pytest.fixture(scope="module")
def defective_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal example with a number no line can hold: it runs into the right margin."""
    case = tmp_path_factory.mktemp("defective") / "long-number"
    shutil.copytree(REPO / "cases" / "minimal", case)
    source = (case / "case.yaml").read_text(encoding="utf-8")
    start = "    The example is deliberately short;"
    assert start in source
    number = "1234567890" * 14
    (case / "case.yaml").write_text(
        source.replace(start, f"    Sample identifier {number}.\n{start}"), encoding="utf-8"
    )
    return case


def test_the_build_warns_of_each_defect_and_still_succeeds(
    defective_case: Path, tmp_path: Path
) -> None:
    result = run_casepub("build", defective_case, "--out", tmp_path)
    assert result.code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "[proof-overflow]" in line]
    assert lines and "warning:" in lines[0] and ".pdf: page " in lines[0], result.stderr
    assert "the proof found" in result.stderr
    again = run_casepub("build", defective_case, "--out", tmp_path)  # unchanged: replayed
    assert again.code == 0 and lines[0] in again.stderr.splitlines(), again.stderr
    quiet = run_casepub("build", defective_case, "--out", tmp_path, "--no-proof")
    assert "[proof-" not in quiet.stderr


def test_an_unchanged_output_is_not_proofed_again(
    defective_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(defective_case, BuildOptions(out=tmp_path))
    assert any(d.code == "proof-overflow" for d in first.proof)

    def refuse(*args: object) -> list[Diagnostic]:
        raise AssertionError("an unchanged PDF was proofed again")

    monkeypatch.setattr("casepub.checks.proof.pdf.proof_pdf", refuse)
    second = build(defective_case, BuildOptions(formats=("pdf", "html"), out=tmp_path))
    assert [d for d in second.proof if d.file.endswith(".pdf")] == first.proof


def test_the_package_refuses_a_defective_manuscript(
    defective_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEPUB_SOFFICE", "")  # LibreOffice's part is tested on its own
    result = run_casepub("package", defective_case, "--out", tmp_path)
    assert result.code == 1, result.stderr
    refused = [
        line
        for line in result.stderr.splitlines()
        if "manuscript.pdf: page " in line and line.endswith("[proof-overflow]")
    ]
    assert refused and "warning:" not in refused[0], result.stderr
    assert "no package written" in result.stderr
    assert not list(tmp_path.rglob("*.zip"))


def test_proof_command_proofs_a_case_s_outputs_and_files(
    defective_case: Path, tmp_path: Path, made: dict[str, Path]
) -> None:
    run_casepub("build", defective_case, "--out", tmp_path, "--no-proof")
    result = run_casepub(
        "proof", defective_case, "--out", tmp_path, "--no-office", "--format", "json"
    )
    assert result.code == 1
    assert "proof-overflow" in {d["code"] for d in json.loads(result.stdout)}
    clean = run_casepub("proof", made["good/two-columns.typ"], made["good/plain.html"])
    assert clean.code == 0 and clean.stdout == "", clean.stdout
    missing = run_casepub("proof", defective_case, "--out", tmp_path / "nowhere")
    assert missing.code == 1 and "build it first" in missing.stderr


# --- every example, every profile, every language ------------------------------------------------


def _modes(case: str) -> list[str]:
    """The language modes a case has: its language, English or Russian where its title is
    given in it too, and bilingual when both."""
    loaded = load_case(REPO / "cases" / case)
    title = loaded.case.title
    langs = {loaded.case.language} | (set() if isinstance(title, str) else text_langs(title))
    return sorted(langs) + (["bilingual"] if len(langs) == 2 else [])


MATRIX = [(case, profile, mode) for case in CASES for profile in PROFILES for mode in _modes(case)]


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], Path]:
    """The PDF of every case × profile × language mode, built once (one command per profile
    and mode, the cases in parallel)."""
    root = tmp_path_factory.mktemp("examples")
    pdfs = {}
    for profile in PROFILES:
        for mode in ("ru", "en", "bilingual"):
            cases = [c for c in CASES if (c, profile, mode) in MATRIX]
            if not cases:
                continue
            out = root / f"{profile}-{mode}"
            args = ["--journal", profile, "--lang", mode, "--out", out, "--no-proof"]
            result = run_casepub("build", *[REPO / "cases" / c for c in cases], *args)
            assert result.code == 0, result.stderr
            for case in cases:
                (pdfs[case, profile, mode],) = (out / case).glob("*.pdf")
    return pdfs


@pytest.mark.parametrize(("case", "profile", "mode"), MATRIX)
def test_every_example_proofs_clean(
    case: str, profile: str, mode: str, example_pdfs: dict[tuple[str, str, str], Path]
) -> None:
    found = proof_paths(
        [example_pdfs[case, profile, mode]], profile_geometry(load_profile(profile))
    )
    assert found == [], _formatted(found)


@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Every example as DOCX, HTML and JATS (its PDF is among ``example_pdfs``; LaTeX is TeX by
    design), in its own profile and language."""
    out = tmp_path_factory.mktemp("formats")
    cases = [REPO / "cases" / c for c in CASES]
    result = run_casepub("build", *cases, "--format", "docx,html,jats", "--out", out, "--no-proof")
    assert result.code == 0, result.stderr
    return {
        case: sorted(
            p
            for p in (out / case).iterdir()
            if p.suffix in (".docx", ".html", ".xml") and not p.name.startswith(".")
        )
        for case in CASES
    }


@pytest.mark.parametrize("case", CASES)
def test_every_format_of_every_example_proofs_clean(
    case: str, example_outputs: dict[str, list[Path]]
) -> None:
    loaded = load_case(REPO / "cases" / case)
    geometry = profile_geometry(load_profile(loaded.case.profile or "preprint"))
    found = proof_paths(example_outputs[case], geometry)
    assert found == [], _formatted(found)


@needs_office
@pytest.mark.parametrize("case", CASES)
def test_every_example_docx_prints_clean_in_libreoffice(
    case: str, example_outputs: dict[str, list[Path]], printed: dict[Path, list[Diagnostic]]
) -> None:
    (docx,) = [p for p in example_outputs[case] if p.suffix == ".docx"]
    assert printed[docx] == [], _formatted(printed[docx])


@pytest.fixture(scope="module")
def printed(example_outputs: dict[str, list[Path]]) -> dict[Path, list[Diagnostic]]:
    """The proof of every example DOCX as LibreOffice prints it (one LibreOffice run)."""
    documents = [p for paths in example_outputs.values() for p in paths if p.suffix == ".docx"]
    found = proof_printed(documents)
    return {d: [f for f in found if f.file == str(d) or f.file.endswith(d.name)] for d in documents}


# --- fast enough for every build -----------------------------------------------------------------


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_the_proof_costs_under_a_tenth_of_a_cold_build(tmp_path: Path) -> None:
    """CPU time, which other work on the machine disturbs far less than the clock: the cold
    PDF build of ileal-net (a process of its own) against the proof of what it wrote."""
    before = _children_cpu()
    out = tmp_path / "cold"
    result = run_casepub("build", REPO / "cases" / "ileal-net", "--out", out, "--no-proof")
    build_cpu = _children_cpu() - before
    assert result.code == 0, result.stderr
    (pdf,) = (out / "ileal-net").glob("*.pdf")
    geometry = profile_geometry(load_profile("preprint"))
    proof_file(pdf, geometry)  # the first call loads PDFium and the labels
    start = time.process_time()
    proof_file(pdf, geometry)
    proof_cpu = time.process_time() - start
    print(f"cold PDF build {build_cpu:.2f} s CPU, proof {proof_cpu:.3f} s CPU")
    assert proof_cpu < 0.1 * build_cpu
