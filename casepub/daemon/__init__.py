"""The build daemon: a resident ``casepub`` process that serves ``casepub build``.

A command-line build spends most of a one-word-edit rebuild starting Python and importing
the pipeline. The daemon, like dmypy or the Gradle daemon, keeps one warm process per user
and interpreter:

- :mod:`casepub.daemon.identity` — where it lives (a private folder) and what it was started
  from (interpreter, casepub's code and templates, installed packages, environment);
- :mod:`casepub.daemon.client` — ``casepub build`` hands its command line to the daemon, or
  builds in-process and starts one; the standard library only, so it costs milliseconds;
- :mod:`casepub.daemon.server` — the daemon: one build at a time, the same command-line code
  path, output streamed back; it exits when idle or when its identity no longer holds.

See ``docs/performance.md``, "The build daemon".
"""
