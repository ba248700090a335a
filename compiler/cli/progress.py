"""What a build shows while it runs: the phase it is in, and with --verbose what each took.

On a terminal a one-line status (rich) names the phase while it runs and disappears when the
build ends; when stderr is not a terminal, or with --quiet, nothing is shown. --verbose prints
each phase's time to stderr, terminal or not. rich is imported only when a status is shown, so
the command line stays quick to start.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from ..build.progress import Progress


class PhaseProgress(Progress):
    """A status line on a terminal (`live`) and/or each phase's time (`verbose`)."""

    def __init__(self, stream: TextIO, *, live: bool, verbose: bool) -> None:
        super().__init__()
        self.stream = stream
        self.verbose = verbose
        self.live: Any = None
        self.console: Any = None
        self.prefix = ""  # the target, when the command builds several ("2/3 yearbook: ")
        self.wanted = live
        if live:
            self._show("starting")

    def _show(self, name: str) -> None:
        from rich.console import Console
        from rich.live import Live

        if self.console is None:
            self.console = Console(file=self.stream, highlight=False)
        self.live = Live(self._status(name), console=self.console, transient=True, refresh_per_second=8)
        self.live.start()

    def _status(self, name: str) -> Any:
        from rich.spinner import Spinner

        return Spinner("dots", text=f"reportc: {self.prefix}{name}…")

    def started(self, name: str) -> None:
        if self.live is None and self.wanted:
            self._show(name)  # the next target of several, after its predecessor's lines
        if self.live is not None:
            # drawn at once: a short phase (read) would be over before the next refresh
            self.live.update(self._status(name), refresh=True)

    def step(self, name: str, done: str) -> None:
        if self.live is not None:
            self.live.update(self._status(f"{name} {done}"), refresh=True)

    def finished(self, name: str, seconds: float) -> None:
        if self.verbose:
            self.print(f"reportc: {name} {seconds:.2f} s")

    def print(self, line: str) -> None:
        if self.console is not None:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.stream, flush=True)

    def close_status(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None

    def close(self) -> None:
        self.close_status()
        self.wanted = False


def progress_for(*, quiet: bool = False, verbose: bool = False, stream: TextIO | None = None) -> Progress:
    """The display a command should use: a status only on a terminal and without --quiet."""
    stream = stream if stream is not None else sys.stderr
    live = not quiet and _is_terminal(stream)
    if not live and not verbose:
        return Progress()
    return PhaseProgress(stream, live=live, verbose=verbose)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
