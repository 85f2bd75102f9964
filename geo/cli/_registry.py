"""The sub-command registry: each module of :mod:`geo.cli` registers its commands here."""

from __future__ import annotations

import argparse
from collections.abc import Callable

# name -> (help, add_arguments, run); run returns the exit status.
COMMANDS: dict[str, tuple[str, Callable, Callable]] = {}


def command(name: str, help_text: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    """Register a sub-command; other modules of the CLI call this at import."""
    def register(run: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = (help_text, add_arguments, run)
        return run
    return register
