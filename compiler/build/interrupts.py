"""SIGINT and SIGTERM during a build: stop, remove what was staged, change no earlier output.

Python turns SIGINT into KeyboardInterrupt, but SIGTERM (what `kill`, systemd and CI runners
send) ends the process at once, skipping every cleanup: staged `.part` files would stay behind.
While a build runs, both signals raise `Interrupted` instead, so the stack unwinds and the build's
cleanup runs. The handler also records the signal, and the build checks that record before it
commits: code that swallows exceptions (a bare `except:` in a library) cannot make an
interrupted build replace the outputs. The commit itself — renaming staged files into place —
runs with both signals held back (blocked in its thread, and deferred by the handler whichever
thread the signal reached), so it is never cut in half. A build killed outright (SIGKILL)
cannot clean up: its `.part` files carry its process id, and `process_running` tells the next
build whether they are still in use.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def process_running(pid: int) -> bool:
    """Is process `pid` alive (someone else's running build counts)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


class Interrupted(KeyboardInterrupt):
    """A build was stopped by a signal. A KeyboardInterrupt, so `except Exception` lets it pass."""

    def __init__(self, signum: int, after_commit: bool = False):
        super().__init__(signum)
        self.signum = signum
        self.after_commit = after_commit

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # what a shell reports for a process ended by this signal


_received: list[int] = []


def received() -> int | None:
    """The signal received while the handlers were installed, if any."""
    return _received[-1] if _received else None


_held: list[int] = []  # signals that came while a `signals_blocked` block ran
_holding = False
_committed = False  # a `signals_blocked(done=True)` block has committed the build's outputs


def _raise(signum: int, frame: Any) -> None:
    _received.append(signum)
    if _holding:
        # The thread mask holds a signal back only from the thread that set it: sent to the
        # process, it may be delivered to another thread (a progress display's), and Python
        # runs this handler in the main thread all the same, in the middle of the commit.
        _held.append(signum)
        return
    # Python runs the handler a little after the signal came, when the main thread can: after
    # a commit, the outputs are the new ones whenever the signal was sent
    raise Interrupted(signum, after_commit=_committed)


@contextmanager
def raising_on_signals() -> Iterator[None]:
    """Within this block SIGINT and SIGTERM raise `Interrupted` (in the main thread only; a
    signal ignored when the process started stays ignored, as a background job expects)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    global _committed, _holding
    previous = {}
    for signum in SIGNALS:
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:
            continue
        previous[signum] = current
        signal.signal(signum, _raise)
    _received.clear()
    _committed = False
    try:
        yield
    finally:
        # a handler run late must not cut the restoring short, leaving its own handler installed
        _held.clear()
        _holding = True
        try:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        finally:
            _holding = False
        if _held:
            raise Interrupted(_held[0], after_commit=_committed)


def check() -> None:
    """Raise `Interrupted` if a signal arrived (and was swallowed somewhere) since the handlers
    were installed."""
    signum = received()
    if signum is not None:
        raise Interrupted(signum)


@contextmanager
def signals_blocked(*, done: bool) -> Iterator[None]:
    """Run the block with SIGINT and SIGTERM held back; one that arrived meanwhile is taken
    afterwards and raised as `Interrupted`, with `after_commit=done` (the block committed the
    build's outputs: the build is over, not undone)."""
    global _committed, _holding
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _held.clear()
    _holding = True
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    completed = False
    try:
        yield
        completed = True
    finally:
        pending = signal.sigpending() & set(SIGNALS)
        for signum in pending:
            signal.sigtimedwait([signum], 0)  # take it, so unblocking does not deliver it again
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
        _committed = _committed or (done and completed)
        _holding = False
    arrived = [*_held, *pending]
    if arrived:
        _received.append(arrived[0])
        raise Interrupted(arrived[0], after_commit=done)
