"""The preview page: a toolbar (language, journal), the check's findings, the build's errors
and the manuscript in a frame. Everything is inline or served by the preview itself."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from casepub.diagnostics import Diagnostic, Severity
from casepub.serve.preview import ALL_LANGS, State

LANG_NAMES = {"ru": "Русский", "en": "English", "bilingual": "Bilingual (ru + en)"}

STYLE = """
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; font: 14px/1.4 system-ui, sans-serif;
  color: #1d1d1f; background: #f4f4f6; }
header { display: flex; flex-wrap: wrap; gap: .4em 1.2em; align-items: center;
  padding: .5em 1em; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { font-size: 1em; margin: 0; }
header form { display: flex; gap: 1em; align-items: center; margin: 0; }
#status { padding: .1em .6em; border-radius: 1em; background: #e3f4e3; }
#status.failed { background: #fbe0e0; }
#status.building, body.building #status { background: #fff3c4; }
body.offline #status { background: #ddd; }
section.panel { max-height: 35vh; overflow: auto; padding: .3em 1em; background: #fff;
  border-bottom: 1px solid #ddd; }
section.panel h2 { font-size: 1em; margin: .4em 0; }
section.errors { background: #fff5f5; }
ul.findings { margin: 0 0 .4em; padding-left: 1.2em; }
ul.findings li { font-family: ui-monospace, monospace; font-size: 12.5px;
  white-space: pre-wrap; }
li.error::marker { color: #c00; }
li.warning::marker { color: #b80; }
pre.crash { font-size: 12px; white-space: pre-wrap; }
iframe { flex: 1; width: 100%; border: 0; background: #fff; }
.empty { padding: 2em; color: #666; }
"""

APP_JS = """\
"use strict";
(() => {
  const body = document.body;
  const shown = body.dataset.generation;
  const frame = document.getElementById("manuscript");
  const status = document.getElementById("status");
  const key = "casepub-scroll";
  const restore = () => {
    const y = sessionStorage.getItem(key);
    if (y !== null && frame.contentWindow) {
      frame.contentWindow.scrollTo(0, Number(y));
      sessionStorage.removeItem(key);
    }
  };
  if (frame) {
    frame.addEventListener("load", restore);
    const loaded = frame.contentDocument;
    if (loaded && loaded.readyState === "complete" && loaded.URL !== "about:blank") restore();
  }
  for (const select of document.querySelectorAll("select[data-submit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  const events = new EventSource("/events");
  events.onmessage = (event) => {
    const state = JSON.parse(event.data);
    body.classList.remove("offline");
    if (state.generation !== shown) {
      if (frame && frame.contentWindow) {
        sessionStorage.setItem(key, String(frame.contentWindow.scrollY));
      }
      events.close();
      location.reload();
      return;
    }
    body.classList.toggle("building", state.building);
    if (state.building) status.textContent = "rebuilding…";
  };
  events.onerror = () => {
    body.classList.add("offline");
    status.textContent = "server stopped; reconnecting…";
  };
})();
"""


def _options(values: Sequence[str], selected: str | None, names: dict[str, str]) -> str:
    return "".join(
        f'<option value="{escape(v)}"{" selected" if v == selected else ""}>'
        f"{escape(names.get(v, v))}</option>"
        for v in values
    )


def _findings(diagnostics: Sequence[Diagnostic]) -> str:
    items = "".join(
        f'<li class="{d.severity.value}">{escape(d.format())}</li>' for d in diagnostics
    )
    return f'<ul class="findings">{items}</ul>'


def _status(state: State) -> tuple[str, str]:
    """The badge's text and class."""
    result = state.result
    if result is None:
        return "building…", "building"
    if state.building:
        return "rebuilding…", "building"
    if not result.ok:
        return "build failed", "failed"
    return f"built in {result.seconds:.1f} s", "ok"


def render_page(state: State, case: str, journals: Sequence[str]) -> str:
    """The whole page for ``state``."""
    result = state.result
    langs = result.langs if result else ALL_LANGS
    lang = (result.lang if result else None) or state.settings.lang
    journal = (result.journal if result else None) or state.settings.journal
    text, badge = _status(state)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(case)} · casepub preview</title>",
        f"<style>{STYLE}</style></head>",
        f'<body data-generation="{escape(state.generation)}">',
        f"<header><h1>{escape(case)}</h1>",
        f'<span id="status" class="{badge}">{escape(text)}</span>',
        '<form method="post" action="/settings">',
        '<label>Language <select name="lang" data-submit>',
        _options(langs, lang, LANG_NAMES),
        "</select></label>",
        '<label>Journal <select name="journal" data-submit>',
        _options(journals, journal, {}),
        "</select></label>",
        "<noscript><button>Apply</button></noscript></form></header>",
    ]
    if result is not None:
        parts.append(_problems(result.errors, result.crash, result.findings, result.ok))
    if result is not None and result.ok:
        parts.append(
            '<iframe id="manuscript" title="manuscript"'
            f' src="/manuscript?g={escape(state.generation)}"'
            ' sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe>'
        )
    elif result is None:
        parts.append('<p class="empty">Building the manuscript…</p>')
    parts.append('<script src="/app.js"></script></body></html>')
    return "\n".join(parts)


def _problems(
    errors: Sequence[Diagnostic], crash: str | None, findings: Sequence[Diagnostic], ok: bool
) -> str:
    """The errors of a failed build, then the check's findings."""
    parts = []
    if errors or crash:
        parts.append('<section class="panel errors" id="errors"><h2>Build failed</h2>')
        if errors:
            parts.append(_findings(errors))
        if crash:
            parts.append(
                "<p>An unexpected error (a bug in casepub):</p>"
                f'<pre class="crash">{escape(crash)}</pre>'
            )
        parts.append("<p>Save the case again to retry.</p></section>")
    count = sum(d.severity is Severity.error for d in findings)
    title = f"Check: {count} error(s), {len(findings) - count} warning(s)"
    if not ok and not findings and errors:
        title = "Check: not run (see the errors above)"
    parts.append(f'<section class="panel" id="findings"><h2>{escape(title)}</h2>')
    if findings:
        parts.append(_findings(findings))
    parts.append("</section>")
    return "".join(parts)


def placeholder(message: str) -> str:
    """A page for the frame when there is no manuscript."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>casepub</title></head>'
        f'<body><p style="font-family: sans-serif; color: #666">{escape(message)}</p></body></html>'
    )
