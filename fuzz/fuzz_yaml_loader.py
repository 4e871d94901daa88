"""Fuzz the case loader: every input is written as case.yaml of a scaffolded case folder and
loaded with ``load_case`` (YAML parsing, validation, cross-field checks, sections, the .bib,
data files, clinical record, privacy scan).

``CasepubError`` is the expected way to refuse an input; any other exception is a finding.

    python fuzz/fuzz_yaml_loader.py /tmp/fuzz/yaml fuzz/corpus/fuzz_yaml_loader -max_total_time=600

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
    from casepub.load.loader import load_case
    from casepub.scaffold import new_case

_REPO = Path(__file__).resolve().parent.parent
_TEMP = tempfile.mkdtemp(prefix="casepub-fuzz-")
atexit.register(shutil.rmtree, _TEMP, ignore_errors=True)
_FOLDER = Path(_TEMP) / "case"
new_case(_FOLDER)
# A data file for `labs: [{file: labs.csv}]` in the inputs to reach the CSV reader.
shutil.copyfile(_REPO / "cases" / "pnet-tace" / "labs.csv", _FOLDER / "labs.csv")
_CASE_YAML = _FOLDER / "case.yaml"


def TestOneInput(data: bytes) -> None:
    """Load ``data`` as case.yaml; only ``CasepubError`` may come out."""
    _CASE_YAML.write_bytes(data)
    try:
        load_case(_FOLDER)
    except CasepubError as exc:
        for diagnostic in exc.diagnostics:
            if not diagnostic.message or not diagnostic.code:
                raise AssertionError(f"diagnostic without message or code: {diagnostic}") from None
    except Exception as exc:
        if not known(exc):
            raise


if __name__ == "__main__":
    main(TestOneInput)
