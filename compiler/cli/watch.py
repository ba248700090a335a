"""Watch mode: build once, then again each time the chapter (or an image it shows, or a file of
its layout) is saved, until Ctrl-C or SIGTERM.

Folders are watched, not files: editors save by writing a new file and renaming it over the old
one, which a watch on the old file would miss. Only changes to the files a build read count, so
outputs written inside the same folder never start another build. watchfiles gathers the
changes of one save (an editor writes several times in a few milliseconds) into one rebuild.
A failed build is reported and watching goes on; an interrupted one changes no output.
A save made between a build and the start of the folder watch (watchfiles gives no sign that
it is ready) would be missed: the state of the inputs (size, time, presence) taken before the
build read them is compared with theirs whenever the watch has nothing to report, so a save
made during a build or before the watch started is built too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Iterable

from ..build import interrupts
from ..diagnostics import EXIT_USAGE, ReportError

STEP_MS = 100  # a save is over when nothing more changed for this long …
DEBOUNCE_MS = 1600  # … or after this long, whatever still changes
QUIET_MS = 500  # how often the inputs are compared with their state at the last build


def watch(source: str | Path, rebuild: Callable[[], Iterable[Path] | None], *, layout_folder: Path,
          quiet: bool = False) -> int:
    """Run `rebuild` now and after every change to what it read; `rebuild` returns the files
    it read (None when it failed: the source alone is then watched, plus what an earlier build
    read). Returns 0 when stopped by Ctrl-C or SIGTERM."""
    from watchfiles import watch as watch_changes

    source = Path(source).absolute()
    layout_folder = layout_folder.resolve()

    def say(line: str) -> None:
        if not quiet:
            print(f"reportc: {line}", file=sys.stderr, flush=True)

    with interrupts.raising_on_signals():
        try:
            before = _state({source})
            inputs = _inputs(source, rebuild(), set())
            built = {**_state(inputs), **before}
            say(f"watching {source.name} for changes (Ctrl-C to stop)")
            while True:
                folders = sorted(folder for folder in {path.parent for path in inputs} | {layout_folder}
                                 if folder.is_dir())
                if source.parent not in folders:
                    raise ReportError(f"{source.parent}: no such folder to watch", EXIT_USAGE)

                def relevant(change: Any, path: str, inputs: set[Path] = inputs) -> bool:
                    changed = Path(path)
                    return changed.absolute() in inputs or changed.resolve().parent == layout_folder

                for changes in watch_changes(*folders, watch_filter=relevant, recursive=False, step=STEP_MS,
                                             debounce=DEBOUNCE_MS, raise_interrupt=True, yield_on_timeout=True,
                                             rust_timeout=QUIET_MS):
                    paths = {Path(path).absolute() for _, path in changes}
                    if not paths:
                        now = _state(inputs)
                        paths = {path for path in inputs if now[path] != built[path]}
                        if not paths:
                            continue
                    names = ", ".join(sorted(path.name for path in paths))
                    say(f"{names} changed: building again")
                    before = _state(inputs)  # taken before the build reads them: a save during it counts
                    new_inputs = _inputs(source, rebuild(), inputs)
                    built = {**_state(new_inputs), **before}
                    if new_inputs != inputs:
                        inputs = new_inputs
                        break  # other files to watch: start watching again
        except KeyboardInterrupt:  # Ctrl-C, SIGTERM (as Interrupted) or watchfiles' own
            say("stopped watching")
    return 0


def _inputs(source: Path, read: Iterable[Path] | None, before: set[Path]) -> set[Path]:
    if read is None:
        return before | {source}
    return {Path(path).absolute() for path in read} | {source}


def _state(paths: set[Path]) -> dict[Path, tuple[int, int] | None]:
    """Each file's size and modification time, None for a file that is not there."""
    found: dict[Path, tuple[int, int] | None] = {}
    for path in paths:
        try:
            status = path.stat()
        except OSError:
            found[path] = None
        else:
            found[path] = (status.st_size, status.st_mtime_ns)
    return found
