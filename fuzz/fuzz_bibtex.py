"""Fuzz the BibTeX reader: every input is written as a .bib file, read with
``read_bibliography`` and checked with ``check_bibliography`` (as ``casepub check`` does).

``CasepubError`` is the expected way to refuse an input; any other exception is a finding.

    python fuzz/fuzz_bibtex.py /tmp/fuzz/bib fuzz/corpus/fuzz_bibtex -max_total_time=600

See docs/fuzzing.md.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_common import instrumenting, known, main

with instrumenting(__name__ == "__main__"):
    from casepub.diagnostics import CasepubError
    from casepub.references.bibcheck import check_bibliography
    from casepub.references.bibtex import read_bibliography

_TEMP = tempfile.mkdtemp(prefix="casepub-fuzz-")
atexit.register(shutil.rmtree, _TEMP, ignore_errors=True)
_BIB = Path(_TEMP) / "references.bib"


def TestOneInput(data: bytes) -> None:
    """Read and check ``data`` as a .bib file; only ``CasepubError`` may come out."""
    _BIB.write_bytes(data)
    try:
        bibliography, problems = read_bibliography(_BIB, "references.bib")
        problems += check_bibliography(bibliography)
    except CasepubError as exc:
        problems = exc.diagnostics
    except Exception as exc:
        if not known(exc):
            raise
        return
    for diagnostic in problems:
        if not diagnostic.message or not diagnostic.code:
            raise AssertionError(f"diagnostic without message or code: {diagnostic}")


if __name__ == "__main__":
    main(TestOneInput)
