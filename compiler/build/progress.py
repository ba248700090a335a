"""The phases a build goes through, as it tells whoever shows them: read, normalise, layout
(the HTML rendered into pages), PDF, EPUB. `Progress` times them and shows nothing; the command
line's display (`compiler.cli.progress`) shows them on a terminal.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator


class Progress:
    """Shows nothing. The base of the others, and what library callers get by default."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        self.started(name)
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.times[name] = self.times.get(name, 0.0) + elapsed
            self.finished(name, elapsed)

    def started(self, name: str) -> None:
        pass

    def finished(self, name: str, seconds: float) -> None:
        pass

    def step(self, name: str, done: str) -> None:
        """How far the phase `name` has got ("12/30 chapters"), while it runs."""

    def close_status(self) -> None:
        """Take the status off the screen until the next phase starts (lines are printed between)."""

    def close(self) -> None:
        pass

    def print(self, line: str) -> None:
        """Write a line to stderr without garbling a status being shown."""
        print(line, file=sys.stderr)
