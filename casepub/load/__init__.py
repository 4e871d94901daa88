"""Stage 1: read a case folder into a validated, located ``LoadedCase``.

``loader.load_case`` is the entry point; ``loaded`` holds what it returns. (Nothing is
imported here, so that the clinical stage can use the loader's types without a cycle.)
"""
