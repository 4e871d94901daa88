"""Journal profiles: ``templates/journals/<id>/profile.yaml`` and the templates beside it.

A profile names the journal's language mode, section plan and headings, required metadata,
limits, reference styles, date policy and output settings. ``extends: other`` starts from
another profile: mappings merge key by key, anything else is replaced, and a template file in
the profile's folder replaces the one of the same name in the parent (then ``templates/base``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError

from casepub.diagnostics import CasepubError, Diagnostic, did_you_mean
from casepub.files import folder_state
from casepub.load.loaded import display_path
from casepub.model.common import Lang, Localized, StrictModel
from casepub.model.narrative import SECTION_KEYS
from casepub.resources import merged, templates_dir

DEFAULT_PROFILE = "preprint"


class SectionGroup(StrictModel):
    """One heading of the journal's plan and the CARE sections printed under it."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    """Id of the heading (becomes the section's anchor)."""
    title: Localized
    """The heading per language."""
    include: list[str] = Field(min_length=1)
    """CARE sections under this heading, in order."""
    subheadings: bool = True
    """Give each included CARE section its own level-2 heading (when more than one)."""


class Limits(StrictModel):
    """The journal's limits; absent ones are not checked."""

    title_chars: int | None = None
    """Characters of the title, per language."""
    abstract_words: int | None = None
    """Words of the abstract, per language."""
    main_words: int | None = None
    """Words of the main text (sections only: no abstract, references, tables, captions)."""
    figures: int | None = None
    tables: int | None = None
    references: int | None = None
    keywords: tuple[int, int] | None = None
    """Least and most key words."""


class ReferenceSettings(StrictModel):
    """Citation styles and the transliteration of Russian sources."""

    style: str | None = None
    """Style of the list in the body language (default: gost for Russian, vancouver)."""
    english_style: str = "vancouver"
    translit: Literal["bsi", "bgn", "lc"] = "bsi"
    official_titles: bool = False
    gost_authors: Literal["standard", "journal"] = "standard"
    """GOST with 4+ authors: ``standard`` (title / first three [и др.]) or ``journal``
    (first three и др. before the title)."""


class DatePolicy(StrictModel):
    """How dates print: as they are, to the month, or relative to day 0."""

    policy: Literal["exact", "month", "relative"] = "exact"
    anchor: str = "presentation"
    """With ``relative``: the case anchor that is day 0 (else the first timeline date)."""


class Output(StrictModel):
    """Layout settings of the outputs."""

    columns: Literal[1, 2] = 1
    """Columns of the PDF body."""
    line_numbers: bool = False
    """Continuous line numbers in the DOCX (manuscripts under review)."""
    font: str = Field("Times New Roman", min_length=1)
    """Font of the DOCX (the submission manuscript)."""
    font_size: float = Field(12, ge=8, le=20)
    """Size of the DOCX body, abstract and front matter, in points (the title is 2 pt
    larger)."""
    line_spacing: float = Field(1.5, ge=1, le=3)
    """Line spacing of the DOCX text: 1.5, or 2 (double); tables are single-spaced."""
    table_font_size: float = Field(10, ge=6, le=20)
    """Size of the DOCX table text, in points."""
    margins: float = Field(2.5, ge=1, le=5)
    """Page margins of the DOCX (A4), in centimetres."""
    figure_dpi: int = 300
    """Resolution of figures in the submission package."""


class Profile(StrictModel):
    """A journal profile (see the module docstring)."""

    id: str
    name: str
    """The journal, or what the profile is for."""
    extends: str | None = None
    language: Literal["ru", "en", "bilingual"] | None = None
    """The manuscript's language mode; default: the case's."""
    sections: list[SectionGroup] = []
    """The section plan; empty: every CARE section under its own heading."""
    labels: dict[Lang, dict[str, Any]] = {}
    """Wording replacing ``templates/base/labels.yaml``: ``{ru: {abstract: Аннотация}}``."""
    required: list[
        Literal[
            "orcid",
            "spin",
            "email",
            "doi",
            "keywords",
            "english",
            "structured_abstract",
            "patient_perspective",
            "consent",
            "timeline",
            "care",
        ]
    ] = []
    """Metadata and sections the journal requires; ``care``: every CARE checklist item."""
    limits: Limits = Limits()
    references: ReferenceSettings = ReferenceSettings()
    dates: DatePolicy = DatePolicy()
    output: Output = Output()
    cover_letter: dict[Lang, str] = {}
    """Cover letter per language, a Jinja template (variables: case, title, authors, journal)."""
    folders: list[Path] = []
    """The profile's folder and its ancestors', nearest first (filled in when loaded)."""

    def template(self, name: str) -> Path:
        """The nearest file ``name`` along the extends chain, else ``templates/base``'s.

        A file whose real path leaves its profile folder (a symbolic link out of it) is
        refused; ``load_profile`` has already checked every link of the folder."""
        for folder in self.folders:
            if (folder / name).is_file():
                file = (folder / name).resolve()
                if not file.is_relative_to(folder.resolve()):
                    raise _outside(folder, folder / name, file)
                return file
        return templates_dir() / "base" / name

    def label_overrides(self) -> dict[Lang, dict[str, Any]]:
        """The profile's wording per language."""
        return self.labels


def journals_dir() -> Path:
    """Where the bundled profiles are."""
    return templates_dir() / "journals"


def profile_ids() -> list[str]:
    """Ids of the bundled profiles."""
    return sorted(p.name for p in journals_dir().iterdir() if (p / "profile.yaml").is_file())


def profile_folder(profile_id: str) -> Path:
    """A bundled profile's folder, or a folder given as a path (``journals/my-journal``)."""
    given = Path(profile_id)
    if (given / "profile.yaml").is_file():
        return given.resolve()
    return (journals_dir() / profile_id).resolve()


def _raw(profile_id: str, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], list[Path]]:
    folder = profile_folder(profile_id)
    file = folder / "profile.yaml"
    if not file.is_file():
        raise CasepubError.at(
            "",
            f"no journal profile `{profile_id}`",
            "journal-unknown",
            suggestion=did_you_mean(profile_id, profile_ids()) or "see `casepub journals`",
        )
    if profile_id in seen:
        raise CasepubError.at(
            str(file), f"`extends` makes a loop: {' → '.join(seen)}", "journal-profile"
        )
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise CasepubError.at(str(file), "a profile must be a mapping", "journal-profile")
    parent = data.get("extends")
    if parent is None:
        return data, [folder]
    base, folders = _raw(str(parent), (*seen, profile_id))
    return merged(base, data), [folder, *folders]


def _outside(folder: Path, link: Path, target: Path) -> CasepubError:
    return CasepubError.at(
        display_path(link),
        f"the profile's `{link.relative_to(folder)}` is a link to `{target}`, outside the "
        "profile folder: a profile may only use its own files",
        "journal-profile",
        suggestion="copy the file into the profile folder instead of linking to it",
    )


def check_links(folder: Path) -> None:
    """Refuse a profile folder holding a symbolic link whose target lies outside it: its
    templates (Jinja includes, pandoc partials, the CSS, the reference DOCX) are read from
    the folder, and a link would let a downloaded profile read any file of the computer."""
    root = folder.resolve()
    for parent, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            entry = Path(parent) / name
            if entry.is_symlink():
                target = entry.resolve()
                if not target.is_relative_to(root):
                    raise _outside(root, entry, target)


_LOADED: dict[tuple[str, str], tuple[Profile, tuple[tuple[str, int, int], ...]]] = {}
_SETTLED_NS = 100_000_000
"""A profile whose files changed less than this long before it was read is not kept: an
edit in the same tick as the reading would not change the files' times."""


def load_profile(profile_id: str) -> Profile:
    """The profile ``profile_id`` (a bundled id or a folder path) with its ancestors merged
    in; ``extends`` names a bundled profile or a path relative to the working directory.

    Kept in memory while none of its folders' files changes (a process that lives on —
    ``casepub serve``, the build daemon — sees an edited profile at its next build)."""
    key = (profile_id, os.getcwd())
    kept = _LOADED.get(key)
    if kept is not None and kept[1] == folder_state(tuple(kept[0].folders)):
        return kept[0]
    started = time.time_ns()
    profile = _load_profile(profile_id)
    state = folder_state(tuple(profile.folders))
    if all(mtime < started - _SETTLED_NS for _, mtime, _ in state):
        _LOADED[key] = (profile, state)
    return profile


def _load_profile(profile_id: str) -> Profile:
    data, folders = _raw(profile_id)
    for folder in folders:
        check_links(folder)
    data = {**data, "id": folders[0].name, "folders": folders}
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        file = str(folders[0] / "profile.yaml")
        raise CasepubError(
            [
                Diagnostic(
                    file, None, None, ".".join(map(str, e["loc"])), e["msg"], "journal-profile"
                )
                for e in exc.errors(include_url=False)
            ]
        ) from None
    for group in profile.sections:
        for key in group.include:
            if key not in SECTION_KEYS:
                raise CasepubError.at(
                    str(folders[0] / "profile.yaml"),
                    f"no CARE section `{key}`",
                    "journal-profile",
                    suggestion=did_you_mean(key, SECTION_KEYS),
                )
    return profile
