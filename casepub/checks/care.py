"""The CARE 2013/2017 checklist: every item and sub-item mapped to the fields and sections of
the case that report it (domain-notes §2).

:func:`check_care` reports what is missing — an error when the journal profile requires the
item (``required: [care]`` requires them all), a warning otherwise. :func:`care_report` says
where each item is reported, for the filled checklist ``casepub care`` writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from casepub.checks.registry import checker
from casepub.diagnostics import Diagnostic, Severity
from casepub.load.loaded import LoadedCase
from casepub.load.yamlsource import KeyPath, format_path
from casepub.model import LANGS, Case, text_in
from casepub.model.case import ArticleType
from casepub.model.data import TreatmentKind
from casepub.model.narrative import Section
from casepub.profiles import Profile
from casepub.render import Manuscript
from casepub.render.context import SectionView
from casepub.resources import labels

Lacking = Callable[[Case, Profile], "KeyPath | None"]
"""What of the data an item lacks (the key path to fill in), or None when it is there."""


@dataclass(frozen=True)
class CareItem:
    """One CARE item or sub-item and where casepub looks for it.

    ``places`` are CARE section keys or front-matter marks (``@title``, ``@keywords``,
    ``@abstract``, ``@consent``, ``@timeline``) in order of preference; ``lacking`` is an extra
    condition on the data; ``path`` and ``suggestion`` say where and how to add it.
    """

    id: str
    topic: str
    text: str
    places: tuple[str, ...]
    path: KeyPath
    suggestion: str
    lacking: Lacking | None = None
    required_by: str | None = None
    """The profile requirement (``required:``) that makes a missing item an error."""


_CASE_REPORT = re.compile(
    r"case report|case stud|клинический случай|клиническое наблюдение|описание случая|случай",
    re.IGNORECASE,
)


def _title(case: Case, profile: Profile) -> KeyPath | None:
    titles = [text_in(case.title, lang) for lang in LANGS]
    return None if any(_CASE_REPORT.search(t) for t in titles if t) else ("title",)


def _keywords(case: Case, profile: Profile) -> KeyPath | None:
    """CARE's 2–5, unless the journal sets its own range (then ``journal-limit`` reports)."""
    if profile.limits.keywords:
        return None
    low, high = 2, 5
    keywords = case.keywords
    counts = (
        [len(keywords)]
        if isinstance(keywords, list)
        else [len(keywords.in_lang(lang)) for lang in LANGS if keywords.in_lang(lang)]
    )
    return None if counts and all(low <= n <= high for n in counts) else ("keywords",)


_ABSTRACT_PARTS = {
    "introduction": r"introduc|background|обоснован|введени|актуальн",
    "case": r"case|presentation|описани|клинич|наблюдени|случа",
    "conclusion": r"conclu|lesson|заключ|вывод",
}


def _abstract_part(part: str) -> Lacking:
    def lacking(case: Case, profile: Profile) -> KeyPath | None:
        if not isinstance(case.abstract, list):
            return None
        pattern = re.compile(_ABSTRACT_PARTS[part], re.IGNORECASE)
        headings = [text_in(p.heading, lang) or "" for p in case.abstract for lang in LANGS]
        return None if any(pattern.search(h) for h in headings) else ("abstract",)

    return lacking


def _oncological(case: Case) -> bool:
    code = (case.diagnosis.icd10 or "").upper() if case.diagnosis else ""
    tumour_code = code.startswith("C") or code[:2] in ("D0", "D1", "D2", "D3", "D4")
    return tumour_code or bool(case.markers or case.lesions or case.recist)


def _staging(case: Case, profile: Profile) -> KeyPath | None:
    """Staging is applicable to tumours: an ICD-10 C/D0–D4 code, markers or lesions."""
    if not _oncological(case):
        return None
    diagnosis = case.diagnosis
    if diagnosis is None:
        return None
    staged = (
        diagnosis.stage
        or diagnosis.tnm
        or diagnosis.grade
        or any(p.grade or p.ki67 is not None for p in diagnosis.pathology)
    )
    return None if staged else ("diagnosis",)


def _doses(case: Case, profile: Profile) -> KeyPath | None:
    for index, treatment in enumerate(case.treatments):
        dosed = treatment.dose or any(a.dose for a in treatment.agents)
        if treatment.kind is TreatmentKind.drug and not dosed:
            return ("treatments", index)
    return None


def _adverse_events(case: Case, profile: Profile) -> KeyPath | None:
    if case.outcome is None:
        return ("outcome",)
    return None if case.outcome.adverse_events is not None else ("outcome", "adverse_events")


def _outcome(case: Case, profile: Profile) -> KeyPath | None:
    return None if case.outcome is not None else ("outcome",)


def _timeline(case: Case, profile: Profile) -> KeyPath | None:
    return None if case.timeline else ("timeline",)


_PATIENT = ("patient_information", "clinical_findings")
_SECTION = "add `sections: {{{}: …}}`"

CARE_ITEMS: tuple[CareItem, ...] = (
    CareItem(
        "1",
        "Title",
        "The diagnosis or intervention of primary focus followed by the words “case report”",
        ("@title",),
        ("title",),
        "end the title with “: a case report” / «: клинический случай»",
        _title,
    ),
    CareItem(
        "2",
        "Key words",
        "2 to 5 key words that identify diagnoses or interventions in this case report",
        ("@keywords",),
        ("keywords",),
        "give 2–5 key words in each language",
        _keywords,
        "keywords",
    ),
    CareItem(
        "3a",
        "Abstract",
        "Introduction: what is unique about this case and what does it add to the literature?",
        ("@abstract",),
        ("abstract",),
        "give the abstract a Background / Introduction part",
        _abstract_part("introduction"),
        "structured_abstract",
    ),
    CareItem(
        "3b",
        "Abstract",
        "The patient's main symptoms and important clinical findings; the main diagnoses, "
        "therapeutic interventions, and outcomes",
        ("@abstract",),
        ("abstract",),
        "give the abstract a Case presentation part",
        _abstract_part("case"),
        "structured_abstract",
    ),
    CareItem(
        "3c",
        "Abstract",
        "Conclusion: what is the main “take-away” lesson(s) from this case?",
        ("@abstract",),
        ("abstract",),
        "give the abstract a Conclusion part",
        _abstract_part("conclusion"),
        "structured_abstract",
    ),
    CareItem(
        "4",
        "Introduction",
        "One or two paragraphs summarising why this case is unique, with references",
        ("introduction",),
        ("sections", "introduction"),
        _SECTION.format("introduction") + " citing the literature",
    ),
    CareItem(
        "5a",
        "Patient information",
        "De-identified patient-specific information",
        _PATIENT,
        ("sections", "patient_information"),
        _SECTION.format("patient_information"),
    ),
    CareItem(
        "5b",
        "Patient information",
        "Primary concerns and symptoms of the patient",
        _PATIENT,
        ("sections", "patient_information"),
        _SECTION.format("patient_information"),
    ),
    CareItem(
        "5c",
        "Patient information",
        "Medical, family, and psycho-social history including relevant genetic information",
        ("patient_information",),
        ("sections", "patient_information"),
        _SECTION.format("patient_information"),
    ),
    CareItem(
        "6",
        "Clinical findings",
        "Relevant physical examination (PE) and other significant clinical findings",
        ("clinical_findings", "patient_information"),
        ("sections", "clinical_findings"),
        _SECTION.format("clinical_findings"),
    ),
    CareItem(
        "7",
        "Timeline",
        "Historical and current information from this episode of care organised as a timeline",
        ("@timeline", "timeline"),
        ("timeline",),
        "list the events under `timeline:`",
        _timeline,
        "timeline",
    ),
    CareItem(
        "8a",
        "Diagnostic assessment",
        "Diagnostic testing (such as PE, laboratory testing, imaging, surveys)",
        ("diagnostic_assessment",),
        ("sections", "diagnostic_assessment"),
        _SECTION.format("diagnostic_assessment"),
    ),
    CareItem(
        "8b",
        "Diagnostic assessment",
        "Diagnostic challenges (such as access to testing, financial, or cultural)",
        ("diagnostic_assessment",),
        ("sections", "diagnostic_assessment"),
        _SECTION.format("diagnostic_assessment"),
    ),
    CareItem(
        "8c",
        "Diagnostic assessment",
        "Diagnosis (including other diagnoses considered)",
        ("diagnostic_assessment", "discussion"),
        ("sections", "diagnostic_assessment"),
        _SECTION.format("diagnostic_assessment"),
    ),
    CareItem(
        "8d",
        "Diagnostic assessment",
        "Prognosis (such as staging in oncology) where applicable",
        ("diagnostic_assessment",),
        ("diagnosis",),
        "give `diagnosis: {stage, tnm, grade}` or the pathology grade / Ki-67",
        _staging,
    ),
    CareItem(
        "9a",
        "Therapeutic intervention",
        "Types of therapeutic intervention (such as pharmacologic, surgical, preventive)",
        ("therapeutic_intervention",),
        ("sections", "therapeutic_intervention"),
        _SECTION.format("therapeutic_intervention"),
    ),
    CareItem(
        "9b",
        "Therapeutic intervention",
        "Administration of therapeutic intervention (such as dosage, strength, duration)",
        ("therapeutic_intervention",),
        ("treatments",),
        "give every drug treatment its `dose:` (or its agents' doses)",
        _doses,
    ),
    CareItem(
        "9c",
        "Therapeutic intervention",
        "Changes in therapeutic intervention (with rationale)",
        ("therapeutic_intervention",),
        ("sections", "therapeutic_intervention"),
        _SECTION.format("therapeutic_intervention") + " saying why treatment changed",
    ),
    CareItem(
        "10a",
        "Follow-up and outcomes",
        "Clinician- and patient-assessed outcomes (if available)",
        ("follow_up",),
        ("outcome",),
        "add `outcome: {status, date, text}` and " + _SECTION.format("follow_up"),
        _outcome,
    ),
    CareItem(
        "10b",
        "Follow-up and outcomes",
        "Important follow-up diagnostic and other test results",
        ("follow_up",),
        ("sections", "follow_up"),
        _SECTION.format("follow_up"),
    ),
    CareItem(
        "10c",
        "Follow-up and outcomes",
        "Intervention adherence and tolerability (how was this assessed?)",
        ("follow_up",),
        ("sections", "follow_up"),
        _SECTION.format("follow_up"),
    ),
    CareItem(
        "10d",
        "Follow-up and outcomes",
        "Adverse and unanticipated events — their presence or their absence",
        ("follow_up",),
        ("outcome", "adverse_events"),
        "state them, or that there were none: `outcome: {adverse_events: …}`",
        _adverse_events,
    ),
    CareItem(
        "11a",
        "Discussion",
        "A scientific discussion of the strengths and limitations associated with this case",
        ("discussion",),
        ("sections", "discussion"),
        _SECTION.format("discussion"),
    ),
    CareItem(
        "11b",
        "Discussion",
        "Discussion of the relevant medical literature with references",
        ("discussion",),
        ("sections", "discussion"),
        _SECTION.format("discussion"),
    ),
    CareItem(
        "11c",
        "Discussion",
        "The scientific rationale for any conclusions (including assessment of possible causes)",
        ("discussion",),
        ("sections", "discussion"),
        _SECTION.format("discussion"),
    ),
    CareItem(
        "11d",
        "Discussion",
        "The primary “take-away” lessons of this case report (without references)",
        ("conclusion", "discussion"),
        ("sections", "conclusion"),
        _SECTION.format("conclusion"),
    ),
    CareItem(
        "12",
        "Patient perspective",
        "The patient should share their perspective in one to two paragraphs on the "
        "treatment(s) they received",
        ("patient_perspective",),
        ("sections", "patient_perspective"),
        _SECTION.format("patient_perspective") + " in the patient's words",
        required_by="patient_perspective",
    ),
    CareItem(
        "13",
        "Informed consent",
        "Did the patient give informed consent? Please provide if requested",
        ("@consent",),
        ("declarations", "consent"),
        "add `declarations: {consent: …}`",
        required_by="consent",
    ),
)
"""The CARE checklist (Riley et al. 2017), item by item, in its order."""


@dataclass(frozen=True)
class Place:
    """Where the manuscript reports an item: its heading and how to find its page."""

    heading: str
    anchor: str
    """``#label`` of a heading or float, or the bold label text of a front-matter part."""


@dataclass(frozen=True)
class CareStatus:
    """A CARE item, where it is reported, and what it lacks (both None: not reported)."""

    item: CareItem
    place: Place | None
    lacking: KeyPath | None

    @property
    def reported(self) -> bool:
        """True when the manuscript reports the item fully."""
        return self.place is not None and self.lacking is None


def care_report(loaded: LoadedCase, profile: Profile, manuscript: Manuscript) -> list[CareStatus]:
    """Every CARE item with the place in ``manuscript`` that reports it."""
    return [_status(item, loaded, profile, manuscript) for item in CARE_ITEMS]


def _status(
    item: CareItem, loaded: LoadedCase, profile: Profile, manuscript: Manuscript
) -> CareStatus:
    lacking = item.lacking(loaded.case, profile) if item.lacking else None
    if item.id == "4" and not _cites(loaded, "introduction"):
        lacking = item.path
    place = _place(item, loaded, profile, manuscript)
    if place is None:
        first = item.places[0]
        lacking = item.path if first.startswith("@") else ("sections", first)
    return CareStatus(item, place, lacking)


def _cites(loaded: LoadedCase, key: str) -> bool:
    passages = loaded.sections.get(key, {})
    return any("[@" in p.text or re.search(r"(?<![\w.])@\w", p.text) for p in passages.values())


def _place(
    item: CareItem, loaded: LoadedCase, profile: Profile, manuscript: Manuscript
) -> Place | None:
    for mark in item.places:
        place = _front_place(mark, loaded, manuscript) if mark.startswith("@") else None
        place = place or _section_place(mark, loaded, profile, manuscript)
        if place is not None:
            return place
    return None


def _front_place(mark: str, loaded: LoadedCase, manuscript: Manuscript) -> Place | None:
    words = labels()[manuscript.lang]
    front = manuscript.fronts[0]
    if mark == "@title":
        return Place(words["care"]["title"], "@page1")
    if mark == "@keywords" and front.keywords:
        return Place(words["keywords"], words["keywords"] + ":")
    if mark == "@abstract" and front.abstract:
        return Place(front.labels["abstract"], front.labels["abstract"])
    if mark == "@consent":
        return Place(words["consent"], words["consent"] + ".")
    if mark == "@timeline" and loaded.case.timeline:
        table = next((f for f in manuscript.floats if f.id == "tbl:timeline"), None)
        if table is not None:
            return Place(table.caption[0].split(". ")[0], f"#{table.id}")
    return None


def _section_place(
    key: str, loaded: LoadedCase, profile: Profile, manuscript: Manuscript
) -> Place | None:
    if key.startswith("@") or getattr(loaded.case.sections, key, None) is None:
        return None
    holder = _holder(key, profile, manuscript)
    if holder is None:
        return None
    heading = holder.heading
    if holder.key != key:
        entry = getattr(loaded.case.sections, key)
        own = text_in(entry.title, manuscript.lang) if isinstance(entry, Section) else None
        heading = f"{heading} ({own or labels()[manuscript.lang]['sections'][key]})"
    return Place(heading, "#" + holder.key.replace("_", "-"))


def _holder(key: str, profile: Profile, manuscript: Manuscript) -> SectionView | None:
    by_key = {s.key: s for s in manuscript.sections}
    if key in by_key:
        return by_key[key]
    group = next((g for g in profile.sections if key in g.include and g.key in by_key), None)
    return by_key[group.key] if group is not None else None


@checker("care")
def check_care(loaded: LoadedCase, profile: Profile, manuscript: Manuscript) -> list[Diagnostic]:
    """One finding per place in the case that lacks CARE items, listing them (case reports
    only: the other article types have their checklists in :mod:`casepub.checks.reporting`)."""
    if loaded.case.article_type is not ArticleType.case_report:
        return []
    required = set(profile.required)
    missing: dict[KeyPath, list[CareItem]] = {}
    for status in care_report(loaded, profile, manuscript):
        if status.lacking is not None:
            missing.setdefault(status.lacking, []).append(status.item)
    found: list[Diagnostic] = []
    for path, items in missing.items():
        error = "care" in required or any(i.required_by in required for i in items)
        found.append(_finding(loaded, path, items, profile, error))
    return found


def _finding(
    loaded: LoadedCase, path: KeyPath, items: list[CareItem], profile: Profile, error: bool
) -> Diagnostic:
    mark = None
    known = path
    while mark is None and known:
        mark = loaded.source.locate(known)
        known = known[:-1]
    ids = ", ".join(i.id for i in items)
    what = "; ".join(i.text for i in items)
    label = "item" if len(items) == 1 else "items"
    asked = f" ({profile.name} requires it)" if error else ""
    return Diagnostic(
        loaded.source.file,
        mark.line if mark else 1,
        mark.col if mark else 1,
        format_path(path),
        f"CARE {label} {ids} ({items[0].topic}) not reported{asked}: {what}",
        "care-missing",
        Severity.error if error else Severity.warning,
        items[0].suggestion,
    )
