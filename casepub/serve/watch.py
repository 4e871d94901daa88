"""Watch the case folder; ask for a rebuild after each burst of saves."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path

DEBOUNCE_MS = 800
"""The longest a burst of changes is collected before a rebuild is asked for."""
QUIET_MS = 100
"""A burst ends when nothing changed for this long."""


def watch_folder(
    folder: Path, ignore: Path, on_change: Callable[[], None], stop: threading.Event
) -> None:
    """Call ``on_change`` after each burst of changes under ``folder`` (not under ``ignore``,
    nor editors' swap and backup files), until ``stop`` is set."""
    from watchfiles import DefaultFilter, watch  # only the server needs it

    changes = watch(
        folder,
        watch_filter=DefaultFilter(ignore_paths=[ignore.resolve()]),
        debounce=DEBOUNCE_MS,
        step=QUIET_MS,
        stop_event=stop,
        raise_interrupt=False,
    )
    try:
        for _ in changes:
            on_change()
    except Exception as exc:  # the preview stays up; only live reload stops
        print(f"casepub: stopped watching {folder}: {exc}", file=sys.stderr, flush=True)
