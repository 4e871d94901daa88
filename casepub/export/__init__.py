"""Exports of a built manuscript to formats that are not made from its Markdown: JATS XML."""

from casepub.export.jats import build_jats

__all__ = ["build_jats"]
