"""Stage 3: render a loaded case to pandoc Markdown through Jinja templates."""

from casepub.render.context import LangMode, Manuscript, build_manuscript
from casepub.render.markdown import render_markdown

__all__ = ["LangMode", "Manuscript", "build_manuscript", "render_markdown"]
