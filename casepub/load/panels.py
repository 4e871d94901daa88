"""The panel letters a figure's caption names must be panels of that figure: a caption that
says ``{{ panel("d") }}`` under a figure of three panels is an error at the letter."""

from __future__ import annotations

from casepub.clinical.values import ValueProblem, find_expressions, parse_call
from casepub.load.loaded import LoadedCase, Passage
from casepub.load.yamlsource import format_path
from casepub.model.panels import panel_index, panel_letter

CODE = "panel-ref"


def check_panel_refs(loaded: LoadedCase) -> None:
    """Report each ``panel(…)`` in a caption that names no panel of its figure."""
    source = loaded.source
    for path, raw in sorted(source.raw.items(), key=lambda item: source.values[item[0]].line):
        if len(path) < 3 or path[0] != "figures" or path[2] != "caption":
            continue
        index = path[1]
        if not isinstance(index, int) or index >= len(loaded.case.figures):
            continue
        figure = loaded.case.figures[index]
        count = len(figure.panels)
        origin, _ = source.span(path)
        for expression in find_expressions(raw):
            try:
                call = parse_call(expression)
            except ValueProblem:
                continue  # reported by the value checks
            if call.name != "panel" or len(call.args) != 1:
                continue
            found = panel_index(str(call.args[0]))
            if found is None or found < count:
                continue  # no letter at all: the value checks say so
            passage = Passage(raw, source.file, format_path(path), origin, raw)
            loaded.diagnostics.add(
                passage.diagnostic(
                    origin.at_index(raw, expression.start),
                    _message(figure.id, expression.source, count),
                    CODE,
                    suggestion=_suggestion(count),
                )
            )


def _message(figure: str, source: str, count: int) -> str:
    if count == 0:
        return f"`{source}`: figure `{figure}` has one image, no panels"
    last = panel_letter(count - 1, "en")
    return f"`{source}`: figure `{figure}` has {count} panels (a…{last})"


def _suggestion(count: int) -> str:
    if count == 0:
        return "give the figure `panels:` or remove the panel letter"
    return "name one of its panels, or add the panel to `panels:`"
