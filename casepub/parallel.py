"""Calls that wait on other processes (pandoc, typst's files), made at once in threads.

Each call runs with a copy of the caller's context (the build's stage cache is a context
variable); results come back in the order of the calls, and the first call that failed
raises its error, after every call has ended — no thread outlives ``together``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from typing import TypeVar

T = TypeVar("T")


def together(calls: Sequence[Callable[[], T]]) -> list[T]:
    """The results of ``calls``, made at once (one alone is made in this thread)."""
    if len(calls) < 2:
        return [call() for call in calls]
    with ThreadPoolExecutor(len(calls), thread_name_prefix="casepub") as pool:
        futures = [pool.submit(copy_context().run, call) for call in calls]
    return [future.result() for future in futures]
