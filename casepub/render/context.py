"""The manuscript as templates see it: every text resolved for its language, values from the
data filled in, figures and tables numbered and placed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from casepub.clinical.floats import GENERATED_SECTIONS, available
from casepub.clinical.record import ClinicalRecord
from casepub.clinical.values import Values
from casepub.diagnostics import CasepubError
from casepub.load.loaded import LoadedCase, Passage
from casepub.model import SECTION_KEYS, Lang, text_in
from casepub.model.narrative import Figure, Section
from casepub.model.panels import grid_shape, panel_caption
from casepub.profiles import Profile, SectionGroup
from casepub.references.lists import ReferenceList, ReferenceOptions, reference_lists
from casepub.render import tables
from casepub.render.floats import Float, FloatSpec, link_references, number_floats, references_in
from casepub.render.front import Front, Statement, Texts, authors_info, front, statements
from casepub.render.printable import printed_case, template_code_in
from casepub.render.series import deeper, examples_by_section
from casepub.render.stats_tables import stats_float_specs
from casepub.resources import label_overrides, labels

LangMode = Literal["ru", "en", "bilingual"]


@dataclass(frozen=True)
class SectionView:
    """A body section: heading, Markdown, and the floats placed after it."""

    key: str
    heading: str
    markdown: str
    floats: list[Float] = field(default_factory=list)
    level: int = 1
    """1 for a section, 2 for a CARE section under a journal's heading."""


@dataclass(frozen=True)
class Manuscript:
    """Everything the Markdown templates need."""

    mode: LangMode
    lang: Lang
    langs: list[Lang]
    labels: dict[str, Any]
    metadata_title: str
    running_title: str
    fronts: list[Front]
    sections: list[SectionView]
    statements: list[Statement]
    authors_info: list[tuple[str, list[str]]]
    references: list[ReferenceList]
    floats: list[Float]

    @property
    def figures(self) -> list[Float]:
        """The figures, in number order."""
        return [f for f in self.floats if f.kind == "figure"]


def build_manuscript(
    loaded: LoadedCase,
    mode: LangMode,
    media_dir: str = "media",
    reference_options: ReferenceOptions | None = None,
    profile: Profile | None = None,
) -> Manuscript:
    """Resolve ``loaded`` for ``mode`` under a journal ``profile`` (its wording, section plan
    and date policy); raise ``CasepubError`` listing every missing text."""
    with label_overrides(profile.labels if profile else {}):
        return _manuscript(loaded, mode, media_dir, reference_options, profile)


def _manuscript(
    loaded: LoadedCase,
    mode: LangMode,
    media_dir: str,
    reference_options: ReferenceOptions | None,
    profile: Profile | None,
) -> Manuscript:
    dates = profile.dates if profile else None
    loaded = printed_case(loaded, loaded.record or ClinicalRecord(dict(loaded.case.anchors)), dates)
    case = loaded.case
    record = loaded.record or ClinicalRecord(anchors=dict(case.anchors))
    body_lang: Lang = case.language if mode == "bilingual" else mode
    langs: list[Lang] = [body_lang]
    if mode == "bilingual":
        langs.append("en" if body_lang == "ru" else "ru")
    texts = Texts(loaded, (reference_options or ReferenceOptions()).translit)
    values = Values(case, record, body_lang, dates)
    fronts = [front(loaded, texts, lang) for lang in langs]
    bodies = _bodies(loaded, texts, body_lang)
    specs = _float_specs(loaded, texts, record, values, langs)
    references = [(ref, key) for key, text in bodies.items() for ref in references_in(text)]
    present = _present_sections(bodies, specs, references)
    floats = number_floats(specs, references, present, langs, media_dir)
    sections = [
        _section(loaded, texts, key, bodies.get(key, ""), floats, body_lang) for key in present
    ]
    if profile is not None and profile.sections:
        sections = _grouped(sections, profile.sections, body_lang)
    ends = statements(loaded, texts, langs)
    about = [(labels()[lang]["about_authors"], authors_info(loaded, texts, lang)) for lang in langs]
    if texts.missing:
        raise CasepubError(texts.missing)
    body_labels = labels()[body_lang]
    lists = []
    if loaded.bibliography is not None:
        lists = reference_lists(
            loaded.bibliography,
            [bodies[k] for k in SECTION_KEYS if k in bodies],
            body_lang=body_lang,
            bilingual=mode == "bilingual",
            headings={lang: labels()[lang]["references"] for lang in ("ru", "en")},
            options=reference_options or ReferenceOptions(),
        )
    manuscript = Manuscript(
        mode=mode,
        lang=body_lang,
        langs=langs,
        labels=body_labels,
        metadata_title=fronts[0].title,
        running_title=text_in(case.running_title, body_lang) or fronts[0].title,
        fronts=fronts,
        sections=sections,
        statements=ends,
        authors_info=about,
        references=lists,
        floats=floats,
    )
    leaks = list(template_code_in(_printed_texts(manuscript)))
    if leaks:
        raise CasepubError(leaks)
    return manuscript


def _printed_texts(m: Manuscript) -> Iterator[tuple[str, str]]:
    """Every text of the manuscript but the reference lists, with what it is."""
    yield "running title", m.running_title
    for block in m.fronts:
        yield (
            f"front ({block.lang})",
            "\n".join(
                [
                    block.title,
                    *block.byline,
                    *block.affiliations,
                    block.contact or "",
                    *block.keywords,
                ]
                + [f"{heading or ''} {text}" for heading, text in block.abstract]
                + [block.citation or ""]
            ),
        )
    for section in m.sections:
        yield f"section {section.key}", f"{section.heading}\n{section.markdown}"
    for float_ in m.floats:
        cells = [c for row in float_.table.rows for c in row] if float_.table else []
        yield float_.id, "\n".join([*float_.caption, *cells])
    for statement in m.statements:
        yield statement.key, "\n".join(text for _, text in statement.parts)
    for _, lines in m.authors_info:
        yield "about the authors", "\n".join(lines)


def _bodies(loaded: LoadedCase, texts: Texts, lang: Lang) -> dict[str, str]:
    """Each section's Markdown in the body language (printed: values filled in, dates under
    the journal's policy)."""
    bodies: dict[str, str] = {}
    for key in SECTION_KEYS:
        passages = loaded.sections.get(key, {})
        passage: Passage | None = passages.get(lang)
        if passage is None:
            if passages:
                texts.need(None, lang, ("sections", key))
            continue
        bodies[key] = passage.text.strip()
    for key, examples in examples_by_section(loaded.case, lang).items():
        bodies[key] = f"{bodies.get(key, '')}\n\n{examples}".strip()
    return bodies


def _float_specs(
    loaded: LoadedCase, texts: Texts, record: ClinicalRecord, values: Values, langs: list[Lang]
) -> list[FloatSpec]:
    specs = []
    for i, figure in enumerate(loaded.case.figures):
        caption = {
            lang: panel_caption(
                texts.need(figure.caption, lang, ("figures", i, "caption")),
                [
                    texts.need(p.caption, lang, ("figures", i, "panels", n, "caption"))
                    if p.caption is not None
                    else None
                    for n, p in enumerate(figure.panels)
                ],
                lang,
            )
            for lang in langs
        }
        sections: tuple[str, ...] = (figure.section,) if figure.section else (SECTION_KEYS[-1],)
        specs.append(_figure_spec(loaded, figure, caption, sections, langs[0]))
    specs += stats_float_specs(loaded, texts, record, langs)
    made = {
        "tbl:timeline": lambda: tables.timeline_table(loaded.case, record, values),
        "tbl:treatments": lambda: tables.treatments_table(record, values),
        "tbl:labs": lambda: tables.results_table(record.labs, values),
        "tbl:markers": lambda: tables.results_table(record.markers, values),
    }
    for float_id in available(record, len(loaded.case.examples)):
        kind, key = float_id.split(":")
        caption_key = f"{key}_table" if kind == "tbl" else f"{key}_figure"
        caption = {lang: labels()[lang]["captions"][caption_key] for lang in langs}
        sections = GENERATED_SECTIONS[float_id]
        if kind == "tbl":
            specs.append(FloatSpec(float_id, caption, sections, table=made[float_id]()))
        else:
            specs.append(FloatSpec(float_id, caption, sections, chart=key))
    return specs


def _figure_spec(
    loaded: LoadedCase,
    figure: Figure,
    caption: dict[Lang, str],
    sections: tuple[str, ...],
    lang: Lang,
) -> FloatSpec:
    """A figure of the case: one image, or panels composed and lettered in ``lang``."""
    if figure.file is not None:
        image = (loaded.folder / figure.file).resolve()
        return FloatSpec(f"fig:{figure.id}", caption, sections, image=image)
    panels = tuple((loaded.folder / p.file).resolve() for p in figure.panels)
    shape = grid_shape(len(panels), figure.grid)
    return FloatSpec(
        f"fig:{figure.id}", caption, sections, panels=panels, shape=shape, letters=lang
    )


def _present_sections(
    bodies: dict[str, str], specs: list[FloatSpec], references: list[tuple[str, str]]
) -> list[str]:
    """Sections with text, plus the first default section of an unreferenced float that has
    nowhere else to go (the timeline table makes a "Timeline" section)."""
    present = set(bodies)
    referenced = {ref for ref, _ in references}
    for spec in specs:
        if spec.id not in referenced and not present.intersection(spec.sections):
            present.add(spec.sections[0])
    return [key for key in SECTION_KEYS if key in present]


def _section(
    loaded: LoadedCase, texts: Texts, key: str, body: str, floats: list[Float], lang: Lang
) -> SectionView:
    entry = getattr(loaded.case.sections, key)
    custom = entry.title if isinstance(entry, Section) else None
    heading = (
        texts.need(custom, lang, ("sections", key, "title"))
        if custom
        else section_heading(key, loaded.case.article_type.value, lang)
    )
    placed = [f for f in floats if f.section == key]
    return SectionView(key, heading, link_references(body, floats, lang), placed)


def section_heading(key: str, article_type: str, lang: Lang) -> str:
    """A section's standard heading; an article type may name it its own way (an original
    article's conclusion is «Выводы» / "Conclusions")."""
    words = labels()[lang]
    own: dict[str, str] = words.get("type_sections", {}).get(article_type, {})
    return own.get(key) or str(words["sections"][key])


def _grouped(
    sections: list[SectionView], plan: list[SectionGroup], lang: Lang
) -> list[SectionView]:
    """The CARE sections under the journal's headings; sections the plan leaves out (an
    original article's methods and results) keep their own headings in their own place, so
    no text is lost."""
    by_key = {s.key: s for s in sections}
    used: set[str] = set()
    grouped: list[tuple[int, SectionView]] = []
    for group in plan:
        members = [by_key[k] for k in group.include if k in by_key]
        used.update(m.key for m in members)
        if not members:
            continue
        rank = SECTION_KEYS.index(members[0].key)
        title = text_in(group.title, lang) or members[0].heading
        if len(members) == 1:
            only = members[0]
            grouped.append((rank, SectionView(group.key, title, only.markdown, only.floats)))
        elif group.subheadings:
            grouped.append((rank, SectionView(group.key, title, "")))
            grouped += [
                (rank, SectionView(m.key, m.heading, deeper(m.markdown), m.floats, level=2))
                for m in members
            ]
        else:
            text = "\n\n".join(m.markdown for m in members if m.markdown)
            floats = [f for m in members for f in m.floats]
            grouped.append((rank, SectionView(group.key, title, text, floats)))
    grouped += [(SECTION_KEYS.index(s.key), s) for s in sections if s.key not in used]
    return [view for _, view in sorted(grouped, key=lambda item: item[0])]
