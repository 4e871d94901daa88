"""Two versions of an example case in a git repository, for the revision commands' tests.

``make_revision_repo(root)`` writes ``root/repo`` (a git repository) whose ``appendicitis``
case is committed twice: the submitted version, tagged ``submitted``, and the revision, which
has the five kinds of change a revision usually has:

- a text edit: the discussion compares the case with the guidelines (``sections.discussion``);
- a changed lab value: the second white-cell count, 14.2 → 15.8 (``labs[1]``);
- an added reference, cited in the discussion (``references:disaverio2020wses``);
- a removed sentence: the patient-information section loses its last sentence
  (``sections.patient_information``);
- a redrawn chart: the generated lab chart, whose data changed (``fig:labs``; its caption
  did not).

The revision also holds ``responses.yaml`` (``RESPONSES``, or the text given) naming those
places. Everything in the case is fictional; the references are real.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

CASE_NAME = "appendicitis"
SUBMITTED_TAG = "submitted"

CASE_YAML = """\
language: en
title: "Acute appendicitis with a raised white-cell count: a fictional case report"
authors:
  - id: doe
    family: Doe
    given: Jane
    affiliations: [example]
    email: jane.doe@example.org
    corresponding: true
affiliations:
  example:
    name: Example General Hospital (fictional)
    city: Springfield
    country: Exampleland
keywords: [appendicitis, leukocytosis, case report]
abstract: |
  A fictional 34-year-old man presented with right lower quadrant pain and a raised
  white-cell count; laparoscopic appendectomy led to an uneventful recovery.
patient:
  sex: male
  age: 34
diagnosis:
  text: Acute uncomplicated appendicitis
labs:
  - analyte: Hemoglobin
    unit: g/L
    range: {low: 130, high: 170}
    values:
      - {date: 2024-03-01, value: 148}
      - {date: 2024-03-02, value: 139}
      - {date: 2024-03-04, value: 131}
  - analyte: WBC
    unit: 10^9/L
    range: {low: 4, high: 9}
    values:
      - {date: 2024-03-01, value: 13.1}
      - {date: 2024-03-02, value: WBC_DAY2}
      - {date: 2024-03-04, value: 8.2}
sections:
  introduction:
    text: |
      Case reports are easier to read and to review when they follow the CARE guideline
      [@gagnier2013care].
  patient_information:
    text: |
PATIENT_INFORMATION
  discussion:
    text: |
DISCUSSION
  conclusion:
    text: |
      A raised white-cell count supports, but does not make, the diagnosis; the CARE
      explanation lists what a full report should contain [@riley2017care].
declarations:
  consent: Not applicable; the case is fictional and no patient was involved.
  conflicts: None.
  funding: None.
  contributions:
    - author: doe
      roles: [writing-original-draft]
bibliography: references.bib
suppress:
  - code: care-missing
    reason: a deliberately short example; a real case report fills in every CARE item
  - code: placeholder
    path: authors[0].email
    reason: the author is fictional; example.org is the domain reserved for examples
"""

REFERENCES = """\
@article{gagnier2013care,
  author  = {Gagnier, J. J. and Kienle, G. and Altman, D. G. and Moher, D.},
  title   = {The {CARE} guidelines: consensus-based clinical case reporting guideline development},
  journal = {Journal of Medical Case Reports},
  year    = {2013},
  volume  = {7},
  pages   = {223},
  doi     = {10.1186/1752-1947-7-223},
  langid  = {english}
}

@article{riley2017care,
  author  = {Riley, D. S. and Barber, M. S. and Kienle, G. S. and Aronson, J. K. and Tugwell, P.},
  title   = {{CARE} guidelines for case reports: explanation and elaboration document},
  journal = {Journal of Clinical Epidemiology},
  year    = {2017},
  volume  = {89},
  pages   = {218--235},
  doi     = {10.1016/j.jclinepi.2017.04.026},
  langid  = {english}
}
"""

ADDED_REFERENCE = """
@article{disaverio2020wses,
  author  = {Di Saverio, S. and Podda, M. and De Simone, B. and Ceresoli, M. and Augustin, G.},
  title   = {Diagnosis and treatment of acute appendicitis: 2020 update of the {WSES}
             Jerusalem guidelines},
  journal = {World Journal of Emergency Surgery},
  year    = {2020},
  volume  = {15},
  pages   = {27},
  doi     = {10.1186/s13017-020-00306-3},
  langid  = {english}
}
"""

PATIENT_V1 = [
    "A 34-year-old man presented with 12 hours of periumbilical pain that had moved to the",
    "right lower quadrant. Ultrasound showed a non-compressible appendix 9 mm in diameter.",
    "Laparoscopic appendectomy was performed the same day, and he went home two days later.",
    "His brother had undergone the same operation ten years earlier at another hospital.",
]
REMOVED_SENTENCE = (
    "His brother had undergone the same operation ten years earlier at another hospital."
)

DISCUSSION_V1 = [
    "The white-cell count (@tbl:labs) rose on the second day and fell after the operation",
    "(@fig:labs), as it does",
    "in uncomplicated appendicitis. Ultrasound was enough to decide on the operation.",
]
DISCUSSION_V2 = [
    "The white-cell count (@tbl:labs) rose on the second day and fell after the operation",
    "(@fig:labs), as it does",
    "in uncomplicated appendicitis. Ultrasound was enough to decide on the operation, as",
    "the current guidelines recommend for a young man with a typical history",
    "[@disaverio2020wses].",
]
EDITED_TEXT = "as the current guidelines recommend for a young man with a typical history"
"""Words the revision added to the discussion."""

WBC_SUBMITTED, WBC_REVISED = "14.2", "15.8"

RESPONSES = """\
since: submitted
round: 1
date: 2024-06-10
manuscript: CR-2024-0117
reviewers:
  - name: {ru: Рецензент 1, en: Reviewer 1}
    comments:
      - comment: The discussion should say whether the work-up followed current guidelines.
        reply:
          ru: Мы сравнили обследование с рекомендациями WSES 2020 года и сослались на них.
          en: We compared the work-up with the 2020 WSES guidelines and cite them.
        changed: [sections.discussion, "references:disaverio2020wses"]
      - comment: The white-cell count of the second day does not match the chart.
        reply: The value was mistyped; it is corrected from the laboratory report, and the
          chart is redrawn.
        changed: ["labs[1]", "fig:labs"]
  - name: {ru: Редактор, en: Editor}
    comments:
      - comment: The family history is not relevant and may identify the patient.
        reply: {ru: Предложение удалено., en: The sentence is removed.}
        changed: [sections.patient_information]
"""


@dataclass(frozen=True)
class RevisionRepo:
    """The repository, the revised case folder in it and the submitted version's tag."""

    repo: Path
    case: Path
    since: str = SUBMITTED_TAG


def case_yaml(wbc: str, patient: list[str], discussion: list[str]) -> str:
    """The case file of one version."""
    indented = {
        "PATIENT_INFORMATION": "\n".join("      " + line for line in patient),
        "DISCUSSION": "\n".join("      " + line for line in discussion),
    }
    text = CASE_YAML.replace("WBC_DAY2", wbc)
    for marker, block in indented.items():
        text = text.replace(marker + "\n", block + "\n")
    return text


def write_version(case: Path, *, revised: bool) -> None:
    """Write the submitted or the revised version of the case into ``case``."""
    case.mkdir(parents=True, exist_ok=True)
    if revised:
        yaml = case_yaml(WBC_REVISED, PATIENT_V1[:-1], DISCUSSION_V2)
        bib = REFERENCES + ADDED_REFERENCE
    else:
        yaml = case_yaml(WBC_SUBMITTED, PATIENT_V1, DISCUSSION_V1)
        bib = REFERENCES
    (case / "case.yaml").write_text(yaml, encoding="utf-8")
    (case / "references.bib").write_text(bib, encoding="utf-8")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def make_revision_repo(
    root: Path, responses: str | None = RESPONSES, *, commit_revision: bool = True
) -> RevisionRepo:
    """Write the repository under ``root``; the revision is committed unless
    ``commit_revision`` is false (then it is only in the working folder)."""
    repo = root / "repo"
    case = repo / CASE_NAME
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    write_version(case, revised=False)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "submitted version")
    _git(repo, "tag", SUBMITTED_TAG)
    write_version(case, revised=True)
    if responses is not None:
        (case / "responses.yaml").write_text(responses, encoding="utf-8")
    if commit_revision:
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "revision 1")
    return RevisionRepo(repo, case)
