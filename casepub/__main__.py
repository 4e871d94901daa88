"""``python -m casepub`` runs the command-line interface."""

from casepub.cli import run

if __name__ == "__main__":  # not when a build worker process imports this module
    run()
