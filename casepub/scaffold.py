"""``casepub new``: a complete, valid, commented case folder to start from — for a chosen
journal profile — with the schema for the editor. ``casepub check`` passes on it untouched,
but for ``placeholder`` warnings saying what to fill in."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2

from casepub.diagnostics import CasepubError
from casepub.files import write_atomic
from casepub.profiles import DEFAULT_PROFILE, Profile, load_profile
from casepub.resources import templates_dir
from casepub.schema import json_schema_text

SCHEMA_FILE = "case.schema.json"


def scaffold_values(profile: Profile) -> dict[str, object]:
    """What the case.yaml template needs to satisfy ``profile`` from the start."""
    low = profile.limits.keywords[0] if profile.limits.keywords else 2
    return {
        "profile": "" if profile.id == DEFAULT_PROFILE else profile.id,
        "language": "en" if profile.language == "en" else "ru",
        "keywords": max(2, low),
        "structured": "structured_abstract" in profile.required,
    }


def new_case(target: Path, journal: str | None = None) -> list[Path]:
    """Create ``target`` with a commented case.yaml, sections, references and the schema."""
    if (target / "case.yaml").exists():
        message = "a case already exists here; nothing was changed"
        raise CasepubError.at(str(target / "case.yaml"), message, "exists")
    if target.exists() and not target.is_dir():
        raise CasepubError.at(str(target), "not a folder", "exists")
    profile = load_profile(journal or DEFAULT_PROFILE)
    scaffold = templates_dir() / "scaffold"
    written: list[Path] = []
    for source in sorted(p for p in scaffold.rglob("*") if p.is_file()):
        destination = target / source.relative_to(scaffold)
        if source.suffix == ".j2":
            destination = destination.with_suffix("")
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".j2":
            template = jinja2.Template(
                source.read_text(encoding="utf-8"),
                undefined=jinja2.StrictUndefined,
                keep_trailing_newline=True,
            )
            written.append(write_atomic(destination, template.render(scaffold_values(profile))))
        else:
            shutil.copyfile(source, destination)
            written.append(destination)
    written.append(write_atomic(target / SCHEMA_FILE, json_schema_text()))
    return written
