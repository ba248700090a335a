"""Outputs written so that a failed or interrupted build changes nothing.

Every output is written to a temporary `.part` file beside its target; only when all of them
are complete are they renamed into place, so an earlier good build survives a failure. An
interrupted build (SIGINT, SIGTERM: see `interrupts`) removes its `.part` files and renames
nothing; the renames themselves run with those signals held back.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Callable

from ..diagnostics import EXIT_FAILURE, EXIT_USAGE, ReportError
from . import interrupts


def output_folder(outdir: Path) -> Path:
    """`outdir`, made if need be; a folder that cannot be made is a usage error."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{outdir}: cannot create the output folder ({exc.strerror or exc})", EXIT_USAGE) from None
    return outdir


def remove_orphaned_parts(outdir: Path) -> None:
    """Remove `.part` files left by builds that were killed (their process no longer runs)."""
    for part in outdir.glob(".*.part"):
        fields = part.name.split(".")
        pid = next((int(field) for field in reversed(fields[2:-3]) if field.isdigit()), None)
        if pid is not None and pid != os.getpid() and not interrupts.process_running(pid):
            part.unlink(missing_ok=True)


class StagedOutputs:
    """Outputs written to `.part` files beside their targets and renamed into place together.

    A `.part` file is removed again when the build fails or is interrupted; the renames run with
    SIGINT and SIGTERM held back, so they are never cut in half. A build killed outright
    (SIGKILL, a power cut) cannot clean up: its `.part` files carry its process id, and the next
    build into the folder removes those whose process is gone."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.staged: dict[str, tuple[Path, Path]] = {}  # key → (staged file, target)
        self._cleanup = ExitStack()
        remove_orphaned_parts(outdir)

    def __enter__(self) -> "StagedOutputs":
        return self

    def __exit__(self, *exc: object) -> None:
        self._cleanup.close()

    def on_exit(self, cleanup: Callable[[], None]) -> None:
        """Run `cleanup` when the outputs are done with, whether the build succeeded or not."""
        self._cleanup.callback(cleanup)

    def stage(self, file_name: str, key: str, write: Callable[[Path], object]) -> Path:
        """Write one output (`key`: pdf, epub …) to a `.part` file; returns the staged file."""
        stem, _, suffix = file_name.rpartition(".")
        with interrupts.signals_blocked(done=False):  # no .part file without its cleanup
            try:
                handle, name = tempfile.mkstemp(prefix=f".{stem}.{os.getpid()}.", suffix=f".{suffix}.part",
                                                dir=self.outdir)
            except OSError as exc:  # a read-only or full file system, a folder we may not write in
                raise ReportError(f"{self.outdir / file_name}: cannot be written ({exc.strerror or exc})",
                                  EXIT_FAILURE) from None
            temp = Path(name)
            self._cleanup.callback(lambda: temp.unlink(missing_ok=True))
            os.close(handle)
        self.staged[key] = (temp, self.outdir / file_name)
        try:
            temp.chmod(0o644)
            write(temp)
        except OSError as exc:
            raise ReportError(f"{self.outdir / file_name}: cannot be written ({exc.strerror or exc})",
                              EXIT_FAILURE) from None
        return temp

    def commit(self) -> dict[str, Path]:
        """Rename every staged output into place; returns key → target."""
        interrupts.check()  # a signal some library swallowed still stops the build here
        committed: dict[str, Path] = {}
        with interrupts.signals_blocked(done=True):
            for key, (temp, target) in self.staged.items():
                try:
                    os.replace(temp, target)
                except OSError as exc:  # the target became a folder, or the file system went read-only
                    raise ReportError(f"{target}: cannot be replaced ({exc.strerror or exc})", EXIT_FAILURE) from None
                committed[key] = target
        return committed
