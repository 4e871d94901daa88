"""References: reading BibTeX, finding citations in Markdown, checking that they agree."""
