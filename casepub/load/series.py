"""Checks of the clinical examples (``examples:``), and their texts as passages so that the
citation, reference and consistency checks read them like the sections."""

from __future__ import annotations

from casepub.clinical.dates import UnknownAnchor, resolve
from casepub.diagnostics import did_you_mean
from casepub.load.loaded import LoadedCase, Passage
from casepub.load.yamlsource import KeyPath, format_path
from casepub.model import LANGS, SECTION_KEYS, Lang, Localized, PartialDate
from casepub.model.dates import Offset


def example_passages(loaded: LoadedCase) -> list[dict[Lang, Passage]]:
    """Each example's text, per language, located in case.yaml."""
    found = []
    source = loaded.source
    for index, example in enumerate(loaded.case.examples):
        passages: dict[Lang, Passage] = {}
        for lang in LANGS:
            path: KeyPath = ("examples", index, "text")
            if isinstance(example.text, Localized):
                text = example.text.ru if lang == "ru" else example.text.en
                path = (*path, lang)
            else:
                text = example.text
            if text:
                origin, raw = source.span(path)
                passages[lang] = Passage(text, source.file, format_path(path), origin, raw)
        found.append(passages)
    return found


def check_examples(loaded: LoadedCase) -> None:
    """Ids are unique, each example's section exists, and its dates resolve (from the
    case's anchors or the example's ``start``)."""
    seen: set[str] = set()
    for index, example in enumerate(loaded.case.examples):
        if example.id in seen:
            loaded.report(
                ("examples", index, "id"),
                f"example id `{example.id}` is used twice",
                "duplicate-id",
            )
        seen.add(example.id)
        if example.section not in SECTION_KEYS:
            loaded.report(
                ("examples", index, "section"),
                f"no section `{example.section}`",
                "choice",
                suggestion=did_you_mean(example.section, SECTION_KEYS),
            )
        anchors = {**loaded.case.anchors, "start": example.start}
        dates: list[tuple[KeyPath, PartialDate | Offset]] = []
        for n, treatment in enumerate(example.treatments):
            dates.append((("treatments", n, "start"), treatment.start))
            if treatment.end is not None:
                dates.append((("treatments", n, "end"), treatment.end))
        dates += [(("timeline", n, "date"), e.date) for n, e in enumerate(example.timeline)]
        if example.outcome is not None:
            dates.append((("outcome", "date"), example.outcome.date))
        for sub, value in dates:
            _check_date(loaded, ("examples", index, *sub), value, anchors, example.start)


def _check_date(
    loaded: LoadedCase,
    path: KeyPath,
    value: PartialDate | Offset,
    anchors: dict[str, PartialDate],
    start: PartialDate,
) -> None:
    try:
        date = resolve(value, anchors)
    except UnknownAnchor as exc:
        loaded.report(
            path,
            str(exc),
            "unknown-ref",
            suggestion=did_you_mean(exc.name, exc.known) or "count from `start` or a case anchor",
        )
        return
    except ValueError as exc:
        loaded.report(path, str(exc), "value")
        return
    if date.surely_before(start):
        loaded.report(
            path,
            f"{date} is before the example's `start` ({start}), day 0 of its swimmer lane",
            "order",
            suggestion="set `start` to the first date of the example",
        )
