"""Recall and false alarms of the de-identification check, measured (issue 16).

``tests/data/deid/corpus.yaml`` (written before the detector was tuned) and ``heldout.yaml``
(written after it was built, measured once before any change) plant identifiers of every
kind, marked ``⟦kind|text⟧``, in Russian and English texts, and list texts that must not be
flagged. An identifier is found when a finding of :func:`scan` overlaps it; a finding that
overlaps no planted identifier is a false alarm. The example cases under ``cases/`` must give
no finding at all, and the cases of ``benchmarks/generate.py`` at most one per ten cases.
The figures are printed at the end of the pytest run (``deid figures``) and in the
assertion messages.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from casepub.checks.deid import Finding, scan
from casepub.diagnostics import CasepubError, Diagnostic
from casepub.load.loader import load_case
from tests.conftest import CASES, DATA, FIGURES, REPO

CORPORA = ("corpus", "heldout")
MARK = re.compile(r"⟦([\w-]+)\|([^⟧]*)⟧")
MIN_RECALL = 0.95


@dataclass(frozen=True)
class Planted:
    """An identifier planted in a text: its kind and span in the unmarked text."""

    kind: str
    start: int
    end: int
    text: str


def unmarked(text: str) -> tuple[str, list[Planted]]:
    """The text without its ``⟦kind|…⟧`` marks, and what they marked."""
    plain: list[str] = []
    planted: list[Planted] = []
    length = last = 0
    for match in MARK.finditer(text):
        plain.append(text[last : match.start()])
        length += match.start() - last
        value = match.group(2)
        planted.append(Planted(match.group(1), length, length + len(value), value))
        plain.append(value)
        length += len(value)
        last = match.end()
    plain.append(text[last:])
    return "".join(plain), planted


def _overlaps(finding: Finding, planted: Planted) -> bool:
    return finding.start < planted.end and planted.start < finding.end


@dataclass
class Score:
    """Planted identifiers found and missed, by kind and language; false alarms."""

    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / sum(self.total.values())

    def add(self, lang: str, text: str) -> None:
        plain, planted = unmarked(text)
        findings = scan(plain)
        for item in planted:
            key = f"{item.kind} ({lang})"
            self.total[key] += 1
            if any(_overlaps(f, item) for f in findings):
                self.found[key] += 1
            else:
                self.missed.append(f"{item.kind}: «{item.text}» in «{plain}»")
        for finding in findings:
            if not any(_overlaps(finding, item) for item in planted):
                self.false_alarms.append(f"{finding.kind}: «{finding.text}» in «{plain}»")

    def summary(self, name: str) -> str:
        planted = sum(self.total.values())
        kinds = ", ".join(f"{k} {self.found[k]}/{self.total[k]}" for k in sorted(self.total))
        return (
            f"{name}: recall {sum(self.found.values())}/{planted} = {self.recall:.1%}, "
            f"false alarms {len(self.false_alarms)}\n    by kind: {kinds}"
            + "".join(f"\n    missed {m}" for m in self.missed)
            + "".join(f"\n    false alarm {f}" for f in self.false_alarms)
        )


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (DATA / "deid" / f"{name}.yaml").read_text(encoding="utf-8")
    )
    return data


def _score(names: tuple[str, ...]) -> Score:
    score = Score()
    for name in names:
        data = _load(name)
        for item in data["planted"]:
            score.add(item["lang"], item["text"])
        for text in data["clean"]:
            score.add("clean", text)
    return score


def test_corpus_is_large_and_varied() -> None:
    """At least 150 planted identifiers, every kind in both languages, texts to leave alone."""
    kinds: dict[str, set[str]] = {}
    planted = clean = 0
    for name in CORPORA:
        data = _load(name)
        clean += len(data["clean"])
        for item in data["planted"]:
            for found in unmarked(item["text"])[1]:
                kinds.setdefault(found.kind, set()).add(item["lang"])
                planted += 1
    assert planted >= 150
    assert clean >= 50
    assert all(langs == {"ru", "en"} for langs in kinds.values()), kinds  # every kind in both
    assert {"name", "phone", "ssn", "nhs", "birth-date", "age", "workplace", "place"} <= set(kinds)


def test_recall_and_false_alarms(record_property: pytest.RecordProperty) -> None:
    """Recall of at least 95 % over both corpora, and no false alarm in them."""
    each = {name: _score((name,)) for name in CORPORA}
    both = _score(CORPORA)
    report = "\n".join([*(s.summary(n) for n, s in each.items()), both.summary("both")])
    record_property(FIGURES, report)
    assert both.recall >= MIN_RECALL, report
    assert both.false_alarms == [], report


def _deid_findings(folder: Path) -> list[Diagnostic]:
    try:
        found = load_case(folder).diagnostics.sorted()
    except CasepubError as exc:
        found = exc.diagnostics
    return [d for d in found if d.code.startswith("deid-")]


def test_no_false_alarm_on_the_example_cases(record_property: pytest.RecordProperty) -> None:
    folders = sorted(p.parent for p in CASES.glob("*/case.yaml"))
    found = [d.format() for folder in folders for d in _deid_findings(folder)]
    record_property(FIGURES, f"example cases: {len(found)} findings in {len(folders)}")
    assert found == []


def test_at_most_one_false_alarm_per_ten_generated_cases(
    tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    generated = subprocess.run(
        [
            sys.executable,
            REPO / "benchmarks" / "generate.py",
            tmp_path,
            "--count",
            "20",
            "--seed",
            "16",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    folders = [Path(line) for line in generated.stdout.split()]
    assert len(folders) == 20
    found = [d.format() for folder in folders for d in _deid_findings(folder)]
    report = f"generated cases: {len(found)} findings in {len(folders)}" + "".join(
        f"\n    {line}" for line in found
    )
    record_property(FIGURES, report)
    assert len(found) * 10 <= len(folders), report
