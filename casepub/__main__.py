"""``python -m casepub`` runs the command-line interface."""

from casepub.cli import main

raise SystemExit(main())
