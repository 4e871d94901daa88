"""The DOCX as a reader gets it: printed to PDF by LibreOffice (``soffice --headless``), when
it is installed, and held to the PDF proof."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

TIMEOUT = 180.0
"""Seconds LibreOffice may take to print a batch of documents."""


class OfficeError(Exception):
    """LibreOffice failed to print a document."""


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    override = os.environ.get("CASEPUB_SOFFICE")
    if override is not None:
        return shutil.which(override) if override else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def print_to_pdf(documents: Sequence[Path]) -> dict[Path, bytes | str]:
    """Each DOCX of ``documents`` printed to PDF by one LibreOffice run, in a fresh profile
    of its own (so that runs at the same time do not share one): its PDF, or why there is
    none. Raises :class:`OfficeError` when LibreOffice cannot run at all."""
    command = soffice()
    if command is None:
        raise OfficeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="casepub-office-") as scratch:
        folder = Path(scratch)
        inputs = []
        for index, document in enumerate(documents):
            copy = folder / "in" / f"d{index}.docx"  # plain names: LibreOffice parses paths
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(document, copy)
            inputs.append(copy)
        try:
            result = subprocess.run(
                [
                    command,
                    f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder / "out"),
                    *map(str, inputs),
                ],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise OfficeError(f"LibreOffice took more than {TIMEOUT:.0f} s") from None
        printed: dict[Path, bytes | str] = {}
        said = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no PDF written"]
        for document, copy in zip(documents, inputs, strict=True):
            pdf = folder / "out" / f"{copy.stem}.pdf"
            printed[document] = pdf.read_bytes() if pdf.is_file() else said[0]
        return printed
