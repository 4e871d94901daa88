"""Where the bundled templates are: inside the installed package, or the repository's."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

_PACKAGE = Path(__file__).resolve().parent


@cache
def templates_dir() -> Path:
    """``casepub/templates`` in a wheel; ``templates/`` beside the package in a checkout."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if (candidate / "base").is_dir():
            return candidate
    raise FileNotFoundError("casepub's templates are missing; reinstall casepub")


@cache
def labels() -> dict[str, Any]:
    """The fixed wording of manuscripts, per language (``templates/base/labels.yaml``)."""
    with (templates_dir() / "base" / "labels.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data
