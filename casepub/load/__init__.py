"""Stage 1: read a case folder into a validated, located ``LoadedCase``."""

from casepub.load.loader import LoadedCase, Passage, load_case

__all__ = ["LoadedCase", "Passage", "load_case"]
