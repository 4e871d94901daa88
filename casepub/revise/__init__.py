"""Revisions: a case at an earlier git revision, what changed between two versions of a case,
and the marked manuscript that shows it (``casepub diff``)."""
