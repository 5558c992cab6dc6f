"""How far a long export has got, for whoever is watching (a background job's progress bar)."""

from __future__ import annotations

from collections.abc import Callable

# Told (the stage in words, how many done, out of how many), e.g. ("Drawing charts", 12, 80);
# a background job (callbacks/performance.py) shows it as "Drawing charts: 12 of 80".
Progress = Callable[[str, int, int], None]


def quiet(_stage: str, _done: int, _total: int) -> None:
    """No one is watching (the CLI, the export route)."""
