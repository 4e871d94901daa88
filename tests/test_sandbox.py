"""Third-party templates and the author's text cannot reach outside the case (issue 8).

Journal templates run in Jinja's sandbox; pandoc runs with --sandbox and reads Markdown
without raw HTML/TeX; typst compiles inside the build folder; paths and links that leave the
case folder are refused; no shell is ever started.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

import casepub.load.checks
from casepub.build import BuildOptions, build_case
from casepub.diagnostics import CasepubError
from casepub.load.loader import load_case
from casepub.load.markup import scan
from casepub.package import cover_letter
from casepub.profiles import load_profile
from casepub.render import build_manuscript

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "cases" / "minimal"
PASSWD = "root:x:0:0"


def _case(
    tmp_path: Path, section: str | None = None, replace: dict[str, str] | None = None
) -> Path:
    case = tmp_path / "case"
    shutil.copytree(MINIMAL, case)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    if section is not None:
        (case / "sections").mkdir(exist_ok=True)
        (case / "sections" / "discussion.en.md").write_text(section, encoding="utf-8")
        text = text.replace(
            "  conclusion: |",
            "  discussion:\n    file: sections/discussion.{lang}.md\n  conclusion: |",
        )
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    (case / "case.yaml").write_text(text, encoding="utf-8")
    return case


def _profile(tmp_path: Path, files: dict[str, str], yaml: str = "") -> Path:
    folder = tmp_path / "journal"
    folder.mkdir()
    (folder / "profile.yaml").write_text(f"name: Test\nextends: preprint\n{yaml}", "utf-8")
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _codes(exc: pytest.ExceptionInfo[CasepubError]) -> list[str]:
    return [d.code for d in exc.value.diagnostics]


# --- Jinja templates -------------------------------------------------------------------------

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ m.__dict__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{% set x = m.sections.append(1) %}",
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_template_escapes_are_refused_at_their_line(escape: str, tmp_path: Path) -> None:
    base = (ROOT / "templates" / "base" / "manuscript.md.j2").read_text(encoding="utf-8")
    journal = _profile(tmp_path, {"manuscript.md.j2": base + "\n\n" + escape + "\n"})
    line = base.count("\n") + 3
    with pytest.raises(CasepubError) as exc:
        build_case(MINIMAL, BuildOptions(("html",), out=tmp_path / "out", journal=str(journal)))
    [found] = exc.value.diagnostics
    assert found.code == "template-unsafe"
    assert found.file.endswith("manuscript.md.j2") and found.line == line
    assert not (tmp_path / "out" / "minimal" / "minimal.en.html").exists()


def test_an_unsafe_partial_is_named(tmp_path: Path) -> None:
    journal = _profile(
        tmp_path, {"partials/front.md.j2": "ok\n{{ front.__class__.__init__.__globals__ }}\n"}
    )
    with pytest.raises(CasepubError) as exc:
        build_case(MINIMAL, BuildOptions(("html",), out=tmp_path / "out", journal=str(journal)))
    [found] = exc.value.diagnostics
    assert (found.code, found.line) == ("template-unsafe", 2)
    assert found.file.endswith("partials/front.md.j2")


@pytest.mark.parametrize(
    ("template", "line", "words"),
    [
        ("a\n{% if %}\n", 2, "syntax error"),
        ("a\n\nb {{ no_such_name }}\n", 3, "no_such_name"),
        ("a\n{% include '../../../etc/passwd' %}\n", 2, "not found"),
        ("a\n{% include '/etc/passwd' %}\n", 2, "not found"),
    ],
)
def test_template_errors_are_located(template: str, line: int, words: str, tmp_path: Path) -> None:
    journal = _profile(tmp_path, {"manuscript.md.j2": template})
    with pytest.raises(CasepubError) as exc:
        build_case(MINIMAL, BuildOptions(("html",), out=tmp_path / "out", journal=str(journal)))
    [found] = exc.value.diagnostics
    assert (found.code, found.line) == ("template-error", line)
    assert found.file.endswith("manuscript.md.j2") and words in found.message


def test_cover_letter_is_sandboxed_and_located(tmp_path: Path) -> None:
    journal = _profile(
        tmp_path,
        {},
        "cover_letter:\n  en: |\n    Dear Editor,\n    {{ title.__class__.__mro__ }}\n",
    )
    loaded = load_case(MINIMAL)
    profile = load_profile(str(journal))
    from casepub.build import BuildOptions as Options

    manuscript = build_manuscript(loaded, "en", "media", Options().references(profile), profile)
    with pytest.raises(CasepubError) as exc:
        cover_letter(loaded, manuscript, profile, "en")
    [found] = exc.value.diagnostics
    assert found.code == "template-unsafe" and found.path == "cover_letter.en"
    assert found.file.endswith("profile.yaml") and found.line == 6


def test_a_profile_linking_outside_its_folder_is_refused(tmp_path: Path) -> None:
    journal = _profile(tmp_path, {})
    (journal / "pandoc").mkdir()
    (journal / "pandoc" / "meta.typ").symlink_to("/etc/passwd")  # a pandoc partial
    with pytest.raises(CasepubError) as exc:
        load_profile(str(journal))
    assert _codes(exc) == ["journal-profile"]
    assert "outside the profile folder" in exc.value.diagnostics[0].message


def test_profile_css_cannot_embed_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    journal = _profile(
        tmp_path,
        {
            "pandoc/casepub.css": f"body {{ background: url('{secret}'); }}\n"
            "@import url('/etc/passwd');\n"
        },
    )
    with pytest.raises(CasepubError) as exc:
        build_case(MINIMAL, BuildOptions(("html",), out=tmp_path / "out", journal=str(journal)))
    assert _codes(exc) == ["pandoc"]
    log = next((tmp_path / "out" / "minimal").glob("*.html.log"))
    assert "Could not fetch resource" in log.read_text(encoding="utf-8")


# --- the author's text -----------------------------------------------------------------------

TRICKS = {
    "html": '<img src="/etc/passwd"> <iframe src="/etc/passwd"></iframe>',
    "object": '<object data="/etc/passwd"></object> <!-- note -->',
    "tex": "\\input{/etc/passwd} \\include{/etc/passwd}",
    "link": "[passwords](file:///etc/passwd)",
    "typst-inline": '`#read("/etc/passwd")`{=typst}',
    "typst-block": '```{=typst}\n#image("/etc/passwd")\n#read("../../../../../etc/passwd")\n```',
    "html-block": '```{=html}\n<iframe src="/etc/passwd"></iframe>\n```',
    "latex-block": "```{=latex}\n\\input{/etc/passwd}\n```",
    "metadata": "---\ncss: /etc/passwd\nbibliography: /etc/passwd\n"
    "header-includes: '<link rel=stylesheet href=/etc/passwd>'\n---",
}


def _all_tricks() -> str:
    return "Discussion.\n\n" + "\n\n".join(TRICKS.values()) + "\n\nThe end.\n"


@pytest.mark.parametrize("name", sorted(TRICKS))
def test_each_trick_is_refused_where_it_is_written(name: str, tmp_path: Path) -> None:
    case = _case(tmp_path, "Discussion.\n\n" + TRICKS[name] + "\n")
    with pytest.raises(CasepubError) as exc:
        load_case(case)
    found = [d for d in exc.value.diagnostics if d.code == "raw-markup"]
    assert found, exc.value.diagnostics
    assert all(d.file.endswith("discussion.en.md") and d.line == 3 for d in found[:1])
    assert found[0].path == "sections.discussion.file"


def test_tricks_in_case_yaml_texts_are_located(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        replace={
            "  consent: Not applicable;": '  consent: <img src="/etc/passwd"> Not applicable;'
        },
    )
    with pytest.raises(CasepubError) as exc:
        load_case(case)
    [found] = [d for d in exc.value.diagnostics if d.code == "raw-markup"]
    assert found.path == "declarations.consent" and found.file.endswith("case.yaml")
    text = (case / "case.yaml").read_text(encoding="utf-8").splitlines()
    assert text[found.line - 1][found.col - 1 :].startswith("<img")  # type: ignore[operator]


def test_ordinary_text_is_not_raw_markup() -> None:
    text = (
        "CgA <5 ng/ml, a < b > c, <https://example.org>, <a.b@example.org>, $\\alpha$, "
        "`<img>` and `\\input` in code, a line break\\\nhere, 2^10^ and H~2~O.\n\n---\n\nText"
        "\nHeading\n---\n"
    )
    assert list(scan(text)) == []


@pytest.mark.parametrize("fmt", ["pdf", "html", "docx", "latex"])
def test_without_the_checks_no_output_reads_outside(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The converters alone (checks switched off) either refuse or leave the file unread."""
    monkeypatch.setattr(casepub.load.checks, "check_markup", lambda loaded: None)
    case = _case(tmp_path, _all_tricks())
    out = tmp_path / "out"
    try:
        written = build_case(case, BuildOptions((fmt,), out=out))
    except CasepubError as exc:
        assert all("Traceback" not in d.message for d in exc.diagnostics)
        written = []
    for path in (out / "case").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".docx":
                with zipfile.ZipFile(path) as archive:
                    data = b"".join(archive.read(n) for n in archive.namelist())
            assert PASSWD.encode() not in data, path
            assert b"cm9vdDp4OjA6M" not in data, path  # base64 of root:x:0:0
    assert not written or all(p.exists() for p in written)


def test_an_image_in_a_yaml_text_cannot_embed_a_file(tmp_path: Path) -> None:
    case = _case(tmp_path, replace={"  funding: None.": "  funding: None ![x](/etc/passwd)."})
    with pytest.raises(CasepubError) as exc:
        build_case(case, BuildOptions(("html",), out=tmp_path / "out"))
    [found] = exc.value.diagnostics
    assert found.code == "pandoc" and "outside the build folder" in found.message
    assert found.path == "declarations.funding"


# --- paths -----------------------------------------------------------------------------------


def _outside(case: Path) -> list[str]:
    with pytest.raises(CasepubError) as exc:
        load_case(case)
    return [d.path for d in exc.value.diagnostics if d.code == "path-outside"]


def test_absolute_and_parent_paths_are_refused(tmp_path: Path) -> None:
    case = _case(tmp_path, replace={"bibliography: references.bib": "bibliography: /etc/passwd"})
    assert _outside(case) == ["bibliography"]
    case2 = _case(
        tmp_path / "b",
        replace={"bibliography: references.bib": "bibliography: ../../case/references.bib"},
    )
    assert _outside(case2) == ["bibliography"]


def test_a_symlink_out_of_the_case_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(MINIMAL / "references.bib", outside / "references.bib")
    (outside / "discussion.en.md").write_text("Text.\n", encoding="utf-8")
    case = _case(tmp_path, "Discussion.\n")
    (case / "references.bib").unlink()
    (case / "references.bib").symlink_to(outside / "references.bib")
    assert _outside(case) == ["bibliography"]
    with pytest.raises(CasepubError) as exc:
        load_case(case)
    assert any("symbolic link" in d.message for d in exc.value.diagnostics)
    (case / "references.bib").unlink()
    shutil.copy(MINIMAL / "references.bib", case / "references.bib")
    shutil.rmtree(case / "sections")
    (case / "sections").symlink_to(outside, target_is_directory=True)  # a linked folder
    assert set(_outside(case)) == {"sections.discussion.file"}


def test_a_figure_linking_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "image.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    case = _case(
        tmp_path,
        replace={
            "bibliography: references.bib": "bibliography: references.bib\nfigures:\n"
            "  - id: scan\n    file: image.png\n    caption: A scan."
        },
    )
    (case / "image.png").symlink_to(outside)
    assert _outside(case) == ["figures[0].file"]


# --- no shell --------------------------------------------------------------------------------


def test_no_shell_anywhere() -> None:
    pattern = re.compile(r"shell\s*=\s*True|os\.system\s*\(|os\.popen\s*\(|commands\.getoutput")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "casepub").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
