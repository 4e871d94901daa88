"""What changed between two versions of a case, at the level of the case's data.

Each change is named by its *place*, as an author names it in ``responses.yaml``: the YAML
key path of case.yaml (``title``, ``abstract``, ``sections.discussion``, ``labs[2]``,
``markers[0].values[1].value``, ``timeline[3].outcome``: list indexes count from 0, as in
YAML), a figure by its cross-reference (``fig:lesions``, generated charts too) and a
reference by its key (``references:smith2020``). The language of a localised text is not
part of the place but the change's ``lang``. A list item is numbered as in the new version
(a removed one as in the old). See docs/revisions.md.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from casepub.clinical.floats import available
from casepub.load.loaded import LoadedCase
from casepub.load.loader import load_case
from casepub.model import SECTION_KEYS
from casepub.references.lists import cited_order

ChangeKind = Literal["added", "removed", "changed"]

LANG_KEYS = frozenset({"ru", "en"})
SHORT = 160
"""Characters kept of an old or new text."""
REGION_WORDS = 8
"""A text of more words than this is compared word by word: one change per changed run."""
NOT_PRINTED = frozenset({"sections", "figures", "suppress", "format", "cohort"})
"""Keys of case.yaml compared otherwise (sections, figures) or not printed at all."""


@dataclass(frozen=True)
class Change:
    """One difference between the old and the new version of a case.

    ``place``: where (see the module docstring); ``kind``: added, removed or changed;
    ``old``/``new``: the texts that went and came (short, whitespace collapsed; "" for none);
    ``lang``: the language of a localised text, else None; ``aspect``: what of a figure or
    reference changed (``caption``, ``image``, ``redrawn``, ``entry``), else ""."""

    place: str
    kind: ChangeKind
    old: str = ""
    new: str = ""
    lang: str | None = None
    aspect: str = ""

    def under(self, place: str) -> bool:
        """Whether a reply naming ``place`` covers this change: the same place, a place
        above it (``labs[2]`` covers ``labs[2].values[0].value``, ``sections`` every
        section), or the place with this change's language (``title.en``)."""
        if place in (self.place, f"{self.place}.{self.lang}"):
            return True
        return self.place.startswith((f"{place}.", f"{place}["))

    def describe(self) -> str:
        """One line: ``labs[2].values[1].value (changed): 4.2 → 4.8``."""
        what = f"{self.place}{f' [{self.lang}]' if self.lang else ''}"
        aspect = f", {self.aspect}" if self.aspect else ""
        texts = " → ".join(t for t in (self.old, self.new) if t)
        return f"{what} ({self.kind}{aspect}){': ' + texts if texts else ''}"


def compare_cases(old_dir: Path, new_dir: Path) -> list[Change]:
    """Every change from the case at ``old_dir`` to the case at ``new_dir``, both loaded with
    the normal loader (a case that does not load raises its ``CasepubError``), in the order
    of case.yaml: front matter and data, sections, figures, references."""
    return compare_loaded(load_case(old_dir), load_case(new_dir))


def compare_loaded(old: LoadedCase, new: LoadedCase) -> list[Change]:
    """``compare_cases`` for two cases already loaded."""
    old_data = old.case.model_dump(mode="json", exclude=set(NOT_PRINTED), warnings=False)
    new_data = new.case.model_dump(mode="json", exclude=set(NOT_PRINTED), warnings=False)
    changes = list(_walk(old_data, new_data, "", None))
    changes += _data_files(old, new)
    changes += _sections(old, new)
    changes += _figures(old, new)
    changes += _references(old, new)
    return changes


# --- the data of case.yaml -------------------------------------------------------------------


def _join(place: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{place}[{key}]"
    return f"{place}.{key}" if place else key


def _walk(old: Any, new: Any, place: str, lang: str | None) -> Iterator[Change]:
    """The changes from ``old`` to ``new`` (JSON values) at ``place``."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        localised = bool(old.keys() | new.keys()) and (old.keys() | new.keys()) <= LANG_KEYS
        for key in [*old, *(k for k in new if k not in old)]:
            if localised:
                yield from _walk(old.get(key), new.get(key), place, key)
            else:
                yield from _walk(old.get(key), new.get(key), _join(place, key), lang)
    elif isinstance(old, list) and isinstance(new, list):
        yield from _walk_list(old, new, place, lang)
    elif old is None:
        yield Change(place, "added", new=_short(new), lang=lang)
    elif new is None:
        yield Change(place, "removed", old=_short(old), lang=lang)
    elif isinstance(old, str) and isinstance(new, str):
        yield from text_changes(old, new, place, lang)
    else:
        yield Change(place, "changed", _short(old), _short(new), lang)


def _identity(item: Any) -> str:
    """How a list item is recognised in the other version: its ``id``, else all of it."""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"id:{item['id']}"
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _walk_list(old: list[Any], new: list[Any], place: str, lang: str | None) -> Iterator[Change]:
    """A list's changes: items matched by id or by content; of a run replaced by another,
    the items are paired in order (changed) and the rest added or removed."""
    matcher = difflib.SequenceMatcher(
        None, [_identity(i) for i in old], [_identity(i) for i in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                yield from _walk(old[i], new[j], _join(place, j), lang)
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for n in range(paired):
            yield from _walk(old[i1 + n], new[j1 + n], _join(place, j1 + n), lang)
        for i in range(i1 + paired, i2):
            yield Change(_join(place, i), "removed", old=_short(old[i]), lang=lang)
        for j in range(j1 + paired, j2):
            yield Change(_join(place, j), "added", new=_short(new[j]), lang=lang)


def _short(value: Any) -> str:
    """A value as a short line of text."""
    if isinstance(value, dict) and value.keys() <= LANG_KEYS:
        value = " / ".join(str(v) for v in value.values() if v)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def text_changes(
    old: str, new: str, place: str, lang: str | None, aspect: str = ""
) -> Iterator[Change]:
    """The changes from text ``old`` to ``new``: one for a short text, else one per run of
    changed words (its removed and inserted words)."""
    old_words, new_words = _words(old), _words(new)
    if old_words == new_words:
        return
    if max(len(old_words), len(new_words)) <= REGION_WORDS:
        yield Change(place, "changed", _short(old), _short(new), lang, aspect)
        return
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        gone = " ".join(w for w in old_words[i1:i2] if w != PARAGRAPH)
        came = " ".join(w for w in new_words[j1:j2] if w != PARAGRAPH)
        if not (gone or came):
            continue
        kind: ChangeKind = "changed" if gone and came else ("added" if came else "removed")
        yield Change(place, kind, _short(gone), _short(came), lang, aspect)


PARAGRAPH = "\n\n"
"""The token between paragraphs: a change never runs from one paragraph into the next."""


def _words(text: str) -> list[str]:
    """The words of ``text``, with a ``PARAGRAPH`` token at each blank line."""
    words: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        words += [*([PARAGRAPH] if words else []), *paragraph.split()]
    return words


def _data_files(old: LoadedCase, new: LoadedCase) -> Iterator[Change]:
    """Series read from CSV/XLSX files (``labs[0].file``) whose file's content changed."""
    for group in ("labs", "markers", "lesions"):
        old_files = [getattr(e, "file", None) for e in getattr(old.case, group)]
        for j, entry in enumerate(getattr(new.case, group)):
            name = getattr(entry, "file", None)
            if name is None or name not in old_files:
                continue
            before, after = _bytes(old.folder / name), _bytes(new.folder / name)
            if before != after:
                yield Change(f"{group}[{j}]", "changed", old=name, new=name, aspect="data file")


def _bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


# --- sections --------------------------------------------------------------------------------


def _sections(old: LoadedCase, new: LoadedCase) -> Iterator[Change]:
    """Each section's text per language (inline or from its file), and its own title."""
    for key in SECTION_KEYS:
        place = f"sections.{key}"
        before, after = old.sections.get(key, {}), new.sections.get(key, {})
        for lang in ("ru", "en"):
            was, now = before.get(lang), after.get(lang)
            if was is None and now is None:
                continue
            if was is None:
                assert now is not None
                yield Change(place, "added", new=_short(now.text), lang=lang)
            elif now is None:
                yield Change(place, "removed", old=_short(was.text), lang=lang)
            else:
                yield from text_changes(was.text, now.text, place, lang)
        old_title = _section_title(old, key)
        new_title = _section_title(new, key)
        yield from _walk(old_title, new_title, f"{place}.title", None)


def _section_title(loaded: LoadedCase, key: str) -> Any:
    """A section's own title; none for a section written as plain text (whose ``title``
    would be ``str.title``)."""
    entry = getattr(loaded.case.sections, key)
    return None if isinstance(entry, str) else _dump(getattr(entry, "title", None))


# --- figures ---------------------------------------------------------------------------------


def _figures(old: LoadedCase, new: LoadedCase) -> Iterator[Change]:
    """Figures of the case by id (caption, image, panels), then the generated charts
    (``redrawn`` when the data they are drawn from changed)."""
    before = {f.id: f for f in old.case.figures}
    after = {f.id: f for f in new.case.figures}
    for fid, figure in before.items():
        if fid not in after:
            yield Change(f"fig:{fid}", "removed", old=_short(_dump(figure.caption)))
    for fid, figure in after.items():
        place = f"fig:{fid}"
        if fid not in before:
            yield Change(place, "added", new=_short(_dump(figure.caption)))
            continue
        was = before[fid]
        for change in _walk(_dump(was.caption), _dump(figure.caption), place, None):
            yield Change(place, change.kind, change.old, change.new, change.lang, "caption")
        if _images(old, was) != _images(new, figure):
            yield Change(place, "changed", aspect="image")
    old_charts = _charts(old)
    for fid, digest in _charts(new).items():
        if fid not in old_charts:
            yield Change(fid, "added", aspect="redrawn")
        elif old_charts[fid] != digest:
            yield Change(fid, "changed", aspect="redrawn")
    for fid in old_charts:
        if fid not in _charts(new):
            yield Change(fid, "removed", aspect="redrawn")


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def _images(loaded: LoadedCase, figure: Any) -> list[bytes | None]:
    return [_bytes(loaded.folder / name) for name, _ in figure.images()]


def chart_digests(loaded: LoadedCase) -> dict[str, str]:
    """Each generated chart of the case (``fig:timeline``…) and a hash of the data it is
    drawn from: the fields of case.yaml it reads and the data files these name."""
    return _charts(loaded)


def _charts(loaded: LoadedCase) -> dict[str, str]:
    from casepub.build import CHART_DATA

    if loaded.record is None:
        return {}
    found = {}
    for fid in available(loaded.record, len(loaded.case.examples)):
        kind, chart = fid.split(":")
        if kind != "fig" or chart not in CHART_DATA:
            continue
        fields = CHART_DATA[chart]
        data = loaded.case.model_dump_json(include=set(fields), warnings=False)
        digest = hashlib.sha256(data.encode("utf-8"))
        for group in ("labs", "markers", "lesions"):
            if group in fields:
                for entry in getattr(loaded.case, group):
                    name = getattr(entry, "file", None)
                    digest.update((name and _bytes(loaded.folder / name)) or b"")
        found[fid] = digest.hexdigest()
    return found


# --- references ------------------------------------------------------------------------------


def cited_keys(loaded: LoadedCase) -> list[str]:
    """The bibliography keys the case's sections cite, in order of first citation (the
    body language's text first)."""
    if loaded.bibliography is None:
        return []
    langs = [loaded.case.language, *(x for x in ("ru", "en") if x != loaded.case.language)]
    texts = [
        passages[lang].text
        for lang in langs
        for key in SECTION_KEYS
        if lang in (passages := loaded.sections.get(key, {}))
    ]
    return cited_order(texts, set(loaded.bibliography.entries))


def _references(old: LoadedCase, new: LoadedCase) -> Iterator[Change]:
    """References cited in one version only, and cited entries whose fields changed."""
    before, after = cited_keys(old), cited_keys(new)
    for key in before:
        if key not in after:
            yield Change(f"references:{key}", "removed", old=_entry_text(old, key))
    for key in after:
        if key not in before:
            yield Change(f"references:{key}", "added", new=_entry_text(new, key))
        elif _fields(old, key) != _fields(new, key):
            yield Change(f"references:{key}", "changed", aspect="entry")


def _fields(loaded: LoadedCase, key: str) -> dict[str, str]:
    assert loaded.bibliography is not None
    return loaded.bibliography.entries[key].fields


def _entry_text(loaded: LoadedCase, key: str) -> str:
    fields = _fields(loaded, key)
    return _short(" ".join(v for f in ("author", "title", "year") if (v := fields.get(f))))
