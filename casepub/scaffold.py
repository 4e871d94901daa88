"""``casepub new``: a case folder to start from, with the schema for the editor."""

from __future__ import annotations

import shutil
from pathlib import Path

from casepub.diagnostics import CasepubError
from casepub.files import write_atomic
from casepub.resources import templates_dir
from casepub.schema import json_schema_text

SCHEMA_FILE = "case.schema.json"


def new_case(target: Path) -> list[Path]:
    """Create ``target`` with a commented case.yaml, sections, references and the schema."""
    if (target / "case.yaml").exists():
        message = "a case already exists here; nothing was changed"
        raise CasepubError.at(str(target / "case.yaml"), message, "exists")
    if target.exists() and not target.is_dir():
        raise CasepubError.at(str(target), "not a folder", "exists")
    scaffold = templates_dir() / "scaffold"
    written: list[Path] = []
    for source in sorted(p for p in scaffold.rglob("*") if p.is_file()):
        destination = target / source.relative_to(scaffold)
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    written.append(write_atomic(target / SCHEMA_FILE, json_schema_text()))
    return written
