"""Stage 2b: clinical figures drawn with matplotlib from plain, already-translated data."""
