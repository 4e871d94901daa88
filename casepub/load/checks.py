"""Checks that span several fields or other files: ids, corresponding author, section files,
figures, the bibliography and every citation."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from casepub.clinical.floats import GENERATED_SECTIONS
from casepub.diagnostics import CasepubError, Diagnostic, Severity, did_you_mean
from casepub.files import not_a_file, path_problem, read_text
from casepub.load.loaded import LoadedCase, Passage, display_path
from casepub.load.markup import check_markup
from casepub.load.series import example_passages
from casepub.load.yamlsource import KeyPath, Mark, format_path
from casepub.model import LANGS, SECTION_KEYS, Lang, Section
from casepub.model.common import Localized
from casepub.model.narrative import SectionFiles
from casepub.references.bibcheck import check_bibliography
from casepub.references.bibtex import read_bibliography
from casepub.references.citations import find_citations

_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


class Places:
    """Where each token of a passage stands in its file, handed out in order of appearance.

    Tokens are found again in the passage's source text by the same rules that found them
    in the text, so a quoted, folded or indented YAML scalar still gives exact positions.
    """

    def __init__(self, passage: Passage, found: Iterable[tuple[str, int, int]]) -> None:
        self.passage = passage
        self.places: dict[str, list[Mark]] = {}
        for token, line, col in found:
            self.places.setdefault(token, []).append(passage.position(line, col))
        self.used: Counter[str] = Counter()

    def next(self, token: str) -> Mark:
        """The position of the next occurrence of ``token``."""
        places = self.places.get(token, [])
        index = self.used[token]
        self.used[token] += 1
        return places[index] if index < len(places) else self.passage.origin


def _images(raw: str) -> Iterator[tuple[str, int, int]]:
    for number, line in enumerate(raw.splitlines()):
        for match in _MARKDOWN_IMAGE.finditer(line):
            yield match.group(0), number, match.start()


def check_case(loaded: LoadedCase) -> None:
    """Run every cross-field check, adding findings to ``loaded.diagnostics``."""
    CaseChecker(loaded).run()


class CaseChecker:
    """The checks that span several fields or other files."""

    def __init__(self, loaded: LoadedCase) -> None:
        self.loaded = loaded
        self.case = loaded.case
        self.source = loaded.source

    def run(self) -> None:
        self.check_patient()
        self.check_authors()
        self.check_contributions()
        self.read_sections()
        self.check_figures()
        self.read_bibliography()
        self.check_citations()
        self.check_inline_images()
        check_markup(self.loaded)

    def check_patient(self) -> None:
        """A case report describes one patient: it needs ``patient`` and ``diagnosis``."""
        if self.case.article_type.value != "case-report":
            return
        for key in ("patient", "diagnosis"):
            if getattr(self.case, key) is None:
                self.loaded.report(
                    (key,),
                    f"required key `{key}` is missing",
                    "missing",
                    suggestion="a study of several patients is `article_type: case-series` "
                    "or `original-article`",
                )

    def check_authors(self) -> None:
        ids: set[str] = set()
        for i, author in enumerate(self.case.authors):
            if author.id in ids:
                self.loaded.report(
                    ("authors", i, "id"), f"author id `{author.id}` is used twice", "duplicate-id"
                )
            ids.add(author.id)
            for j, aff in enumerate(author.affiliations):
                if aff not in self.case.affiliations:
                    self.loaded.report(
                        ("authors", i, "affiliations", j),
                        f"no affiliation with key `{aff}`",
                        "unknown-ref",
                        suggestion=did_you_mean(aff, self.case.affiliations),
                    )
        corresponding = [i for i, a in enumerate(self.case.authors) if a.corresponding]
        if not corresponding:
            self.loaded.report(
                ("authors",), "no author is marked `corresponding: true`", "corresponding", key=True
            )
        for i in corresponding[1:]:
            self.loaded.report(
                ("authors", i, "corresponding"),
                "only one author can be the corresponding author",
                "corresponding",
            )
        for i in corresponding[:1]:
            if not self.case.authors[i].email:
                self.loaded.report(
                    ("authors", i), "the corresponding author needs an `email`", "corresponding"
                )

    def check_contributions(self) -> None:
        ids = [a.id for a in self.case.authors]
        named = set()
        for i, contribution in enumerate(self.case.declarations.contributions):
            named.add(contribution.author)
            if contribution.author not in ids:
                self.loaded.report(
                    ("declarations", "contributions", i, "author"),
                    f"no author with id `{contribution.author}`",
                    "unknown-ref",
                    suggestion=did_you_mean(contribution.author, ids),
                )
        for i, author in enumerate(self.case.authors):
            if author.id not in named:
                self.loaded.report(
                    ("authors", i, "id"),
                    f"author `{author.id}` has no entry in declarations.contributions",
                    "contribution-missing",
                    severity=Severity.warning,
                )

    def read_sections(self) -> None:
        for key in SECTION_KEYS:
            entry = getattr(self.case.sections, key)
            if entry is None:
                continue
            passages = self._section_passages(key, entry)
            if passages:
                self.loaded.sections[key] = passages

    def _section_passages(self, key: str, entry: Section | str | Localized) -> dict[Lang, Passage]:
        base: KeyPath = ("sections", key)
        if not isinstance(entry, Section):
            return self._inline(base, entry)
        passages = self._inline((*base, "text"), entry.text) if entry.text else {}
        if entry.file is not None:
            for lang, passage in self._files((*base, "file"), entry.file).items():
                if lang in passages:
                    self.loaded.report(
                        (*base, "file"),
                        f"the {lang} text is given both inline and in a file",
                        "section-conflict",
                    )
                passages[lang] = passage
        return passages

    def _inline(self, path: KeyPath, value: str | Localized | None) -> dict[Lang, Passage]:
        passages: dict[Lang, Passage] = {}
        for lang in LANGS:
            text: str | None
            if isinstance(value, str):
                text, where = value, path
            elif isinstance(value, Localized):
                text, where = (value.ru if lang == "ru" else value.en), (*path, lang)
            else:
                continue
            if text:
                origin, raw = self.source.span(where)
                passages[lang] = Passage(text, self.source.file, format_path(where), origin, raw)
        return passages

    def _files(self, path: KeyPath, spec: SectionFiles | str) -> dict[Lang, Passage]:
        wanted: dict[Lang, tuple[str, KeyPath]] = {}
        if isinstance(spec, str):
            if "{lang}" not in spec:
                self.loaded.report(
                    path,
                    "a single section file path needs `{lang}` in it",
                    "value",
                    suggestion="write e.g. sections/discussion.{lang}.md, or give {ru: …, en: …}",
                )
                return {}
            wanted = {lang: (spec.replace("{lang}", lang), path) for lang in LANGS}
            optional = True
        else:
            wanted = {
                lang: (p, (*path, lang))
                for lang in LANGS
                if (p := (spec.ru if lang == "ru" else spec.en))
            }
            optional = False
        passages: dict[Lang, Passage] = {}
        for lang, (relative, where) in wanted.items():
            file = self.resolve(relative, where)
            if file is None:
                continue
            missing = not_a_file(file, relative)
            if missing is not None:
                if not optional:
                    self.loaded.report(where, missing, "file-missing")
                continue
            shown = display_path(file)
            try:
                text = read_text(file, shown)
            except CasepubError as exc:
                self.loaded.diagnostics.extend(exc.diagnostics)
                continue
            passages[lang] = Passage(text, shown, format_path(where), Mark(1, 1), text)
        if optional and not passages:
            self.loaded.report(path, f"no file matches `{spec}` for ru or en", "file-missing")
        return passages

    def resolve(self, relative: str, where: KeyPath) -> Path | None:
        """A path inside the case folder, or a diagnostic if it leaves it: absolute, through
        ``..``, or through a symbolic link (links are followed before the check)."""
        folder = self.loaded.folder
        problem = path_problem(relative)
        if problem is not None:
            self.loaded.report(where, problem, "value")
            return None
        given = folder / relative
        file = given.resolve()
        if not file.is_relative_to(folder):
            lexical = Path(os.path.normpath(given))
            how = f" (a symbolic link leads to `{file}`)" if lexical.is_relative_to(folder) else ""
            self.loaded.report(
                where,
                f"`{relative}` points outside the case folder{how}",
                "path-outside",
            )
            return None
        return file

    def check_figures(self) -> None:
        seen: set[str] = set()
        for i, figure in enumerate(self.case.figures):
            if figure.id in seen:
                self.loaded.report(
                    ("figures", i, "id"), f"figure id `{figure.id}` is used twice", "duplicate-id"
                )
            seen.add(figure.id)
            for name, sub in figure.images():
                self.check_image(name, ("figures", i, *sub), panel=bool(figure.panels))
            if figure.section and figure.section not in SECTION_KEYS:
                self.loaded.report(
                    ("figures", i, "section"),
                    f"no section `{figure.section}`",
                    "choice",
                    suggestion=did_you_mean(figure.section, SECTION_KEYS),
                )

    def check_image(self, name: str, where: KeyPath, *, panel: bool) -> None:
        """An image file of a figure exists in the case folder and is of a kind casepub
        reads (a panel is composed with others: PNG or JPEG)."""
        file = self.resolve(name, where)
        missing = None if file is None else not_a_file(file, name, "image")
        kinds = (".png", ".jpg", ".jpeg") if panel else (".png", ".jpg", ".jpeg", ".svg")
        if missing is not None:
            self.loaded.report(where, missing, "file-missing")
        elif file is not None and file.suffix.lower() not in kinds:
            self.loaded.report(
                where,
                "panels must be PNG or JPEG" if panel else "images must be PNG, JPEG or SVG",
                "value",
                suggestion="export the panel as PNG" if panel else None,
            )

    def read_bibliography(self) -> None:
        if self.case.bibliography is None:
            return
        where: KeyPath = ("bibliography",)
        file = self.resolve(self.case.bibliography, where)
        if file is None:
            return
        missing = not_a_file(file, self.case.bibliography)
        if missing is not None:
            self.loaded.report(where, missing, "file-missing")
            return
        try:
            bibliography, problems = read_bibliography(file, display_path(file))
        except CasepubError as exc:
            self.loaded.diagnostics.extend(exc.diagnostics)
            return
        self.loaded.bibliography = bibliography
        self.loaded.diagnostics.extend(problems)
        self.loaded.diagnostics.extend(check_bibliography(bibliography))

    def check_citations(self) -> None:
        figures = {f"fig:{f.id}" for f in self.case.figures}
        if self.case.cohort is not None:
            figures |= {f"tbl:{t.id}" for t in self.case.cohort.statistics}
        keys = set(self.loaded.bibliography.entries) if self.loaded.bibliography else set()
        cited: set[str] = set()
        # A named but unreadable .bib is reported once, not at every citation.
        bib_unreadable = self.case.bibliography is not None and self.loaded.bibliography is None
        for passages in [*self.loaded.sections.values(), *example_passages(self.loaded)]:
            for passage in passages.values():
                places = Places(
                    passage, ((c.token, c.line, c.col) for c in find_citations(passage.raw))
                )
                for citation in find_citations(passage.text):
                    mark = places.next(citation.token)
                    if citation.is_crossref:
                        # Generated floats are checked against the clinical record later.
                        if citation.key not in figures and citation.key not in GENERATED_SECTIONS:
                            kind = "figure" if citation.key.startswith("fig:") else "table"
                            self._text_error(
                                passage,
                                mark,
                                f"no {kind} `{citation.key}`",
                                "unknown-ref",
                                did_you_mean(citation.key, [*figures, *GENERATED_SECTIONS]),
                            )
                        continue
                    cited.add(citation.key)
                    if citation.key in keys or bib_unreadable:
                        continue
                    if self.loaded.bibliography is None:
                        message = f"citation `@{citation.key}` but the case has no bibliography"
                        hint: str | None = "add `bibliography: references.bib`"
                    else:
                        message = (
                            f"citation key `{citation.key}` is not in "
                            f"{self.loaded.bibliography.display}"
                        )
                        hint = did_you_mean(citation.key, keys)
                    self._text_error(passage, mark, message, "citation-unknown", hint)
        if self.loaded.bibliography:
            bib = self.loaded.bibliography
            for key in sorted(set(bib.entries) - cited, key=lambda k: bib.entries[k].line):
                self.loaded.diagnostics.add(
                    Diagnostic(
                        bib.display,
                        bib.entries[key].line,
                        1,
                        key,
                        f"entry `{key}` is never cited",
                        "citation-unused",
                        Severity.warning,
                    )
                )

    def _text_error(
        self, passage: Passage, mark: Mark, message: str, code: str, suggestion: str | None
    ) -> None:
        self.loaded.diagnostics.add(passage.diagnostic(mark, message, code, suggestion=suggestion))

    def check_inline_images(self) -> None:
        """Images belong in ``figures:``; a remote one would also leak a request at build."""
        for passages in self.loaded.sections.values():
            for passage in passages.values():
                places = Places(passage, _images(passage.raw))
                for match in _MARKDOWN_IMAGE.finditer(passage.text):
                    mark = places.next(match.group(0))
                    remote = bool(re.match(r"[a-zA-Z][\w+.-]*://", match.group(1)))
                    message = (
                        "remote image: casepub builds offline and sends nothing out"
                        if remote
                        else "images in the text are not placed or numbered"
                    )
                    self._text_error(
                        passage,
                        mark,
                        message,
                        "inline-image",
                        "add the image to `figures:` and refer to it as @fig:<id>",
                    )
