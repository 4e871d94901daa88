"""Hostile and broken input files: each yields a clear diagnostic, never a traceback, a hang or
unbounded memory, and the author's files are never modified.

``tests/bad_inputs/<kind>/`` holds one input file per problem and ``expected.yaml`` what
``casepub check`` must say about it. Each input is put in its place in a fresh case made by
``casepub new``:

- ``yaml/*`` is the case.yaml;
- ``bib/*`` is references.bib;
- ``labs/*`` is ``labs.<ext>``, named in case.yaml by ``labs: [{file: labs.<ext>}]``;
- ``markdown/*`` is sections/discussion.ru.md;
- ``images/*`` is ``figures/<name>``, named in case.yaml by ``figures:``.

Inputs too large to commit (50 MB files) or that are not files (a folder in the place of a
file, an unreadable file) are made at test time: ``GENERATED`` below, expected under
``generated/<name>``. Every run is a subprocess limited to ``TIMEOUT`` seconds and
``MEMORY`` bytes of address space, so a hang or a memory blow-up fails the test instead of
the machine. The runs go in parallel, once per session.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from casepub.diagnostics import CasepubError
from casepub.limits import MAX_CASE_YAML_BYTES, MAX_SECTION_BYTES
from casepub.load.loader import load_case
from casepub.load.yamlsource import parse_yaml
from tests.conftest import run_casepub

BAD = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (BAD / "expected.yaml").read_text(encoding="utf-8")
)
TIMEOUT = 20.0
MEMORY = 1536 * 1024 * 1024
BUILD_KINDS = ("markdown", "images")
"""Inputs of these kinds are also built (``build --format html``), which must fail cleanly
and write no output."""

_LIMITED = (
    "import resource, runpy, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))\n"
    "sys.argv = ['casepub', *sys.argv[1:]]\n"
    "runpy.run_module('casepub', run_name='__main__', alter_sys=True)\n"
)


def _make_big_yaml(case: Path) -> None:
    text = (case / "case.yaml").read_text(encoding="utf-8")
    line = "# " + "x" * 98 + "\n"
    with (case / "case.yaml").open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.write(line * (50 * 1024 * 1024 // len(line)))


def _make_big_section(case: Path) -> None:
    line = "Обсуждение случая. " * 5 + "\n"
    data = line.encode() * (50 * 1024 * 1024 // len(line.encode()))
    (case / "sections" / "discussion.ru.md").write_bytes(data)


def _make_big_bib(case: Path) -> None:
    entry = (case / "references.bib").read_text(encoding="utf-8")
    (case / "references.bib").write_text(entry + "%" * (11 * 1024 * 1024), encoding="utf-8")


def _make_huge_bib_field(case: Path) -> None:
    bib = case / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("An example article", "Long " * 60_000), encoding="utf-8")


def _make_big_image(case: Path) -> None:
    _add_figure(case, "big.png")
    with (case / "figures" / "big.png").open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(50 * 1024 * 1024)


def _make_bib_folder(case: Path) -> None:
    (case / "references.bib").unlink()
    (case / "references.bib").mkdir()


def _make_labs_folder(case: Path) -> None:
    _append(case, "\nlabs:\n  - file: labs.csv\n")
    (case / "labs.csv").mkdir()


def _make_figure_folder(case: Path) -> None:
    _add_figure(case, "scan.png")
    (case / "figures" / "scan.png").mkdir()


def _make_unreadable_bib(case: Path) -> None:
    (case / "references.bib").chmod(0)


GENERATED: dict[str, Callable[[Path], None]] = {
    "yaml-50mb": _make_big_yaml,
    "section-50mb": _make_big_section,
    "bib-11mb": _make_big_bib,
    "bib-huge-field": _make_huge_bib_field,
    "image-50mb": _make_big_image,
    "bib-is-a-folder": _make_bib_folder,
    "labs-is-a-folder": _make_labs_folder,
    "figure-is-a-folder": _make_figure_folder,
    "bib-unreadable": _make_unreadable_bib,
}
PROPERTY_TESTED = {"yaml/merge-bomb.yaml"}
"""Inputs whose diagnostic depends on a dependency's version: a test of their own states the
property that holds for every version."""
NEEDS_NON_ROOT = {"bib-unreadable"}
"""chmod 000 does not stop root from reading."""


def _inputs() -> list[str]:
    found = [
        str(p.relative_to(BAD))
        for p in sorted(BAD.rglob("*"))
        if p.is_file() and p.name != "expected.yaml"
    ]
    return found + [f"generated/{name}" for name in GENERATED]


INPUTS = _inputs()


# --- placing an input in a case ---------------------------------------------------------------


def _append(case: Path, text: str) -> None:
    with (case / "case.yaml").open("a", encoding="utf-8") as handle:
        handle.write(text)


def _add_figure(case: Path, name: str) -> None:
    (case / "figures").mkdir(exist_ok=True)
    _append(
        case,
        f"\nfigures:\n  - id: scan\n    file: figures/{name}\n"
        "    caption: {ru: Снимок, en: Scan}\n",
    )


def _place(name: str, case: Path) -> None:
    kind, _, file = name.partition("/")
    if kind == "generated":
        GENERATED[file](case)
        return
    source = BAD / name
    if kind == "yaml":
        shutil.copyfile(source, case / "case.yaml")
    elif kind == "bib":
        shutil.copyfile(source, case / "references.bib")
    elif kind == "markdown":
        shutil.copyfile(source, case / "sections" / "discussion.ru.md")
    elif kind == "labs":
        target = "labs" + source.suffix
        shutil.copyfile(source, case / target)
        sheet = EXPECTED[name].get("sheet")
        _append(case, f"\nlabs:\n  - file: {target}\n" + (f"    sheet: {sheet}\n" if sheet else ""))
    elif kind == "images":
        _add_figure(case, source.name)
        shutil.copyfile(source, case / "figures" / source.name)
    else:
        raise AssertionError(f"unknown kind of input: {name}")


def _hashes(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and os.access(path, os.R_OK):
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.exists():
            found[str(path.relative_to(folder))] = "folder" if path.is_dir() else "unreadable"
    return found


# --- running ----------------------------------------------------------------------------------


@dataclass
class Run:
    """What ``casepub`` said about one placed input."""

    code: int | None
    """Exit code of the process (shared by the inputs of one batch); None after a timeout."""
    found: list[dict[str, Any]]
    """Its diagnostics (``--format json``), file names relative to the case folder."""
    stderr: str
    seconds: float
    modified: bool
    """Whether any file of the case changed, appeared or disappeared."""
    outputs: list[str]
    """Files a build left in the case's output folder."""


def _limited(args: list[str], cwd: Path, timeout: float) -> tuple[int | None, str, str, float]:
    command = [sys.executable, "-c", _LIMITED.format(memory=MEMORY), *args]
    start = time.monotonic()
    try:
        process = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
        code, stdout, stderr = process.returncode, process.stdout, process.stderr
    except subprocess.TimeoutExpired as exc:
        code, stdout, stderr = None, str(exc.stdout or ""), str(exc.stderr or "")
    return code, stdout, stderr, time.monotonic() - start


def _batch(root: Path, cases: dict[str, str], build: bool) -> dict[str, Run]:
    """Check (or build) the cases ``{input: folder name}`` under ``root`` in one process."""
    before = {name: _hashes(root / folder) for name, folder in cases.items()}
    if build:
        args = ["build", *cases.values(), "--format", "html", "--out", "out"]
    else:
        args = ["check", *cases.values(), "--format", "json"]
    code, stdout, stderr, seconds = _limited(args, root, TIMEOUT * len(cases))
    found: list[dict[str, Any]] = []
    if not build and code is not None:
        found = json.loads(stdout) if stdout.strip() else []
    runs = {}
    for name, folder in cases.items():
        prefix = folder + "/"
        mine = [
            {
                **d,
                "file": d["file"].removeprefix(prefix),
                "message": d["message"].replace(prefix, ""),
            }
            for d in found
            if d["file"].startswith(prefix) or d["file"] == folder
        ]
        out = root / "out" / folder
        outputs = [str(p) for p in out.rglob("*") if p.is_file()] if out.exists() else []
        own_stderr = "\n".join(
            line for line in stderr.splitlines() if line.startswith(prefix) or folder not in line
        )
        runs[name] = Run(
            code, mine, own_stderr, seconds, _hashes(root / folder) != before[name], outputs
        )
    return runs


def _alone(name: str) -> bool:
    """Inputs that attack time or memory run in their own process, so that a regression
    fails only their own test."""
    hostile = ("deep", "alias", "bomb", "tag-", "xxe", "50mb", "11mb", "huge")
    return any(word in name for word in hostile)


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    case = tmp_path_factory.mktemp("scaffold") / "case"
    result = run_casepub("new", case)
    assert result.code == 0, result.stderr
    return case


@pytest.fixture(scope="module")
def runs(scaffold: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Every input placed in its own case, checked (and built), in parallel processes."""
    root = tmp_path_factory.mktemp("bad-inputs")
    build_root = tmp_path_factory.mktemp("bad-builds")
    batches: list[tuple[Path, dict[str, str], bool]] = []
    grouped: dict[str, dict[str, str]] = {}
    to_build: dict[str, dict[str, str]] = {}
    for index, name in enumerate(INPUTS):
        if name.removeprefix("generated/") in NEEDS_NON_ROOT and os.geteuid() == 0:
            continue
        folder = f"c{index:03d}"
        shutil.copytree(scaffold, root / folder)
        _place(name, root / folder)
        kind = name.split("/")[0]
        if _alone(name):
            batches.append((root, {name: folder}, False))
        else:
            grouped.setdefault(f"{kind}{index % 2}", {})[name] = folder
        if kind in BUILD_KINDS and EXPECTED[name].get("exit", 1) == 1:
            shutil.copytree(root / folder, build_root / folder)
            to_build.setdefault(kind, {})[name + " (build)"] = folder
    batches += [(root, cases, False) for cases in grouped.values()]
    batches += [(build_root, cases, True) for cases in to_build.values()]
    done: dict[str, Run] = {}
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        for result in pool.map(lambda batch: _batch(*batch), batches):
            done.update(result)
    yield done
    for path in [*root.rglob("*"), *build_root.rglob("*")]:  # let pytest remove them
        if not path.is_symlink() and path.exists():
            path.chmod(0o755 if path.is_dir() else 0o644)


# --- the corpus itself ------------------------------------------------------------------------


def test_corpus_is_complete_and_every_input_is_expected() -> None:
    assert sorted(EXPECTED) == sorted(INPUTS)
    on_disk = [n for n in INPUTS if not n.startswith("generated/")]
    assert len(INPUTS) >= 60
    kinds = {n.split("/")[0] for n in on_disk}
    assert kinds == {"yaml", "bib", "labs", "markdown", "images"}
    for name, expect in EXPECTED.items():
        assert set(expect) <= {"code", "message", "at", "file", "exit", "sheet"}, name
        assert expect.get("exit", 1) in (0, 1), name
        assert expect.get("exit", 1) == 0 or "code" in expect or name in PROPERTY_TESTED, name


def test_no_large_file_is_committed() -> None:
    for path in BAD.rglob("*"):
        assert not path.is_file() or path.stat().st_size < 100_000, path


# --- each input -------------------------------------------------------------------------------


def _errors(run: Run) -> list[dict[str, Any]]:
    return [d for d in run.found if d["severity"] == "error"]


@pytest.mark.parametrize("name", INPUTS)
def test_bad_input_is_reported_clearly(name: str, runs: dict[str, Run]) -> None:
    if name not in runs:
        pytest.skip("chmod 000 does not stop root from reading")
    run = runs[name]
    expect = EXPECTED[name]
    assert run.code is not None, f"no answer in {TIMEOUT} s"
    assert "Traceback" not in run.stderr, run.stderr
    assert "internal error" not in run.stderr, run.stderr
    assert "MemoryError" not in run.stderr, run.stderr
    assert not run.modified, "check modified the author's files"
    assert run.code in (0, 1), run.stderr
    errors = _errors(run)
    if expect.get("exit", 1) == 0:
        assert errors == [], errors
    else:
        assert errors, "no error reported: the exit code would be 0"
    if "code" not in expect:
        return
    matching = [d for d in run.found if d["code"] == expect["code"]]
    assert matching, errors
    if "message" in expect:
        text = [f"{d['message']} ({d['suggestion'] or ''})" for d in matching]
        assert any(expect["message"] in t for t in text), text
    if "at" in expect:
        places = [f"{d['line']}:{d['col']}" for d in matching]
        assert str(expect["at"]) in places, places
    if "file" in expect:
        assert expect["file"] in [d["file"] for d in matching], matching


@pytest.mark.parametrize(
    "name",
    [n for n in INPUTS if n.split("/")[0] in BUILD_KINDS and EXPECTED[n].get("exit", 1) == 1],
)
def test_bad_input_stops_the_build_cleanly(name: str, runs: dict[str, Run]) -> None:
    run = runs[name + " (build)"]
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert f"[{EXPECTED[name]['code']}]" in run.stderr, run.stderr
    assert run.outputs == [], "a failed build left output behind"
    assert not run.modified


@pytest.mark.parametrize("name", ["generated/yaml-50mb", "generated/section-50mb"])
def test_a_50_mb_file_is_refused_fast_naming_the_limit(name: str, runs: dict[str, Run]) -> None:
    run = runs[name]
    limit = MAX_CASE_YAML_BYTES if "yaml" in name else MAX_SECTION_BYTES
    assert run.seconds < 10, f"took {run.seconds:.1f} s: the file was read, not refused"
    (error,) = [d for d in _errors(run) if d["code"] == "too-large"]
    assert f"{limit // (1024 * 1024)} MB" in error["message"]


def test_a_merge_bomb_multiplies_nothing(runs: dict[str, Run]) -> None:
    """Nine levels of ``<<: [*m, *m, …]`` would make 9¹⁰ keys if multiplied. Whatever the
    PyYAML version does with merge keys, casepub either refuses the file (``too-large``) or
    reads small plain mappings, in well under the time limit."""
    run = runs["yaml/merge-bomb.yaml"]
    assert run.code is not None and run.seconds < TIMEOUT / 2, run.seconds
    assert "Traceback" not in run.stderr
    refused = [d for d in run.found if d["code"] == "too-large"]
    if refused:
        assert "once the merges (`<<:`) are expanded" in refused[0]["message"]
        return
    data, _ = parse_yaml((BAD / "yaml" / "merge-bomb.yaml").read_text(encoding="utf-8"), "x")
    assert {len(value) for value in data.values()} == {9}, "the merged keys were multiplied"


def test_python_tags_are_never_executed(runs: dict[str, Run]) -> None:
    """The input asks os.system to `touch casepub-was-here` in the case folder."""
    assert not runs["yaml/tag-python-apply.yaml"].modified


def test_a_file_the_user_may_not_read_is_reported(
    scaffold: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``generated/bib-unreadable`` for every user: root reads a chmod 000 file, so here the
    operating system's refusal is simulated where casepub opens the file."""
    case = tmp_path / "case"
    shutil.copytree(scaffold, case)
    bib = (case / "references.bib").resolve()
    real_open = Path.open

    def refusing_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.resolve() == bib:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    with pytest.raises(CasepubError) as info:
        load_case(case)
    (found,) = [d for d in info.value.diagnostics if d.file.endswith("references.bib")]
    assert found.code == "file-missing"
    assert found.message == "cannot read the file: permission denied"
    assert found.suggestion == "let your user read it (chmod u+r)"
