"""The response to the reviewers against the revision itself (``responses.yaml``, when the
case has one): a reply that names a place the revision did not change is an error
(``response-unchanged``), and a change that no reply names is a warning
(``response-unmentioned``), since the editor compares the two."""

from __future__ import annotations

import tempfile
from pathlib import Path

from casepub.checks.registry import checker
from casepub.diagnostics import CasepubError, Diagnostic, did_you_mean
from casepub.load.loaded import LoadedCase
from casepub.profiles import Profile
from casepub.render import Manuscript
from casepub.revise.changes import Change, compare_loaded
from casepub.revise.quotes import DATA_TABLES
from casepub.revise.responses import LoadedResponses, load_responses, submitted_version


@checker("responses")
def check_responses(
    loaded: LoadedCase, profile: Profile, manuscript: Manuscript
) -> list[Diagnostic]:
    """Each named place changed since ``since``, and each change is named."""
    try:
        responses = load_responses(loaded.folder)
        if responses is None:
            return []
        with tempfile.TemporaryDirectory(prefix="casepub-since-") as scratch:
            changes = compare_loaded(submitted_version(loaded, responses, Path(scratch)), loaded)
    except CasepubError as exc:
        return exc.diagnostics
    return unchanged_places(responses, changes) + unmentioned_changes(responses, changes)


def unchanged_places(responses: LoadedResponses, changes: list[Change]) -> list[Diagnostic]:
    """A finding for each place a reply names that the revision left as it was."""
    since = responses.responses.since
    changed = list(dict.fromkeys(c.place for c in changes))
    return [
        responses.diagnostic(
            path,
            f"`{place}` did not change since `{since}`, yet the reply names it",
            "response-unchanged",
            hint=did_you_mean(place, changed)
            or "name only the places this reply changed; `casepub diff` lists them",
        )
        for path, place in responses.places()
        if not any(covers(place, change) for change in changes)
    ]


def covers(place: str, change: Change) -> bool:
    """Whether a reply naming ``place`` covers ``change``: the place or one above it, and a
    generated table (``tbl:labs``) the data it prints."""
    printed = [name for name, tables in DATA_TABLES.items() if place in tables]
    return change.under(place) or any(change.under(name) for name in printed)


def unmentioned_changes(responses: LoadedResponses, changes: list[Change]) -> list[Diagnostic]:
    """A warning for each changed place that no reply names (once per place)."""
    named = [place for _, place in responses.places()]
    since = responses.responses.since
    found = []
    for place in dict.fromkeys(c.place for c in changes):
        first = next(c for c in changes if c.place == place)
        if any(covers(n, first) for n in named):
            continue
        found.append(
            responses.diagnostic(
                ("reviewers",),
                f"changed since `{since}`, named by no reply: {first.describe()}",
                "response-unmentioned",
                warning=True,
                hint=f"add `{place}` to the `changed:` of the reply it answers",
            )
        )
    return found
