"""Stage: checks. Everything ``casepub check`` says about a case beyond loading it — journal
requirements, CARE, consistency, bilingual parity, placeholders, de-identification,
suppressions — and, after a build, the proof of what was written.

A checker is a function ``(loaded, profile, manuscript) -> list[Diagnostic]`` in a module of
its own, registered with :func:`casepub.checks.registry.checker`; it knows nothing of the
others. :func:`casepub.checks.lint.lint` runs them all.
"""
