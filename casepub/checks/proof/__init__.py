"""The proof: after a build, every output is read back as a reader gets it and held to what a
typesetter checks — no template or markup left in the text, no glyphs printed over each other,
nothing outside the text area or across a column, every caption beside its float, and a DOCX
whose tables, styles and properties are set (and, where LibreOffice is installed, that prints
as cleanly as the PDF). See docs/proof.md.

- :mod:`.run` proofs files (``proof_paths``) and the outputs of a build (``proof_made``);
- :mod:`.pdf`, :mod:`.docx`, :mod:`.markup` check one format each, :mod:`.residue` the text
  of all of them, :mod:`.office` prints a DOCX with LibreOffice;
- :mod:`.stored` keeps findings by the hash of the file they were found in, so an unchanged
  output is never proofed twice.

This module imports nothing: an unchanged build replays stored findings without loading PDFium.
"""
