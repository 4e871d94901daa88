"""Stage 1: read a case folder into a validated, located ``LoadedCase``."""

from casepub.load.loaded import LoadedCase, Passage
from casepub.load.loader import load_case

__all__ = ["LoadedCase", "Passage", "load_case"]
