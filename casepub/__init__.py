"""casepub: write a medical case report once, as structured data, and publish it everywhere.

The pipeline, one module per stage: ``load`` → ``model`` (validate) → ``render`` (Jinja →
pandoc Markdown) → ``convert`` (pandoc, typst) → ``build`` (orchestrate, write atomically).
"""

__version__ = "0.1.0"
