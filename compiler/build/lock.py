"""One build at a time per folder: a second build into an output folder (a watch running while
someone builds by hand) waits for the first, or says the folder is busy.

The lock is `fcntl.flock` on a file in the folder (`.reportc.lock`). The kernel releases it when
its holder's process ends in any way, SIGKILL included, so a killed build never leaves a folder
locked. The holder removes the file as it lets go, so the folder holds nothing but outputs; a
build that waited on the removed file sees that it is no longer the folder's lock and takes the
new one.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..diagnostics import EXIT_FAILURE, ReportError

LOCK_NAME = ".reportc.lock"
# How often a waiting build tries again. It waits as long as the other build runs (a book may
# take minutes), unless told a limit.
RETRY_SECONDS = 0.1


@contextmanager
def folder_locked(folder: Path, *, timeout: float | None = None,
                  waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold the lock of `folder` (which exists) for the block. When another build holds it,
    `waiting()` is called once and this waits as long as that build runs; with `timeout`
    (seconds), it gives up after that long with a ReportError saying the folder is busy (exit 1)."""
    path = folder / LOCK_NAME
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while True:
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise ReportError(f"{folder}: cannot lock the output folder ({exc.strerror or exc})", EXIT_FAILURE) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            if deadline is not None and time.monotonic() >= deadline:
                raise ReportError(f"busy: another reportc build is writing {folder}", EXIT_FAILURE) from None
            if not told and deadline is None:  # a build given a limit says only that it gave up
                waiting()
                told = True
            time.sleep(RETRY_SECONDS)
            continue
        if _is_current(handle, path):
            break
        os.close(handle)  # the holder removed the file as we waited on it: take the folder's new one
    try:
        yield
    finally:
        try:
            path.unlink(missing_ok=True)  # while still held: nobody can take a removed file for the lock
        finally:
            os.close(handle)


def _is_current(handle: int, path: Path) -> bool:
    """Is the open file `handle` still the one at `path`?"""
    try:
        current = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(handle)
    return (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino)
