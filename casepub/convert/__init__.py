"""Stage 4: convert pandoc Markdown to PDF (via typst), DOCX and HTML with the bundled pandoc."""
